"""A till speaks only for its own store and terminal: its own broker user, least privilege,
the AMQP user_id verified by RabbitMQ and held to the user's terminal by the ingest."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pika
import pika.exceptions
import pytest

from pos_central.broker_admin import BrokerAdmin
from pos_central.cli import main
from pos_central.tills import TillCredentials, TillRegistry
from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import STRICT, Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services


def registry(db_url: str, broker: Broker, admin: BrokerAdmin) -> TillRegistry:
    return TillRegistry(db_url, broker.url, broker.topology, admin)


def with_password(credentials: TillCredentials) -> str:
    scheme, rest = credentials.amqp_url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{credentials.password}@{host}"


@contextmanager
def till_channel(credentials: TillCredentials) -> Iterator[Any]:
    """A connection as the till's own user, with publisher confirms."""
    connection = pika.BlockingConnection(pika.URLParameters(with_password(credentials)))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        yield channel
    finally:
        if connection.is_open:
            connection.close()


def publish_as(
    channel: Any, broker: Broker, event: Envelope, user_id: str | None, exchange: str | None = None
) -> None:
    channel.basic_publish(
        broker.topology.events_exchange if exchange is None else exchange,
        event.routing_key,
        event.to_json(),
        pika.BasicProperties(
            delivery_mode=2,
            content_type="application/json",
            message_id=event.event_id,
            user_id=user_id,
        ),
        mandatory=True,
    )


def for_terminal(event: Envelope, store_id: str, terminal_id: str) -> Envelope:
    return replace(event, store_id=store_id, terminal_id=terminal_id)


def test_till_add_prints_credentials_once_and_binds_the_user_to_its_terminal(
    central_db: str, broker: Broker, admin: BrokerAdmin, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    common = ["--db-url", central_db, "--amqp-url", broker.url, "--prefix", broker.topology.prefix]
    assert main(["till", "add", "--store", "S001", "--terminal", "T01", "--json", *common]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["user"] == f"{broker.topology.prefix}till.S001.T01.1"
    assert len(printed["password"]) >= 24
    assert printed["amqp_url"] == f"amqp://{printed['user']}@127.0.0.1:5672/%2F"
    assert query(
        central_db, "SELECT user_name, store_id, terminal_id, generation, revoked_at FROM till_users"
    ) == [(printed["user"], "S001", "T01", 1, None)]
    assert printed["password"] not in json.dumps(
        query(central_db, "SELECT row_to_json(t)::text FROM till_users t")
    )
    permissions = admin.permissions(printed["user"])
    prefix = re.escape(broker.topology.prefix)
    assert permissions["configure"] == rf"^{prefix}till\.S001\.T01\.catalog$"
    assert permissions["write"] == rf"^({prefix}pos\.events|{prefix}till\.S001\.T01\.catalog)$"
    # the catalogue queue exists from registration on, bound to the catalogue exchange
    queue = broker.topology.till_catalog_queue("S001", "T01")
    broker.till_queues.append(queue)
    assert broker.depth(queue) == 0
    monkeypatch.delenv("POS_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", "es_AR")  # main() takes the run's language: pin Spanish
    assert main(["till", "list", *common]) == 0
    assert f"S001/T01  {printed['user']}  activa" in capsys.readouterr().out


def test_a_till_user_can_only_publish_its_own_event_types_and_read_its_own_queue(
    central_db: str, broker: Broker, admin: BrokerAdmin
) -> None:
    tills = registry(central_db, broker, admin)
    mine, other = tills.register("S001", "T01"), tills.register("S002", "T01")
    broker.till_queues += [
        broker.topology.till_catalog_queue("S001", "T01"),
        broker.topology.till_catalog_queue("S002", "T01"),
    ]
    sale = SimulatedTerminal("S001", "T01", seed=1).sale()
    with till_channel(mine) as channel:
        publish_as(channel, broker, sale, mine.user)  # allowed
    catalog = build_envelope(
        "catalog.changed",
        {"catalog_version": 1, "currency": "ARS", "products": []},
        store_id="central",
        terminal_id="catalog",
        seq=1,
    )
    refusals: list[tuple[str, int]] = []
    attempts = {
        "catalog.changed to pos.events": lambda ch: publish_as(ch, broker, catalog, mine.user),
        "anything to pos.catalog": lambda ch: publish_as(
            ch, broker, catalog, mine.user, exchange=broker.topology.catalog_exchange
        ),
        "another till's queue": lambda ch: ch.basic_get(
            broker.topology.till_catalog_queue("S002", "T01")
        ),
        "the ingest queue": lambda ch: ch.basic_get(broker.topology.ingest_queue),
        "a queue of its own making": lambda ch: ch.queue_declare(
            f"{broker.topology.prefix}mine", durable=True
        ),
        "another user's user_id": lambda ch: publish_as(ch, broker, sale, other.user),
    }
    for what, attempt in attempts.items():
        with till_channel(mine) as channel:
            try:
                attempt(channel)
                channel.basic_qos(prefetch_count=1)  # a round trip: a refusal arrives first
            except pika.exceptions.ChannelClosedByBroker as closed:
                refusals.append((what, closed.reply_code))
    assert refusals == [
        ("catalog.changed to pos.events", 403),
        ("anything to pos.catalog", 403),
        ("another till's queue", 403),
        ("the ingest queue", 403),
        ("a queue of its own making", 403),
        ("another user's user_id", 406),  # RabbitMQ itself verifies user_id
    ]
    assert broker.depth(broker.topology.ingest_queue) == 1


def test_an_event_for_another_store_or_without_a_till_user_is_dead_lettered_not_yours(
    central_db: str, broker: Broker, admin: BrokerAdmin
) -> None:
    credentials = registry(central_db, broker, admin).register("S001", "T01")
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T01"))
    till = SimulatedTerminal("S001", "T01", seed=2)
    own, elsewhere, unsigned, by_guest = till.sale(), till.sale(), till.sale(), till.sale()
    elsewhere = for_terminal(elsewhere, "S002", "T01")
    with till_channel(credentials) as channel:
        publish_as(channel, broker, own, credentials.user)
        publish_as(channel, broker, elsewhere, credentials.user)  # today: applied for S002
        publish_as(channel, broker, unsigned, None)  # no user_id: nobody vouches for it
    broker.publish([by_guest])  # the shared guest account, no user_id
    with running_ingest(central_db, broker, settings=STRICT) as ingest:
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 3, what="3 refused")
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        refused = ingest.counted("pos_central_events_dead_lettered_total", 3, code="not_yours")
    assert refused == 3
    assert query(central_db, "SELECT store_id, terminal_id, sale_id::text FROM sales") == [
        ("S001", "T01", own.payload["sale_id"])
    ]
    reasons = sorted(headers["x-pos-reject-reason"] for headers, _ in broker.dead_letters())
    assert reasons == sorted(
        [
            f"not_yours: el usuario {credentials.user} es la caja S001/T01; este evento dice "
            "S002/T01",
            "not_yours: evento sin user_id: solo una caja registrada (pos-central till add) "
            "publica por su tienda y caja; este dice S001/T01",
            "not_yours: evento sin user_id: solo una caja registrada (pos-central till add) "
            "publica por su tienda y caja; este dice S001/T01",
        ]
    )


def test_accepting_unregistered_users_still_holds_a_registered_till_to_its_terminal(
    central_db: str, broker: Broker, admin: BrokerAdmin
) -> None:
    credentials = registry(central_db, broker, admin).register("S001", "T01")
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T01"))
    till = SimulatedTerminal("S003", "T09", seed=3)
    by_guest, by_till = till.sale(), till.sale()
    broker.publish([by_guest])
    with till_channel(credentials) as channel:
        publish_as(channel, broker, by_till, credentials.user)
    with running_ingest(central_db, broker) as ingest:  # accept_unregistered=True
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        assert ingest.counted("pos_central_events_dead_lettered_total", 1, code="not_yours") == 1
    assert scalar(central_db, "SELECT sale_id::text FROM sales") == by_guest.payload["sale_id"]


def test_registering_again_replaces_the_credentials_and_revoking_locks_the_till_out(
    central_db: str, broker: Broker, admin: BrokerAdmin
) -> None:
    tills = registry(central_db, broker, admin)
    first = tills.register("S001", "T01")
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T01"))
    with till_channel(first):
        pass
    second = tills.register("S001", "T01")
    assert (second.generation, second.user) != (first.generation, first.user)
    assert second.password != first.password
    with pytest.raises(pika.exceptions.ProbableAuthenticationError), till_channel(first):
        pass
    with till_channel(second):
        pass
    assert tills.revoke("S001", "T01") == [first.user, second.user]
    with pytest.raises(pika.exceptions.ProbableAuthenticationError), till_channel(second):
        pass
    assert [(t.generation, t.revoked_at is not None) for t in tills.tills()] == [
        (1, True),
        (2, True),
    ]

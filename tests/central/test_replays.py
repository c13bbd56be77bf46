"""A dead letter replayed from head office keeps its first publisher's identity: a till's
event, fixed and replayed, is applied as that till's (no --accept-unregistered); a
"replay" forged by a till's user, or a replay that is not the dead letter's message, is
refused as not_yours."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pika
import pytest

from pos_central.api.db import Database
from pos_central.api.dead_letters import BackgroundWork
from pos_central.api.dead_letters import replay as replay_dead_letter
from pos_central.broker_admin import BrokerAdmin
from pos_central.ingest.replays import REPLAY_HEADER
from pos_central.tills import TillCredentials
from pos_contracts import Envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import STRICT, Broker, query, running_ingest, scalar, wait_until
from .test_till_identity import registry, till_channel

pytestmark = pytest.mark.services
TOO_SMALL = replace(STRICT, max_amount=1)  # every sale is out_of_bounds: the "bug" to fix


def publish(
    channel: Any, broker: Broker, body: bytes, user_id: str | None, headers: dict[str, Any]
) -> None:
    channel.basic_publish(
        broker.topology.events_exchange,
        "sale.completed",
        body,
        pika.BasicProperties(delivery_mode=2, content_type="application/json",
                             user_id=user_id, headers=headers),
        mandatory=True,
    )


def dead_letter_of(
    central_db: str, broker: Broker, till: TillCredentials, sale: Envelope
) -> int:
    """The till publishes ``sale``; an ingest that refuses it dead-letters it; head
    office's keeper moves it into ``dead_letters``. Returns its id."""
    with running_ingest(central_db, broker, settings=TOO_SMALL) as ingest, \
            till_channel(till) as channel:
        publish(channel, broker, sale.to_json(), till.user, {})
        wait_until(lambda: ingest.counter("pos_central_events_dead_lettered_total",
                                          code="out_of_bounds") == 1)
    db = Database(central_db, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    try:
        assert BackgroundWork(db, broker.url, broker.topology, lambda: None).drain() == 1
        with db.connection() as conn:
            row = conn.execute("SELECT dead_letter_id, headers->>'publisher' "
                               "FROM dead_letters").fetchone()
    finally:
        db.close()
    assert row is not None and row[1] == till.user  # who published it, as the ingest said
    return int(row[0])


def replay(central_db: str, broker: Broker, dead_letter_id: int) -> None:
    db = Database(central_db, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    try:
        with db.connection() as conn:
            replay_dead_letter(conn, broker.url, broker.topology, dead_letter_id, "marta",
                               "límite corregido")
    finally:
        db.close()


@pytest.fixture
def tills(central_db: str, broker: Broker, admin: BrokerAdmin) -> tuple[TillCredentials, ...]:
    found = registry(central_db, broker, admin)
    broker.till_queues += [broker.topology.till_catalog_queue("S001", t) for t in ("T01", "T02")]
    return found.register("S001", "T01"), found.register("S001", "T02")


def test_a_replayed_till_event_is_applied_as_that_tills_without_accept_unregistered(
    central_db: str, broker: Broker, tills: tuple[TillCredentials, ...]
) -> None:
    t01, _ = tills
    sale = SimulatedTerminal("S001", "T01", seed=91).sale()
    dead = dead_letter_of(central_db, broker, t01, sale)
    with running_ingest(central_db, broker, settings=STRICT) as ingest:  # the fixed ingest
        replay(central_db, broker, dead)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        assert ingest.counter("pos_central_events_dead_lettered_total", code="not_yours") == 0
    assert scalar(central_db, "SELECT sale_id::text FROM sales") == sale.payload["sale_id"]
    assert query(central_db, "SELECT status FROM dead_letters") == [("replayed",)]


def test_a_replay_forged_by_a_tills_user_or_altered_is_not_yours(
    central_db: str, broker: Broker, tills: tuple[TillCredentials, ...]
) -> None:
    t01, t02 = tills
    sale = SimulatedTerminal("S001", "T01", seed=92).sale()
    dead = dead_letter_of(central_db, broker, t01, sale)
    altered = replace(sale, seq=sale.seq + 1)  # not the dead letter's body
    with running_ingest(central_db, broker, settings=STRICT) as ingest:
        with till_channel(t02) as channel:  # T02 claims to replay T01's dead letter
            publish(channel, broker, sale.to_json(), t02.user, {REPLAY_HEADER: str(dead)})
        wait_until(lambda: ingest.counter("pos_central_events_dead_lettered_total",
                                          code="not_yours") == 1)
        office = pika.BlockingConnection(pika.URLParameters(broker.url))  # head office's user
        try:
            channel = office.channel()
            channel.confirm_delivery()
            publish(channel, broker, altered.to_json(), "guest", {REPLAY_HEADER: str(dead)})
        finally:
            office.close()
        wait_until(lambda: ingest.counter("pos_central_events_dead_lettered_total",
                                          code="not_yours") == 2)
    reasons = sorted(str(h["x-pos-reject-reason"]) for h, _ in broker.dead_letters())
    assert reasons == [
        f"not_yours: el usuario {t02.user} es la caja S001/T02; este evento dice S001/T01",
        f"not_yours: reenvío del mensaje descartado n.º {dead} que no es ese mensaje: "
        "la central reenvía sin cambiar nada",
    ]
    assert scalar(central_db, "SELECT count(*) FROM sales") == 0

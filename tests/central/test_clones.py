"""Two tills with one identity (a disk image restored twice): central catches it, keeps
every sale of both (quarantined, not lost), alerts, tells the tills, and takes the
identity back once a manager registers it again."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pika
import pytest

from pos_central.broker_admin import BrokerAdmin
from pos_central.cli import main
from pos_central.conflicts import build_conflicts_report
from pos_central.report import build_daily_report
from pos_central.tills import TillCredentials, TillRegistry
from pos_contracts import Envelope, build_envelope, parse_envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import STRICT, Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services


@contextmanager
def as_till(credentials: TillCredentials) -> Iterator[Any]:
    url = credentials.amqp_url.replace("@", f":{credentials.password}@", 1)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        yield channel
    finally:
        connection.close()


def publish(channel: Any, broker: Broker, user: str, events: list[Envelope]) -> None:
    for event in events:
        channel.basic_publish(
            broker.topology.events_exchange,
            event.routing_key,
            event.to_json(),
            pika.BasicProperties(delivery_mode=2, message_id=event.event_id, user_id=user),
            mandatory=True,
        )


def notices(broker: Broker) -> list[dict[str, Any]]:
    queue = broker.topology.till_catalog_queue("S001", "T01")
    found = []
    while True:
        method, properties, body = broker.channel.basic_get(queue, auto_ack=True)
        if method is None:
            return found
        assert properties.type == "till.suspended"
        found.append(parse_envelope(body).payload)


def sale_ids(db_url: str, table: str) -> set[str]:
    if table == "held_events":
        rows = query(db_url, "SELECT (body::jsonb)#>>'{payload,sale_id}' FROM held_events")
    else:
        rows = query(db_url, f"SELECT sale_id::text FROM {table}")
    return {row[0] for row in rows}


@pytest.fixture
def registered(central_db: str, broker: Broker, admin: BrokerAdmin) -> TillRegistry:
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T01"))
    return TillRegistry(central_db, broker.url, broker.topology, admin)


def test_two_tills_with_one_identity_keep_every_sale_and_are_told(
    central_db: str, broker: Broker, registered: TillRegistry
) -> None:
    user = registered.register("S001", "T01")
    first, second = SimulatedTerminal(seed=71), SimulatedTerminal(seed=72)  # both S001/T01
    a = [first.sale() for _ in range(4)]
    b = [second.sale() for _ in range(3)]
    with running_ingest(central_db, broker, settings=STRICT) as ingest, as_till(user) as channel:
        publish(channel, broker, user.user, a[:2])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
        publish(channel, broker, user.user, b[:1])  # seq 1 again: today dead-lettered seq_taken
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
        publish(channel, broker, user.user, [a[2], *b[1:], a[3]])  # from either: all held
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 5)
        # Counted just after the batch commits: wait for the count, not race it.
        wait_until(
            lambda: ingest.counter("pos_central_events_quarantined_total", reason="clone") == 5
        )
        assert ingest.counted("pos_central_alerts_total", 1, kind="clone") == 1
    assert broker.dead_letters() == []  # nothing lost to the dead-letter queue
    every_sale = {e.payload["sale_id"] for e in a + b}
    assert sale_ids(central_db, "sales") == {e.payload["sale_id"] for e in a[:2]}
    assert sale_ids(central_db, "sales") | sale_ids(central_db, "held_events") == every_sale
    assert query(central_db, "SELECT DISTINCT reason FROM held_events") == [("clone",)]
    [told] = notices(broker)  # one notice; each till that reads it requeues it
    assert (told["store_id"], told["terminal_id"], told["reason"], told["seq"]) == (
        "S001",
        "T01",
        "clone",
        1,
    )
    report = build_conflicts_report(central_db)
    assert [(s["store_id"], s["terminal_id"], s["lifted_at"]) for s in report["suspended"]] == [
        ("S001", "T01", None)
    ]
    assert [alert["kind"] for alert in report["alerts"]] == ["clone"]
    assert len(report["held"]) == 5
    day = date.fromisoformat(str(scalar(central_db, "SELECT current_date")))
    daily = build_daily_report(central_db, day)
    assert [(s["store_id"], s["terminal_id"]) for s in daily["suspended"]] == [("S001", "T01")]
    [held_row] = daily["held"]
    assert (held_row["reason"], held_row["events"], held_row["sales_total"]) == (
        "clone",
        5,
        sum(e.payload["total"] for e in [*b, *a[2:]]),
    )


def test_registering_the_identity_again_lets_its_new_user_sync_and_keeps_the_rest_held(
    central_db: str, broker: Broker, registered: TillRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    old = registered.register("S001", "T01")
    kept, other = SimulatedTerminal(seed=73), SimulatedTerminal(seed=74)
    mine = [kept.sale() for _ in range(3)]
    theirs = [other.sale() for _ in range(2)]
    with running_ingest(central_db, broker, settings=STRICT):
        with as_till(old) as channel:
            publish(channel, broker, old.user, [mine[0]])
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
            publish(channel, broker, old.user, [theirs[0]])
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
            publish(channel, broker, old.user, [mine[1], theirs[1]])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 3)
        new = registered.register("S001", "T01")  # the manager picks the till that keeps T01
        assert notices(broker) == []  # the notice is gone with the suspension
        later = [kept.sale() for _ in range(2)]
        with as_till(new) as channel:
            # its backlog (seq 2, 3: held before or never sent) and its new sales
            publish(channel, broker, new.user, [mine[1], mine[2], *later])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 5)
    assert sale_ids(central_db, "sales") == {e.payload["sale_id"] for e in [*mine, *later]}
    # the other till's sales stay held; nothing of the kept till is held any more
    assert query(central_db, "SELECT seq, reason FROM held_events ORDER BY seq") == [
        (1, "clone"),
        (2, "clone"),
    ]
    assert sale_ids(central_db, "held_events") == {e.payload["sale_id"] for e in theirs}
    assert query(central_db, "SELECT contiguous_seq, max_seq FROM terminal_progress") == [(5, 5)]
    assert main(["report", "conflicts", "--db-url", central_db]) == 0
    text = capsys.readouterr().out
    assert "Caja S001/T01: registrada de nuevo" in text and "(desde seq 2)" in text


def test_a_leftover_of_the_other_till_after_registering_again_is_held_without_suspending(
    central_db: str, broker: Broker, registered: TillRegistry
) -> None:
    old = registered.register("S001", "T01")
    kept, other = SimulatedTerminal(seed=75), SimulatedTerminal(seed=76)
    theirs, mine = other.sale(), kept.sale()
    with running_ingest(central_db, broker, settings=STRICT) as ingest:
        with as_till(old) as channel:
            publish(channel, broker, old.user, [theirs])  # theirs took seq 1
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
            publish(channel, broker, old.user, [mine])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
        new = registered.register("S001", "T01")
        with as_till(new) as channel:
            publish(channel, broker, new.user, [mine, kept.sale()])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
        wait_until(
            lambda: ingest.counter("pos_central_events_quarantined_total", reason="clone_leftover")
            == 1
        )
        assert ingest.counted("pos_central_alerts_total", 1, kind="clone") == 1  # no new one
    assert query(central_db, "SELECT lifted_at IS NOT NULL FROM terminal_suspensions") == [(True,)]


def test_a_journal_chain_that_forks_suspends_the_identity(
    central_db: str, broker: Broker, registered: TillRegistry
) -> None:
    user = registered.register("S001", "T01")
    till = SimulatedTerminal(seed=77)
    first = till.sale()
    twin = copy.deepcopy(till)  # the image, restored on a second machine
    twin._random.seed(78)  # which then sells other things
    second = till.sale()
    forked = twin.sale()  # continues from the first sale, not from the second
    forked = build_envelope(  # and its numbering from elsewhere: no seq collides
        "sale.completed",
        json.loads(json.dumps(forked.payload)),
        store_id="S001",
        terminal_id="T01",
        seq=3,
        occurred_at=forked.occurred_at,
    )
    after = till.sale()  # seq 3 of the first till: the identity is suspended by now
    with running_ingest(central_db, broker, settings=STRICT) as ingest:
        with as_till(user) as channel:
            publish(channel, broker, user.user, [first, second])
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
            publish(channel, broker, user.user, [forked])
        wait_until(lambda: ingest.counter("pos_central_alerts_total", kind="clone") == 1)
        with as_till(user) as channel:
            publish(channel, broker, user.user, [after])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
    assert query(central_db, "SELECT seq FROM journal_breaks") == [(3,)]
    assert query(central_db, "SELECT kind, seq FROM central_alerts") == [("clone", 3)]
    assert scalar(central_db, "SELECT count(*) FROM sales") == 3
    [told] = notices(broker)
    assert "se bifurca en seq 3" in told["detail"]

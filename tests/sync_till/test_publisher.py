"""The outbox publisher against the real RabbitMQ (outages through a cuttable proxy)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pika
import pytest
from sqlalchemy import select

from pos_central.topology import Topology
from pos_desktop.app import Till
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.store.tables import outbox
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.publisher import OutboxPublisher
from pos_desktop.sync.status import SyncState, read_sync_status
from tests.support.tcp_proxy import TcpProxy

from .helpers import sell, sync_settings, take_messages

pytestmark = pytest.mark.services


def outbox_rows(till: Till) -> list[dict[str, object]]:
    with till.reader.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.seq))]


def props_type(props: pika.BasicProperties) -> str:
    return str(props.type)


def make_publisher(till: Till, url: str, topo: Topology, *, failed_retry_interval: float = 0.5,
                   **changes: object) -> OutboxPublisher:
    settings = sync_settings(till, url, topo, **changes)
    queue = OutboxQueue(till.reader, till.writer, settings.store_id, settings.terminal_id)
    return OutboxPublisher(
        settings,
        queue,
        backoff=Backoff(base=0.05, cap=0.3),
        breaker=CircuitBreaker(threshold=1000),
        failed_retry_interval=failed_retry_interval,
    )


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture
def running() -> Iterator[list[OutboxPublisher]]:
    started: list[OutboxPublisher] = []
    yield started
    for p in started:
        p.stop()


def test_push_sends_every_pending_event_in_seq_order_with_its_properties(
    till: Till, amqp_url: str, topology: Topology
) -> None:
    sell(till, 25)
    rows = outbox_rows(till)  # the sales, and whatever else the till wrote (shift.opened)
    n = len(rows)
    assert n >= 25
    publisher = make_publisher(till, amqp_url, topology)

    result = publisher.drain(timeout=20)

    assert (result.confirmed, result.refused, result.remaining) == (n, 0, 0)
    messages = take_messages(amqp_url, topology.ingest_queue, n)
    assert [m[0].headers["seq"] for m in messages] == list(range(1, n + 1))
    for (props, body), row in zip(messages, rows, strict=True):
        envelope = json.loads(body)
        assert body.decode() == row["envelope"]
        assert props.message_id == envelope["event_id"] == row["event_id"]
        assert props.type == envelope["type"] == row["type"]
        assert props.delivery_mode == 2
        assert props.content_type == "application/json"
        assert props.app_id.startswith("pos-desktop/")
        assert abs(props.timestamp - time.time()) < 120
        assert props.headers["traceparent"] == row["traceparent"]
        assert row["trace_id"] in props.headers["traceparent"]
        assert props.headers["store_id"] == envelope["store_id"] == "S001"
        assert props.headers["terminal_id"] == envelope["terminal_id"] == "T01"
    assert {r["status"] for r in outbox_rows(till)} == {"sent"}
    assert all(r["sent_at"] for r in outbox_rows(till))


def test_a_catch_up_keeps_hundreds_of_confirms_in_flight(
    till: Till, amqp_url: str, topology: Topology
) -> None:
    sell(till, 200)
    publisher = make_publisher(till, amqp_url, topology, window=1000)
    assert publisher.drain(timeout=20).confirmed == len(outbox_rows(till))
    # One round trip per event would never have more than one message unconfirmed.
    assert publisher.max_in_flight >= 200


def test_unroutable_events_are_kept_as_failed_shown_and_sent_once_a_queue_exists(
    till: Till, amqp_url: str, unique_name: str
) -> None:
    lonely = Topology(prefix=f"test-lonely-{unique_name}.")
    queue = f"test-late-{unique_name}"
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        conn.channel().exchange_declare(lonely.events_exchange, "topic", durable=True)
    try:
        sell(till, 3)
        n = len(outbox_rows(till))
        publisher = make_publisher(till, amqp_url, lonely)
        first = publisher.drain(timeout=10)
        assert (first.confirmed, first.refused, first.remaining) == (0, n, n)
        rows = outbox_rows(till)
        assert {r["status"] for r in rows} == {"failed"}
        assert all("NO_ROUTE" in str(r["last_error"]) for r in rows)
        status = read_sync_status(till.reader, publisher.link)
        assert status.state is SyncState.ERROR
        assert (status.pending, status.failed) == (n, n)
        assert "NO_ROUTE" in (status.last_error or "")

        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            ch = conn.channel()
            ch.queue_declare(queue, durable=False, auto_delete=False)
            ch.queue_bind(queue, lonely.events_exchange, "#")
        second = publisher.drain(timeout=10)
        assert (second.confirmed, second.remaining) == (n, 0)
        assert {r["status"] for r in outbox_rows(till)} == {"sent"}
        assert len(take_messages(amqp_url, queue, n)) == n
    finally:
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            ch = conn.channel()
            ch.queue_delete(queue)
            ch.exchange_delete(lonely.events_exchange)


@contextmanager
def full_queue(amqp_url: str, name: str) -> Iterator[tuple[Topology, str]]:
    """An events exchange whose one queue holds 2 messages and refuses more: the broker
    nacks them. Deleted afterwards."""
    topology, queue = Topology(prefix=f"{name}."), name
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        ch = conn.channel()
        ch.exchange_declare(topology.events_exchange, "topic", durable=True)
        ch.queue_declare(queue, arguments={"x-max-length": 2, "x-overflow": "reject-publish"})
        ch.queue_bind(queue, topology.events_exchange, "#")
    try:
        yield topology, queue
    finally:
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            ch = conn.channel()
            ch.queue_delete(queue)
            ch.exchange_delete(topology.events_exchange)


def test_nacked_events_are_kept_as_failed(till: Till, amqp_url: str, unique_name: str) -> None:
    with full_queue(amqp_url, f"test-full-{unique_name}") as (full, _queue):
        sell(till, 5)
        n = len(outbox_rows(till))
        result = make_publisher(till, amqp_url, full).drain(timeout=10)
        assert (result.confirmed, result.refused) == (2, n - 2)
        statuses = [r["status"] for r in outbox_rows(till)]
        assert statuses == ["sent", "sent"] + ["failed"] * (n - 2)
        assert "nack" in str(outbox_rows(till)[-1]["last_error"])


def test_refused_events_go_again_soon_once_the_queue_takes_them(
    till: Till, amqp_url: str, unique_name: str, running: list[OutboxPublisher]
) -> None:
    # A refusal is the broker's state at that moment (a full queue, a quorum queue between
    # leaders, a queue being declared again), not the event's fault: the publisher tries
    # again soon, with backoff, on a new channel (a cluster's channel can go on nacking
    # every publish). The longest wait is an hour here, so only such a retry sends them.
    with full_queue(amqp_url, f"test-refusing-{unique_name}") as (refusing, queue):
        publisher = make_publisher(till, amqp_url, refusing, failed_retry_interval=3600.0)
        running.append(publisher)
        sell(till, 5)
        n = len(outbox_rows(till))
        publisher.start()
        wait_for(lambda: publisher.refused_total >= n - 2)
        assert publisher.confirmed_total == 2

        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            ch = conn.channel()  # the queue again, now with room: unroutable meanwhile
            ch.queue_delete(queue)
            ch.queue_declare(queue, durable=False, auto_delete=False)
            ch.queue_bind(queue, refusing.events_exchange, "#")
        wait_for(lambda: {r["status"] for r in outbox_rows(till)} == {"sent"}, timeout=30)
        refused = {str(r["event_id"]) for r in outbox_rows(till)[2:]}
        got = {str(props.message_id) for props, _body in
               take_messages(amqp_url, queue, n - 2, all_of_them=True)}
        assert refused <= got


def test_offline_sales_wait_and_go_out_when_the_link_returns(
    till: Till, proxy: TcpProxy, amqp_url: str, topology: Topology,
    running: list[OutboxPublisher],
) -> None:
    proxy.down()
    publisher = make_publisher(till, proxy.url(), topology)
    running.append(publisher)
    publisher.start()
    sales = sell(till, 6)
    n = len(outbox_rows(till))
    publisher.wake()
    wait_for(lambda: publisher.link().state is SyncState.OFFLINE)
    status = read_sync_status(till.reader, publisher.link)
    assert status.state is SyncState.OFFLINE
    assert status.pending == n
    assert status.oldest_unsent_age_s is not None
    assert status.oldest_unsent_age_s >= 0

    proxy.up()
    wait_for(lambda: publisher.confirmed_total == n)
    assert publisher.link().state is SyncState.ONLINE
    messages = take_messages(amqp_url, topology.ingest_queue, n)
    got = sorted(json.loads(body)["payload"]["sale_id"] for _props, body in messages
                 if props_type(_props) == "sale.completed")
    assert got == sorted(str(s["sale_id"]) for s in sales)
    assert read_sync_status(till.reader, publisher.link).pending == 0


def test_a_sale_reaches_the_broker_within_a_second_thanks_to_the_wake_up(
    till: Till, amqp_url: str, topology: Topology, running: list[OutboxPublisher]
) -> None:
    publisher = make_publisher(till, amqp_url, topology, poll_interval=30.0)
    running.append(publisher)
    till.after_commit.append(publisher.wake)
    publisher.start()
    wait_for(lambda: publisher.link().state is SyncState.ONLINE)
    before = len(outbox_rows(till))  # the demo's shift.opened goes out at connect
    wait_for(lambda: publisher.confirmed_total == before)

    started = time.monotonic()
    sell(till, 1)
    messages = take_messages(amqp_url, topology.ingest_queue, before + 1, timeout=5)
    elapsed = time.monotonic() - started

    assert messages[-1][0].type == "sale.completed"
    assert elapsed < 1.0
    wait_for(lambda: publisher.confirmed_total == before + 1, timeout=2)


def test_link_cut_while_confirms_are_in_flight_loses_nothing(
    till: Till, proxy: TcpProxy, amqp_url: str, topology: Topology,
    running: list[OutboxPublisher],
) -> None:
    sell(till, 300)
    event_ids = {str(r["event_id"]) for r in outbox_rows(till)}
    n = len(event_ids)
    publisher = make_publisher(till, proxy.url(), topology, window=1000)
    running.append(publisher)
    # Let the handshake through, then cut in the middle of the publishing burst.
    proxy.down_after(150_000)
    publisher.start()
    wait_for(lambda: proxy.accepted >= 1 and not proxy._up.is_set())
    wait_for(lambda: publisher.link().state is SyncState.OFFLINE)
    assert publisher.marks.wait_idle(10)  # confirms that arrived before the cut are recorded
    cut_during_burst = publisher.confirmed_total
    assert cut_during_burst < n
    pending_after_cut = read_sync_status(till.reader, publisher.link).pending
    assert pending_after_cut == n - cut_during_burst

    proxy.up()
    wait_for(lambda: read_sync_status(till.reader, publisher.link).pending == 0, timeout=30)

    messages = take_messages(amqp_url, topology.ingest_queue, n, timeout=10, all_of_them=True)
    # At least once: some may be duplicated; none is missing.
    assert {p.message_id for p, _body in messages} == event_ids
    assert {r["status"] for r in outbox_rows(till)} == {"sent"}


def test_a_missing_exchange_is_an_error_that_names_it_and_keeps_the_events(
    till: Till, amqp_url: str, unique_name: str
) -> None:
    nowhere = Topology(prefix=f"test-missing-{unique_name}.")
    n = len(outbox_rows(till))
    publisher = make_publisher(till, amqp_url, nowhere)
    result = publisher.drain(timeout=1.5)
    assert (result.confirmed, result.remaining) == (0, n)
    link = publisher.link()
    assert link.state is SyncState.ERROR
    assert "404" in (link.error or "") and nowhere.events_exchange in (link.error or "")
    assert {r["status"] for r in outbox_rows(till)} == {"pending"}


def test_a_broker_alarm_cannot_hang_the_publisher(
    till: Till, proxy: TcpProxy, amqp_url: str, topology: Topology,
    running: list[OutboxPublisher],
) -> None:
    publisher = make_publisher(till, proxy.url(), topology, blocked_timeout=1.0)
    running.append(publisher)
    publisher.start()
    wait_for(lambda: publisher.link().state is SyncState.ONLINE)
    before = len(outbox_rows(till))
    wait_for(lambda: publisher.confirmed_total == before)
    first_connection = proxy.accepted

    proxy.alarm()
    wait_for(lambda: publisher.link().state is SyncState.ERROR, timeout=5)
    assert "alarm" in (publisher.link().error or "")
    sell(till, 1)
    publisher.wake()
    # Blocked past blocked_timeout: the publisher drops the link and connects again
    # (the proxy lets new connections through), instead of waiting forever.
    wait_for(lambda: proxy.accepted > first_connection, timeout=15)
    wait_for(lambda: publisher.confirmed_total == len(outbox_rows(till)), timeout=15)
    assert publisher.link().state is SyncState.ONLINE


def test_each_message_carries_the_tills_clock_at_sending(
    till: Till, amqp_url: str, topology: Topology
) -> None:
    """x-pos-sent-at is the till's own clock (here a year slow), for head office to
    compare with its own on receipt."""
    sell(till, 3)
    year = 365 * 86400.0
    publisher = make_publisher(till, amqp_url, topology)
    publisher.clock = lambda: time.time() - year
    before = time.time()
    result = publisher.drain(timeout=20)
    after = time.time()
    messages = take_messages(amqp_url, topology.ingest_queue, result.confirmed)
    assert len(messages) == result.confirmed >= 3
    for props, _ in messages:
        sent = props.headers["x-pos-sent-at"] / 1000
        assert before - year - 1 <= sent <= after - year + 1


class Longest(random.Random):
    """Backoff's dice always land on the longest wait."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_a_cluster_address_list_fails_over_to_the_node_that_answers(
    till: Till, amqp_url: str, topology: Topology, running: list[OutboxPublisher]
) -> None:
    """sync.amqp_url lists a cluster's nodes: a dead first node costs one attempt, and a
    node lost while publishing sends the till to the next at once (no backoff wait)."""
    dead = "amqp://guest:guest@127.0.0.1:1/%2F"  # nothing listens on port 1
    with TcpProxy() as first:
        sell(till, 10)
        publisher = make_publisher(till, f"{dead},{first.url()},{amqp_url}", topology)
        result = publisher.drain(timeout=20)
        assert result.complete and result.confirmed == len(outbox_rows(till))
        assert first.accepted == 1  # the dead node was skipped, the first live one taken
        running.append(publisher)
        publisher.connection.backoff = Backoff(base=60, cap=60, rng=Longest())
        publisher.start()
        wait_for(lambda: publisher.link().state is SyncState.ONLINE)
        first.down()  # that node dies with the till connected to it
        sell(till, 5, seed=8)  # no wake(): a backoff wait (60 s) would show
        wait_for(lambda: {r["status"] for r in outbox_rows(till)} == {"sent"})
    assert publisher.link().state is SyncState.ONLINE
    taken = take_messages(amqp_url, topology.ingest_queue, len(outbox_rows(till)), all_of_them=True)
    assert {int(p.headers["seq"]) for p, _ in taken} == {r["seq"] for r in outbox_rows(till)}

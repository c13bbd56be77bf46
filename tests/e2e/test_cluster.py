"""The chain's deployment: a three-node RabbitMQ cluster on one machine (loopback ports,
own node names and data folders, one Erlang cookie, ``rabbitmqctl join_cluster``).

``central.ingest`` and its dead-letter queue are quorum queues replicated on the three
nodes. A backlog drains through the ingest while the node it consumes from is killed
with SIGKILL, then (once that node is back and the queues would keep a majority without
the next) the node it moved to; a till publishes through the same address list the
whole time. Every sale ends in PostgreSQL exactly once. And a till whose first publish
comes just after the queue's leader died: its events are refused, then all sent.

It skips (with the reason) only when rabbitmq-server cannot start extra nodes here;
under POS_REQUIRE_SERVICES=1 (CI) that fails instead.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pika
import psycopg
import pytest
from sqlalchemy import text

from pos_central.config import psycopg_conninfo
from pos_central.database import migrate
from pos_central.ingest.consumer import IngestConsumer, IngestHooks, IngestSettings
from pos_central.topology import Topology, declare_topology
from pos_contracts import Envelope
from pos_contracts.testing import SimulatedTerminal
from pos_desktop.app import Till
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.publisher import OutboxPublisher
from tests.support.rabbit_cluster import ClusterUnavailable, RabbitCluster, RabbitNode
from tests.sync_till.helpers import sell, sync_settings

pytestmark = [pytest.mark.services, pytest.mark.slow]
BACKLOG = 1500  # sales of another till, waiting in the queue before the ingest starts
MORE = 300  # and more of them as each node is about to die


def wait_for(condition: Callable[[], bool], timeout: float = 90.0, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def scalar(db_url: str, sql: str) -> Any:
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        row = db.execute(sql).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return row[0]


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitCluster]:
    # A short folder: Erlang's paths and the node names stay readable in its logs.
    try:
        found = RabbitCluster(tmp_path_factory.mktemp("rmq"))
        found.start()
    except (ClusterUnavailable, OSError) as error:
        reason = f"rabbitmq-server cannot start a three-node cluster here: {error}"
        if os.environ.get("POS_REQUIRE_SERVICES") == "1":
            pytest.fail(reason + " (POS_REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    try:
        yield found
    finally:
        found.close()


def publish_backlog(url: str, topology: Topology, events: list[Envelope]) -> None:
    with pika.BlockingConnection(pika.URLParameters(url)) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        for env in events:
            channel.basic_publish(
                topology.events_exchange, env.routing_key, env.to_json(),
                pika.BasicProperties(delivery_mode=2, content_type="application/json",
                                     message_id=env.event_id),
                mandatory=True,
            )


def node_of(cluster: RabbitCluster, url: str) -> RabbitNode:
    return next(node for node in cluster.nodes if node.url == url)


class Gate:
    """Holds the ingest just before a commit, so a node can die under a batch that is
    applied but not yet acknowledged."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()
        self.waiting = threading.Event()

    def __call__(self, applied: object) -> None:
        if not self.open.is_set():
            self.waiting.set()
            self.open.wait(120)


def test_a_backlog_drains_exactly_once_while_two_nodes_are_killed_in_turn(
    cluster: RabbitCluster, pg_database: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    phases: dict[str, float] = {}
    migrate(pg_database)
    topology = Topology(prefix="cluster.")
    first = cluster.nodes[0]
    with pika.BlockingConnection(pika.URLParameters(first.url)) as connection:
        declare_topology(connection.channel(), topology)
    for queue in (topology.ingest_queue, topology.dead_letter_queue):
        status = cluster.members(queue)
        assert all(node.name in status for node in cluster.nodes), status  # 3 replicas
    other = SimulatedTerminal(terminal_id="T09", seed=21)
    publish_backlog(first.url, topology, [other.sale(1) for _ in range(BACKLOG)])

    till = Till.open(tmp_path / "till", demo=True)
    settings = sync_settings(till, cluster.urls, topology)
    queue = OutboxQueue(till.reader, till.writer, settings.store_id, settings.terminal_id)
    publisher = OutboxPublisher(settings, queue, backoff=Backoff(base=0.1, cap=0.5),
                                breaker=CircuitBreaker(threshold=1000))
    gate = Gate()
    consumer = IngestConsumer(
        db_url=pg_database, amqp_url=cluster.urls, topology=topology,
        settings=IngestSettings(batch_size=100, batch_wait=0.02, prefetch=400,
                                backoff_initial=0.1, backoff_max=0.5,
                                accept_unregistered=True),  # guest: a lab broker
        hooks=IngestHooks(before_commit=gate),
    )
    stop = threading.Event()
    ingest = threading.Thread(target=consumer.run, args=(stop,), daemon=True)

    def sales() -> int:
        return int(scalar(pg_database, "SELECT count(*) FROM sales"))

    def kill_under_a_batch(node: RabbitNode) -> None:
        gate.waiting.clear()
        gate.open.clear()
        # More of the other till's sales, so there is a batch to hold whatever was left.
        alive = next(n for n in cluster.nodes if n is not node)
        publish_backlog(alive.url, topology, [other.sale(1) for _ in range(MORE)])
        wait_for(gate.waiting.is_set, what="the ingest holding a batch before its commit")
        node.kill()
        gate.open.set()  # committed, never acked: redelivered, recognised as a duplicate

    try:
        sell(till, 40)
        publisher.start()
        ingest.start()
        wait_for(lambda: sales() >= BACKLOG // 5, what="a fifth of the backlog applied")
        victim = node_of(cluster, consumer._brokers.current())
        kill_under_a_batch(victim)
        sell(till, 30, seed=8)  # the till's node may be the dead one: it moves on
        wait_for(lambda: sales() >= BACKLOG // 2, what="the drain going on without the node")
        phases["first kill"] = time.monotonic() - started
        cluster.restart(victim)
        phases["restarted"] = time.monotonic() - started
        second = node_of(cluster, consumer._brokers.current())
        assert second is not victim
        wait_for(lambda: cluster.safe_to_lose(second), what="the queues safe without the next")
        phases["safe"] = time.monotonic() - started
        kill_under_a_batch(second)
        sell(till, 30, seed=9)
        expected = BACKLOG + 2 * MORE + 100

        def unsent() -> int:
            with till.reader.connect() as conn:
                return int(conn.execute(
                    text("SELECT count(*) FROM outbox WHERE status != 'sent'")).scalar_one())

        try:
            wait_for(lambda: sales() == expected and unsent() == 0, timeout=120,
                     what=f"{expected} sales in PostgreSQL and the till's outbox sent")
        except AssertionError as timed_out:  # say where it stopped
            with till.reader.connect() as conn:
                states = conn.execute(text(
                    "SELECT status, last_error, count(*) FROM outbox WHERE status != 'sent' "
                    "GROUP BY 1, 2")).all()
            raise AssertionError(f"{timed_out}: {sales()} sales, unsent {states}, "
                                 f"publisher {publisher.link()!r}") from None
        with till.reader.connect() as conn:
            outbox_events = int(conn.execute(text("SELECT count(*) FROM outbox")).scalar_one())
    finally:
        stop.set()
        ingest.join(30)
        publisher.stop()
        till.close()
    assert scalar(pg_database, "SELECT count(DISTINCT sale_id) FROM sales") == expected
    assert scalar(pg_database, "SELECT count(*) FROM processed_events") == (
        BACKLOG + 2 * MORE + outbox_events
    )
    assert scalar(pg_database, "SELECT count(*) FROM sales WHERE terminal_id = 'T01'") == 100
    phases["done"] = time.monotonic() - started
    print(json.dumps({name: round(at, 1) for name, at in phases.items()}))


def test_a_till_reaching_a_node_just_after_the_queue_leader_died_sends_everything(
    cluster: RabbitCluster, tmp_path: Path
) -> None:
    # RabbitMQ 3.10: a channel whose first publish to a quorum queue finds its leader's
    # node dead nacks every later publish to that queue while it lives. The till's events
    # are refused, then sent on a new channel once the queue has its new leader.
    topology = Topology(prefix="cluster.")
    with pika.BlockingConnection(pika.URLParameters(cluster.nodes[0].url)) as connection:
        declare_topology(connection.channel(), topology)
    status = json.loads(cluster.members(topology.ingest_queue))
    leader = next(row["Node Name"] for row in status if row.get("Raft State") == "leader")
    victim = next(node for node in cluster.nodes if node.name == leader)
    survivor = next(node for node in cluster.nodes if node is not victim)
    till = Till.open(tmp_path / "till", demo=True)
    settings = sync_settings(till, survivor.url, topology)
    queue = OutboxQueue(till.reader, till.writer, settings.store_id, settings.terminal_id)
    publisher = OutboxPublisher(settings, queue, backoff=Backoff(base=0.1, cap=0.5),
                                breaker=CircuitBreaker(threshold=1000))
    try:
        sell(till, 10)
        victim.kill()
        publisher.start()
        wait_for(lambda: queue.unsent_count() == 0,
                 what="the till's outbox sent through the node that lived")
        assert publisher.confirmed_total >= 10
    finally:
        publisher.stop()
        till.close()

"""Central fixtures: a migrated database, a private broker topology, a running ingest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pika
import psycopg
import pytest
from conftest import require_service

from pos_central.broker_admin import BrokerAdmin
from pos_central.config import psycopg_conninfo
from pos_central.ingest.consumer import IngestConsumer, IngestHooks, IngestSettings
from pos_central.metrics import IngestMetrics
from pos_central.topology import Topology, declare_topology, delete_topology
from pos_contracts import Envelope

FAST = IngestSettings(
    batch_size=50,
    batch_wait=0.02,
    prefetch=200,
    backoff_initial=0.1,
    backoff_max=0.5,
    accept_unregistered=True,  # these tests publish as guest; test_till_identity does not
)
STRICT = replace(FAST, accept_unregistered=False)


def wait_until(
    predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def query(
    db_url: str, sql: str, params: Iterable[Any] | dict[str, Any] = ()
) -> list[tuple[Any, ...]]:
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        return db.execute(sql, params).fetchall()  # type: ignore[arg-type]


def scalar(db_url: str, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Any:
    return query(db_url, sql, params)[0][0]


@dataclass
class Broker:
    """A private topology on the shared RabbitMQ, deleted after the test."""

    url: str
    topology: Topology
    channel: Any
    till_queues: list[str] = field(default_factory=list)
    admin: BrokerAdmin | None = None
    """Set by the ``admin`` fixture: users named with the prefix are deleted afterwards."""

    def publish(
        self, messages: Iterable[Envelope | bytes], routing_key: str = "sale.completed"
    ) -> None:
        for message in messages:
            if isinstance(message, Envelope):
                body, key, message_id = message.to_json(), message.routing_key, message.event_id
            else:
                body, key, message_id = message, routing_key, None
            self.channel.basic_publish(
                self.topology.events_exchange,
                key,
                body,
                pika.BasicProperties(
                    delivery_mode=2, content_type="application/json", message_id=message_id
                ),
                mandatory=True,
            )

    def depth(self, queue: str) -> int:
        return int(self.channel.queue_declare(queue, passive=True).method.message_count)

    def dead_letters(self) -> list[tuple[dict[str, Any], bytes]]:
        found: list[tuple[dict[str, Any], bytes]] = []
        while True:
            method, properties, body = self.channel.basic_get(
                self.topology.dead_letter_queue, auto_ack=True
            )
            if method is None:
                return found
            found.append((dict(properties.headers or {}), body))


@pytest.fixture
def broker(amqp_url: str, unique_name: str) -> Iterator[Broker]:
    topology = Topology(prefix=f"test-{unique_name}.")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    declare_topology(channel, topology)
    found = Broker(amqp_url, topology, channel)
    try:
        yield found
    finally:
        if not connection.is_open or not channel.is_open:
            connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
            channel = connection.channel()
        delete_topology(channel, topology, found.till_queues)
        connection.close()
        if found.admin is not None:  # till users this test registered
            for user in found.admin.users():
                if user.startswith(topology.prefix):
                    found.admin.delete_user(user)


@pytest.fixture
def admin(broker: Broker) -> BrokerAdmin:
    """RabbitMQ's management API (plugin rabbitmq_management on 15672; .ci/run enables it)."""
    require_service("RabbitMQ management API", "127.0.0.1", 15672)
    broker.admin = BrokerAdmin.for_amqp(broker.url)
    return broker.admin


class RunningIngest:
    def __init__(self, consumer: IngestConsumer) -> None:
        self.consumer = consumer
        self.metrics: IngestMetrics = consumer.metrics
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="ingest")

    def _run(self) -> None:
        try:
            self.consumer.run(self.stop)
        except BaseException as error:  # surfaced in the test thread
            self.error = error

    def counter(self, name: str, **labels: str) -> float:
        value = self.metrics.registry.get_sample_value(name, labels or None)
        return value or 0.0

    def counted(self, name: str, expected: float, **labels: str) -> float:
        """The counter once it has reached ``expected`` (or after a timeout): the ingest
        counts just after a batch commits or a dead letter is confirmed, so what a test sees
        in PostgreSQL or the broker may be a moment ahead of it. More than expected is
        returned as it is, for the test's assertion to catch."""
        deadline = time.monotonic() + 30.0
        while (value := self.counter(name, **labels)) < expected and time.monotonic() < deadline:
            time.sleep(0.02)
        return value


@contextmanager
def running_ingest(
    db_url: str,
    broker: Broker,
    *,
    hooks: IngestHooks | None = None,
    settings: IngestSettings = FAST,
) -> Iterator[RunningIngest]:
    running = RunningIngest(
        IngestConsumer(
            db_url=db_url,
            amqp_url=broker.url,
            topology=broker.topology,
            settings=settings,
            hooks=hooks,
        )
    )
    running.thread.start()
    try:
        yield running
    finally:
        running.stop.set()
        running.thread.join(timeout=30)
        assert not running.thread.is_alive(), "ingest did not stop within 30 s"
    if running.error is not None:
        raise running.error

"""The RabbitMQ topology central owns, declared by one function that tests reuse.

Every name carries an optional prefix so that tests (and staging next to production on
one broker) get their own exchanges and queues.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pika.adapters.blocking_connection import BlockingChannel

from pos_contracts import wire


@dataclass(frozen=True)
class Topology:
    prefix: str = ""

    @property
    def events_exchange(self) -> str:
        return self.prefix + wire.EVENTS_EXCHANGE

    @property
    def ingest_queue(self) -> str:
        return self.prefix + "central.ingest"

    @property
    def dead_letter_exchange(self) -> str:
        return self.prefix + wire.EVENTS_EXCHANGE + ".dlx"

    @property
    def dead_letter_queue(self) -> str:
        return self.prefix + "central.ingest.dead"

    @property
    def catalog_exchange(self) -> str:
        return self.prefix + wire.CATALOG_EXCHANGE

    def till_catalog_queue(self, store_id: str, terminal_id: str) -> str:
        return wire.till_catalog_queue(store_id, terminal_id, self.prefix)


def declare_topology(channel: BlockingChannel, topology: Topology) -> None:
    """Exchanges and queues of the event flow and the catalog flow (idempotent).

    ``central.ingest`` is a quorum queue (replicated, survives a node loss) bound to every
    routing key; what it rejects goes through ``pos.events.dlx`` to ``central.ingest.dead``.
    No delivery limit: a PostgreSQL outage returns messages to the queue, and that must
    never dead-letter a sale.
    """
    channel.exchange_declare(topology.events_exchange, "topic", durable=True)
    channel.exchange_declare(topology.dead_letter_exchange, "topic", durable=True)
    channel.queue_declare(
        topology.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    channel.queue_bind(topology.dead_letter_queue, topology.dead_letter_exchange, "#")
    channel.queue_declare(
        topology.ingest_queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": topology.dead_letter_exchange,
        },
    )
    channel.queue_bind(topology.ingest_queue, topology.events_exchange, "#")
    channel.exchange_declare(topology.catalog_exchange, "topic", durable=True)


def declare_till_catalog_queue(
    channel: BlockingChannel, topology: Topology, store_id: str, terminal_id: str
) -> str:
    """The durable queue one till reads catalog changes from; returns its name. Head
    office binds its store's people to it too (the till's own user may bind only
    ``catalog.changed``, and tills registered before people were sent have no more)."""
    name = topology.till_catalog_queue(store_id, terminal_id)
    channel.queue_declare(name, durable=True, arguments=dict(wire.TILL_CATALOG_QUEUE_ARGUMENTS))
    channel.queue_bind(name, topology.catalog_exchange, wire.CATALOG_CHANGED)
    channel.queue_bind(name, topology.catalog_exchange, wire.people_routing_key(store_id))
    return name


def delete_topology(
    channel: BlockingChannel, topology: Topology, till_queues: Iterable[str] = ()
) -> None:
    """Remove everything ``declare_topology`` made (tests, decommissioning a prefix)."""
    for queue in (*till_queues, topology.ingest_queue, topology.dead_letter_queue):
        channel.queue_delete(queue)
    for exchange in (
        topology.events_exchange,
        topology.dead_letter_exchange,
        topology.catalog_exchange,
    ):
        channel.exchange_delete(exchange)

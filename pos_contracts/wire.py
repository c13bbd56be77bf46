"""Names both ends of the wire must agree on: exchanges, routing keys, headers, queues.

Central may put a prefix in front of every name (tests use a unique one); a till is
configured with the same prefix.
"""

from __future__ import annotations

import re

EVENTS_EXCHANGE = "pos.events"
"""Durable topic exchange the tills publish to; routing key = event type."""

CATALOG_EXCHANGE = "pos.catalog"
"""Durable topic exchange central publishes catalog changes to."""

CATALOG_CHANGED = "catalog.changed"
"""Event type and routing key of a catalog change."""

PEOPLE_CHANGED = "people.changed"
"""Event type of a store's people (cashiers, supervisors, managers) as head office keeps
them; its routing key is ``people_routing_key(store_id)``, so a till gets its store's."""

CENTRAL_STORE_ID = "central"
CENTRAL_CATALOG_TERMINAL_ID = "catalog"
"""Envelope store_id/terminal_id of events produced by head office (seq = catalog_version)."""
CENTRAL_PEOPLE_TERMINAL_ID = "people"
"""Envelope terminal_id of ``people.changed`` (seq = people_version)."""
CENTRAL_INGEST_TERMINAL_ID = "ingest"
"""Envelope terminal_id of the notices the ingest sends to a till (seq = the alert's id)."""

TILL_SUSPENDED = "till.suspended"
"""Event type (and AMQP ``type``) of the notice that a till identity is suspended: sent to
that identity's catalogue queue through the default exchange."""

CAEA_GRANTED = "caea.granted"
"""Event type (and AMQP ``type``) of a CAEA head office obtained from ARCA: sent to the
catalogue queue of every till of a store with that CUIT through the default exchange."""
CENTRAL_FISCAL_TERMINAL_ID = "fiscal"
"""Envelope terminal_id of ``caea.granted`` (seq = head office's number of the grant)."""

CONTENT_TYPE = "application/json"
TRACEPARENT_HEADER = "traceparent"
REJECT_REASON_HEADER = "x-pos-reject-reason"
"""Set on every message central dead-letters: '<code>: <reason>'."""

TILL_CATALOG_QUEUE_ARGUMENTS: dict[str, object] = {}
"""Arguments of a till's catalog queue (durable, classic). Whoever declares it first must
use exactly these, or RabbitMQ refuses the second declaration. Classic, not quorum:
there is one per till and a lost queue costs only a snapshot download."""

SNAPSHOT_PATH = "/v1/catalog/snapshot"
SNAPSHOT_WITH_CAEAS = {"with": "caeas"}
"""Query of a snapshot that also carries ``caeas`` (the current and next CAEAs of the
till's CUIT); without it the body is exactly a ``catalog.changed`` payload, as before."""

SNAPSHOT_WITH_V2 = "catalog_v2"
"""``?with=catalog_v2`` (with the others: ``with=caeas,catalog_v2``): a till that reads
``catalog.changed`` v2 gets every product; without it, the snapshot is a v1 payload and
leaves out the products at a rate v1 cannot carry (a till not yet upgraded deactivates
them instead of refusing the whole catalogue)."""

SNAPSHOT_WITH_PEOPLE = "people"
"""``?with=people&store=S001`` (or ``with=caeas,people``): the snapshot also carries
``people``, the store's ``people.changed`` payload; without it the body is as before."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def people_routing_key(store_id: str) -> str:
    """``people.changed.S001``: the binding that brings a till its own store's people."""
    if not _ID.match(store_id):
        raise ValueError(f"Identificador de tienda inválido: {store_id!r}")
    return f"{PEOPLE_CHANGED}.{store_id}"


def till_catalog_queue(store_id: str, terminal_id: str, prefix: str = "") -> str:
    """Name of the durable queue through which one till receives catalog changes."""
    for value in (store_id, terminal_id):
        if not _ID.match(value):
            raise ValueError(f"Identificador de tienda o caja inválido: {value!r}")
    return f"{prefix}till.{store_id}.{terminal_id}.catalog"

SENT_AT_HEADER = "x-pos-sent-at"
"""Set by the till on every event it publishes: its own clock when it sent the message,
milliseconds since the epoch (UTC). Head office compares it with its own clock on
receipt to find a till whose clock is wrong (``pos_central.ingest.clocks``)."""

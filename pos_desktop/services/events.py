"""Building the wire envelope of an event and its W3C trace context."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from pos_common import tracing
from pos_desktop.config import Identity
from pos_desktop.store.uow import UnitOfWork


def local_now() -> str:
    """RFC 3339 with the till's UTC offset (what the receipt shows)."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def new_trace() -> tuple[str, str]:
    """A fresh trace id and its ``traceparent`` header (version 00, sampled); with
    tracing on, the current span's (``sale.commit``), so its trace reaches head office."""
    current = tracing.current_trace()
    if current is not None:
        return current
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def enqueue_event(
    uow: UnitOfWork,
    identity: Identity,
    event_type: str,
    payload: dict[str, Any],
    *,
    occurred_at: str,
    trace: tuple[str, str] | None = None,
    schema_version: int = 1,
) -> dict[str, Any]:
    """Write an event to the outbox, inside the caller's transaction; returns the envelope."""
    trace_id, traceparent = trace or new_trace()
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "schema_version": schema_version,
        "occurred_at": occurred_at,
        "store_id": identity.store_id,
        "terminal_id": identity.terminal_id,
        "seq": uow.counters.next("outbox"),
        "trace_id": trace_id,
        "payload": payload,
    }
    uow.outbox.add(envelope, traceparent)
    return envelope

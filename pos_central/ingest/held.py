"""Events kept aside in ``held_events``: acknowledged, not applied, not lost.

A refund of a sale central does not know yet (the sale is still in another till's
outbox, or arrives later in the queue) is held until that sale is applied, then applied
in the sale's own transaction. Nothing is refunded at head office that was not sold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:
    from pos_central.ingest.apply import Received

WAITING_FOR_SALE = "refund_before_sale"

_KNOWN_SALES = "SELECT sale_id::text FROM sales WHERE sale_id = ANY(%s::uuid[])"
_HOLD = """
INSERT INTO held_events (event_id, store_id, terminal_id, seq, type, reason, waiting_for, body,
    body_digest, user_id)
SELECT * FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
    %s::uuid[], %s::text[], %s::text[], %s::text[])
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id::text
"""
_HELD_DIGESTS = """
SELECT event_id::text, body_digest FROM held_events WHERE event_id = ANY(%s::uuid[])
"""
_WAITING = """
SELECT event_id::text, body, body_digest, user_id FROM held_events
WHERE waiting_for = ANY(%s::uuid[]) ORDER BY store_id, terminal_id, seq
FOR UPDATE
"""
_RELEASE = "DELETE FROM held_events WHERE event_id = ANY(%s::uuid[])"


@dataclass(frozen=True)
class Holding:
    held: list[int]
    """Indexes now held (new, or held before with the same body)."""
    rewritten: list[int]
    """Indexes whose event_id is held with another body: a conflict."""


def refunds_of_unknown_sales(
    cursor: psycopg.Cursor[Any], events: Sequence[Received], candidates: Iterable[int]
) -> list[int]:
    """Indexes of the refunds among ``candidates`` whose sale is neither stored nor
    among the candidates themselves."""
    refunds = [i for i in candidates if events[i].envelope.type == "sale.refunded"]
    if not refunds:
        return []
    wanted = {str(events[i].envelope.payload["sale_id"]) for i in refunds}
    arriving = {
        str(events[i].envelope.payload["sale_id"])
        for i in candidates
        if events[i].envelope.type == "sale.completed"
    }
    missing = wanted - arriving
    if missing:
        missing -= {row[0] for row in cursor.execute(_KNOWN_SALES, (sorted(missing),))}
    return [i for i in refunds if events[i].envelope.payload["sale_id"] in missing]


def hold(
    cursor: psycopg.Cursor[Any], events: Sequence[Received], indexes: Sequence[int], reason: str
) -> Holding:
    if not indexes:
        return Holding([], [])
    rows = [events[i] for i in indexes]
    columns: list[list[Any]] = [
        [r.envelope.event_id for r in rows],
        [r.envelope.store_id for r in rows],
        [r.envelope.terminal_id for r in rows],
        [r.envelope.seq for r in rows],
        [r.envelope.type for r in rows],
        [reason] * len(rows),
        [r.envelope.payload.get("sale_id") if reason == WAITING_FOR_SALE else None for r in rows],
        [r.json for r in rows],
        [r.digest for r in rows],
        [r.user_id for r in rows],
    ]
    new = {row[0] for row in cursor.execute(_HOLD, columns)}
    old = [r.envelope.event_id for r in rows if r.envelope.event_id not in new]
    digests = dict(cursor.execute(_HELD_DIGESTS, (old,)).fetchall()) if old else {}
    held, rewritten = [], []
    for index, row in zip(indexes, rows, strict=True):
        event_id = row.envelope.event_id
        if event_id in new or digests.get(event_id) == row.digest:
            held.append(index)
        else:
            rewritten.append(index)
    return Holding(held, rewritten)


def waiting_for(
    cursor: psycopg.Cursor[Any], sale_ids: Sequence[str]
) -> list[tuple[str, str, str | None]]:
    """(body, digest, user_id) of the held events the sales ``sale_ids`` release, locked."""
    if not sale_ids:
        return []
    rows = cursor.execute(_WAITING, (list(sale_ids),))
    return [(body, digest, user) for _, body, digest, user in rows]


def release(cursor: psycopg.Cursor[Any], event_ids: Sequence[str]) -> None:
    if event_ids:
        cursor.execute(_RELEASE, (list(event_ids),))

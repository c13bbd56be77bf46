"""The publisher's view of the till's outbox table.

Reads go through the reader engine (never the write lock, so a scan at the register is
not delayed). Marks go through the writer engine in ONE short transaction per confirm
batch: invariant 6 says a row becomes ``sent`` only after the broker confirmed it, and
one fsync per batch instead of per event is what makes a catch-up fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, update

from pos_desktop.store.tables import outbox


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    type: str
    occurred_at: str
    body: bytes  # the envelope JSON as written at sale time (UTF-8)
    traceparent: str
    trace_id: str
    store_id: str
    terminal_id: str


_COLUMNS = (
    outbox.c.seq,
    outbox.c.event_id,
    outbox.c.type,
    outbox.c.occurred_at,
    outbox.c.envelope,
    outbox.c.traceparent,
    outbox.c.trace_id,
)


_MARK_SENT = (
    update(outbox)
    .where(outbox.c.seq.between(bindparam("first"), bindparam("last")))
    .values(status="sent", sent_at=bindparam("now"), attempts=outbox.c.attempts + 1,
            last_error=None)
)


def runs(seqs: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive ranges of ``seqs``: [1, 2, 3, 7, 8] -> [(1, 3), (7, 8)]."""
    found: list[tuple[int, int]] = []
    for seq in sorted(set(seqs)):
        if found and seq == found[-1][1] + 1:
            found[-1] = (found[-1][0], seq)
        else:
            found.append((seq, seq))
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class OutboxQueue:
    """Pending events in ``seq`` order, and the marks that follow the broker's answers."""

    def __init__(self, reader: Engine, writer: Engine, store_id: str, terminal_id: str) -> None:
        self.reader = reader
        self.writer = writer
        self.store_id = store_id
        self.terminal_id = terminal_id

    def _events(self, rows: Iterable[Any]) -> list[OutboxEvent]:
        return [
            OutboxEvent(seq, event_id, type_, occurred_at, envelope.encode("utf-8"),
                        traceparent, trace_id, self.store_id, self.terminal_id)
            for seq, event_id, type_, occurred_at, envelope, traceparent, trace_id in rows
        ]

    def pending_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        """Up to ``limit`` pending events with a ``seq`` above ``seq``, oldest first."""
        query = (
            select(*_COLUMNS)
            .where(outbox.c.status == "pending", outbox.c.seq > seq)
            .order_by(outbox.c.seq)
            .limit(limit)
        )
        with self.reader.connect() as conn:
            return self._events(conn.execute(query).all())

    def failed(self, limit: int) -> list[OutboxEvent]:
        """Events the broker refused earlier, to try again."""
        query = (
            select(*_COLUMNS).where(outbox.c.status == "failed").order_by(outbox.c.seq).limit(limit)
        )
        with self.reader.connect() as conn:
            return self._events(conn.execute(query).all())

    def unsent_count(self) -> int:
        with self.reader.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.status.in_(("pending", "failed")))
                ).scalar_one()
            )

    def record(self, sent: Sequence[int], refused: Mapping[int, str]) -> None:
        """One transaction: confirmed rows become ``sent``; refused ones ``failed`` + why."""
        if not sent and not refused:
            return
        now = _now()
        with self.writer.begin() as conn:  # BEGIN IMMEDIATE (see pos_desktop.store.db)
            for first, last in runs(sent):  # confirms come in seq order: usually one run
                conn.execute(
                    _MARK_SENT,
                    {"first": first, "last": last, "now": now},
                )
            for seq, reason in refused.items():
                conn.execute(
                    update(outbox)
                    .where(outbox.c.seq == seq, outbox.c.status != "sent")
                    .values(status="failed", attempts=outbox.c.attempts + 1, last_error=reason)
                )

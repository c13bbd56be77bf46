"""The outbox table and everything done to it: the one module that reads or writes it.

1. A business fact's event is added inside the fact's own transaction (invariant 2), with
   the next gapless ``seq`` (invariant 3).
2. The publisher reads pending events in ``seq`` order through the reader engine (never
   the write lock, so a scan at the register is not delayed) and marks them through the
   writer engine in ONE short transaction per confirm batch: a row becomes ``sent`` only
   after the broker confirmed it (invariant 6), and one fsync per batch instead of per
   event is what makes a catch-up fast.
3. The status bar reads the backlog (pending, failed, age of the oldest unsent); the Z
   asks whether its ``shift.closed`` event reached the broker.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from pos_contracts import Envelope
from pos_desktop.store.statements import driver, insert_sql
from pos_desktop.store.tables import outbox

UNSENT = ("pending", "failed")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_ADD = insert_sql(outbox, ("seq", "event_id", "type", "schema_version", "occurred_at",
                           "envelope", "traceparent", "trace_id", "status", "created_at"))


class Outbox:
    """The outbox inside a unit of work's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def add(self, envelope: Envelope, traceparent: str) -> None:
        """``envelope`` was built and validated by ``pos_contracts.build_envelope``."""
        self.db.execute(_ADD, {
            "seq": envelope.seq,
            "event_id": envelope.event_id,
            "type": envelope.type,
            "schema_version": envelope.schema_version,
            "occurred_at": envelope.occurred_at,
            "envelope": envelope.to_json().decode("utf-8"),
            "traceparent": traceparent,
            "trace_id": envelope.trace_id,
            "status": "pending",
            "created_at": _now(),
        })

    def pending_count(self) -> int:
        return int(
            self.conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.status != "sent")
            ).scalar_one()
        )

    def status_of(self, event_id: str | None) -> str | None:
        """``pending``, ``failed`` or ``sent``; None when there is no such event."""
        if event_id is None:
            return None
        value = self.conn.execute(
            select(outbox.c.status).where(outbox.c.event_id == event_id)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def unsent(self, event_ids: Collection[str]) -> set[str]:
        """Which of ``event_ids`` the broker has not confirmed yet."""
        if not event_ids:
            return set()
        rows = self.conn.execute(
            select(outbox.c.event_id).where(
                outbox.c.event_id.in_(bindparam("ids", expanding=True)),
                outbox.c.status != "sent",
            ),
            {"ids": list(event_ids)},
        ).scalars()
        return {str(r) for r in rows}


# -- the backlog the status bar shows ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    failed: int
    oldest_unsent_at: str | None  # when the oldest unsent event was written (UTC)
    failed_error: str | None  # why the first failed event was refused

    @property
    def unsent(self) -> int:
        return self.pending + self.failed


def outbox_backlog(conn: Connection) -> Backlog:
    counts: dict[str, int] = dict(
        conn.execute(
            select(outbox.c.status, func.count())
            .where(outbox.c.status.in_(UNSENT))
            .group_by(outbox.c.status)
        ).all()
    )
    oldest = conn.execute(
        select(outbox.c.created_at)
        .where(outbox.c.status.in_(UNSENT))
        .order_by(outbox.c.seq)
        .limit(1)
    ).scalar_one_or_none()
    failed_error = None
    if counts.get("failed"):
        failed_error = conn.execute(
            select(outbox.c.last_error)
            .where(outbox.c.status == "failed")
            .order_by(outbox.c.seq)
            .limit(1)
        ).scalar_one_or_none()
    return Backlog(
        pending=int(counts.get("pending", 0)),
        failed=int(counts.get("failed", 0)),
        oldest_unsent_at=oldest,
        failed_error=failed_error,
    )


# -- the publisher's view ------------------------------------------------------------------
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

    def _after(self, status: str, seq: int, limit: int) -> list[OutboxEvent]:
        # One status at a time: each reads the status index in seq order, no sort.
        query = (
            select(*_COLUMNS)
            .where(outbox.c.status == status, outbox.c.seq > seq)
            .order_by(outbox.c.seq)
            .limit(limit)
        )
        with self.reader.connect() as conn:
            return self._events(conn.execute(query).all())

    def pending_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        """Up to ``limit`` pending events with a ``seq`` above ``seq``, oldest first."""
        return self._after("pending", seq, limit)

    def unsent_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        """Up to ``limit`` unsent events (pending, or refused earlier) above ``seq``, in
        ``seq`` order: what a new channel sends."""
        both = heapq.merge(self._after("pending", seq, limit), self._after("failed", seq, limit),
                           key=lambda event: event.seq)
        return list(itertools.islice(both, limit))

    def failed(self, limit: int) -> list[OutboxEvent]:
        """Events the broker refused earlier."""
        return self._after("failed", 0, limit)

    def unsent_count(self) -> int:
        with self.reader.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.status.in_(UNSENT))
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

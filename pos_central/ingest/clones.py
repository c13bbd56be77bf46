"""Two tills with one identity (a disk image restored twice): caught, kept, told.

A till numbers its events 1, 2, 3… for good. Two tills restored from the same image go
on from the same number, so central sees the same (store, terminal, seq) with two
different events, and the journal chain forks. Then:

- the event whose seq was taken is held (``held_events``, reason ``clone``), not lost;
- the identity is suspended (``terminal_suspensions``): from then on every event naming
  it is held too, whichever till sent it — central cannot tell them apart;
- an alert ``clone`` is recorded once (``/metrics``, daily report, ``report conflicts``);
- the ingest sends ``till.suspended`` to the identity's catalogue queue; each till that
  reads it stops syncing under that identity until a manager registers it again.

``pos-central till add`` for the identity lifts the suspension for the new registration
(generation): its events are applied again, the old generation's stay held, and a seq
at or below what central had received at that moment that collides is the other till's
leftover (held as ``clone_leftover``, without suspending again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from pos_central.ingest.progress import JournalBreak

CLONE = "clone"
"""Alert kind and held reason: an event of an identity two tills use."""
CLONE_LEFTOVER = "clone_leftover"
"""Held reason: after a new registration, a seq the other till had already taken."""

Terminal = tuple[str, str]


@dataclass(frozen=True)
class Suspension:
    active: bool
    lifted_generation: int | None
    resume_after_seq: int | None

    def holds(self, generation: int) -> bool:
        """Whether an event from a user of this registration ``generation`` is held."""
        if self.active:
            return True
        return self.lifted_generation is not None and generation < self.lifted_generation

    def leftover(self, seq: int) -> bool:
        """Whether a collision at ``seq`` is the other till's, from before the lift."""
        return not self.active and seq <= (self.resume_after_seq or 0)


@dataclass(frozen=True)
class Notice:
    """What the ingest tells the tills of a suspended identity (``till.suspended``)."""

    store_id: str
    terminal_id: str
    seq: int
    detail: str
    suspended_at: datetime
    new: bool
    """Suspended by this batch (always sent); else a reminder, sent once per process."""


_SUSPENSIONS = """
SELECT s.store_id, s.terminal_id, s.lifted_at IS NULL, s.lifted_generation, s.resume_after_seq,
    s.seq, s.detail, s.suspended_at
FROM terminal_suspensions s
JOIN unnest(%s::text[], %s::text[]) AS t(store_id, terminal_id) USING (store_id, terminal_id)
"""
_SUSPEND = """
INSERT INTO terminal_suspensions AS s (store_id, terminal_id, reason, detail, seq)
VALUES (%s, %s, 'clone', %s, %s)
ON CONFLICT (store_id, terminal_id) DO UPDATE SET reason = EXCLUDED.reason,
    detail = EXCLUDED.detail, seq = EXCLUDED.seq, suspended_at = now(), lifted_at = NULL,
    lifted_generation = NULL, resume_after_seq = NULL
WHERE s.lifted_at IS NOT NULL
RETURNING suspended_at
"""
_FORKED = """
SELECT EXISTS (
    SELECT FROM processed_events me JOIN processed_events sibling
        ON sibling.store_id = me.store_id AND sibling.terminal_id = me.terminal_id
        AND sibling.journal_prev_hash = me.journal_prev_hash
        AND sibling.journal_hash <> me.journal_hash
    WHERE me.store_id = %(store)s AND me.terminal_id = %(terminal)s AND me.seq = %(seq)s
)
"""


def suspensions(
    cursor: psycopg.Cursor[Any], terminals: Iterable[Terminal]
) -> tuple[dict[Terminal, Suspension], dict[Terminal, Notice]]:
    """The suspension state of ``terminals`` (only those ever suspended), and a reminder
    notice for each one suspended now."""
    wanted = sorted(set(terminals))
    if not wanted:
        return {}, {}
    found: dict[Terminal, Suspension] = {}
    notices: dict[Terminal, Notice] = {}
    rows = cursor.execute(_SUSPENSIONS, ([s for s, _ in wanted], [t for _, t in wanted]))
    for store, terminal, active, generation, resume, seq, detail, at in rows:
        found[(store, terminal)] = Suspension(active, generation, resume)
        if active:
            notices[(store, terminal)] = Notice(store, terminal, seq, detail, at, new=False)
    return found, notices


def suspend(
    cursor: psycopg.Cursor[Any], store_id: str, terminal_id: str, seq: int, detail: str
) -> Notice | None:
    """Suspend the identity; a notice if it was not suspended already."""
    row = cursor.execute(_SUSPEND, (store_id, terminal_id, detail, seq)).fetchone()
    if row is None:
        return None
    return Notice(store_id, terminal_id, seq, detail, row[0], new=True)


def forks(cursor: psycopg.Cursor[Any], breaks: Iterable[JournalBreak]) -> list[JournalBreak]:
    """The breaks that are forks: another recorded entry of the terminal has the same
    parent and a different hash — two chains grow from one point: two tills. (Any other
    break is evidence for a person, in ``journal_breaks``: an entry sent twice, a gap.)"""
    return [
        found
        for found in breaks
        if cursor.execute(
            _FORKED,
            {
                "store": found.store_id,
                "terminal": found.terminal_id,
                "seq": found.seq,
            },
        ).fetchone()
        == (True,)
    ]

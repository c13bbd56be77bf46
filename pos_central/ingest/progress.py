"""Per terminal: the highest contiguous seq, the gaps above it, and the journal chain.

Events may arrive in any order (a till re-sends, a queue is replayed). The contiguous
seq only moves when the event right after it arrives; then we walk forward through what
is already stored, checking on the way that each journal entry's prev_hash is the hash
of the terminal's previous journal entry. A mismatch is recorded as a break, never
fixed or rejected: it is evidence for a person to look at.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pos_contracts import Envelope

log = logging.getLogger("pos_central.ingest")

MAX_RECORDED_GAPS = 100
_WALK_CHUNK = 5000


@dataclass(frozen=True)
class JournalBreak:
    store_id: str
    terminal_id: str
    seq: int
    expected_prev_hash: str
    found_prev_hash: str


Terminal = tuple[str, str]

# Every statement covers all the terminals of a batch at once (a batch of 500 sales from
# 20 tills took ~60 round trips one terminal at a time: ~10 % of the ingest's time).
_LOCK = """
INSERT INTO terminal_progress AS p (store_id, terminal_id)
SELECT * FROM unnest(%s::text[], %s::text[]) AS t(store_id, terminal_id) ORDER BY 1, 2
ON CONFLICT (store_id, terminal_id) DO UPDATE SET updated_at = now()
RETURNING p.store_id, p.terminal_id, p.contiguous_seq, p.max_seq, p.last_journal_hash
"""
_WALK = """
SELECT t.store_id, t.terminal_id, e.seq, e.journal_prev_hash, e.journal_hash
FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS t(store_id, terminal_id, after)
CROSS JOIN LATERAL (
    SELECT seq, journal_prev_hash, journal_hash FROM processed_events pe
    WHERE pe.store_id = t.store_id AND pe.terminal_id = t.terminal_id AND pe.seq > t.after
    ORDER BY seq LIMIT %s
) e
ORDER BY 1, 2, 3
"""
_GAPS = """
SELECT t.store_id, t.terminal_id, g.first, g.last
FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS t(store_id, terminal_id, after)
CROSS JOIN LATERAL (
    SELECT prev + 1 AS first, seq - 1 AS last FROM (
        SELECT seq, lag(seq, 1, t.after) OVER (ORDER BY seq) AS prev FROM processed_events pe
        WHERE pe.store_id = t.store_id AND pe.terminal_id = t.terminal_id AND pe.seq > t.after
    ) s WHERE seq > prev + 1 ORDER BY seq LIMIT %s
) g
ORDER BY 1, 2, 3
"""
_SAVE = """
UPDATE terminal_progress AS p SET contiguous_seq = v.contiguous_seq, max_seq = v.max_seq,
    gaps = v.gaps, last_journal_hash = v.last_journal_hash, events = p.events + v.arrived,
    updated_at = now()
FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::jsonb[], %s::text[],
    %s::bigint[]) AS v(store_id, terminal_id, contiguous_seq, max_seq, gaps, last_journal_hash,
    arrived)
WHERE p.store_id = v.store_id AND p.terminal_id = v.terminal_id
"""
_BREAK = """
INSERT INTO journal_breaks (store_id, terminal_id, seq, expected_prev_hash, found_prev_hash)
VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING
"""


@dataclass
class _Progress:
    contiguous: int
    max_seq: int
    last_hash: str | None
    arrived: int
    gaps: list[list[int]]


def update_progress(cursor: psycopg.Cursor[Any], applied: Iterable[Envelope]) -> list[JournalBreak]:
    """Advance every terminal touched by ``applied`` (already in processed_events)."""
    seqs: dict[Terminal, set[int]] = defaultdict(set)
    for env in applied:
        seqs[(env.store_id, env.terminal_id)].add(env.seq)
    if not seqs:
        return []
    # Sorted, so that two ingest processes lock terminals in the same order (no deadlock).
    terminals = sorted(seqs)
    progress: dict[Terminal, _Progress] = {}
    for store_id, terminal_id, contiguous, max_seq, last_hash in cursor.execute(
        _LOCK, _columns(terminals)
    ):
        arrived = seqs[(store_id, terminal_id)]
        progress[(store_id, terminal_id)] = _Progress(
            contiguous, max(max_seq, *arrived), last_hash, len(arrived), []
        )
    walking = [t for t in terminals if progress[t].contiguous + 1 in seqs[t]]
    breaks = _walk(cursor, progress, walking)
    behind = [t for t in terminals if progress[t].max_seq > progress[t].contiguous]
    if behind:
        after = [progress[t].contiguous for t in behind]
        rows = cursor.execute(_GAPS, (*_columns(behind), after, MAX_RECORDED_GAPS))
        for store_id, terminal_id, first, last in rows:
            progress[(store_id, terminal_id)].gaps.append([first, last])
    cursor.execute(
        _SAVE,
        (
            *_columns(terminals),
            [progress[t].contiguous for t in terminals],
            [progress[t].max_seq for t in terminals],
            [Jsonb(progress[t].gaps) for t in terminals],
            [progress[t].last_hash for t in terminals],
            [progress[t].arrived for t in terminals],
        ),
    )
    for item in breaks:
        cursor.execute(
            _BREAK,
            (
                item.store_id,
                item.terminal_id,
                item.seq,
                item.expected_prev_hash,
                item.found_prev_hash,
            ),
        )
        log.warning(
            "cadena del diario rota: el hash anterior no coincide",
            extra={"store_id": item.store_id, "terminal_id": item.terminal_id, "seq": item.seq},
        )
    for (store_id, terminal_id), state in progress.items():
        if state.gaps:
            log.info(
                "faltan eventos de la caja",
                extra={
                    "store_id": store_id,
                    "terminal_id": terminal_id,
                    "gaps": state.gaps[:5],
                    "contiguous_seq": state.contiguous,
                },
            )
    return breaks


def _columns(terminals: list[Terminal]) -> tuple[list[str], list[str]]:
    return [store for store, _ in terminals], [terminal for _, terminal in terminals]


def _walk(
    cursor: psycopg.Cursor[Any], progress: dict[Terminal, _Progress], walking: list[Terminal]
) -> list[JournalBreak]:
    """Move each terminal's contiguous seq through what is stored right above it, checking
    the journal chain on the way; in chunks, for the terminals that still have more."""
    breaks: list[JournalBreak] = []
    while walking:
        after = [progress[t].contiguous for t in walking]
        found: dict[Terminal, int] = defaultdict(int)
        stopped: set[Terminal] = set()
        for store_id, terminal_id, seq, prev_hash, journal_hash in cursor.execute(
            _WALK, (*_columns(walking), after, _WALK_CHUNK)
        ):
            terminal = (store_id, terminal_id)
            found[terminal] += 1
            state = progress[terminal]
            if terminal in stopped or seq != state.contiguous + 1:
                stopped.add(terminal)
                continue
            state.contiguous = seq
            if journal_hash is None:
                continue  # an event without a journal entry (e.g. shift.opened without one)
            if state.last_hash is not None and prev_hash != state.last_hash:
                breaks.append(JournalBreak(store_id, terminal_id, seq, state.last_hash, prev_hash))
            state.last_hash = journal_hash
        walking = [t for t in walking if t not in stopped and found[t] == _WALK_CHUNK]
    return breaks

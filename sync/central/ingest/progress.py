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

from sync.contracts import Envelope

log = logging.getLogger("sync.central.ingest")

MAX_RECORDED_GAPS = 100
_WALK_CHUNK = 5000


@dataclass(frozen=True)
class JournalBreak:
    store_id: str
    terminal_id: str
    seq: int
    expected_prev_hash: str
    found_prev_hash: str


_LOCK = """
INSERT INTO terminal_progress AS p (store_id, terminal_id) VALUES (%s, %s)
ON CONFLICT (store_id, terminal_id) DO UPDATE SET updated_at = now()
RETURNING p.contiguous_seq, p.max_seq, p.last_journal_hash
"""
_WALK = """
SELECT seq, journal_prev_hash, journal_hash FROM processed_events
WHERE store_id = %s AND terminal_id = %s AND seq > %s ORDER BY seq LIMIT %s
"""
_GAPS = """
SELECT prev + 1, seq - 1 FROM (
    SELECT seq, lag(seq, 1, %(from)s) OVER (ORDER BY seq) AS prev FROM processed_events
    WHERE store_id = %(store)s AND terminal_id = %(terminal)s AND seq > %(from)s
) s WHERE seq > prev + 1 ORDER BY seq LIMIT %(limit)s
"""
_SAVE = """
UPDATE terminal_progress SET contiguous_seq = %s, max_seq = %s, gaps = %s, last_journal_hash = %s,
    events = events + %s, updated_at = now()
WHERE store_id = %s AND terminal_id = %s
"""
_BREAK = """
INSERT INTO journal_breaks (store_id, terminal_id, seq, expected_prev_hash, found_prev_hash)
VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING
"""


def update_progress(cursor: psycopg.Cursor[Any], applied: Iterable[Envelope]) -> list[JournalBreak]:
    """Advance every terminal touched by ``applied`` (already in processed_events)."""
    seqs: dict[tuple[str, str], set[int]] = defaultdict(set)
    for env in applied:
        seqs[(env.store_id, env.terminal_id)].add(env.seq)
    breaks: list[JournalBreak] = []
    # Sorted, so that two ingest processes lock terminals in the same order (no deadlock).
    for store_id, terminal_id in sorted(seqs):
        arrived = seqs[(store_id, terminal_id)]
        row = cursor.execute(_LOCK, (store_id, terminal_id)).fetchone()
        assert row is not None
        contiguous, max_seq, last_hash = row
        max_seq = max(max_seq, *arrived)
        found: list[JournalBreak] = []
        if contiguous + 1 in arrived:
            contiguous, last_hash, found = _walk(
                cursor, store_id, terminal_id, contiguous, last_hash
            )
        gaps = _gaps(cursor, store_id, terminal_id, contiguous) if max_seq > contiguous else []
        cursor.execute(
            _SAVE,
            (contiguous, max_seq, Jsonb(gaps), last_hash, len(arrived), store_id, terminal_id),
        )
        for item in found:
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
                extra={"store_id": store_id, "terminal_id": terminal_id, "seq": item.seq},
            )
        if gaps:
            log.info(
                "faltan eventos de la caja",
                extra={
                    "store_id": store_id,
                    "terminal_id": terminal_id,
                    "gaps": gaps[:5],
                    "contiguous_seq": contiguous,
                },
            )
        breaks += found
    return breaks


def _walk(
    cursor: psycopg.Cursor[Any],
    store_id: str,
    terminal_id: str,
    contiguous: int,
    last_hash: str | None,
) -> tuple[int, str | None, list[JournalBreak]]:
    breaks: list[JournalBreak] = []
    while True:
        rows = cursor.execute(_WALK, (store_id, terminal_id, contiguous, _WALK_CHUNK)).fetchall()
        for seq, prev_hash, journal_hash in rows:
            if seq != contiguous + 1:
                return contiguous, last_hash, breaks
            contiguous = seq
            if journal_hash is None:
                continue  # an event without a journal entry (e.g. shift.opened without one)
            if last_hash is not None and prev_hash != last_hash:
                breaks.append(JournalBreak(store_id, terminal_id, seq, last_hash, prev_hash))
            last_hash = journal_hash
        if len(rows) < _WALK_CHUNK:
            return contiguous, last_hash, breaks


def _gaps(
    cursor: psycopg.Cursor[Any], store_id: str, terminal_id: str, contiguous: int
) -> list[list[int]]:
    rows = cursor.execute(
        _GAPS,
        {
            "from": contiguous,
            "store": store_id,
            "terminal": terminal_id,
            "limit": MAX_RECORDED_GAPS,
        },
    ).fetchall()
    return [[first, last] for first, last in rows]

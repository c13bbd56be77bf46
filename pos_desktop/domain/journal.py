"""The tamper-evident journal: each entry's hash is SHA-256(previous hash ‖ canonical
record), so changing, removing or reordering any entry breaks every hash after it.

The record is the fact's wire payload without its ``journal`` block; the payload that is
sent and stored is the record plus ``{"journal": {"seq", "prev_hash", "hash"}}``, so head
office can check the chain's continuity per terminal from the events alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(record: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return _CANONICAL.encode(record)


def chain_hash(prev_hash: str, record_json: str) -> str:
    return hashlib.sha256((prev_hash + record_json).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    kind: str
    ref: str
    occurred_at: str
    record: str  # the canonical JSON that was hashed
    prev_hash: str
    hash: str

    @property
    def block(self) -> dict[str, Any]:
        """What the fact's payload carries of its entry."""
        return {"seq": self.seq, "prev_hash": self.prev_hash, "hash": self.hash}


def next_entry(head: tuple[int, str], kind: str, ref: str, occurred_at: str,
               record: Any) -> JournalEntry:
    """The entry that follows ``head`` = (seq, hash) of the last one ((0, GENESIS_HASH)
    for an empty journal)."""
    return chained_entry(head, kind, ref, occurred_at, canonical_json(record))


def chained_entry(head: tuple[int, str], kind: str, ref: str, occurred_at: str,
                  record_json: str) -> JournalEntry:
    """The entry that follows ``head`` for a record already in its canonical JSON (the
    till's books encode the payload's Struct to it)."""
    seq, prev = head
    return JournalEntry(seq + 1, kind, ref, occurred_at, record_json, prev,
                        chain_hash(prev, record_json))

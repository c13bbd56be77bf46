"""The tamper-evident journal: each entry's hash is SHA-256(previous hash ‖ canonical
record), so changing, removing or reordering any entry breaks every hash after it.

The record is the fact's wire payload without its ``journal`` block; the payload that is
sent and stored is the record plus ``{"journal": {"seq", "prev_hash", "hash"}}``, so head
office can check the chain's continuity per terminal from the events alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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

    def payload_json(self, payload: Mapping[str, Any]) -> str:
        """``canonical_json(payload)`` of the payload as recorded (this entry's record plus
        its ``journal`` block), made from the record's text instead of encoding the whole
        payload again: only the members that sort before ``journal`` (a few small ones)
        are encoded once more, and the journal member goes in after them. So the stored
        payload without that member is the hashed record byte for byte, as
        ``journal --verify`` checks."""
        head = canonical_json({key: payload[key] for key in payload if key < "journal"})[:-1]
        if payload.get("journal") != self.block or not self.record.startswith(head):
            return canonical_json(payload)  # not this entry's payload: the whole of it
        member = '"journal":' + canonical_json(self.block)
        rest = self.record[len(head):]  # "}", or ",…}" after members, or "…}" after "{"
        if head == "{":
            return "{" + member + ("}" if rest == "}" else "," + rest)
        return head + "," + member + rest


def next_entry(head: tuple[int, str], kind: str, ref: str, occurred_at: str,
               record: Any) -> JournalEntry:
    """The entry that follows ``head`` = (seq, hash) of the last one ((0, GENESIS_HASH)
    for an empty journal)."""
    seq, prev = head
    body = canonical_json(record)
    return JournalEntry(seq + 1, kind, ref, occurred_at, body, prev, chain_hash(prev, body))

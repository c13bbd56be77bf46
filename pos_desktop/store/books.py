"""The books: every consequence of a business fact, written in one order, by one function.

``write_fact`` is what a unit of work's ``commit()`` does for each fact a use case
recorded, inside the commit's transaction: journal entry, the fact's own rows, its outbox
event, its print job, its audit row. The fact's payload is built once, as the Struct of
its event's type and version (``pos_desktop.store.wire``); msgspec encodes it to the
journal's record (the Struct without its journal member) and to the stored payload (with
it), and the envelope is built from it with ``pos_contracts`` and validated before
anything of the fact is written: a payload head office would refuse raises
``InvalidEvent`` at commit, and the transaction is rolled back whole.

It knows nothing of SQL: a ``Ledger`` says where things go (SQLite in
``pos_desktop.store.uow``; memory in the unit tests' fake unit of work).
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

import msgspec

from pos_common import tracing
from pos_contracts import Envelope, build_envelope
from pos_contracts.payloads.common import Journal
from pos_desktop.config import Identity
from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.events import Event, Payload, PrintJob, Recorded
from pos_desktop.domain.journal import JournalEntry, chained_entry
from pos_desktop.store.wire import CANONICAL, wire_payload


def new_trace() -> tuple[str, str]:
    """A fresh trace id and its W3C ``traceparent`` header (version 00, sampled); with
    tracing on, the current span's (``sale.commit``), so its trace reaches head office."""
    current = tracing.current_trace()
    if current is not None:
        return current
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


class Ledger(Protocol):
    """Where a fact's consequences are written (all inside one transaction)."""

    def journal_head(self) -> tuple[int, str]:
        """(seq, hash) of the journal's last entry; (0, GENESIS_HASH) when empty."""
        ...

    def next_outbox_seq(self) -> int:
        """The next gapless outbox ``seq`` (rolls back with the transaction)."""
        ...

    def write_journal(self, entry: JournalEntry) -> None: ...

    def write_rows(self, event: Event, payload: Payload, payload_json: str,
                   entry: JournalEntry | None, event_id: str | None) -> None:
        """The fact's own rows (``payload`` as recorded, journal block included, and
        ``payload_json``, its canonical JSON as stored)."""
        ...

    def write_outbox(self, envelope: Envelope, traceparent: str) -> None: ...

    def write_print_job(self, job: PrintJob) -> None: ...

    def write_audit(self, record: AuditRecord) -> None: ...


def write_fact(ledger: Ledger, recorded: Recorded[Any], origin: Identity) -> None:
    """Write ``recorded``'s fact and every consequence of it, in this order."""
    event = recorded.event
    wire = wire_payload(event)  # its Struct, journal block unset; None: it has no payload
    entry = None
    if wire is not None and event.journal_kind is not None:
        # the record is the Struct without its journal member, in canonical JSON
        entry = chained_entry(ledger.journal_head(), event.journal_kind, event.journal_ref(),
                              event.occurred_at, CANONICAL.encode(wire).decode("utf-8"))
        wire = msgspec.structs.replace(wire, journal=Journal(
            seq=entry.seq, prev_hash=entry.prev_hash, hash=entry.hash))
    if wire is None:
        payload: Payload = {}
        stored = "{}"
    else:
        payload = msgspec.to_builtins(wire)  # what the rows, receipt and callers read
        stored = CANONICAL.encode(wire).decode("utf-8")  # = record + journal (verify)
    envelope = traceparent = None
    if wire is not None and event.event_type is not None:
        trace_id, traceparent = new_trace()
        envelope = build_envelope(  # validated: raises InvalidEvent before any write
            event.event_type,
            wire,
            store_id=origin.store_id,
            terminal_id=origin.terminal_id,
            seq=ledger.next_outbox_seq(),
            schema_version=event.schema_version,
            trace_id=trace_id,
            occurred_at=event.occurred_at,
        )
    event_id = None if envelope is None else envelope.event_id
    recorded.written(payload, entry, event_id, None if envelope is None else envelope.trace_id)
    if entry is not None:
        ledger.write_journal(entry)
    ledger.write_rows(event, payload, stored, entry, event_id)
    if envelope is not None and traceparent is not None:
        ledger.write_outbox(envelope, traceparent)
    job = event.print_job(payload)
    if job is not None:
        ledger.write_print_job(job)
    if event.audit is not None:
        ledger.write_audit(event.audit)

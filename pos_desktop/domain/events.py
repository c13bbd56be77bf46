"""Business facts: what happened at the till, as the shop says it.

A use case raises one (``uow.record(SaleCompleted(...))``); the unit of work writes all of
its consequences when it commits, in the same transaction (invariant 2):

1. its journal entry, when the fact is journaled (``journal_kind``): the record is the
   fact's payload, and the payload then carries the entry as its ``journal`` block;
2. its own rows (the sale and its lines and payments, the refund, the shift...);
3. its event for head office, when it has one (``event_type``, ``schema_version``): the
   envelope is built and validated against the published schema before it is written,
   so the till never keeps an event head office would refuse;
4. its print job (``print_job``), and 5. its audit row (``audit``).

A fact's payload on the wire is built in one place, outside the domain: its builder in
``pos_desktop.store.wire`` makes the Struct of its event's type and version. A new version
of an event is a new builder there and a change of ``schema_version`` here; a new kind of
fact (a sale's fiscal authorization, recorded later in its own transaction) is a new
class here, its payload's builder in ``wire`` and the rows it writes in
``pos_desktop.store.facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.journal import JournalEntry
from pos_desktop.domain.people import Person
from pos_desktop.domain.refund import RefundPlan, refund_slip
from pos_desktop.domain.sale import Sale, Tender
from pos_desktop.domain.shift import ShiftFigures

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PrintJob:
    """A document for the receipt printer's queue (printing never holds up the fact)."""

    kind: str  # receipt | refund | z | x | drawer
    ref: str | None
    document: Mapping[str, Any]


class Event:
    """A business fact. Subclasses are frozen dataclasses with ``occurred_at`` and
    ``audit`` fields."""

    __slots__ = ()

    event_type: ClassVar[str | None] = None
    """Its event's type on the wire (``sale.completed``); None: head office is not told."""
    schema_version: ClassVar[int] = 1
    journal_kind: ClassVar[str | None] = None
    """Its journal entry's kind (``sale``); None: not journaled."""

    occurred_at: str  # RFC 3339 with the till's offset
    audit: AuditRecord | None  # who did it and who approved it, when it needed a permission

    def journal_ref(self) -> str:
        """What its journal entry names (the ticket, the shift...)."""
        raise NotImplementedError(type(self).__name__)

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        """What it prints, given its payload as recorded (journal block included)."""
        return None


@dataclass(frozen=True, slots=True)
class FiscalDraft:
    """A sale's or refund's comprobante as decided in the fact's own transaction: its
    fiscal document's id and its block (``pos_desktop.domain.fiscal.block``). Under CAE
    the block has no number or authorization yet: the receipt waits for them. Under CAEA
(ARCA does not answer) it is issued at once: number, CAEA and the receipt's details."""

    document_id: str
    block: Mapping[str, Any]
    original_id: str | None = None  # a credit note's original document
    receipt: Mapping[str, Any] | None = None  # under CAEA: what the receipt prints beside it

    @property
    def awaits_authorization(self) -> bool:
        return self.block.get("authorization") is None


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleCompleted(Event):
    """A sale paid in full and given its gapless ticket number."""

    event_type = "sale.completed"
    schema_version = 3
    journal_kind = "sale"

    sale: Sale
    ticket_number: int
    ticket: str
    occurred_at: str
    cashier: Person | None
    shift_id: str | None
    print_receipt: bool = True
    fiscal: FiscalDraft | None = None  # None: fiscal mode none (training)
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        return self.ticket

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        if not self.print_receipt or (self.fiscal and self.fiscal.awaits_authorization):
            return None  # a fiscal receipt prints once ARCA authorized it (FiscalAuthorized)
        if self.fiscal is not None and self.fiscal.receipt is not None:  # issued with CAEA
            return PrintJob("receipt", self.ticket,
                            {"sale": dict(payload), "fiscal_print": dict(self.fiscal.receipt)})
        return PrintJob("receipt", self.ticket, payload)


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleRefunded(Event):
    """Money given back for part of an earlier sale, on its own numbered slip."""

    event_type = "sale.refunded"
    schema_version = 2
    journal_kind = "refund"

    refund_id: str
    refund_number: int
    ticket: str  # the refund slip's own number, printed like a ticket
    sale_id: str
    original_ticket: str
    shift_id: str
    cashier: Person
    approved_by: Person
    reason: str
    occurred_at: str
    plan: RefundPlan
    tenders: tuple[Tender, ...]
    print_slip: bool = True
    fiscal: FiscalDraft | None = None  # its Nota de Crédito; None in fiscal mode none
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        return self.ticket

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        if not self.print_slip or (self.fiscal and self.fiscal.awaits_authorization):
            return None  # the Nota de Crédito prints once ARCA authorized it
        return PrintJob("refund", self.ticket, refund_slip(payload))


@dataclass(frozen=True, slots=True, kw_only=True)
class FiscalAuthorized(Event):
    """ARCA authorized the comprobante of an earlier sale or refund (a CAE asked after the
    sale's commit, in its own transaction): its number, date and code, and its receipt."""

    event_type = "fiscal.authorized"
    journal_kind = "fiscal"

    document_id: str
    source_kind: str  # sale | refund
    source_id: str
    ticket: str
    block: Mapping[str, Any]  # the fiscal block, authorized
    occurred_at: str
    receipt: Mapping[str, Any] | None = None  # what prints (None: not printed)
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        b = self.block
        return f"{int(b['type']):03d} {int(b['point_of_sale']):05d}-{int(b['number']):08d}"

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        if self.receipt is None:
            return None
        kind = "receipt" if self.source_kind == "sale" else "refund"
        return PrintJob(kind, self.ticket, self.receipt)


@dataclass(frozen=True, slots=True, kw_only=True)
class FiscalRejected(Event):
    """ARCA refused a comprobante: its codes and messages; the number it was asked under
    stays free. Head office sees the sale without authorization."""

    document_id: str
    messages: tuple[tuple[int, str], ...]
    occurred_at: str
    audit: AuditRecord | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftOpened(Event):
    """A shift opened at this till with the cash put in the drawer."""

    event_type = "shift.opened"
    journal_kind = "shift_open"

    shift_id: str
    opened_by: Person
    occurred_at: str
    float_amount: int
    float_counts: Mapping[str, int] | None = None  # by denomination, when counted
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        return self.shift_id


@dataclass(frozen=True, slots=True, kw_only=True)
class CashMoved(Event):
    """Cash put into (``in``) or taken out of (``out``) the drawer, with its reason."""

    event_type = "cash.moved"
    journal_kind = "cash"

    movement_id: str
    shift_id: str
    direction: str
    amount: int
    reason: str
    by: Person
    approver: Person | None
    occurred_at: str
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        return self.movement_id


ZDocument = Callable[[Mapping[str, Any]], Mapping[str, Any]]
"""Lays the stored Z (``ShiftClosed.report``) out for the receipt printer."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftClosed(Event):
    """The Z: the shift's figures, the blind count against them, a gapless Z number."""

    event_type = "shift.closed"
    schema_version = 2
    journal_kind = "z"

    shift_id: str
    z_number: int
    closed_by: Person
    occurred_at: str
    figures: ShiftFigures
    counted: int
    counts: Mapping[str, int]  # by denomination, as stored
    reason: str | None
    local: Mapping[str, Any]
    """What the till keeps beside the payload (by cashier, counts, tolerance...)."""
    z_document: ZDocument | None = None  # None: not printed
    audit: AuditRecord | None = None

    def journal_ref(self) -> str:
        return f"Z{self.z_number}"

    def report(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The stored Z: the payload as recorded and the local extras, with the journal's
        head as it was after this Z."""
        journal = payload["journal"]
        return {**payload, "local": {**self.local, "journal_head": {
            "seq": journal["seq"], "hash": journal["hash"]}}}

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        if self.z_document is None:
            return None
        return PrintJob("z", f"Z{self.z_number}", self.z_document(self.report(payload)))


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawerOpened(Event):
    """The drawer opened without a sale (the print job kicks it)."""

    by: Person
    reason: str
    occurred_at: str
    audit: AuditRecord | None = None

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        return PrintJob("drawer", None, {"reason": self.reason, "by": self.by.as_dict()})


@dataclass(frozen=True, slots=True, kw_only=True)
class XReportTaken(Event):
    """The X: the open shift's figures so far (nothing closed), printed or only seen."""

    shift_id: str
    occurred_at: str
    document: Mapping[str, Any] | None = None  # what is printed; None: not printed
    audit: AuditRecord | None = None

    def print_job(self, payload: Mapping[str, Any]) -> PrintJob | None:
        return None if self.document is None else PrintJob("x", self.shift_id, self.document)


class NotRecordedYet(RuntimeError):
    """A recorded fact's payload, journal entry or event is read before its commit."""


E = TypeVar("E", bound=Event)


@dataclass(slots=True)
class Recorded(Generic[E]):
    """What the books made of a fact: known once its unit of work has committed."""

    event: E
    _payload: Payload | None = None
    _journal: JournalEntry | None = None
    _event_id: str | None = None
    _trace_id: str | None = None
    committed: bool = False

    def written(self, payload: Payload, journal: JournalEntry | None, event_id: str | None,
                trace_id: str | None) -> None:
        """The books wrote it like this (the transaction has yet to commit)."""
        self._payload, self._journal = payload, journal
        self._event_id, self._trace_id = event_id, trace_id

    def _done(self) -> None:
        if not self.committed:
            raise NotRecordedYet(type(self.event).__name__)

    @property
    def payload(self) -> Payload:
        """The payload as recorded and sent: the journal block included."""
        self._done()
        assert self._payload is not None
        return self._payload

    @property
    def journal(self) -> JournalEntry | None:
        self._done()
        return self._journal

    @property
    def event_id(self) -> str | None:
        """Its outbox event's id (None: head office is not told)."""
        self._done()
        return self._event_id

    @property
    def trace_id(self) -> str | None:
        self._done()
        return self._trace_id

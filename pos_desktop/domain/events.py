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

Each fact builds its payload in one place, its ``payload`` method. A new version of an
event is a change of that method and of ``schema_version``; a new kind of fact (a sale's
fiscal authorization, recorded later in its own transaction) is a new class here and the
rows it writes in ``pos_desktop.store.facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.journal import JournalEntry
from pos_desktop.domain.money import CURRENCY
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

    def payload(self) -> Payload:
        """Its event's payload without the ``journal`` block (the journal's record)."""
        return {}

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


def _tenders(tenders: Sequence[Tender]) -> list[dict[str, Any]]:
    return [{"kind": t.kind.value, "amount": t.amount, "reference": t.reference}
            for t in tenders]


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

    def payload(self) -> Payload:
        """The ``sale.completed`` v3 payload (see pos_contracts) — also the receipt's input."""
        sale = self.sale
        totals = sale.totals()
        return {
            "sale_id": sale.sale_id,
            "ticket_number": self.ticket_number,
            "ticket": self.ticket,
            "shift_id": self.shift_id,
            "cashier": None if self.cashier is None else self.cashier.as_dict(),
            "completed_at": self.occurred_at,
            "currency": CURRENCY,
            "lines": [
                {
                    "line_no": i,
                    "sku": line.product.sku,
                    "barcode": line.barcode,
                    "description": line.product.name,
                    "sold_by_weight": line.product.sold_by_weight,
                    "quantity_milli": line.quantity_milli,
                    "unit_price": line.unit_price,
                    "gross_amount": line.gross,
                    "discount": line.gross - totals.line_amounts[line.line_no],
                    "line_discount": line.line_discount,
                    "amount": totals.line_amounts[line.line_no],
                    "iva_rate": line.product.iva_rate.value,
                }
                for i, line in enumerate(sale.lines, start=1)
            ],
            "ticket_discount": totals.ticket_discount,
            "rounding": totals.rounding,
            "total": totals.total,
            "iva": [{"rate": v.rate.value, "gross": v.gross, "net": v.net, "tax": v.tax}
                    for v in totals.iva],
            "tenders": _tenders(sale.tenders),
            "change": sale.change,
            "fiscal": None if self.fiscal is None else dict(self.fiscal.block),
        }

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

    def payload(self) -> Payload:
        """The ``sale.refunded`` v2 payload."""
        return {
            "refund_id": self.refund_id,
            "sale_id": self.sale_id,
            "original_ticket": self.original_ticket,
            "refund_ticket_number": self.refund_number,
            "refund_ticket": self.ticket,
            "shift_id": self.shift_id,
            "cashier": self.cashier.as_dict(),
            "approved_by": self.approved_by.as_dict(),
            "reason": self.reason,
            "refunded_at": self.occurred_at,
            "currency": CURRENCY,
            "lines": [
                {
                    "line_no": li.line_no,
                    "original_line_no": li.original.line_no,
                    "sku": li.original.sku,
                    "description": li.original.description,
                    "sold_by_weight": li.original.sold_by_weight,
                    "quantity_milli": li.quantity_milli,
                    "amount": li.amount,
                    "iva_rate": li.original.iva_rate,
                }
                for li in self.plan.lines
            ],
            "total": self.plan.total,
            "iva": [{"rate": v.rate.value, "gross": v.gross, "net": v.net, "tax": v.tax}
                    for v in self.plan.iva],
            "tenders": _tenders(self.tenders),
            "fiscal": None if self.fiscal is None else dict(self.fiscal.block),
        }

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

    def payload(self) -> Payload:
        """The ``fiscal.authorized`` v1 payload."""
        b = self.block
        return {
            "document": {"kind": self.source_kind, "id": self.source_id},
            "ticket": self.ticket,
            "type": b["type"],
            "point_of_sale": b["point_of_sale"],
            "number": b["number"],
            "cbte_fch": b["cbte_fch"],
            "issued_at": b["issued_at"],
            "authorization": dict(b["authorization"]),
            "buyer": dict(b["buyer"]),
            "associated": None if b.get("associated") is None else dict(b["associated"]),
        }

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

    def payload(self) -> Payload:
        """The ``shift.opened`` v1 payload."""
        return {
            "shift_id": self.shift_id,
            "opened_by": self.opened_by.as_dict(),
            "opened_at": self.occurred_at,
            "currency": CURRENCY,
            "float": self.float_amount,
        }


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

    def payload(self) -> Payload:
        """The ``cash.moved`` v1 payload."""
        return {
            "movement_id": self.movement_id,
            "shift_id": self.shift_id,
            "direction": self.direction,
            "amount": self.amount,
            "currency": CURRENCY,
            "reason": self.reason,
            "by": self.by.as_dict(),
            "moved_at": self.occurred_at,
        }


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

    def payload(self) -> Payload:
        """The ``shift.closed`` v2 payload."""
        figures, expected = self.figures, self.figures.expected_cash
        return {
            "shift_id": figures.shift_id,
            "z_number": self.z_number,
            "closed_by": self.closed_by.as_dict(),
            "closed_at": self.occurred_at,
            "currency": CURRENCY,
            "float": figures.float,
            "expected_cash": expected,
            "counted_cash": self.counted,
            "over_short": self.counted - expected,
            "totals": {
                "sales": figures.sales,
                "refunds": figures.refunds,
                "cash_in": figures.cash_in,
                "cash_out": figures.cash_out,
                "by_tender": [{"kind": t.kind, "sales": t.sales, "refunds": t.refunds}
                              for t in figures.by_tender],
                "sales_by_iva": _iva_rows(figures.sales_by_iva),
                "refunds_by_iva": _iva_rows(figures.refunds_by_iva),
                "discounts": figures.discounts,
                "rounding": figures.rounding,
                "by_cashier": [
                    {
                        "user_id": c.user_id,
                        "name": c.name,
                        "sales_count": c.sales_count,
                        "sales": c.sales,
                        "refunds_count": c.refunds_count,
                        "refunds": c.refunds,
                    }
                    for c in figures.by_cashier
                ],
                "voided_sales": figures.voided_sales,
                "voided_lines": figures.voided_lines,
                "overrides": figures.overrides,
            },
            "sales_count": figures.sales_count,
            "refunds_count": figures.refunds_count,
            "first_ticket": figures.first_ticket,
            "last_ticket": figures.last_ticket,
        }

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


def _iva_rows(rows: Any) -> list[dict[str, Any]]:
    return [{"rate": r.rate, "gross": r.gross, "net": r.net, "tax": r.tax} for r in rows]


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

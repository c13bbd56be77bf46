"""Typed views of what gets printed, read from the wire payloads.

The printer package does not import the till's domain: it reads the ``sale.completed`` and
``sale.refunded`` payloads (the shared wire format) through their Structs
(``pos_contracts.payloads``, see ``wire.py``) into these frozen dataclasses, and checks the
arithmetic the receipt relies on (total = sum of lines, tenders - change = total), so a
malformed job fails loudly in the queue instead of printing a wrong ticket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pos_common.messages import N_, TranslatableError
from pos_contracts.payloads.common import IvaAmount, IvaAmountV2, Tender
from pos_contracts.payloads.sales import (
    RefundLineV1,
    RefundLineV2,
    SaleLineV1,
    SaleLineV2,
    SaleLineV3,
)
from pos_printers.errors import InvalidReceiptData
from pos_printers.wire import is_wire_refund, refund_of, sale_of

SaleLine = SaleLineV1 | SaleLineV2 | SaleLineV3
RefundLine = RefundLineV1 | RefundLineV2

# common.v2.json's rates: ARCA's 5, 2,5 and 0 % and no gravado came with the fiscal
# documents (sale.completed v3); a ticket of those must print like any other.
IVA_RATES = ("21", "10.5", "27", "5", "2.5", "0", "exempt", "not_taxed")
TENDER_KINDS = ("cash", "debit", "credit", "transfer")


# Where in the payload a problem is: a msgid ("the sale", marked with N_) or a place with a
# number in it (``line_place``), both put into the error's text in its reader's language.
Where = str | TranslatableError


def line_place(line_no: object) -> TranslatableError:
    """"line 3" as a value of an error's message (translated with the message)."""
    return TranslatableError(N_("line {line_no}"), line_no=line_no)


def _require(mapping: Mapping[str, Any], key: str, kind: type | tuple[type, ...],
             where: Where) -> Any:
    if key not in mapping:
        raise InvalidReceiptData(N_("The field '{key}' is missing in {where}."), key=key,
                                 where=where)
    value = mapping[key]
    # bool is an int in Python: reject it where an amount is expected.
    if isinstance(value, bool) and kind is int:
        raise InvalidReceiptData(N_("The field '{key}' of {where} must be a whole number."),
                                 key=key, where=where)
    if not isinstance(value, kind):
        raise InvalidReceiptData(N_("The field '{key}' of {where} has the wrong type."),
                                 key=key, where=where)
    return value


def _optional_str(mapping: Mapping[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) and value else None


def parse_timestamp(value: str, where: Where) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidReceiptData(N_("Invalid date in {where}: {value}."), where=where,
                                 value=repr(value)) from exc


def format_ticket(terminal_number: int, ticket_number: int) -> str:
    """The printed ticket number ``0001-00001234`` (terminal-number)."""
    return f"{terminal_number:04d}-{ticket_number:08d}"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    line_no: int
    sku: str
    description: str
    sold_by_weight: bool
    quantity_milli: int
    unit_price: int
    gross_amount: int
    discount: int
    amount: int
    iva_rate: str
    own_discount: int | None = None
    """The line's own discount (``line_discount``, sale.completed v2); None in older
    payloads, where ``discount`` may also hold a share of the ticket discount."""

    @classmethod
    def of(cls, line: SaleLine) -> ReceiptLine:
        return cls(
            line_no=line.line_no,
            sku=line.sku,
            description=line.description,
            sold_by_weight=line.sold_by_weight,
            quantity_milli=line.quantity_milli,
            unit_price=line.unit_price,
            gross_amount=line.gross_amount,
            discount=line.discount,
            amount=line.amount,
            iva_rate=line.iva_rate,
            own_discount=getattr(line, "line_discount", None),
        )

    @classmethod
    def returned(cls, line: RefundLine) -> ReceiptLine:
        """A ``sale.refunded`` line carries only the amount returned: the slip shows it
        as the line's gross and its unit price from it (rounded half up)."""
        qty = line.quantity_milli
        return cls(
            line_no=line.line_no, sku=line.sku, description=line.description,
            sold_by_weight=line.sold_by_weight, quantity_milli=qty,
            unit_price=(2 * line.amount * 1000 + qty) // (2 * qty),
            gross_amount=line.amount, discount=0, amount=line.amount, iva_rate=line.iva_rate,
        )

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ReceiptLine:
        """A line of the till's refund slip (sale-shaped; no Struct describes it)."""
        where = line_place(raw.get("line_no", "?"))
        rate = _require(raw, "iva_rate", str, where)
        if rate not in IVA_RATES:
            raise InvalidReceiptData(N_("Unknown IVA rate {rate} in {where}."),
                                     rate=repr(rate), where=where)
        return cls(
            line_no=_require(raw, "line_no", int, where),
            sku=str(raw.get("sku", "")),
            description=_require(raw, "description", str, where),
            sold_by_weight=bool(raw.get("sold_by_weight", False)),
            quantity_milli=_require(raw, "quantity_milli", int, where),
            unit_price=_require(raw, "unit_price", int, where),
            gross_amount=_require(raw, "gross_amount", int, where),
            discount=int(raw.get("discount", 0)),
            amount=_require(raw, "amount", int, where),
            iva_rate=rate,
        )


@dataclass(frozen=True, slots=True)
class ReceiptIva:
    rate: str
    gross: int
    net: int
    tax: int

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ReceiptIva:
        where = N_("the IVA detail")
        return cls(
            rate=_require(raw, "rate", str, where),
            gross=_require(raw, "gross", int, where),
            net=_require(raw, "net", int, where),
            tax=_require(raw, "tax", int, where),
        )


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    kind: str
    amount: int
    reference: str | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ReceiptTender:
        where = N_("a tender")
        kind = _require(raw, "kind", str, where)
        if kind not in TENDER_KINDS:
            raise InvalidReceiptData(N_("Unknown tender {kind}."), kind=repr(kind))
        return cls(kind=kind, amount=_require(raw, "amount", int, where),
                   reference=_optional_str(raw, "reference"))


def _iva(rows: Sequence[IvaAmount | IvaAmountV2]) -> tuple[ReceiptIva, ...]:
    return tuple(ReceiptIva(i.rate, i.gross, i.net, i.tax) for i in rows)


def _tenders(rows: Sequence[Tender]) -> tuple[ReceiptTender, ...]:
    return tuple(ReceiptTender(t.kind, t.amount, t.reference or None) for t in rows)


def _lines(raw: Any, where: Where) -> tuple[ReceiptLine, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise InvalidReceiptData(N_("There are no lines in {where}."), where=where)
    return tuple(ReceiptLine.from_payload(line) for line in raw)


def _refund_line(raw: Any) -> Mapping[str, Any]:
    """``sale.refunded`` lines carry only the amount returned: derive what the slip shows."""
    if not isinstance(raw, Mapping) or "gross_amount" in raw:
        return raw
    amount, qty = raw.get("amount"), raw.get("quantity_milli")
    if not isinstance(amount, int) or not isinstance(qty, int) or qty <= 0:
        return raw
    unit = (2 * amount * 1000 + qty) // (2 * qty)  # per unit or kg, rounded half up
    return {**raw, "gross_amount": amount, "discount": 0, "unit_price": unit}


def _cashier_name(payload: Mapping[str, Any]) -> str:
    cashier = payload.get("cashier")
    if isinstance(cashier, Mapping) and isinstance(cashier.get("name"), str):
        return str(cashier["name"])
    return ""


@dataclass(frozen=True, slots=True)
class ReceiptSale:
    """A completed sale as the receipt needs it (parsed ``sale.completed`` payload, v1 or v2)."""

    sale_id: str
    ticket: str
    ticket_number: int
    cashier: str
    completed_at: datetime
    currency: str
    lines: tuple[ReceiptLine, ...]
    ticket_discount: int
    total: int
    iva: tuple[ReceiptIva, ...]
    tenders: tuple[ReceiptTender, ...]
    change: int
    rounding: int = 0
    """Cash rounding forgiven to the customer (``sale.completed`` v2)."""

    @property
    def item_discounts(self) -> int:
        """The lines' own discounts (each line's ``discount`` also carries its share of
        the ticket discount and of the rounding, shown on their own rows)."""
        if self.line_discounts_are_known:
            return sum(line.own_discount or 0 for line in self.lines)
        return sum(line.discount for line in self.lines) - self.ticket_discount - self.rounding

    @property
    def line_discounts_are_known(self) -> bool:
        """Whether each line's own discount can be shown under it: the payload says it
        (v2), or nothing was spread over the lines. Otherwise the item discounts show as
        one total, never a line's share of the ticket discount as its own."""
        if all(line.own_discount is not None for line in self.lines):
            return True
        return not self.ticket_discount and not self.rounding

    def shown_discount(self, line: ReceiptLine) -> int:
        """What the receipt prints under ``line`` as its discount (0: nothing)."""
        if not self.line_discounts_are_known:
            return 0
        return line.discount if line.own_discount is None else line.own_discount

    @property
    def paid_in_cash(self) -> bool:
        """Whether the drawer must open: any cash tender, or change was given."""
        return self.change > 0 or any(t.kind == "cash" for t in self.tenders)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ReceiptSale:
        """From a ``sale.completed`` payload (v1-v3), checked by its Struct."""
        wire = sale_of(payload)
        sale = cls(
            sale_id=wire.sale_id,
            ticket=wire.ticket,
            ticket_number=wire.ticket_number,
            cashier=wire.cashier.name if wire.cashier else "",
            completed_at=parse_timestamp(wire.completed_at, N_("the sale")),
            currency=wire.currency,
            lines=tuple(ReceiptLine.of(line) for line in wire.lines),
            ticket_discount=wire.ticket_discount,
            total=wire.total,
            iva=_iva(wire.iva),
            tenders=_tenders(wire.tenders),
            change=wire.change,
            rounding=getattr(wire, "rounding", 0),
        )
        sale._check_sums()
        return sale

    def _check_sums(self) -> None:
        if sum(line.amount for line in self.lines) != self.total:
            raise InvalidReceiptData(
                N_("The total of ticket {ticket} is not the sum of its lines."),
                ticket=self.ticket)
        if self.tenders and sum(t.amount for t in self.tenders) - self.change != self.total:
            raise InvalidReceiptData(
                N_("The payments of ticket {ticket} do not add up to its total."),
                ticket=self.ticket)


@dataclass(frozen=True, slots=True)
class ReceiptRefund:
    """A refund (devolución) as its receipt needs it.

    Reads the ``sale.refunded`` payload as the till writes it (``refund_ticket``,
    ``refunded_at``, ``approved_by``, lines with ``amount`` only) and also the older
    print-job shape (``ticket``, ``completed_at``, ``authorized_by``, sale-shaped lines):
    ``original_ticket``, ``cashier``, ``reason``, ``lines`` (the returned quantities),
    ``total``, ``iva`` and ``tenders`` (how the money went back).
    """

    refund_id: str
    ticket: str | None
    original_ticket: str
    cashier: str
    authorized_by: str
    reason: str
    completed_at: datetime
    lines: tuple[ReceiptLine, ...]
    total: int
    iva: tuple[ReceiptIva, ...]
    tenders: tuple[ReceiptTender, ...] = field(default=())

    @property
    def paid_in_cash(self) -> bool:
        return any(t.kind == "cash" for t in self.tenders)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ReceiptRefund:
        """From a ``sale.refunded`` payload (v1-v2, checked by its Struct), or the slip
        shape the till queues (``_legacy``)."""
        if not isinstance(payload, Mapping) or not is_wire_refund(payload):
            return cls._legacy(payload)
        wire = refund_of(payload)
        refund = cls(
            refund_id=wire.refund_id,
            ticket=wire.refund_ticket,
            original_ticket=wire.original_ticket,
            cashier=wire.cashier.name if wire.cashier else "",
            authorized_by=wire.approved_by.name,
            reason=wire.reason,
            completed_at=parse_timestamp(wire.refunded_at, N_("the refund")),
            lines=tuple(ReceiptLine.returned(line) for line in wire.lines),
            total=wire.total,
            iva=_iva(wire.iva),
            tenders=_tenders(wire.tenders),
        )
        refund._check_total()
        return refund

    def _check_total(self) -> None:
        if sum(line.amount for line in self.lines) != self.total:
            raise InvalidReceiptData(
                N_("The total of the refund of ticket {ticket} is not the sum of its lines."),
                ticket=self.original_ticket)

    @classmethod
    def _legacy(cls, payload: Mapping[str, Any]) -> ReceiptRefund:
        """``ticket``, ``completed_at``, ``authorized_by``, sale-shaped lines: the slip the
        till queues with a refund (and older tills' jobs), read field by field."""
        where = N_("the refund")
        if not isinstance(payload, Mapping):
            raise InvalidReceiptData(N_("The data of {where} is not a JSON object."),
                                     where=where)
        authorized = payload.get("authorized_by", payload.get("approved_by"))
        when = payload.get("completed_at", payload.get("refunded_at"))
        if not isinstance(when, str):
            raise InvalidReceiptData(N_("The refund has no date (refunded_at)."))
        raw_lines = payload.get("lines")
        refund = cls(
            refund_id=str(payload.get("refund_id", "")),
            ticket=_optional_str(payload, "refund_ticket") or _optional_str(payload, "ticket"),
            original_ticket=_require(payload, "original_ticket", str, where),
            cashier=_cashier_name(payload),
            authorized_by=str(authorized.get("name", "")) if isinstance(authorized, Mapping)
            else "",
            reason=str(payload.get("reason", "")),
            completed_at=parse_timestamp(when, where),
            lines=_lines([_refund_line(x) for x in raw_lines]
                         if isinstance(raw_lines, list) else raw_lines, where),
            total=_require(payload, "total", int, where),
            iva=tuple(ReceiptIva.from_payload(i) for i in payload.get("iva", ())),
            tenders=tuple(ReceiptTender.from_payload(t) for t in payload.get("tenders", ())),
        )
        refund._check_total()
        return refund


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What the shop prints on top and bottom of every ticket (from the till's settings)."""

    name: str
    cuit: str
    address: str
    iva_condition: str = "Responsable Inscripto"
    header_lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    logo_path: str | None = None
    terminal_number: int = 1

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> StoreInfo:
        logo = raw.get("logo_path")
        return cls(
            name=str(raw.get("name", "")),
            cuit=str(raw.get("cuit", "")),
            address=str(raw.get("address", "")),
            iva_condition=str(raw.get("iva_condition", "Responsable Inscripto")),
            header_lines=tuple(str(x) for x in raw.get("header_lines", ())),
            footer_lines=tuple(str(x) for x in raw.get("footer_lines", ())),
            logo_path=str(logo) if logo else None,
            terminal_number=int(raw.get("terminal_number", 1)),
        )


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One row of an X/Z (or any) report: a label and an optional right-aligned value."""

    label: str
    value: str = ""
    bold: bool = False
    separator: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """A generic text report (shift X/Z close, cash count...) as the shift engineer sends it.

    Job JSON: ``{"title": "Cierre Z", "subtitle": "...", "generated_at": "<RFC 3339>",
    "rows": [{"label": "Ventas", "value": "$ 1.000,00", "bold": false} |
    {"separator": true} | {"label": "texto libre"}]}``.
    """

    title: str
    rows: tuple[ReportRow, ...]
    subtitle: str = ""
    generated_at: datetime | None = None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Report:
        where = N_("the report")
        if not isinstance(payload, Mapping):
            raise InvalidReceiptData(N_("The data of {where} is not a JSON object."),
                                     where=where)
        rows_raw = payload.get("rows", ())
        if not isinstance(rows_raw, Sequence):
            raise InvalidReceiptData(N_("The rows of the report must be a list."))
        rows = tuple(
            ReportRow(label=str(r.get("label", "")), value=str(r.get("value", "")),
                      bold=bool(r.get("bold", False)), separator=bool(r.get("separator", False)))
            for r in rows_raw if isinstance(r, Mapping)
        )
        generated = payload.get("generated_at")
        return cls(
            title=_require(payload, "title", str, where),
            subtitle=str(payload.get("subtitle", "")),
            rows=rows,
            generated_at=parse_timestamp(generated, where) if isinstance(generated, str) else None,
        )

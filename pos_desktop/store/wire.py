"""Each business fact's payload on the wire, built as the Struct of its event's type and
version (``pos_contracts.payloads``), so the till writes what the published contract
names, field by field, and msgspec encodes it (``pos_desktop.store.books``).

The domain says what happened (``pos_desktop.domain.events``) and knows nothing of the
wire; this is the one place a fact's payload is made. A new version of an event is a new
builder here returning the new version's Struct (and the fact's ``schema_version``).
The ``journal`` member is left unset: the journal's record is the payload without it,
and the books set it once the entry is chained.

A Struct's fields are in the order the payload always had (the schema files' order), so
the outbox envelope and the print job, which keep that order, are written as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import singledispatch
from typing import Any, TypeVar, cast

import msgspec
from msgspec import UNSET

from pos_contracts import InvalidEvent
from pos_contracts.payloads.common import (
    Associated,
    Authorization,
    Buyer,
    FiscalBlock,
    IvaAmount,
    IvaAmountV2,
    Person,
    Tender,
)
from pos_contracts.payloads.notices import AuthorizedDocument, FiscalAuthorizedV1
from pos_contracts.payloads.sales import (
    RefundLineV2,
    SaleCompletedV3,
    SaleLineV3,
    SaleRefundedV2,
)
from pos_contracts.payloads.shifts import (
    CashierTotals,
    CashMovedV1,
    ShiftClosedV2,
    ShiftOpenedV1,
    ShiftTotalsV2,
    TenderTotals,
)
from pos_desktop.domain import people
from pos_desktop.domain.events import (
    CashMoved,
    Event,
    FiscalAuthorized,
    FiscalDraft,
    SaleCompleted,
    SaleRefunded,
    ShiftClosed,
    ShiftOpened,
)
from pos_desktop.domain.money import CURRENCY
from pos_desktop.domain.sale import Tender as SaleTender

S = TypeVar("S", bound=msgspec.Struct)

CANONICAL = msgspec.json.Encoder(order="sorted")
"""The journal's canonical JSON (``domain.journal.canonical_json``: sorted keys, no
spaces, UTF-8 kept), byte for byte, made by msgspec from a payload's Struct (a property
test in tests/unit/test_use_cases.py holds the two equal)."""


@singledispatch
def wire_payload(event: Event) -> msgspec.Struct | None:
    """``event``'s payload without its journal block; None for a fact that has none (not
    journaled, head office not told)."""
    if event.event_type is not None or event.journal_kind is not None:
        # a fact whose payload was forgotten must not commit without it
        raise TypeError(f"{type(event).__name__} has no payload registered in {__name__}")
    return None


def _person(person: people.Person) -> Person:
    return Person(user_id=person.user_id, name=person.name)


def _tenders(tenders: Sequence[SaleTender]) -> list[Tender]:
    return [Tender(kind=t.kind.value, amount=t.amount, reference=t.reference)
            for t in tenders]


def _typed(value: Mapping[str, Any], struct: type[S], where: str) -> S:
    """A block the fiscal service made as a mapping, as its Struct (checked: what the
    schema refuses is refused here too, as the envelope's validation would)."""
    try:
        return msgspec.convert(value, struct)
    except msgspec.ValidationError as error:
        raise InvalidEvent("payload", f"{where}: {error}") from None


def _as_read(value: Mapping[str, Any], struct: type[S]) -> S:
    """A member of the fiscal document's block as the fiscal service read it back from its
    row (keys sorted there), kept as that mapping: ``fiscal.authorized`` has always carried
    it in that order on the wire, unlike the Struct's (schema) order, and the envelope's
    bytes must not change. The envelope's validation checks it against the schema as it
    does every payload; the journal's record is sorted either way."""
    return cast(S, dict(value))


def _fiscal(draft: FiscalDraft | None) -> FiscalBlock | None:
    return None if draft is None else _typed(draft.block, FiscalBlock, "fiscal")


@wire_payload.register
def _sale(event: SaleCompleted) -> SaleCompletedV3:
    """The ``sale.completed`` v3 payload — also the receipt's input."""
    sale = event.sale
    totals = sale.totals()
    amounts = totals.line_amounts
    return SaleCompletedV3(
        sale_id=sale.sale_id,
        ticket_number=event.ticket_number,
        ticket=event.ticket,
        shift_id=event.shift_id,
        cashier=None if event.cashier is None else _person(event.cashier),
        completed_at=event.occurred_at,
        currency=CURRENCY,
        lines=[
            SaleLineV3(
                line_no=i,
                sku=line.product.sku,
                barcode=line.barcode,
                description=line.product.name,
                sold_by_weight=line.product.sold_by_weight,
                quantity_milli=line.quantity_milli,
                unit_price=line.unit_price,
                gross_amount=line.gross,
                discount=line.gross - amounts[line.line_no],
                line_discount=line.line_discount,
                amount=amounts[line.line_no],
                iva_rate=line.product.iva_rate.value,
            )
            for i, line in enumerate(sale.lines, start=1)
        ],
        ticket_discount=totals.ticket_discount,
        rounding=totals.rounding,
        total=totals.total,
        iva=[IvaAmountV2(rate=v.rate.value, gross=v.gross, net=v.net, tax=v.tax)
             for v in totals.iva],
        tenders=_tenders(sale.tenders),
        change=sale.change,
        fiscal=_fiscal(event.fiscal),
        journal=UNSET,  # type: ignore[arg-type]
    )


@wire_payload.register
def _refund(event: SaleRefunded) -> SaleRefundedV2:
    """The ``sale.refunded`` v2 payload."""
    return SaleRefundedV2(
        refund_id=event.refund_id,
        sale_id=event.sale_id,
        original_ticket=event.original_ticket,
        refund_ticket_number=event.refund_number,
        refund_ticket=event.ticket,
        shift_id=event.shift_id,
        cashier=_person(event.cashier),
        approved_by=_person(event.approved_by),
        reason=event.reason,
        refunded_at=event.occurred_at,
        currency=CURRENCY,
        lines=[
            RefundLineV2(
                line_no=li.line_no,
                original_line_no=li.original.line_no,
                sku=li.original.sku,
                description=li.original.description,
                sold_by_weight=li.original.sold_by_weight,
                quantity_milli=li.quantity_milli,
                amount=li.amount,
                iva_rate=li.original.iva_rate,  # type: ignore[arg-type]
            )
            for li in event.plan.lines
        ],
        total=event.plan.total,
        iva=[IvaAmountV2(rate=v.rate.value, gross=v.gross, net=v.net, tax=v.tax)
             for v in event.plan.iva],
        tenders=_tenders(event.tenders),
        fiscal=_fiscal(event.fiscal),
        journal=UNSET,  # type: ignore[arg-type]
    )


@wire_payload.register
def _authorized(event: FiscalAuthorized) -> FiscalAuthorizedV1:
    """The ``fiscal.authorized`` v1 payload."""
    b = event.block
    associated = b.get("associated")
    return FiscalAuthorizedV1(
        document=AuthorizedDocument(kind=event.source_kind, id=event.source_id),  # type: ignore[arg-type]
        ticket=event.ticket,
        type=b["type"],
        point_of_sale=b["point_of_sale"],
        number=b["number"],
        cbte_fch=b["cbte_fch"],
        issued_at=b["issued_at"],
        authorization=_typed(b["authorization"], Authorization, "authorization"),
        buyer=_as_read(b["buyer"], Buyer),
        associated=None if associated is None else _as_read(associated, Associated),
        journal=UNSET,  # type: ignore[arg-type]
    )


@wire_payload.register
def _shift_opened(event: ShiftOpened) -> ShiftOpenedV1:
    """The ``shift.opened`` v1 payload."""
    return ShiftOpenedV1(
        shift_id=event.shift_id,
        opened_by=_person(event.opened_by),
        opened_at=event.occurred_at,
        currency=CURRENCY,
        float=event.float_amount,
    )


@wire_payload.register
def _cash_moved(event: CashMoved) -> CashMovedV1:
    """The ``cash.moved`` v1 payload."""
    return CashMovedV1(
        movement_id=event.movement_id,
        shift_id=event.shift_id,
        direction=event.direction,  # type: ignore[arg-type]
        amount=event.amount,
        currency=CURRENCY,
        reason=event.reason,
        by=_person(event.by),
        moved_at=event.occurred_at,
        journal=UNSET,  # type: ignore[arg-type]
    )


def _iva_rows(rows: Any) -> list[IvaAmount]:
    return [IvaAmount(rate=r.rate, gross=r.gross, net=r.net, tax=r.tax) for r in rows]


@wire_payload.register
def _shift_closed(event: ShiftClosed) -> ShiftClosedV2:
    """The ``shift.closed`` v2 payload (the Z)."""
    figures, expected = event.figures, event.figures.expected_cash
    return ShiftClosedV2(
        shift_id=figures.shift_id,
        z_number=event.z_number,
        closed_by=_person(event.closed_by),
        closed_at=event.occurred_at,
        currency=CURRENCY,
        float=figures.float,
        expected_cash=expected,
        counted_cash=event.counted,
        over_short=event.counted - expected,
        totals=ShiftTotalsV2(
            sales=figures.sales,
            refunds=figures.refunds,
            cash_in=figures.cash_in,
            cash_out=figures.cash_out,
            by_tender=[TenderTotals(kind=t.kind, sales=t.sales, refunds=t.refunds)  # type: ignore[arg-type]
                       for t in figures.by_tender],
            sales_by_iva=_iva_rows(figures.sales_by_iva),
            refunds_by_iva=_iva_rows(figures.refunds_by_iva),
            discounts=figures.discounts,
            rounding=figures.rounding,
            by_cashier=[
                CashierTotals(user_id=c.user_id, name=c.name, sales_count=c.sales_count,
                              sales=c.sales, refunds_count=c.refunds_count, refunds=c.refunds)
                for c in figures.by_cashier
            ],
            voided_sales=figures.voided_sales,
            voided_lines=figures.voided_lines,
            overrides=figures.overrides,
        ),
        sales_count=figures.sales_count,
        refunds_count=figures.refunds_count,
        first_ticket=figures.first_ticket,
        last_ticket=figures.last_ticket,
        journal=UNSET,  # type: ignore[arg-type]
    )

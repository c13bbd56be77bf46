"""Payloads of ``shift.opened`` v1, ``cash.moved`` v1 and ``shift.closed`` v1-v2 (the Z)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from pos_contracts.limits import MAX_STRING
from pos_contracts.payloads.common import (
    Count,
    Currency,
    IvaAmount,
    Journal,
    Money,
    Person,
    Positive,
    PositiveMoney,
    SignedMoney,
    Ticket,
    Timestamp,
    Uuid,
)


class ShiftOpenedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    shift_id: Uuid
    opened_by: Person
    opened_at: Timestamp
    currency: Currency
    float: Money
    journal: Journal | UnsetType = UNSET


class CashMovedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    movement_id: Uuid
    shift_id: Uuid
    direction: Literal['in', 'out']
    amount: PositiveMoney
    currency: Currency
    reason: Annotated[str, Meta(min_length=1, max_length=500)]
    by: Person
    moved_at: Timestamp
    journal: Journal


class TenderTotals(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Literal['cash', 'debit', 'credit', 'transfer']
    sales: Money
    refunds: Money


class ShiftTotalsV1(Struct, kw_only=True, forbid_unknown_fields=True):
    sales: Money
    refunds: Money
    cash_in: Money
    cash_out: Money
    by_tender: Annotated[list[TenderTotals], Meta(max_length=MAX_STRING)]
    sales_by_iva: Annotated[list[IvaAmount], Meta(max_length=MAX_STRING)]
    refunds_by_iva: Annotated[list[IvaAmount], Meta(max_length=MAX_STRING)]


class ShiftClosedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    shift_id: Uuid
    z_number: Positive
    closed_by: Person
    closed_at: Timestamp
    currency: Currency
    float: Money
    expected_cash: SignedMoney
    counted_cash: Money
    over_short: SignedMoney
    totals: ShiftTotalsV1
    sales_count: Count
    refunds_count: Count
    first_ticket: Ticket | None
    last_ticket: Ticket | None
    journal: Journal


class CashierTotals(Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: Annotated[str, Meta(max_length=64)]
    name: Annotated[str, Meta(max_length=200)]
    sales_count: Count
    sales: Money
    refunds_count: Count
    refunds: Money


class ShiftTotalsV2(Struct, kw_only=True, forbid_unknown_fields=True):
    sales: Money
    refunds: Money
    cash_in: Money
    cash_out: Money
    by_tender: Annotated[list[TenderTotals], Meta(max_length=MAX_STRING)]
    sales_by_iva: Annotated[list[IvaAmount], Meta(max_length=MAX_STRING)]
    refunds_by_iva: Annotated[list[IvaAmount], Meta(max_length=MAX_STRING)]
    discounts: Money
    rounding: Money
    by_cashier: Annotated[list[CashierTotals], Meta(max_length=MAX_STRING)]
    voided_sales: Count
    voided_lines: Count
    overrides: Count


class ShiftClosedV2(Struct, kw_only=True, forbid_unknown_fields=True):
    shift_id: Uuid
    z_number: Positive
    closed_by: Person
    closed_at: Timestamp
    currency: Currency
    float: Money
    expected_cash: SignedMoney
    counted_cash: Money
    over_short: SignedMoney
    totals: ShiftTotalsV2
    sales_count: Count
    refunds_count: Count
    first_ticket: Ticket | None
    last_ticket: Ticket | None
    journal: Journal

"""Payloads of ``sale.completed`` (v1-v3) and ``sale.refunded`` (v1-v2), one Struct per
version (schemas/sale.completed.vN.json, schemas/sale.refunded.vN.json).

Versions repeat each other's fields on purpose, as the schema files do: a published
version never changes, so no version's Struct inherits from another's."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from pos_contracts.payloads.common import (
    Barcode,
    Currency,
    FiscalBlock,
    IvaAmount,
    IvaAmountV2,
    IvaRate,
    IvaRateV2,
    Journal,
    Money,
    Person,
    Positive,
    QuantityMilli,
    Sku,
    Tender,
    Ticket,
    Timestamp,
    Uuid,
)


class SaleLineV1(Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: Positive
    sku: Sku
    barcode: Barcode | None
    description: Annotated[str, Meta(min_length=1, max_length=200)]
    sold_by_weight: bool
    quantity_milli: QuantityMilli
    unit_price: Money
    gross_amount: Money
    discount: Money
    amount: Money
    iva_rate: IvaRate


class SaleCompletedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    sale_id: Uuid
    ticket_number: Positive
    ticket: Ticket
    shift_id: Uuid | None
    cashier: Person | None
    completed_at: Timestamp
    currency: Currency
    lines: Annotated[list[SaleLineV1], Meta(min_length=1, max_length=1000)]
    ticket_discount: Money
    total: Money
    iva: Annotated[list[IvaAmount], Meta(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Meta(min_length=1, max_length=1000)]
    change: Money
    journal: Journal


class SaleLineV2(Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: Positive
    sku: Sku
    barcode: Barcode | None
    description: Annotated[str, Meta(min_length=1, max_length=200)]
    sold_by_weight: bool
    quantity_milli: QuantityMilli
    unit_price: Money
    gross_amount: Money
    discount: Money
    line_discount: Money
    amount: Money
    iva_rate: IvaRate


class SaleCompletedV2(Struct, kw_only=True, forbid_unknown_fields=True):
    sale_id: Uuid
    ticket_number: Positive
    ticket: Ticket
    shift_id: Uuid | None
    cashier: Person | None
    completed_at: Timestamp
    currency: Currency
    lines: Annotated[list[SaleLineV2], Meta(min_length=1, max_length=1000)]
    ticket_discount: Money
    rounding: Money
    total: Money
    iva: Annotated[list[IvaAmount], Meta(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Meta(min_length=1, max_length=1000)]
    change: Money
    journal: Journal


class SaleLineV3(Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: Positive
    sku: Sku
    barcode: Barcode | None
    description: Annotated[str, Meta(min_length=1, max_length=200)]
    sold_by_weight: bool
    quantity_milli: QuantityMilli
    unit_price: Money
    gross_amount: Money
    discount: Money
    line_discount: Money
    amount: Money
    iva_rate: IvaRateV2


class SaleCompletedV3(Struct, kw_only=True, forbid_unknown_fields=True):
    sale_id: Uuid
    ticket_number: Positive
    ticket: Ticket
    shift_id: Uuid | None
    cashier: Person | None
    completed_at: Timestamp
    currency: Currency
    lines: Annotated[list[SaleLineV3], Meta(min_length=1, max_length=1000)]
    ticket_discount: Money
    rounding: Money
    total: Money
    iva: Annotated[list[IvaAmountV2], Meta(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Meta(min_length=1, max_length=1000)]
    change: Money
    fiscal: FiscalBlock | None
    journal: Journal


class RefundLineV1(Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: Positive
    original_line_no: Positive
    sku: Sku
    description: Annotated[str, Meta(min_length=1, max_length=200)]
    sold_by_weight: bool
    quantity_milli: QuantityMilli
    amount: Money
    iva_rate: IvaRate


class SaleRefundedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    refund_id: Uuid
    sale_id: Uuid
    original_ticket: Ticket
    refund_ticket_number: Positive
    refund_ticket: Ticket
    shift_id: Uuid | None
    cashier: Person | None
    approved_by: Person
    reason: Annotated[str, Meta(min_length=1, max_length=500)]
    refunded_at: Timestamp
    currency: Currency
    lines: Annotated[list[RefundLineV1], Meta(min_length=1, max_length=1000)]
    total: Money
    iva: Annotated[list[IvaAmount], Meta(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Meta(min_length=1, max_length=1000)]
    journal: Journal


class RefundLineV2(Struct, kw_only=True, forbid_unknown_fields=True):
    line_no: Positive
    original_line_no: Positive
    sku: Sku
    description: Annotated[str, Meta(min_length=1, max_length=200)]
    sold_by_weight: bool
    quantity_milli: QuantityMilli
    amount: Money
    iva_rate: IvaRateV2


class SaleRefundedV2(Struct, kw_only=True, forbid_unknown_fields=True):
    refund_id: Uuid
    sale_id: Uuid
    original_ticket: Ticket
    refund_ticket_number: Positive
    refund_ticket: Ticket
    shift_id: Uuid | None
    cashier: Person | None
    approved_by: Person
    reason: Annotated[str, Meta(min_length=1, max_length=500)]
    refunded_at: Timestamp
    currency: Currency
    lines: Annotated[list[RefundLineV2], Meta(min_length=1, max_length=1000)]
    total: Money
    iva: Annotated[list[IvaAmountV2], Meta(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Meta(min_length=1, max_length=1000)]
    fiscal: FiscalBlock | None
    journal: Journal

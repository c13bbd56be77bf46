"""Payloads head office and the fiscal flow send: ``catalog.changed`` v1 and v2,
``people.changed`` v1, ``fiscal.authorized`` v1, ``caea.granted`` v1, ``till.suspended`` v1."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from pos_contracts.limits import MAX_STRING
from pos_contracts.payloads.common import (
    Associated,
    Authorization,
    Barcode,
    Buyer,
    CbteTipo,
    ComprobanteNumber,
    Count,
    Currency,
    Date,
    IvaRate,
    IvaRateV2,
    Journal,
    Money,
    PointOfSale,
    Positive,
    Sku,
    TerminalCode,
    Ticket,
    Timestamp,
    Uuid,
)


class _Product(Struct, kw_only=True, forbid_unknown_fields=True):
    """A product of ``catalog.changed`` but its IVA rate, which each version bounds."""

    sku: Sku
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    price: Money
    sold_by_weight: bool
    plu: Annotated[int, Meta(ge=1, le=99999)] | None
    category: Annotated[str, Meta(max_length=100)] | None
    barcodes: Annotated[list[Barcode], Meta(max_length=1000000)]
    active: bool

    def __post_init__(self) -> None:
        # uniqueItems, which msgspec has no constraint for (raised as a ValidationError).
        if len(set(self.barcodes)) != len(self.barcodes):
            raise ValueError("barcodes: códigos repetidos")


class CatalogItem(_Product, kw_only=True, forbid_unknown_fields=True):
    iva_rate: IvaRate


class CatalogChangedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    catalog_version: Positive
    currency: Currency
    products: Annotated[list[CatalogItem], Meta(max_length=1000000)]


class CatalogItemV2(_Product, kw_only=True, forbid_unknown_fields=True):
    iva_rate: IvaRateV2  # every treatment a till sells at (common.v2.json)


class CatalogChangedV2(Struct, kw_only=True, forbid_unknown_fields=True):
    catalog_version: Positive
    currency: Currency
    products: Annotated[list[CatalogItemV2], Meta(max_length=1000000)]


class AuthorizedDocument(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Literal['sale', 'refund']
    id: Uuid


class FiscalAuthorizedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    document: AuthorizedDocument
    ticket: Ticket
    type: CbteTipo
    point_of_sale: PointOfSale
    number: ComprobanteNumber
    cbte_fch: Date
    issued_at: Timestamp
    authorization: Authorization
    buyer: Buyer
    associated: Associated | None
    journal: Journal


class CaeaGrantedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    cuit: Annotated[str, Meta(pattern='^[0-9]{11}\\Z')]
    period: Annotated[int, Meta(ge=200001, le=999912)]
    order: Literal[1, 2]
    caea: Annotated[str, Meta(pattern='^[0-9]{14}\\Z')]
    valid_from: Date
    valid_to: Date
    report_deadline: Date
    granted_at: Timestamp


class TillSuspendedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    store_id: Annotated[str, Meta(pattern='^[A-Za-z0-9][A-Za-z0-9_-]{0,31}\\Z')]
    terminal_id: Annotated[str, Meta(pattern='^[A-Za-z0-9][A-Za-z0-9_-]{0,31}\\Z')]
    reason: Literal['clone']
    detail: Annotated[str, Meta(max_length=MAX_STRING)]
    suspended_at: Timestamp
    seq: Positive


class StorePerson(Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9._-]{0,39}\Z")]
    name: Annotated[str, Meta(min_length=1, max_length=80)]
    role: Literal["cashier", "supervisor", "manager"]
    pin_hash: Annotated[
        str,
        Meta(pattern=r"^scrypt\$[0-9]{1,10}\$[0-9]{1,3}\$[0-9]{1,3}\$[0-9a-f]{16,128}"
                     r"\$[0-9a-f]{32,128}\Z"),
    ]
    active: bool


class PeopleChangedV1(Struct, kw_only=True, forbid_unknown_fields=True):
    people_version: Count
    store_id: TerminalCode
    people: Annotated[list[StorePerson], Meta(max_length=1000)]

"""Types shared by the payloads: the ``$defs`` of common.v1.json and common.v2.json.

Each alias and Struct states exactly what its definition in the schema file states (the
agreement test, tests/contracts/test_payload_structs.py, holds them to it), plus the wire
limits of ``limits.py`` (no string or array beyond them, integers within 64 bits).
Patterns end in ``\\Z`` where the schemas say ``$``: Python's ``$`` also matches before a
final newline, fastjsonschema's ``\\Z`` (the one the compiled validator applies) does not.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from pos_contracts.limits import INT_MAX

Positive = Annotated[int, Meta(ge=1, le=INT_MAX)]
Count = Annotated[int, Meta(ge=0, le=INT_MAX)]


Date = Annotated[str, Meta(pattern='^[0-9]{4}-[0-9]{2}-[0-9]{2}\\Z')]


_RFC3339 = (  # fastjsonschema's date-time format: real dates, leap years
    r"^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|"
    r"[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?"
    r":[02468][048]|[13579][26])00)-02-29)(t|T)(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60"
    r")(?:\.\d+)?(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|[+-](?:[01]\d|2[0-3])[0-5]\d|z|Z)\Z"
)
_WITH_OFFSET = (  # the schema's own pattern: an offset, at most 9 decimals
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9"
    r"]{2}:[0-9]{2})\Z"
)
Timestamp = Annotated[
    str, Meta(pattern=f"^(?=(?:{_RFC3339}))(?=[\\s\\S]*?(?:{_WITH_OFFSET}))")
]


Uuid = Annotated[
    str, Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
]


PositiveMoney = Annotated[int, Meta(ge=1, le=9007199254740991)]


Money = Annotated[int, Meta(ge=0, le=9007199254740991)]


SignedMoney = Annotated[int, Meta(ge=-9007199254740991, le=9007199254740991)]


TerminalCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")]
"""A store_id or terminal_id."""


Currency = Annotated[str, Meta(pattern='^[A-Z]{3}\\Z')]


QuantityMilli = Annotated[int, Meta(ge=1, le=1000000000)]


Sku = Annotated[str, Meta(min_length=1, max_length=64)]


Barcode = Annotated[str, Meta(pattern='^[0-9A-Za-z-]{1,64}\\Z')]


Ticket = Annotated[str, Meta(pattern='^[0-9]{4,5}-[0-9]{8}\\Z')]


IvaRate = Literal['21', '10.5', '27', 'exempt']


IvaRateV2 = Literal['21', '10.5', '27', '5', '2.5', '0', 'exempt', 'not_taxed']


class Person(Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: Annotated[str, Meta(min_length=1, max_length=64)]
    name: Annotated[str, Meta(max_length=200)]


class Journal(Struct, kw_only=True, forbid_unknown_fields=True):
    seq: Positive
    prev_hash: Annotated[str, Meta(pattern='^[0-9a-f]{64}\\Z')]
    hash: Annotated[str, Meta(pattern='^[0-9a-f]{64}\\Z')]


class Tender(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Literal['cash', 'debit', 'credit', 'transfer']
    amount: PositiveMoney
    reference: Annotated[str, Meta(max_length=200)] | None


class IvaAmount(Struct, kw_only=True, forbid_unknown_fields=True):
    rate: IvaRate
    gross: Money
    net: Money
    tax: Money


class IvaAmountV2(Struct, kw_only=True, forbid_unknown_fields=True):
    rate: IvaRateV2
    gross: Money
    net: Money
    tax: Money


CbteTipo = Literal[1, 3, 6, 8, 11, 13]


PointOfSale = Annotated[int, Meta(ge=1, le=99998)]


ComprobanteNumber = Annotated[int, Meta(ge=1, le=99999999)]


IvaCondition = Literal[1, 4, 5, 6, 7, 8, 9, 10, 13, 15, 16]


class Authorization(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Literal['CAE', 'CAEA']
    code: Annotated[str, Meta(pattern='^[0-9]{14}\\Z')]
    due: Date


class Buyer(Struct, kw_only=True, forbid_unknown_fields=True):
    doc_type: Literal[80, 86, 96, 99]
    doc_number: Annotated[int, Meta(ge=0, le=99999999999)]
    name: Annotated[str, Meta(max_length=120)]
    iva_condition: IvaCondition


class Associated(Struct, kw_only=True, forbid_unknown_fields=True):
    sale_id: Uuid
    type: CbteTipo
    point_of_sale: PointOfSale
    number: ComprobanteNumber | None


class Seller(Struct, kw_only=True, forbid_unknown_fields=True):
    cuit: Annotated[str, Meta(pattern='^[0-9]{11}\\Z')]
    iva_condition: Literal['Responsable Inscripto', 'Monotributo', 'Exento']


class FiscalIva(Struct, kw_only=True, forbid_unknown_fields=True):
    id: Literal[3, 4, 5, 6, 8, 9]
    base: Money
    amount: Money


class OtherTax(Struct, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[int, Meta(ge=1, le=99)]
    description: Annotated[str, Meta(min_length=1, max_length=80)]
    base: Money
    rate_bp: Annotated[int, Meta(ge=0, le=10000)]
    amount: Money


class FiscalAmounts(Struct, kw_only=True, forbid_unknown_fields=True):
    net: Money
    iva: Annotated[list[FiscalIva], Meta(max_length=6)]
    exempt: Money
    untaxed: Money
    other_taxes: Annotated[list[OtherTax], Meta(max_length=20)]
    total: PositiveMoney


class FiscalBlock(Struct, kw_only=True, forbid_unknown_fields=True):
    type: CbteTipo
    point_of_sale: PointOfSale
    number: ComprobanteNumber | None
    cbte_fch: Date | None
    issued_at: Timestamp | None
    seller: Seller
    buyer: Buyer
    amounts: FiscalAmounts
    associated: Associated | None
    authorization: Authorization | None

"""One ``msgspec.Struct`` per event type and version: the payloads as Python types.

The JSON Schema files in ``schemas/`` stay the published contract; these Structs say the
same thing in Python, so a producer builds a payload with named, typed fields and a
consumer reads one without ``payload["..."]``. ``tests/contracts/test_payload_structs.py``
proves they agree with the schemas: every example and every produced event round-trips,
and what the schema refuses, the Struct refuses too (what the Struct accepts, the schema
accepts). A new schema version gets its Struct here in the same change.

``decoder(type, version)`` decodes and checks a payload's JSON in one pass in C.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

from pos_contracts.payloads.envelope import EnvelopeV1
from pos_contracts.payloads.notices import (
    CaeaGrantedV1,
    CatalogChangedV1,
    CatalogChangedV2,
    FiscalAuthorizedV1,
    PeopleChangedV1,
    TillSuspendedV1,
)
from pos_contracts.payloads.sales import (
    SaleCompletedV1,
    SaleCompletedV2,
    SaleCompletedV3,
    SaleRefundedV1,
    SaleRefundedV2,
)
from pos_contracts.payloads.shifts import (
    CashMovedV1,
    ShiftClosedV1,
    ShiftClosedV2,
    ShiftOpenedV1,
)

PAYLOADS: dict[tuple[str, int], type[msgspec.Struct]] = {
    ("caea.granted", 1): CaeaGrantedV1,
    ("cash.moved", 1): CashMovedV1,
    ("catalog.changed", 1): CatalogChangedV1,
    ("catalog.changed", 2): CatalogChangedV2,
    ("fiscal.authorized", 1): FiscalAuthorizedV1,
    ("people.changed", 1): PeopleChangedV1,
    ("sale.completed", 1): SaleCompletedV1,
    ("sale.completed", 2): SaleCompletedV2,
    ("sale.completed", 3): SaleCompletedV3,
    ("sale.refunded", 1): SaleRefundedV1,
    ("sale.refunded", 2): SaleRefundedV2,
    ("shift.closed", 1): ShiftClosedV1,
    ("shift.closed", 2): ShiftClosedV2,
    ("shift.opened", 1): ShiftOpenedV1,
    ("till.suspended", 1): TillSuspendedV1,
}


@cache
def decoder(event_type: str, version: int) -> msgspec.json.Decoder[Any] | None:
    """The JSON decoder of a payload's Struct; None for a (type, version) without one."""
    struct = PAYLOADS.get((event_type, version))
    return None if struct is None else msgspec.json.Decoder(struct)


ENVELOPE = msgspec.json.Decoder(EnvelopeV1)
"""The envelope's shell (payload raw)."""

__all__ = ["ENVELOPE", "PAYLOADS", "EnvelopeV1", "decoder"]

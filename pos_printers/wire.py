"""The wire payloads a print job carries, read through their Structs (``pos_contracts.
payloads``): a job prints only what the contract allows, checked by the same types the
ingest uses, and a bad one fails in the queue with a Spanish message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from pos_contracts.payloads.sales import (
    SaleCompletedV1,
    SaleCompletedV2,
    SaleCompletedV3,
    SaleRefundedV1,
    SaleRefundedV2,
)
from pos_printers.errors import InvalidReceiptData

Sale = SaleCompletedV1 | SaleCompletedV2 | SaleCompletedV3
Refund = SaleRefundedV1 | SaleRefundedV2

T = TypeVar("T")
_MISSING = re.compile(r"Object missing required field `(?P<field>[^`]+)`(?: - at `\$(?P<at>.*)`)?")


def sale_of(payload: Mapping[str, Any]) -> Sale:
    """A ``sale.completed`` payload: v3 carries ``fiscal``, v2 ``rounding``, v1 neither
    (a print job stores the payload without its envelope's version)."""
    if "fiscal" in payload:
        return _convert(payload, SaleCompletedV3, "la venta")
    if "rounding" in payload:
        return _convert(payload, SaleCompletedV2, "la venta")
    return _convert(payload, SaleCompletedV1, "la venta")


def is_wire_refund(payload: Mapping[str, Any]) -> bool:
    """A ``sale.refunded`` payload as published, not the slip shape the till queues
    (``domain.refund.refund_slip``: the payload plus ``ticket``, ``completed_at``,
    ``authorized_by`` and sale-shaped lines), which the slip's own reader keeps."""
    return "refund_id" in payload and "refunded_at" in payload and "ticket" not in payload


def refund_of(payload: Mapping[str, Any]) -> Refund:
    if "fiscal" in payload:
        return _convert(payload, SaleRefundedV2, "la devolución")
    return _convert(payload, SaleRefundedV1, "la devolución")


def _convert(payload: Mapping[str, Any], struct: type[T], where: str) -> T:
    if not isinstance(payload, Mapping):
        raise InvalidReceiptData(f"Los datos de {where} no son un objeto JSON.")
    try:
        return msgspec.convert(payload, struct)
    except msgspec.ValidationError as error:
        missing = _MISSING.fullmatch(str(error))
        if missing:
            inside = f" ({missing['at']})" if missing["at"] else ""
            raise InvalidReceiptData(
                f"Falta el campo «{missing['field']}» en {where}{inside}.") from None
        raise InvalidReceiptData(f"Datos inválidos en {where}: {error}.") from None

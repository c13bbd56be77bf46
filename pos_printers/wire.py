"""The wire payloads a print job carries, read through their Structs (``pos_contracts.
payloads``): a job prints only what the contract allows, checked by the same types the
ingest uses, and a bad one fails in the queue with a message in the run's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from pos_common.i18n import N_, _
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
        return _convert(payload, SaleCompletedV3, N_("the sale"))
    if "rounding" in payload:
        return _convert(payload, SaleCompletedV2, N_("the sale"))
    return _convert(payload, SaleCompletedV1, N_("the sale"))


def is_wire_refund(payload: Mapping[str, Any]) -> bool:
    """A ``sale.refunded`` payload as published, not the slip shape the till queues
    (``domain.refund.refund_slip``: the payload plus ``ticket``, ``completed_at``,
    ``authorized_by`` and sale-shaped lines), which the slip's own reader keeps."""
    return "refund_id" in payload and "refunded_at" in payload and "ticket" not in payload


def refund_of(payload: Mapping[str, Any]) -> Refund:
    if "fiscal" in payload:
        return _convert(payload, SaleRefundedV2, N_("the refund"))
    return _convert(payload, SaleRefundedV1, N_("the refund"))


def _convert(payload: Mapping[str, Any], struct: type[T], where: str) -> T:
    if not isinstance(payload, Mapping):
        raise InvalidReceiptData(_("The data of {where} is not a JSON object.").format(
            where=_(where)))
    try:
        return msgspec.convert(payload, struct)
    except msgspec.ValidationError as error:
        missing = _MISSING.fullmatch(str(error))
        if missing:
            inside = f" ({missing['at']})" if missing["at"] else ""
            raise InvalidReceiptData(_("The field '{field}' is missing in {where}{inside}.")
                                     .format(field=missing["field"], where=_(where),
                                             inside=inside)) from None
        raise InvalidReceiptData(_("Invalid data in {where}: {error}.").format(
            where=_(where), error=error)) from None

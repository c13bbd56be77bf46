"""Arithmetic and consistency of the fiscal block (``common.v2.json#/$defs/fiscal_block``)
that a schema cannot say: ARCA's own rules on a comprobante's amounts, class and buyer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pos_contracts.errors import InvalidEvent

CLASS_C = frozenset({11, 13})
CLASS_A = frozenset({1, 3})
CREDIT_NOTES = frozenset({3, 8, 13})
_CLASS = {1: "A", 3: "A", 6: "B", 8: "B", 11: "C", 13: "C"}


def _fail(reason: str) -> None:
    raise InvalidEvent("amounts", reason)


def check_fiscal_block(block: Mapping[str, Any] | None, total: int, where: str) -> None:
    """``block`` (or None) against its own rules and the sale's or refund's ``total``."""
    if block is None:
        return
    kind, amounts, buyer = block["type"], block["amounts"], block["buyer"]
    iva, other = amounts["iva"], amounts["other_taxes"]
    parts = (amounts["untaxed"] + amounts["net"] + amounts["exempt"]
             + sum(t["amount"] for t in other) + sum(a["amount"] for a in iva))
    if amounts["total"] != parts:
        _fail(f"{where}: comprobante: ImpTotal {amounts['total']} != suma de sus partes {parts}")
    if amounts["total"] != total:
        _fail(f"{where}: comprobante: ImpTotal {amounts['total']} != total {total}")
    if len({a["id"] for a in iva}) != len(iva):
        _fail(f"{where}: comprobante: alícuota de IVA repetida")
    if kind in CLASS_C:
        if iva or amounts["exempt"] or amounts["untaxed"]:
            _fail(f"{where}: comprobante clase C con IVA, exento o no gravado discriminados")
    elif amounts["net"] != sum(a["base"] for a in iva):
        _fail(f"{where}: comprobante: ImpNeto != suma de las bases de IVA")
    if buyer["doc_type"] == 99 and (buyer["doc_number"] != 0 or buyer["iva_condition"] != 5):
        _fail(f"{where}: comprobante: un comprador sin identificar es consumidor final (DocNro 0)")
    if kind in CLASS_A and buyer["doc_type"] != 80:
        _fail(f"{where}: comprobante clase A sin CUIT del comprador")
    known = [block[k] is not None for k in ("number", "cbte_fch", "issued_at", "authorization")]
    if any(known) and not all(known):
        _fail(f"{where}: comprobante: número, fecha y autorización van juntos")
    associated = block["associated"]
    if (kind in CREDIT_NOTES) != (associated is not None):
        _fail(f"{where}: comprobante: sólo una nota de crédito (y toda nota de crédito) "
              "lleva el comprobante que anula")
    if associated is not None and _CLASS[associated["type"]] != _CLASS[kind]:
        _fail(f"{where}: nota de crédito de otra clase que su comprobante original")
    if associated is not None and associated["type"] in CREDIT_NOTES:
        _fail(f"{where}: una nota de crédito no anula otra nota de crédito")


def check_fiscal_authorized_v1(p: Mapping[str, Any]) -> None:
    kind, associated = p["type"], p["associated"]
    if (kind in CREDIT_NOTES) != (associated is not None):
        _fail("autorización: sólo una nota de crédito lleva su comprobante original")
    if associated is not None and associated["number"] is None:
        _fail("autorización: la nota de crédito se autoriza con el número de su original")
    if kind in CLASS_A and p["buyer"]["doc_type"] != 80:
        _fail("autorización: comprobante clase A sin CUIT del comprador")

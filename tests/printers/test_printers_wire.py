"""A print job is read through the payload's Struct: it prints what the contract allows
and refuses, naming the field, what it does not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from printer_samples import STORE

from pos_contracts.testing import SimulatedTerminal
from pos_printers.errors import InvalidReceiptData
from pos_printers.layout import refund_document
from pos_printers.model import ReceiptRefund, ReceiptSale


def sold(seed: int = 3, lines: int = 1) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(json.dumps(SimulatedTerminal(seed=seed).sale(lines)
                                                    .payload))
    return payload


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["tenders"][0].update(kind="bitcoin"), "the sale: .*\\$.tenders\\[0\\].kind"),
        (lambda p: p["lines"][0].update(amount=True), "\\$.lines\\[0\\].amount"),
        (lambda p: p.pop("journal"), "The field 'journal' is missing in the sale"),
        (lambda p: p.update(completed_at="ayer"), "\\$.completed_at"),
        (lambda p: p["lines"][0].pop("sku"), "The field 'sku' is missing in the sale \\(.lines\\[0\\]\\)"),
    ],
)
def test_what_the_contract_refuses_is_refused_naming_the_field(
    change: Any, message: str
) -> None:
    payload = sold()
    change(payload)
    with pytest.raises(InvalidReceiptData, match=message):
        ReceiptSale.from_payload(payload)


def test_a_refund_as_the_till_publishes_it_prints_its_slip() -> None:
    till = SimulatedTerminal(seed=4)
    sale = till.sale(2)
    refund = till.refund(sale)
    slip = ReceiptRefund.from_payload(refund.payload)
    assert (slip.ticket, slip.original_ticket) == (refund.payload["refund_ticket"],
                                                    sale.payload["ticket"])
    text = "\n".join(refund_document(slip, STORE, 48).text_lines())
    assert refund.payload["reason"] in text

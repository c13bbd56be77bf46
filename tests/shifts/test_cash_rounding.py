"""Cash rounding at the till: the receipt, the event and the drawer all say the same."""

from __future__ import annotations

import json

from sqlalchemy import text

from pos_common.i18n import format_money, set_language
from pos_contracts import default_registry
from pos_desktop.app import Till
from pos_desktop.domain.sale import TenderKind
from pos_desktop.services.reports import figures_dict, report_document
from pos_printers.escpos_render import plain_text
from pos_printers.layout import receipt_document
from pos_printers.model import ReceiptSale, StoreInfo
from tests.shifts.conftest import DEMO_FLOAT, PAN_KG, YERBA


def test_a_weighed_sale_paid_in_cash_is_rounded_everywhere_it_shows(till: Till) -> None:
    reg = till.register
    assert reg.cash_unit == 100  # the default: to the peso
    reg.scan(f"0,347*{PAN_KG}")  # $ 4.290/kg × 0,347 kg = $ 1.488,63
    assert (reg.sale.total, reg.sale.due_in_cash) == (148_863, 148_800)
    reg.tender(TenderKind.CASH)  # exact cash: what can be paid in pesos
    done = reg.complete()
    p = done.payload
    assert (p["total"], p["rounding"], p["change"]) == (148_800, 63, 0)
    assert p["tenders"] == [{"kind": "cash", "amount": 148_800, "reference": None}]

    with till.uow() as uow:
        version, envelope = uow.conn.execute(
            text("SELECT json_extract(envelope, '$.schema_version'), envelope FROM outbox "
                 "WHERE type = 'sale.completed'")
        ).one()
    assert version == 3
    default_registry().reference_validate(json.loads(envelope))

    set_language("es_AR")  # a Spanish till's ticket (tests/conftest.py puts English back)
    receipt = plain_text(receipt_document(
        ReceiptSale.from_payload(p), StoreInfo("Almacén", "30-71234567-9", "Calle 1"), 48))
    assert "Redondeo del efectivo" in receipt and "1.488,00" in receipt
    set_language("en")

    figures = till.shifts.figures()
    assert figures.expected_cash == DEMO_FLOAT + 148_800  # what is in the drawer
    assert (figures.sales, figures.discounts, figures.rounding) == (148_800, 0, 63)
    rows = report_document(figures_dict(figures), x=True)["rows"]
    assert ("Cash rounding", format_money(63)) in [(row.get("label"), row.get("value")) for row in rows]


def test_a_card_pays_to_the_centavo_and_the_setting_applies_at_once(till: Till) -> None:
    reg = till.register
    reg.scan(f"0,347*{PAN_KG}")
    reg.tender(TenderKind.DEBIT)
    assert reg.complete().payload["rounding"] == 0
    reg.cash_unit = 1  # "No rounding" saved in the settings
    reg.scan(f"0,347*{PAN_KG}")
    reg.scan(YERBA)
    reg.tender(TenderKind.CASH)
    assert reg.complete().payload["rounding"] == 0


def test_a_parked_sale_keeps_the_cash_taken_and_its_rounding(till: Till) -> None:
    reg = till.register
    reg.scan(f"0,347*{PAN_KG}")
    reg.tender(TenderKind.CASH, 100_000)  # part in cash, then the customer steps aside
    parked_id = reg.park()
    reg.cash_unit = 1  # the rounding setting changed meanwhile
    [row] = reg.parked()
    assert row["total"] == 148_863
    sale = reg.recall(parked_id)
    assert (sale.tendered, sale.due_in_cash, sale.cash_unit) == (100_000, 48_800, 100)
    reg.tender(TenderKind.CASH)
    assert reg.complete().payload["rounding"] == 63


def test_the_receipt_shows_each_lines_own_discount_and_the_ticket_rows_apart(
    till: Till,
) -> None:
    reg = till.register
    reg.scan(f"0,347*{PAN_KG}")
    reg.scan(YERBA)
    reg.discount_line(2, "10%")
    reg.discount_ticket("100")
    reg.tender(TenderKind.CASH, 700_000)
    p = reg.complete().payload
    assert [line["line_discount"] for line in p["lines"]] == [0, 52_900]
    set_language("es_AR")  # a Spanish till's ticket (tests/conftest.py puts English back)
    text = plain_text(receipt_document(
        ReceiptSale.from_payload(p), StoreInfo("Almacén", "30-71234567-9", "Calle 1"), 48))
    discounts = [row for row in text.splitlines() if row.strip().startswith("Descuento")]
    assert any(row.startswith("  Descuento") and row.endswith("-$ 529,00") for row in discounts)
    assert not any(row.startswith("  Descuento") and "0,63" in row for row in discounts)
    assert "Redondeo del efectivo" in text and "-$ 100,00" in text

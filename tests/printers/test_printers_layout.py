"""Receipt layout: content a shop needs, laid out for 32, 42 and 48 columns."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from printer_samples import STORE, line, sale_payload

from pos_common.i18n import explain, set_language
from pos_printers.document import Barcode, Cut, DrawerKick, QrCode, Row, Text, line_width
from pos_printers.errors import InvalidReceiptData
from pos_printers.layout import receipt_document, refund_document, report_document, wrap
from pos_printers.model import ReceiptRefund, ReceiptSale, Report, format_ticket


@pytest.fixture(autouse=True)
def spanish_till() -> None:
    """These tests read the ticket a Spanish till prints (an English one prints English,
    tests/printers/test_receipt_language.py); tests/conftest.py puts English back."""
    set_language("es_AR")


def doc_for(payload: dict[str, Any], columns: int = 48, **kwargs: Any) -> list[str]:
    return receipt_document(ReceiptSale.from_payload(payload), STORE, columns,
                            **kwargs).text_lines()


def test_ticket_number_is_terminal_dash_eight_digit_number() -> None:
    assert format_ticket(1, 1234) == "0001-00001234"
    assert any(x.startswith("Ticket 0001-00001234") for x in doc_for(sale_payload()))


def test_receipt_shows_store_block_date_cashier_total_iva_tenders_change_and_footer() -> None:
    text = "\n".join(doc_for(sale_payload()))
    for expected in ("Almacén Don Ñato", "CUIT 30-71234567-9", "IVA Responsable Inscripto",
                     "Ing. Brutos: 901-123456-7", "28/11/2026 10:31", "Atendió: Ana Núñez",
                     "Yerba Mate Playadito 1 kg", "2 x $ 4.500,00", "TOTAL",
                     "IVA contenido 21%", "IVA contenido 10,5%", "Efectivo", "Su vuelto",
                     "¡Gracias por su compra!", "Documento no válido como factura"):
        assert expected in text, expected


def test_weighed_items_show_kilograms_and_price_per_kg() -> None:
    text = doc_for(sale_payload([line(1, "Queso cremoso", 1200000, 750, by_weight=True)]))
    assert "  0,750 kg x $ 12.000,00/kg" in text


def test_amounts_stay_right_aligned_in_the_last_column() -> None:
    for columns in (32, 42, 48):
        lines = doc_for(sale_payload(), columns)
        amount_lines = [x for x in lines if x.rstrip().endswith(",00") and "$" in x
                        and not x.startswith(" ") and "x $" not in x]
        assert amount_lines
        for text in amount_lines:
            # TOTAL is double size where it fits: then it spans half the characters
            assert len(text) in ((columns, columns // 2) if text.startswith("TOTAL")
                                 else (columns,)), text


def test_long_names_wrap_without_losing_words() -> None:
    name = "Pañuelos descartables Elite triple hoja caja de veinticuatro unidades"
    lines = doc_for(sale_payload([line(1, name, 99900)]), 32)
    start = next(i for i, x in enumerate(lines) if x.startswith("Pañuelos"))
    assert lines[start].endswith("$ 999,00")
    joined = " ".join(x.replace("$ 999,00", "").strip() for x in lines[start:start + 3])
    assert name in joined


def test_iva_content_is_printed_per_rate_from_the_payload() -> None:
    payload = sale_payload()
    lines = doc_for(payload)
    for entry in payload["iva"]:
        rate = "10,5%" if entry["rate"] == "10.5" else f"{entry['rate']}%"
        pesos, cents = divmod(entry["tax"], 100)
        amount = f"$ {pesos:,}".replace(",", ".") + f",{cents:02d}"
        assert any(x.startswith(f"IVA contenido {rate}") and x.endswith(amount) for x in lines)


def test_discounts_are_shown_and_add_up_to_the_total() -> None:
    payload = sale_payload([line(1, "Vino Malbec", 500000, 2000, discount=50000),
                            line(2, "Queso", 300000)], ticket_discount=10000)
    lines = doc_for(payload)
    # a line's own discount and its share of the ticket discount cannot be told apart in
    # the payload: with a ticket discount the item discounts show as one exact total
    assert not any(x.startswith("  Descuento") for x in lines)
    assert any(x.startswith("Descuentos por artículo") and x.endswith("-$ 500,00") for x in lines)
    assert any(x.startswith("Descuento ") and x.endswith("-$ 100,00") for x in lines)
    assert any(x.startswith("Subtotal") and x.endswith("$ 13.000,00") for x in lines)
    assert any(x.startswith("TOTAL") and x.endswith("$ 12.400,00") for x in lines)
    alone = doc_for(sale_payload([line(1, "Vino Malbec", 500000, 2000, discount=50000)]))
    assert any(x.startswith("  Descuento") and x.endswith("-$ 500,00") for x in alone)


def test_card_payments_print_their_reference_and_do_not_open_the_drawer() -> None:
    payload = sale_payload([line(1, "Café", 350000)],
                           tenders=[{"kind": "debit", "amount": 350000, "reference": "A1B2"}],
                           change=0)
    document = receipt_document(ReceiptSale.from_payload(payload), STORE, 48)
    assert not any(isinstance(b, DrawerKick) for b in document.blocks)
    assert "  Ref.: A1B2" in document.text_lines()
    assert any(x.startswith("Tarjeta de débito") for x in document.text_lines())


def test_cash_sale_kicks_the_drawer_first_and_ends_with_code_and_cut() -> None:
    blocks = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 48).blocks
    assert isinstance(blocks[0], DrawerKick)
    assert isinstance(blocks[-1], Cut)
    assert Barcode("0001-00001234") in blocks


def test_qr_variant_prints_the_ticket_under_the_code() -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 42, code="qr")
    assert QrCode("0001-00001234") in document.blocks
    assert document.text_lines()[-1].strip() == "0001-00001234"


def test_reprint_is_labelled_and_does_not_open_the_drawer() -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 48,
                                reprint=True)
    assert "REIMPRESIÓN" in "\n".join(document.text_lines())
    assert not any(isinstance(b, DrawerKick) for b in document.blocks)


def test_mixed_rates_are_marked_per_line_single_rate_is_not() -> None:
    mixed = doc_for(sale_payload())
    assert any("(10,5%)" in x for x in mixed)
    single = doc_for(sale_payload([line(1, "Café", 350000)]))
    assert not any("(21%)" in x for x in single)


def test_inconsistent_payload_is_rejected_with_a_spanish_message() -> None:
    payload = sale_payload()
    payload["total"] += 1
    with pytest.raises(InvalidReceiptData) as caught:
        ReceiptSale.from_payload(payload)
    assert "no coincide con la suma" in explain(caught.value)
    del payload["ticket"]
    # the contract's refusal is worded in the run's language
    with pytest.raises(InvalidReceiptData, match="Falta el campo «ticket» en la venta"):
        ReceiptSale.from_payload(payload)


def test_refund_slip_names_the_original_ticket_reason_and_signature() -> None:
    refund = ReceiptRefund.from_payload({
        "refund_id": "r-1", "original_ticket": "0001-00001234", "ticket": "0001-00001300",
        "completed_at": "2026-11-29T09:00:00-03:00", "cashier": {"name": "Ana"},
        "authorized_by": {"name": "Marta (encargada)"}, "reason": "Producto vencido",
        "lines": [line(1, "Yogur bebible", 150000)], "total": 150000,
        "tenders": [{"kind": "cash", "amount": 150000}],
    })
    document = refund_document(refund, STORE, 32)
    text = "\n".join(document.text_lines())
    for expected in ("DEVOLUCIÓN", "Ticket original 0001-00001234", "Autorizó: Marta",
                     "Motivo: Producto vencido", "TOTAL DEVUELTO", "Devuelto en efectivo",
                     "Firma:"):
        assert expected in text, expected
    assert isinstance(document.blocks[0], DrawerKick)
    assert Barcode("D0001-00001300") in document.blocks  # never mistaken for sale 1300
    # The shop's words to a buyer are no part of the slip of money given back.
    assert "¡Gracias por su compra!" not in text and STORE.footer_lines[0] in "\n".join(
        receipt_document(ReceiptSale.from_payload(sale_payload([line(1, "Yogur", 1)])),
                         STORE, 32).text_lines())


def test_report_document_lays_out_labels_and_values() -> None:
    report = Report.from_payload({"title": "Cierre Z", "subtitle": "Turno mañana",
                                  "generated_at": "2026-11-28T20:00:00-03:00",
                                  "rows": [{"label": "Ventas", "value": "$ 1.000,00"},
                                           {"separator": True},
                                           {"label": "Total", "value": "$ 1.000,00",
                                            "bold": True}]})
    lines = report_document(report, STORE, 32).text_lines()
    assert "Ventas" + " " * 16 + "$ 1.000,00" in lines
    assert any("Cierre Z" in x for x in lines)


def test_wrap_cuts_words_longer_than_the_line() -> None:
    assert wrap("A" * 10 + " bc", 4) == ["AAAA", "AAAA", "AA", "bc"]
    assert wrap("", 10) == [""]


descriptions = st.text(alphabet=st.sampled_from(list("abcdeñáéíóú ÑÁÉ0123456789-/%.")),
                       min_size=1, max_size=90).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(names=st.lists(descriptions, min_size=1, max_size=6),
       prices=st.lists(st.integers(min_value=1, max_value=99_999_999_99), min_size=6,
                       max_size=6),
       columns=st.sampled_from([32, 42, 48]))
def test_every_line_fits_the_paper_whatever_the_names_and_amounts(
        names: list[str], prices: list[int], columns: int) -> None:
    payload = sale_payload([line(i + 1, n, prices[i], 1000 + 250 * i, by_weight=i % 2 == 1)
                            for i, n in enumerate(names)])
    document = receipt_document(ReceiptSale.from_payload(payload), STORE, columns)
    for block in document.blocks:
        if isinstance(block, Text | Row):
            width = line_width(columns, block.double)
            text = block.text if isinstance(block, Text) else f"{block.left} {block.right}"
            assert len(text) <= width, (text, width)


def test_refund_slip_reads_the_sale_refunded_payload_as_the_till_writes_it() -> None:
    payload = {
        "refund_id": "2f0c7a51-4b1e-4c3d-9e8f-0a1b2c3d4e5f",
        "sale_id": "6f1c2d1e-3d4b-4a7b-9a0e-0a1b2c3d4e5f", "original_ticket": "0001-00001234",
        "refund_ticket_number": 7, "refund_ticket": "0001-00000007", "shift_id": None,
        "cashier": {"user_id": "u1", "name": "Ana"},
        "approved_by": {"user_id": "u2", "name": "Marta"}, "reason": "Roto",
        "refunded_at": "2026-11-29T09:00:00-03:00", "currency": "ARS",
        "lines": [{"line_no": 1, "original_line_no": 2, "sku": "1", "description": "Queso",
                   "sold_by_weight": True, "quantity_milli": 333, "amount": 399600,
                   "iva_rate": "10.5"}],
        "total": 399600, "iva": [{"rate": "10.5", "gross": 399600, "net": 361629,
                                  "tax": 37971}],
        "tenders": [{"kind": "cash", "amount": 399600, "reference": None}],
        "journal": {"seq": 9, "prev_hash": "0" * 64, "hash": "1" * 64},
    }
    refund = ReceiptRefund.from_payload(payload)
    assert refund.ticket == "0001-00000007"
    assert refund.authorized_by == "Marta"
    assert refund.lines[0].unit_price == 1200000  # 3.996,00 for 0,333 kg -> 12.000,00/kg
    text = "\n".join(refund_document(refund, STORE, 48).text_lines())
    assert "0,333 kg x $ 12.000,00/kg" in text
    assert "IVA contenido 10,5%" in text

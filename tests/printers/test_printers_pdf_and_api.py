"""PDF (80 mm and A4), PNG preview and the API the till and the CLI call."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from printer_samples import STORE, line, sale_payload
from pypdf import PdfReader

from pos_common.i18n import set_language
from pos_printers.api import job_document, render_receipt, report_job, test_job
from pos_printers.errors import InvalidReceiptData
from pos_printers.layout import receipt_document
from pos_printers.model import ReceiptSale
from pos_printers.pdf import invoice_pdf, receipt_pdf
from pos_printers.settings import PrinterSettings
from pos_printers.test_page import SPANISH_SAMPLE, build_test_page, ruler
from pos_printers.virtual import decode

SPANISH_WORDS = ("Almacén Don Ñato", "Ana Núñez", "Serenísima", "Pañuelos", "¡Gracias",
                 "Ñandú", "válido", "IVA contenido")


@pytest.fixture(autouse=True)
def spanish_till() -> None:
    """These tests read the ticket a Spanish till prints (an English one prints English,
    tests/printers/test_receipt_language.py); tests/conftest.py puts English back."""
    set_language("es_AR")


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:  # poppler missing: reportlab-independent reader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True,
                          check=True, text=True).stdout


def test_receipt_pdf_text_contains_the_spanish_characters(tmp_path: Path) -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 48)
    text = pdftotext(receipt_pdf(document), tmp_path)
    for word in SPANISH_WORDS:
        assert word in text, word
    assert "0001-00001234" in text


def embedded_font_problems(pdf: bytes) -> list[str]:
    """Fonts used by the PDF that are not embedded TrueType (i.e. rely on the viewer)."""
    problems = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"]["/Font"].get_object()  # type: ignore[index]
        for key in fonts:
            font = fonts[key].get_object()
            if "/FontDescriptor" not in font or \
                    "/FontFile2" not in font["/FontDescriptor"].get_object():
                problems.append(str(font["/BaseFont"]))
    return problems


def test_receipt_pdf_is_80mm_wide_and_embeds_every_font() -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 42)
    pdf = receipt_pdf(document)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 80
    assert embedded_font_problems(pdf) == []


def test_a4_invoice_embeds_every_font() -> None:
    assert embedded_font_problems(invoice_pdf(ReceiptSale.from_payload(sale_payload()),
                                              STORE)) == []


def test_a4_invoice_lists_lines_iva_and_tenders_in_spanish(tmp_path: Path) -> None:
    payload = sale_payload()
    text = pdftotext(invoice_pdf(ReceiptSale.from_payload(payload), STORE), tmp_path)
    for expected in ("Comprobante de venta", "0001-00001234", "Yerba Mate Playadito 1 kg",
                     "0,750 kg", "$ 22.399,00", "IVA contenido", "10,5%", "Efectivo",
                     "Su vuelto", "Documento no válido como factura", "Ana Núñez"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(invoice_pdf(ReceiptSale.from_payload(payload), STORE)))
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 210


def test_pdf_output_is_reproducible() -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 48)
    assert receipt_pdf(document) == receipt_pdf(document)


@pytest.mark.parametrize("fmt", ["escpos", "pdf", "a4", "png"])
def test_render_receipt_writes_every_format(fmt: str) -> None:
    data = render_receipt(sale_payload(), STORE, PrinterSettings(), fmt)  # type: ignore[arg-type]
    magic = {"escpos": b"\x1b@", "pdf": b"%PDF", "a4": b"%PDF", "png": b"\x89PNG"}[fmt]
    assert data.startswith(magic)


def test_profile_override_lays_out_for_that_paper() -> None:
    png = render_receipt(sale_payload(), STORE, PrinterSettings(), "png", profile="POS-5890")
    with Image.open(io.BytesIO(png)) as image:
        assert image.width == 384 + 32
    data = render_receipt(sale_payload(), STORE, PrinterSettings(), "escpos",
                          profile="POS-5890")
    assert b"\x1dV" not in data


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(InvalidReceiptData, match="Unknown format 'docx'"):
        render_receipt(sale_payload(), STORE, PrinterSettings(), "docx")  # type: ignore[arg-type]


def test_test_page_shows_spanish_sample_and_ruler_through_the_printer() -> None:
    for profile, columns in (("TM-T20II", 48), ("POS-5890", 32), ("TM-T88V", 42)):
        settings = PrinterSettings.from_dict({"profile": profile, "code_page": "CP858"})
        data = render_receipt({}, STORE, settings, "escpos", kind="test")
        printed = decode(data, settings.printer_profile).text_lines()
        assert any(x.strip() == SPANISH_SAMPLE for x in printed)
        assert ruler(columns)[1] in printed
        assert len(ruler(columns)[1]) == columns


def test_test_page_under_cp437_shows_how_the_letters_degrade() -> None:
    settings = PrinterSettings.from_dict({"code_page": "CP437"})
    data = render_receipt({}, STORE, settings, "escpos", kind="test")
    printed = decode(data, settings.printer_profile).text_lines()
    assert any(x.strip() == "ñ Ñ á é í ó ú ü ¿ ¡ EUR" for x in printed)


def test_ruler_marks_tens_over_units() -> None:
    tens, units = ruler(32)
    assert units == "12345678901234567890123456789012"
    assert tens[9] == "1"
    assert tens[29] == "3"


def test_z_report_job_prints_through_the_same_path() -> None:
    kind, ref, document = report_job("z", {"title": "Cierre Z Nº 12", "rows": [
        {"label": "Ventas", "value": "$ 150.000,00"}, {"label": "Tickets", "value": "42"}]},
        ref="Z-12")
    import json

    assert ref == "Z-12"
    settings = PrinterSettings()
    doc = job_document(kind, json.loads(document), STORE, settings)
    assert "Cierre Z Nº 12" in "\n".join(doc.text_lines())
    assert test_job()[0] == "test"
    assert build_test_page(settings).title == "Página de prueba"


def test_refund_renders_through_the_api() -> None:
    payload = {"original_ticket": "0001-00001234", "completed_at": "2026-11-29T09:00:00-03:00",
               "lines": [line(1, "Yogur", 150000)], "total": 150000,
               "tenders": [{"kind": "cash", "amount": 150000}], "reason": "Vencido"}
    data = render_receipt(payload, STORE, PrinterSettings(), "escpos", kind="refund")
    assert "DEVOLUCIÓN".encode("cp858") in data
    with pytest.raises(InvalidReceiptData, match="A4 format is only for sales"):
        render_receipt(payload, STORE, PrinterSettings(), "a4", kind="refund")


def test_every_printed_line_fits_the_paper_for_every_kind_of_document() -> None:
    refund = {"original_ticket": "0001-00001234", "completed_at": "2026-11-29T09:00:00-03:00",
              "lines": [line(1, "Yogur bebible de frutilla sin azúcar agregada 1 l",
                             150000)], "total": 150000, "reason": "Vencido hace una semana"}
    report = {"title": "Cierre Z del turno de la mañana", "rows": [
        {"label": "Ventas con tarjeta de crédito en cuotas", "value": "$ 1.150.000,00"}]}
    for profile, columns in (("TM-T20II", 48), ("POS-5890", 32), ("TM-T88V", 42)):
        settings = PrinterSettings.from_dict({"profile": profile})
        for kind, data in (("receipt", sale_payload()), ("refund", refund), ("z", report),
                           ("test", {})):
            escpos = render_receipt(data, STORE, settings, "escpos", kind=kind)
            for text in decode(escpos, settings.printer_profile).texts():
                width = columns // 2 if text.double else columns
                assert len(text.text) <= width, (profile, kind, text.text)


def test_a_drawer_job_only_kicks_the_drawer_and_uses_no_paper() -> None:
    settings = PrinterSettings.from_dict({"drawer_pin": 5})
    data = render_receipt({"reason": "cambio"}, STORE, settings, "escpos", kind="drawer")
    assert data == b"\x1b@\x1bt\x13\x1bp\x01\x19\xfa"

"""A ticket speaks its till's language: an English till printed "Su vuelto" and refused a
bad job in Spanish ("El total del ticket … no coincide"). The comprobante's legal words
(ARCA's, Ley 27.743's) stay Spanish on every till: tests/fiscal/test_receipt.py."""

from __future__ import annotations

from typing import Any

import pytest
from printer_samples import STORE, line, sale_payload

from pos_common.i18n import explain, set_language, translations
from pos_printers.api import render_receipt
from pos_printers.errors import InvalidReceiptData
from pos_printers.escpos_render import plain_text
from pos_printers.fiscal import fiscal_receipt
from pos_printers.layout import receipt_document, refund_document
from pos_printers.model import ReceiptLine, ReceiptRefund, ReceiptSale
from pos_printers.profiles import get_profile
from pos_printers.settings import PrinterSettings
from pos_printers.test_page import build_test_page
from pos_printers.virtual import VirtualPrinterError, decode

REFUND = {"original_ticket": "0001-00001234", "completed_at": "2026-11-29T09:00:00-03:00",
          "lines": [line(1, "Yogur", 150000)], "total": 150000, "reason": "Vencido",
          "authorized_by": {"name": "Marta"}, "tenders": [{"kind": "debit", "amount": 150000}]}


def ticket(payload: dict[str, Any]) -> str:
    sale = ReceiptSale.from_payload(payload)
    return plain_text(receipt_document(sale, STORE, 48, reprint=True))


def card_and_cash() -> dict[str, Any]:
    payload = sale_payload([line(1, "Yerba", 100000)],
                           tenders=[{"kind": "cash", "amount": 70000, "reference": None},
                                    {"kind": "credit", "amount": 40000, "reference": "4321"}],
                           change=10000)
    payload["cashier"] = {"user_id": "u1", "name": "Ana"}
    return payload


@pytest.mark.parametrize(("lang", "said", "unsaid"), [
    ("en", ["Your change", "Served by: Ana", "Cash", "Credit card", "Ref.: 4321",
            "*** REPRINT ***", "TOTAL", "$1,000.00", "$100.00"],
     ["Su vuelto", "Atendió", "Efectivo", "REIMPRESIÓN", "$ 1.000,00"]),
    ("es_AR", ["Su vuelto", "Atendió: Ana", "Efectivo", "Tarjeta de crédito", "Ref.: 4321",
               "*** REIMPRESIÓN ***", "TOTAL", "$ 1.000,00", "$ 100,00"],
     ["Your change", "Served by", "Cash", "REPRINT", "$1,000.00"]),
])
def test_the_ticket_is_in_the_tills_language(lang: str, said: list[str],
                                             unsaid: list[str]) -> None:
    set_language(lang)  # tests/conftest.py puts English back
    text = ticket(card_and_cash())
    assert [word for word in said if word not in text] == []
    assert [word for word in unsaid if word in text] == []
    # not a comprobante: the law's words stay as the law has them, in both languages
    assert "Documento no válido como factura" in text
    assert "(Ley 27.743)" in text and "IVA contenido 21%" in text


@pytest.mark.parametrize(("lang", "said"), [
    ("en", ["REFUND", "Original ticket 0001-00001234", "Authorized by: Marta",
            "Reason: Vencido", "TOTAL REFUNDED", "Refunded in debit card", "Signature: ___",
            "Name in print: ___"]),
    ("es_AR", ["DEVOLUCIÓN", "Ticket original 0001-00001234", "Autorizó: Marta",
               "Motivo: Vencido", "TOTAL DEVUELTO", "Devuelto en tarjeta de débito",
               "Firma: ___", "Aclaración: ___"]),
])
def test_the_refund_slip_is_in_the_tills_language(lang: str, said: list[str]) -> None:
    set_language(lang)
    document = refund_document(ReceiptRefund.from_payload(REFUND), STORE, 40)
    text = plain_text(document)
    assert [word for word in said if word not in text] == []
    assert all(len(row) <= 40 for row in text.splitlines())  # the signature lines fit
    assert document.title == ("Refund 0001-00001234" if lang == "en"
                              else "Devolución 0001-00001234")


def test_the_test_page_is_in_the_tills_language() -> None:
    settings = PrinterSettings.from_dict({"profile": "TM-T20II", "drawer_pin": 2})
    english = plain_text(build_test_page(settings, "Almacén"))
    set_language("es_AR")
    spanish = plain_text(build_test_page(settings, "Almacén"))
    assert "TEST PAGE" in english and "Drawer: pin 2 (it must open)" in english
    assert "PÁGINA DE PRUEBA" in spanish and "Cajón: pin 2 (debe abrirse)" in spanish
    assert "¿Año? ¡Señal!" in english  # the code page's sample is Spanish on purpose


def refusal(payload: dict[str, Any]) -> InvalidReceiptData:
    with pytest.raises(InvalidReceiptData) as caught:
        ReceiptSale.from_payload(payload)
    return caught.value


@pytest.mark.parametrize(("make", "english", "spanish"), [
    (lambda: refusal({**sale_payload(), "total": 1}),
     "The total of ticket 0001-00001234 is not the sum of its lines.",
     "El total del ticket 0001-00001234 no coincide con la suma de sus líneas."),
    (lambda: refusal({**sale_payload(), "change": 1}),
     "The payments of ticket 0001-00001234 do not add up to its total.",
     "Los pagos del ticket 0001-00001234 no coinciden con el total."),
])
def test_a_refused_sale_reads_in_each_language(make: Any, english: str, spanish: str) -> None:
    error = make()
    assert explain(error, translations("en")) == english == str(error)  # the log: English
    assert explain(error, translations("es_AR")) == spanish


def refused(call: Any) -> InvalidReceiptData | VirtualPrinterError:
    with pytest.raises((InvalidReceiptData, VirtualPrinterError)) as caught:
        call()
    assert isinstance(caught.value, InvalidReceiptData | VirtualPrinterError)
    return caught.value


@pytest.mark.parametrize(("call", "english", "spanish"), [
    (lambda: ReceiptLine.from_payload({**line(3, "Yerba", 100), "iva_rate": "22"}),
     "Unknown IVA rate '22' in line 3.", "Alícuota de IVA desconocida '22' en la línea 3."),
    (lambda: ReceiptLine.from_payload({**line(3, "Yerba", 100), "amount": True}),
     "The field 'amount' of line 3 must be a whole number.",
     "El campo «amount» de la línea 3 debe ser un número entero."),
    (lambda: ReceiptRefund.from_payload({**REFUND, "lines": []}),
     "There are no lines in the refund.", "No hay líneas en la devolución."),
    (lambda: ReceiptRefund.from_payload({**REFUND, "completed_at": "ayer"}),
     "Invalid date in the refund: 'ayer'.", "Fecha inválida en la devolución: 'ayer'."),
    (lambda: fiscal_receipt({"sale": {"fiscal": {"authorization": None}}}),
     "A comprobante prints once ARCA has authorized it.",
     "Un comprobante se imprime cuando ARCA lo autorizó."),
    (lambda: render_receipt(REFUND, STORE, PrinterSettings(), "a4", kind="refund"),
     "The A4 format is only for sales.", "El formato A4 sólo está disponible para ventas."),
    (lambda: render_receipt({}, STORE, PrinterSettings(), "escpos", kind="factura"),
     "Unknown kind of print job: 'factura'", "Tipo de impresión desconocido: 'factura'"),
    (lambda: decode(b"\x1b@\x1bZ\x00", get_profile("TM-T20II")),
     "unknown command ESC 'Z' at 2", "comando ESC 'Z' desconocido en 2"),
])
def test_a_refused_job_reads_in_each_language(call: Any, english: str, spanish: str) -> None:
    error = refused(call)
    assert explain(error, translations("en")) == english == str(error)
    assert explain(error, translations("es_AR")) == spanish

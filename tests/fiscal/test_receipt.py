"""The fiscal receipt, decoded: ESC/POS bytes through the virtual printer, the PDF through
pdftotext. It shows the letter box, the number, the seller as RG 1415 asks, CAE and due
date, and a QR whose JSON is the sale's; a Factura C shows no IVA; Ley 27.743 on B."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pos_arca import ManualClock
from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.fiscal.buyer import identify_buyer
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.domain.fiscal.qr import read_qr_url
from pos_desktop.printing import read_printer_config
from pos_printers.api import render_receipt
from pos_printers.profiles import get_profile as profile_named
from pos_printers.virtual import VQr, decode
from tests.fiscal.till_helpers import sell, worker_for


def receipt_job(till: Till, kind: str = "receipt") -> dict[str, Any]:
    with till.reader.connect() as conn:
        raw = conn.execute(text("SELECT document FROM print_jobs WHERE kind = :k ORDER BY id "
                                "DESC LIMIT 1"), {"k": kind}).scalar_one()
    return dict(json.loads(raw))


def printed(till: Till, job: dict[str, Any], kind: str = "receipt") -> tuple[list[str], str]:
    store, settings, _problem = read_printer_config(till.reader)
    data = render_receipt(job, store, settings, "escpos", kind=kind)
    receipt = decode(data, profile_named(settings.profile))
    (qr,) = receipt.of_type(VQr)
    return receipt.text_lines(), qr.data


def pdf_text(till: Till, job: dict[str, Any], tmp_path: Path) -> str:
    store, settings, _problem = read_printer_config(till.reader)
    pdf = render_receipt(job, store, settings, "pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "r.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, check=True, text=True).stdout


LEGAL_WORDS = ("FACTURA B", "Cód. 006", "Nro. 00001-00000001", "CAE: ", "Vto. ",
               "Ingresos Brutos", "Inicio de actividades", "IVA Responsable Inscripto",
               "A consumidor final", "IVA contenido", "Otros impuestos nacionales indirectos",
               "Comprobante autorizado por ARCA")


@pytest.mark.parametrize(("lang", "said", "unsaid"), [
    ("en", ["Debit card", "TOTAL"], ["Tarjeta de débito"]),
    ("es_AR", ["Tarjeta de débito", "TOTAL"], ["Debit card"]),
])
def test_the_comprobante_keeps_arcas_words_in_spanish_on_an_english_till(
        till: Till, clock: ManualClock, lang: str, said: list[str], unsaid: list[str]) -> None:
    """RG 1415 and Ley 27.743 name what the comprobante says, in Spanish; the rest of the
    ticket (tenders, labels) speaks the till's language."""
    sell(till, "A0001", cash=False)
    worker_for(till, clock).run_once()
    set_language(lang)  # tests/conftest.py puts English back
    body = "\n".join(printed(till, receipt_job(till))[0])
    assert [word for word in LEGAL_WORDS if word not in body] == []
    assert [word for word in said if word not in body] == []
    assert [word for word in unsaid if word in body] == []


def test_a_factura_b_shows_its_cae_due_date_and_a_qr_of_the_sale(
        till: Till, clock: ManualClock, tmp_path: Path) -> None:
    done = sell(till, "A0001", "A0002")
    worker_for(till, clock).run_once()
    job = receipt_job(till)
    lines, qr_data = printed(till, job)
    block = job["sale"]["fiscal"]
    body = "\n".join(lines)
    assert "FACTURA B" in body and "Cód. 006" in body
    assert "Nro. 00001-00000001" in body
    assert f"CAE: {block['authorization']['code']}" in body
    due = block["authorization"]["due"]
    assert f"Vto. {due[8:10]}/{due[5:7]}/{due[:4]}" in body
    assert "Almacén Don Pepe S.R.L." in body and "CUIT 30-71234567-1" in body
    assert "Ingresos Brutos 901-712345-6" in body and "Inicio de actividades 01/03/2019" in body
    assert "IVA contenido" in body and "Otros impuestos nacionales indirectos" in body
    assert "Documento no válido como factura" not in body
    assert "Comprobante autorizado por ARCA" in body and "CAEA" not in body
    qr = read_qr_url(qr_data)
    assert qr == {"ver": 1, "fecha": block["cbte_fch"], "cuit": 30712345671, "ptoVta": 1,
                  "tipoCmp": 6, "nroCmp": 1, "importe": qr["importe"], "moneda": "PES",
                  "ctz": 1, "tipoDocRec": 99, "nroDocRec": 0, "tipoCodAut": "E",
                  "codAut": int(block["authorization"]["code"])}
    assert int(qr["importe"] * 100) == done.payload["total"]
    pdf = pdf_text(till, job, tmp_path)
    assert "FACTURA B" in pdf and block["authorization"]["code"] in pdf
    assert f"{due[8:10]}/{due[5:7]}/{due[:4]}" in pdf
    assert "Comprobante autorizado por ARCA" in pdf


def test_a_factura_a_discriminates_iva_and_names_the_buyer(till: Till,
                                                           clock: ManualClock) -> None:
    company = identify_buyer(DocumentType.CUIT, "20-12345678-6", name="Kiosco El Sol",
                             condition=IvaCondition.RESPONSABLE_INSCRIPTO)
    till.register.scan("A0001")
    till.register.identify_buyer(company)
    from pos_desktop.domain.sale import Tender, TenderKind

    till.register.pay_and_complete([Tender(TenderKind.CASH, till.register.sale.total)])
    worker_for(till, clock).run_once()
    lines, qr_data = printed(till, receipt_job(till))
    body = "\n".join(lines)
    assert "FACTURA A" in body and "Cód. 001" in body
    assert "Cliente: Kiosco El Sol" in body and "CUIT 20-12345678-6" in body
    assert "Importe neto gravado" in body and "IVA 21%" in body
    assert "IVA contenido" not in body
    assert read_qr_url(qr_data)["tipoDocRec"] == 80


def test_a_monotributista_issues_a_factura_c_without_any_iva(
        till: Till, clock: ManualClock) -> None:
    with till.uow() as uow:
        uow.settings.set("store.cuit", "20-12345678-6")
        uow.settings.set("store.iva_condition", "Monotributo")
        uow.commit()
    till.refresh_fiscal_policy()
    done = sell(till, "A0001")
    assert done.payload["fiscal"]["type"] == 11 and done.payload["fiscal"]["amounts"]["iva"] == []
    # (the stand-in's taxpayer is another CUIT: this receipt is laid out from the block)
    block = {**done.payload["fiscal"], "number": 7, "cbte_fch": "2026-07-10",
             "issued_at": "2026-07-10T12:00:00.000-03:00",
             "authorization": {"kind": "CAE", "code": "71234567890123", "due": "2026-07-20"}}
    job = {"sale": {**done.payload, "fiscal": block},
           "fiscal_print": {"qr": "https://www.afip.gob.ar/fe/qr/?p=e30=",
                            "seller": {"legal_name": "Pepe", "cuit": "20-12345678-6",
                                       "iva_condition": "Monotributo"},
                            "buyer_document": ""}}
    lines, _qr = printed(till, job)
    body = "\n".join(lines)
    assert "FACTURA C" in body and "Cód. 011" in body and "Responsable Monotributo" in body
    assert "IVA" not in body.replace("Responsable Monotributo", "")


def test_a_monotributistas_training_ticket_shows_no_iva_contained(till: Till) -> None:
    with till.uow() as uow:
        uow.settings.set("fiscal.mode", "none")
        uow.settings.set("store.iva_condition", "Monotributo")
        uow.commit()
    till.refresh_fiscal_policy()
    sell(till, "A0001")
    store, settings, _problem = read_printer_config(till.reader)
    data = render_receipt(receipt_job(till), store, settings, "escpos")
    body = "\n".join(decode(data, profile_named(settings.profile)).text_lines())
    assert "Documento no válido como factura" in body and "IVA contenido" not in body


def test_the_nota_de_credito_names_the_factura_it_cancels(till: Till, clock: ManualClock) -> None:
    sold = sell(till, "A0001", "A0002")
    till.guard.approve("refund", "u-sergio", "2222")
    till.refunds.refund(sold.ticket, {1: 1000}, reason="Vencido")
    worker_for(till, clock).run_once()
    lines, qr_data = printed(till, receipt_job(till, "refund"), "refund")
    body = "\n".join(lines)
    assert "NOTA DE CRÉDITO B" in body and "Cód. 008" in body
    assert "Anula: FACTURA B 00001-00000001" in body
    assert read_qr_url(qr_data)["tipoCmp"] == 8

"""A till in fiscal mode ARCA, on its SQLite file, against the stand-in over HTTP: the sale
commits first, the worker gets its CAE after, in its own transaction, with its journal
entry, its fiscal.authorized event and its receipt; refunds are Notas de Crédito."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_contracts import parse_envelope
from pos_desktop.app import Till
from pos_desktop.domain.fiscal.buyer import identify_buyer
from pos_desktop.domain.fiscal.errors import IdentificationRequired
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.domain.fiscal.qr import read_qr_url
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.store.journal_check import verify_engine
from tests.fiscal.till_helpers import SKUS, configure_arca, rows, sell, worker_for


def test_a_sale_commits_pending_then_gets_consecutive_caes_and_its_receipt(
        till: Till, clock: ManualClock, standin: ArcaStandin) -> None:
    done = [sell(till) for _ in range(3)]
    assert all(d.awaits_authorization for d in done)
    assert done[0].payload["fiscal"]["type"] == 6  # a consumer's Factura B
    assert rows(till, "SELECT count(*) AS n FROM print_jobs WHERE kind='receipt'")[0]["n"] == 0
    assert worker_for(till, clock).run_once().authorized == 3
    docs = rows(till, "SELECT * FROM fiscal_documents ORDER BY seq")
    assert [d["number"] for d in docs] == [1, 2, 3]
    assert {d["state"] for d in docs} == {"authorized"}
    assert all(len(d["authorization_code"]) == 14 for d in docs)
    # fiscal.authorized events, valid, one per comprobante; the receipts now print
    events = rows(till, "SELECT envelope FROM outbox WHERE type='fiscal.authorized' ORDER BY seq")
    parsed = [parse_envelope(e["envelope"].encode()) for e in events]
    assert [p.payload["number"] for p in parsed] == [1, 2, 3]
    assert parsed[0].payload["document"] == {"kind": "sale", "id": done[0].payload["sale_id"]}
    jobs = rows(till, "SELECT document FROM print_jobs WHERE kind='receipt' ORDER BY id")
    receipt = json.loads(jobs[0]["document"])
    qr = read_qr_url(receipt["fiscal_print"]["qr"])
    assert qr["nroCmp"] == 1 and qr["tipoCmp"] == 6 and qr["ptoVta"] == 1
    assert qr["codAut"] == int(docs[0]["authorization_code"]) and qr["tipoCodAut"] == "E"
    assert str(qr["importe"]) == f"{done[0].payload['total'] / 100:.2f}"
    assert qr["cuit"] == 30712345671 and qr["tipoDocRec"] == 99
    assert verify_engine(till.reader).ok  # the fiscal entries chain and match their rows


def test_an_identified_company_gets_a_factura_a(till: Till, clock: ManualClock) -> None:
    company = identify_buyer(DocumentType.CUIT, "20-12345678-6", name="Kiosco El Sol",
                             condition=IvaCondition.RESPONSABLE_INSCRIPTO)
    till.register.scan(SKUS[0])
    assert till.register.identify_buyer(company) == 1
    done = till.register.pay_and_complete([Tender(TenderKind.CASH, till.register.sale.total)])
    assert done.payload["fiscal"]["buyer"]["doc_number"] == 20123456786
    worker_for(till, clock).run_once()
    assert rows(till, "SELECT cbte_tipo, number FROM fiscal_documents") == [
        {"cbte_tipo": 1, "number": 1}]
    assert till.register.buyer is None  # the next sale is anonymous again


def test_rg_5700_refuses_an_anonymous_sale_from_the_threshold(
        till: Till, tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials) -> None:
    configure_arca(till, standin, taxpayer, tmp_path, **{"fiscal.identification_threshold": 100})
    till.register.scan(SKUS[0])
    with pytest.raises(IdentificationRequired):
        till.register.check_identification()
    with pytest.raises(IdentificationRequired):
        till.register.pay_and_complete([Tender(TenderKind.CASH, till.register.sale.total)])
    assert rows(till, "SELECT count(*) AS n FROM sales")[0]["n"] == 0


def test_a_pending_sale_survives_a_restart_and_is_authorized_after(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock) -> None:
    first = Till.open(tmp_path / "data", demo=True)
    configure_arca(first, standin, taxpayer, tmp_path)
    standin.make_unreachable()
    done = sell(first)
    assert worker_for(first, clock).run_once().error is not None
    first.close()
    standin.make_reachable()
    again = Till.open(tmp_path / "data", demo=True)
    try:
        assert worker_for(again, clock).run_once().authorized == 1
        assert rows(again, "SELECT source_id, number FROM fiscal_documents") == [
            {"source_id": done.payload["sale_id"], "number": 1}]
    finally:
        again.close()


def test_a_refund_is_a_nota_de_credito_carrying_its_factura(
        till: Till, clock: ManualClock, standin: ArcaStandin) -> None:
    standin.make_unreachable()  # the sale and its refund both wait: the refund after the sale
    sold = sell(till, *SKUS)
    till.guard.approve("refund", "u-sergio", "2222")
    refund = till.refunds.refund(sold.ticket, {1: 1000}, reason="Vencido")
    assert refund.payload["fiscal"]["type"] == 8
    assert refund.payload["fiscal"]["associated"]["number"] is None
    worker = worker_for(till, clock)
    worker.run_once()
    standin.make_reachable()
    worker.run_once()
    docs = {d["source_kind"]: d for d in rows(till, "SELECT * FROM fiscal_documents")}
    assert (docs["sale"]["number"], docs["refund"]["number"]) == (1, 1)
    note = json.loads(docs["refund"]["block"])
    assert note["associated"]["number"] == 1 and note["associated"]["type"] == 6
    held = next(c for c in standin.state.comprobantes.values() if c.cbte_tipo == 8)
    assert "CbtesAsoc" in held.fields["request"]
    events = rows(till, "SELECT envelope FROM outbox WHERE type='sale.refunded'")
    assert parse_envelope(events[0]["envelope"].encode()).schema_version == 2
    assert verify_engine(till.reader).ok

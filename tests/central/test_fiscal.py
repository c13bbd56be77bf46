"""Head office stores each comprobante and its authorization: sale.completed v3 and
sale.refunded v2 carry the fiscal block, fiscal.authorized v1 its CAE; a second, different
authorization of the same comprobante is a conflict, not an overwrite."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services

ARCA_IVA = {"21": 5, "10.5": 4, "27": 6}


def block_of(payload: dict[str, Any], kind: int = 6, number: int | None = None,
             associated: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fiscal block of a simulated sale or refund (its IVA rows as ARCA's AlicIva)."""
    iva = [{"id": ARCA_IVA[r["rate"]], "base": r["net"], "amount": r["tax"]}
           for r in payload["iva"] if r["rate"] in ARCA_IVA]
    exempt = sum(r["gross"] for r in payload["iva"] if r["rate"] == "exempt")
    return {"type": kind, "point_of_sale": 1, "number": None, "cbte_fch": None,
            "issued_at": None, "seller": {"cuit": "30712345671",
                                          "iva_condition": "Responsable Inscripto"},
            "buyer": {"doc_type": 99, "doc_number": 0, "name": "", "iva_condition": 5},
            "amounts": {"net": sum(a["base"] for a in iva), "iva": iva, "exempt": exempt,
                        "untaxed": 0, "other_taxes": [], "total": payload["total"]},
            "associated": associated, "authorization": None}


def fiscal_sale(terminal: SimulatedTerminal) -> Envelope:
    sale = terminal.sale()
    payload = {**json.loads(json.dumps(sale.payload))}
    payload["fiscal"] = block_of(payload)
    return build_envelope("sale.completed", payload, store_id=sale.store_id,
                          terminal_id=sale.terminal_id, seq=sale.seq,
                          occurred_at=sale.occurred_at, event_id=sale.event_id)


def authorized(sale: Envelope, number: int, code: str, *, seq: int) -> Envelope:
    p = sale.payload
    return build_envelope("fiscal.authorized", {
        "document": {"kind": "sale", "id": p["sale_id"]}, "ticket": p["ticket"],
        "type": 6, "point_of_sale": 1, "number": number, "cbte_fch": p["completed_at"][:10],
        "issued_at": p["completed_at"],
        "authorization": {"kind": "CAE", "code": code, "due": "2026-12-31"},
        "buyer": p["fiscal"]["buyer"], "associated": None,
        "journal": {"seq": 1000 + seq, "prev_hash": "a" * 64, "hash": "b" * 64}},
        store_id=sale.store_id, terminal_id=sale.terminal_id, seq=seq,
        occurred_at=p["completed_at"])


def test_comprobantes_and_their_caes_are_stored_in_either_order(
        central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal("S001", "T01", seed=11)
    till.open_shift()
    sales = [fiscal_sale(till) for _ in range(3)]
    next_seq = sales[-1].seq + 1
    caes = [authorized(s, n, f"7{n:013d}", seq=next_seq + i)
            for i, (s, n) in enumerate(zip(sales, (1, 2, 3), strict=True))]
    broker.publish([caes[0], *sales, caes[1], caes[2]])  # a CAE may come first
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_ingested_total",
                                          type="fiscal.authorized") == 3, what="3 CAEs")
    assert query(central_db, "SELECT count(*), sum(total) FROM fiscal_documents") == [
        (3, sum(s.payload["total"] for s in sales))]
    assert query(central_db, "SELECT number, authorization_code FROM fiscal_authorizations "
                             "ORDER BY number") == [(n, f"7{n:013d}") for n in (1, 2, 3)]


def test_a_second_different_cae_for_a_comprobante_is_a_conflict(
        central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal("S001", "T01", seed=12)
    till.open_shift()
    sale = fiscal_sale(till)
    first = authorized(sale, 1, "71111111111111", seq=sale.seq + 1)
    again = authorized(sale, 1, "72222222222222", seq=sale.seq + 2)
    broker.publish([sale, first, again])
    with running_ingest(central_db, broker):
        wait_until(lambda: len(broker.dead_letters()) == 1, what="the second CAE refused")
    assert scalar(central_db, "SELECT authorization_code FROM fiscal_authorizations") == \
        "71111111111111"
    assert scalar(central_db, "SELECT count(*) FROM central_alerts WHERE kind = 'conflict'") == 1


def test_the_daily_report_totals_by_type_and_flags_what_arca_has_not_authorized(
        central_db: str, broker: Broker) -> None:
    from datetime import date

    from pos_central.report import build_daily_report, render_text

    till = SimulatedTerminal("S001", "T01", seed=13)
    till.open_shift()
    sales = [fiscal_sale(till) for _ in range(3)]
    training = till.sale()  # a till in fiscal mode none: no comprobante
    cae = authorized(sales[0], 1, "71234567890123", seq=training.seq + 1)
    broker.publish([*sales, training, cae])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_ingested_total",
                                          type="fiscal.authorized") == 1, what="the CAE")
    day = date.fromisoformat(sales[0].payload["completed_at"][:10])
    fiscal = build_daily_report(central_db, day)["fiscal"]
    (row,) = fiscal["by_type"]
    assert (row["name"], row["count"], row["authorized_count"]) == ("Factura B", 3, 1)
    assert row["total"] == sum(s.payload["total"] for s in sales)
    assert fiscal["unauthorized_count"] == 2
    assert {u["document_id"] for u in fiscal["unauthorized"]} == {
        s.payload["sale_id"] for s in sales[1:]}
    assert fiscal["sales_without_comprobante"]["count"] == 1
    assert "SIN AUTORIZACIÓN DE ARCA: 2" in render_text(build_daily_report(central_db, day))


def test_iva_ventas_exports_the_month_in_arca_fixed_width(
        central_db: str, broker: Broker, tmp_path: Any) -> None:
    from pos_central.cli import main
    from pos_central.libro_iva import ALICUOTA_WIDTH, CBTE_WIDTH

    till = SimulatedTerminal("S001", "T01", seed=14)
    till.open_shift()
    sales = [fiscal_sale(till) for _ in range(2)]
    seq = sales[-1].seq
    caes = [authorized(s, n, f"7{n:013d}", seq=seq + n) for n, s in enumerate(sales, start=1)]
    broker.publish([*sales, *caes])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_ingested_total",
                                          type="fiscal.authorized") == 2, what="2 CAEs")
    month = sales[0].payload["completed_at"][:7]
    assert main(["report", "iva-ventas", "--db-url", central_db, "--month", month,
                 "-o", str(tmp_path)]) == 0
    period = month.replace("-", "")
    cbte = (tmp_path / f"LIBRO_IVA_DIGITAL_VENTAS_CBTE_{period}.txt").read_bytes()
    alic = (tmp_path / f"LIBRO_IVA_DIGITAL_VENTAS_ALICUOTAS_{period}.txt").read_bytes()
    lines = cbte.decode("cp1252").split("\r\n")[:-1]
    assert len(lines) == 2 and all(len(x) == CBTE_WIDTH for x in lines)
    first = lines[0]
    assert first[0:8] == sales[0].payload["completed_at"][:10].replace("-", "")
    assert (first[8:11], first[11:16], first[16:36]) == ("006", "00001", "1".rjust(20, "0"))
    assert first[56:58] == "99" and first[78:108].rstrip() == "CONSUMIDOR FINAL"
    assert int(first[108:123]) == sales[0].payload["total"]
    assert first[228:231] == "PES" and first[231:241] == "0001000000"
    rates = alic.decode("cp1252").split("\r\n")[:-1]
    assert all(len(x) == ALICUOTA_WIDTH for x in rates)
    iva = sum(int(x[47:62]) for x in rates)
    assert iva == sum(r["tax"] for s in sales for r in s.payload["iva"] if r["rate"] != "exempt")
    assert int(first[241]) == sum(1 for x in rates if x[8:28] == first[16:36])

"""Opening, moving cash, X and Z on a real SQLite file; events checked against contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from pos_contracts import default_registry
from pos_desktop.app import Till
from pos_desktop.domain.denominations import count_total
from pos_desktop.domain.permissions import ApprovalRequired
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.domain.shift import (
    NoOpenShift,
    ParkedSalesPending,
    ReasonRequired,
    SaleInProgress,
    ShiftAlreadyOpen,
)
from pos_desktop.domain.tax import IvaRate, iva_contained
from pos_printers.model import Report
from tests.shifts.conftest import DEMO_FLOAT, HARINA, LECHE, YERBA, count, sell


def events(till: Till, event_type: str) -> list[dict[str, Any]]:
    with till.uow() as uow:
        rows = uow.conn.execute(
            text("SELECT envelope FROM outbox WHERE type = :t ORDER BY seq"), {"t": event_type}
        ).scalars()
        return [json.loads(r) for r in rows]


def validate(envelope: dict[str, Any]) -> None:
    registry = default_registry()
    registry.validate(envelope)
    registry.reference_validate(envelope)


def as_supervisor(till: Till) -> None:
    till.session.login("u-sergio", "2222")


def a_busy_shift(till: Till) -> dict[str, int]:
    """Sales in every tender with change, a refund, cash in and out. Returns what the drawer
    should hold, worked out by hand."""
    s1 = sell(till, YERBA, HARINA, tenders=[Tender(TenderKind.CASH, 1_000_000)])  # change
    s2 = sell(till, "2*" + LECHE, tenders=[Tender(TenderKind.DEBIT, 398_000)])
    till.register.scan(YERBA)
    till.register.tender(TenderKind.CASH, 200_000)
    till.register.tender(TenderKind.TRANSFER, reference="MP-1")
    s3 = till.register.complete()
    till.guard.approve("refund", "u-sergio", "2222")
    refund = till.refunds.refund(  # a debit sale, refunded in cash this time
        s2.ticket, {1: 1000}, reason="Vencida", tenders=[Tender(TenderKind.CASH, 199_000)]
    )
    till.shifts.cash_in(500_000, "Cambio del banco")
    till.guard.approve("cash_out", "u-marta", "9999")
    till.shifts.cash_out(300_000, "Pago a proveedor")
    cash_sales = s1.payload["total"] + 200_000  # s1 paid fully in cash (net of change)
    return {
        "sales": s1.payload["total"] + s2.payload["total"] + s3.payload["total"],
        "cash_sales": cash_sales,
        "refund": refund.total,
        "expected": DEMO_FLOAT + cash_sales - refund.total + 500_000 - 300_000,
    }


def test_a_z_closes_the_shift_with_the_right_figures(till: Till) -> None:
    hand = a_busy_shift(till)
    assert till.shifts.figures().expected_cash == hand["expected"]
    as_supervisor(till)
    counts = {"B20000": 1, "B10000": 1, "B1000": 3, "M1": 2}
    z = till.shifts.close_shift(counts, reason="Faltante")
    p = z.payload
    assert p["z_number"] == 1
    assert p["expected_cash"] == hand["expected"]
    assert p["counted_cash"] == count_total(counts) == 3_300_200
    assert p["over_short"] == 3_300_200 - hand["expected"]
    assert p["totals"]["sales"] == hand["sales"] and p["totals"]["refunds"] == hand["refund"]
    assert (p["totals"]["cash_in"], p["totals"]["cash_out"]) == (500_000, 300_000)
    tenders = {t["kind"]: (t["sales"], t["refunds"]) for t in p["totals"]["by_tender"]}
    assert tenders["cash"] == (hand["cash_sales"], hand["refund"])
    assert set(tenders) == {"cash", "debit", "transfer"}
    iva = {r["rate"]: r for r in p["totals"]["sales_by_iva"]}
    assert iva["10.5"]["tax"] == iva_contained(119_000, IvaRate.REDUCED)  # one harina
    assert iva["exempt"]["tax"] == 0
    assert (p["sales_count"], p["refunds_count"]) == (3, 1)
    assert (p["first_ticket"], p["last_ticket"]) == ("0001-00000001", "0001-00000003")
    local = z.report["local"]
    assert [c["name"] for c in local["by_cashier"]] == ["Ana"]
    assert local["by_cashier"][0]["refunds_count"] == 1
    assert local["overrides"] == 2  # the refund and the cash out
    # shift.closed v2 carries them to head office too
    assert p["totals"]["by_cashier"] == [
        {k: c[k] for k in ("user_id", "name", "sales_count", "sales", "refunds_count", "refunds")}
        for c in local["by_cashier"]
    ]
    assert (p["totals"]["overrides"], p["totals"]["voided_sales"]) == (2, local["voided_sales"])
    assert local["reason"] == "Faltante"
    assert till.shifts.current() is None


def test_the_z_event_and_the_shift_events_validate_against_their_contracts(till: Till) -> None:
    a_busy_shift(till)
    as_supervisor(till)
    till.shifts.close_shift({"B20000": 3}, reason="Sobrante")
    till.shifts.open_shift(counts={"B1000": 20})
    for kind in ("shift.opened", "cash.moved", "shift.closed", "sale.refunded", "sale.completed"):
        found = events(till, kind)
        assert found, kind
        for envelope in found:
            validate(envelope)
    opened = events(till, "shift.opened")
    assert [e["payload"]["float"] for e in opened] == [DEMO_FLOAT, 2_000_000]


def test_the_journal_hash_in_each_event_chains_like_the_journal(till: Till) -> None:
    """Central can check continuity: each event's prev_hash is the previous event's hash,
    and each hash is SHA-256(prev_hash ‖ canonical payload without its journal)."""
    import hashlib

    from pos_desktop.store.repositories import GENESIS_HASH, canonical_json

    a_busy_shift(till)
    as_supervisor(till)
    till.shifts.close_shift({"B20000": 3}, reason="x")
    with till.uow() as uow:
        envs = [json.loads(r) for r in uow.conn.execute(
            text("SELECT envelope FROM outbox ORDER BY seq")).scalars()]
    prev = GENESIS_HASH
    for env in envs:
        payload = dict(env["payload"])
        journal = payload.pop("journal")
        assert journal["prev_hash"] == prev
        assert journal["hash"] == hashlib.sha256(
            (prev + canonical_json(payload)).encode()).hexdigest()
        prev = journal["hash"]


def test_z_numbers_are_gapless_and_a_failed_close_uses_none(till: Till) -> None:
    as_supervisor(till)
    with pytest.raises(ReasonRequired):
        till.shifts.close_shift({"M1": 1})  # $ 1 counted, $ 20.000 expected, no reason
    assert till.shifts.current() is not None
    assert till.shifts.close_shift({"B20000": 1}).z_number == 1
    till.shifts.open_shift(0)
    assert till.shifts.close_shift({}).z_number == 2
    with till.uow() as uow:
        numbers = list(uow.conn.execute(text("SELECT z_number FROM shifts WHERE z_number IS NOT "
                                             "NULL ORDER BY 1")).scalars())
    assert numbers == [1, 2]


def test_a_z_with_parked_sales_is_refused_until_they_are_resolved(till: Till) -> None:
    till.register.scan(YERBA)
    parked = till.register.park()
    as_supervisor(till)
    with pytest.raises(ParkedSalesPending):
        till.shifts.z_preflight()
    with pytest.raises(ParkedSalesPending):
        till.shifts.close_shift({"B20000": 1})
    assert till.shifts.current() is not None and count(till, "journal", "kind='z'") == 0
    till.register.recall(parked)
    with pytest.raises(SaleInProgress):
        till.shifts.close_shift({"B20000": 1})
    till.register.tender(TenderKind.CASH)
    till.register.complete()
    till.shifts.z_preflight()
    assert till.shifts.close_shift({"B20000": 1, "B1000": 5,
                                    "B200": 1, "B50": 1, "B20": 2}).z_number == 1


def test_the_z_needs_a_supervisor_and_the_close_can_be_approved_on_the_spot(till: Till) -> None:
    with pytest.raises(ApprovalRequired):
        till.shifts.z_preflight()
    till.guard.approve("close_shift", "u-sergio", "2222")
    till.shifts.z_preflight()  # the approval stays for the close itself
    check = till.shifts.check_count({"B20000": 1})
    assert check.over_short == 0 and not check.needs_reason
    z = till.shifts.close_shift({"B20000": 1})
    assert z.payload["closed_by"]["name"] == "Ana"
    assert z.report["local"]["approved_by"]["name"] == "Sergio"


def test_one_shift_at_a_time_and_none_to_close_after_the_z(till: Till) -> None:
    with pytest.raises(ShiftAlreadyOpen):
        till.shifts.open_shift(0)
    as_supervisor(till)
    till.shifts.close_shift({"B20000": 1})
    with pytest.raises(NoOpenShift):
        till.shifts.close_shift({"B20000": 1})
    with pytest.raises(NoOpenShift):
        till.shifts.cash_in(100, "x")


def test_the_z_is_printed_saved_as_pdf_and_pending_upload_until_sent(till: Till) -> None:
    sell(till, YERBA)
    as_supervisor(till)
    z = till.shifts.close_shift({"B20000": 1, "B2000": 2,
                                 "B500": 1, "B200": 1, "B100": 1}, reason="ok")
    with till.uow() as uow:
        _kind, ref, document = uow.conn.execute(
            text("SELECT kind, ref, document FROM print_jobs WHERE kind = 'z'")).one()
        uow.conn.execute(text("UPDATE outbox SET status='sent' WHERE type != 'shift.closed'"))
        uow.commit()
    report = Report.from_payload(json.loads(document))  # what the printers read
    assert ref == "Z1" and "000001" in report.title
    labels = {row.label: row.value for row in report.rows}
    assert labels["Expected cash"] == "$25,290.00"  # the UI language (English here)
    assert z.pdf is not None and z.pdf.exists()
    pdf_text = "".join(page.extract_text() for page in PdfReader(str(z.pdf)).pages)
    assert "Z close no. 000001" in pdf_text and "Ana" in pdf_text
    # Whose Z it is, and the count the manager signs for, as on the printed one.
    assert "Almacén Don Pepe" in pdf_text and "CUIT 30-71234567-1" in pdf_text
    assert "$20,000 · note × 1" in pdf_text and "$2,000 · note × 2" in pdf_text
    assert "$4,000.00" in pdf_text  # the two $2,000 notes
    assert till.shifts.z_report()["upload"] == "pending"
    assert till.shifts.pending_uploads() == [1]
    with till.uow() as uow:
        uow.conn.execute(text("UPDATE outbox SET status='sent'"))
        uow.commit()
    assert till.shifts.z_report(1)["upload"] == "sent"
    assert till.shifts.pending_uploads() == []


def test_the_x_changes_nothing_and_can_be_printed(till: Till) -> None:
    sell(till, YERBA)
    journal = count(till, "journal")
    x = till.shifts.x_report(print_it=True)
    assert x.sales_count == 1 and x.expected_cash == DEMO_FLOAT + 529_000
    assert till.shifts.x_report().sales_count == 1  # no reset
    assert count(till, "journal") == journal
    assert count(till, "print_jobs", "kind='x'") == 1


def test_pos_desktop_report_x_and_z_from_the_command_line(till: Till, data_dir: Path) -> None:
    sell(till, YERBA)
    as_supervisor(till)
    till.shifts.close_shift({"B20000": 1, "B1000": 5, "B200": 1,
                             "B50": 1, "B20": 2})
    till.close()
    base = [sys.executable, "-m", "pos_desktop", "--lang", "en", "--data-dir", str(data_dir)]
    z = json.loads(subprocess.run([*base, "report", "z", "--json"], check=True,
                                  capture_output=True, text=True).stdout)
    assert z["z_number"] == 1 and z["over_short"] == 0 and z["upload"] == "pending"
    pdf = data_dir / "z1.pdf"
    subprocess.run([*base, "report", "z", "--number", "1", "--pdf", str(pdf)], check=True,
                   capture_output=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    # --data-dir after the command too (README: every command honours it); a standalone
    # till says nothing waits for head office.
    text_z = subprocess.run([sys.executable, "-m", "pos_desktop", "--lang", "en", "report", "z",
                             "--data-dir", str(data_dir)], check=True, capture_output=True,
                            text=True).stdout
    assert "Z close no. 000001" in text_z and "Upload" not in text_z
    missing = subprocess.run([*base, "report", "z", "--number", "7"], capture_output=True,
                             text=True)
    assert missing.returncode == 2 and "no Z number 7" in missing.stderr
    x = subprocess.run([*base, "report", "x", "--json"], capture_output=True, text=True)
    assert x.returncode == 2 and "no open shift" in x.stderr

"""The daily report adds up, to the centavo, to what the tills published."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from pos_central.cli import main
from pos_central.report import build_daily_report
from pos_contracts import Envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import Broker, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services
DAY = date(2026, 11, 28)


def a_day(till: SimulatedTerminal, sales: int) -> list[Envelope]:
    events = [till.open_shift(1_000_000)]
    events += [till.sale() for _ in range(sales)]
    events += [till.refund(events[2]), till.refund(events[5], tender="debit")]
    events += [till.move_cash("in", 50_000, "Cambio"), till.move_cash("out", 400_000)]
    events.append(till.close_shift(counted_difference=-2_50))
    return events


def expected(events: list[Envelope], day: date) -> dict[str, object]:
    sales = [
        e.payload
        for e in events
        if e.type == "sale.completed" and e.payload["completed_at"][:10] == str(day)
    ]
    refunds = [
        e.payload
        for e in events
        if e.type == "sale.refunded" and e.payload["refunded_at"][:10] == str(day)
    ]
    moves = [
        e.payload
        for e in events
        if e.type == "cash.moved" and e.payload["moved_at"][:10] == str(day)
    ]
    tender_sales: Counter[str] = Counter()
    for sale in sales:
        for tender in sale["tenders"]:
            tender_sales[tender["kind"]] += tender["amount"]
        tender_sales["cash"] -= sale["change"]
    tender_refunds: Counter[str] = Counter()
    for refund in refunds:
        for tender in refund["tenders"]:
            tender_refunds[tender["kind"]] += tender["amount"]
    tax: Counter[str] = Counter()
    for sale in sales:
        for row in sale["iva"]:
            tax[row["rate"]] += row["tax"]
    for refund in refunds:
        for row in refund["iva"]:
            tax[row["rate"]] -= row["tax"]
    return {
        "sales_count": len(sales),
        "sales_total": sum(s["total"] for s in sales),
        "refunds_count": len(refunds),
        "refunds_total": sum(r["total"] for r in refunds),
        "cash_in": sum(m["amount"] for m in moves if m["direction"] == "in"),
        "cash_out": sum(m["amount"] for m in moves if m["direction"] == "out"),
        "tender_sales": {k: v for k, v in tender_sales.items() if v},
        "tender_refunds": dict(tender_refunds),
        "net_tax": dict(tax),
    }


def figures(report_part: dict[str, object]) -> dict[str, object]:
    part = report_part
    return {
        "sales_count": part["sales_count"],
        "sales_total": part["sales_total"],
        "refunds_count": part["refunds_count"],
        "refunds_total": part["refunds_total"],
        "cash_in": part["cash_in"],
        "cash_out": part["cash_out"],
        "tender_sales": {r["kind"]: r["sales"] for r in part["by_tender"] if r["sales"]},  # type: ignore[attr-defined]
        "tender_refunds": {r["kind"]: r["refunds"] for r in part["by_tender"] if r["refunds"]},  # type: ignore[attr-defined]
        "net_tax": {r["rate"]: r["net_tax"] for r in part["iva"]},  # type: ignore[attr-defined]
    }


@pytest.fixture
def ingested_day(central_db: str, broker: Broker) -> dict[str, list[Envelope]]:
    tills = {
        ("S001", "T01"): SimulatedTerminal("S001", "T01", seed=41),
        ("S001", "T02"): SimulatedTerminal("S001", "T02", seed=42),
        ("S002", "T01"): SimulatedTerminal("S002", "T01", seed=43),
    }
    events = {key: a_day(till, 25 + 5 * n) for n, (key, till) in enumerate(tills.items())}
    tills["S001", "T01"].start_day("2026-11-29")  # the next day must not leak into this one
    events["S001", "T01"] += [tills["S001", "T01"].sale() for _ in range(4)]
    every = [e for stream in events.values() for e in stream]
    broker.publish(every)
    with running_ingest(central_db, broker):
        wait_until(
            lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == len(every)
        )
    return {f"{store}/{terminal}": stream for (store, terminal), stream in events.items()}


def test_daily_totals_equal_the_published_events_to_the_centavo(
    central_db: str, ingested_day: dict[str, list[Envelope]]
) -> None:
    report = build_daily_report(central_db, DAY)
    every = [e for stream in ingested_day.values() for e in stream]
    assert figures(report["totals"]) == expected(every, DAY)
    for store in report["stores"]:
        store_events = [
            e
            for key, s in ingested_day.items()
            if key.startswith(store["store_id"] + "/")
            for e in s
        ]
        assert figures(store) == expected(store_events, DAY)
        for terminal in store["terminals"]:
            key = f"{store['store_id']}/{terminal['terminal_id']}"
            assert figures(terminal) == expected(ingested_day[key], DAY)
            assert sum(r["net"] for r in terminal["by_tender"]) == terminal["net_sales"]
            [z] = terminal["shifts"]
            closed = next(e.payload for e in ingested_day[key] if e.type == "shift.closed")
            assert (z["expected_cash"], z["counted_cash"], z["over_short"]) == (
                closed["expected_cash"],
                closed["counted_cash"],
                -250,
            )
            assert (terminal["contiguous_seq"], terminal["gaps"], terminal["journal_breaks"]) == (
                len(ingested_day[key]),
                [],
                [],
            )
    next_day = build_daily_report(central_db, date(2026, 11, 29))
    assert next_day["totals"]["sales_count"] == 4
    assert figures(next_day["totals"]) == expected(every, date(2026, 11, 29))


def test_gaps_and_journal_breaks_appear_per_terminal(central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal("S009", "T03", seed=44)
    events = [till.sale() for _ in range(8)]
    broker.publish([e for e in events if e.seq not in (3, 6)])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 6)
    [store] = build_daily_report(central_db, DAY)["stores"]
    [terminal] = store["terminals"]
    assert (terminal["contiguous_seq"], terminal["max_seq"], terminal["gaps"]) == (
        2,
        8,
        [[3, 3], [6, 6]],
    )
    assert store["terminals_with_gaps"] == 1


def test_report_command_prints_json_and_writes_a_pdf_in_spanish(
    central_db: str,
    ingested_day: dict[str, list[Envelope]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "daily", "--date", "2026-11-28", "--json", "--db-url", central_db]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(build_daily_report(central_db, DAY)))
    pdf = tmp_path / "diario.pdf"
    assert (
        main(["report", "daily", "--date", "2026-11-28", "--pdf", str(pdf), "--db-url", central_db])
        == 0
    )
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Reporte diario del 2026-11-28" in text
    assert "Débito" in text and "Crédito" in text and "Exento" in text
    total = printed["totals"]["sales_total"]
    pesos = f"{total // 100:,}".replace(",", ".") + f",{total % 100:02d}"
    assert pesos in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert any("DejaVuSans" in font for font in fonts)
    assert main(["report", "daily", "--date", "2026-11-28", "--db-url", central_db]) == 0
    assert "Tienda S001" in capsys.readouterr().out

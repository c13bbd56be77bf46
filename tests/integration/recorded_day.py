"""A day at the till, and what it leaves in the database — to pin the bytes of every
business fact (issue 10 moves how they are written, not what is written).

``play_day`` runs the same day through the services every time: the demo shift opening,
sales in every tender (change, cash rounding, a weighed line, discounts, a split payment,
a parked and recalled sale), a refund, cash in and out, the drawer opened, a printed X,
the Z and the next shift's opening with a counted float, and one sale in it.
``business_rows`` reads back every row those facts wrote. ``normalised`` replaces what
must differ from run to run (UUIDs, trace ids, hashes, clock readings) by placeholders,
numbered in order of first appearance so that equal values stay equal, and leaves every
other byte as written.

``python -m tests.integration.recorded_day`` writes ``fixtures/recorded_day.json`` (the
raw rows, as the code of its commit writes them); the tests compare a fresh day with it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

from pos_common.i18n import current_language, set_language
from pos_desktop.app import Till
from pos_desktop.domain.sale import Tender, TenderKind

FIXTURE = Path(__file__).with_name("fixtures") / "recorded_day.json"

YERBA = "7791234643615"  # Yerba Mate Playadito 1 kg, $ 5.290,00, IVA 21
HARINA = "7790060446995"  # Harina 000 Blancaflor 1 kg, $ 1.190,00, IVA 10.5
LECHE = "7790742627650"  # Leche La Serenísima 1 l, $ 1.990,00, exempt
FIDEOS = "7790470197869"  # Fideos Moñito Favorita 500 g: a name outside ASCII
PAN_KG = "A0339"  # Pan Francés, $ 4.290,00 per kg, exempt, sold by weight

# Every table a business fact writes, read in the order its rows were written (users are
# left out: their PIN hashes are salted at random; products are the demo catalogue).
TABLES = (
    "counters", "journal", "sales", "sale_lines", "payments", "refunds", "refund_lines",
    "refund_payments", "cash_moves", "shifts", "outbox", "print_jobs", "audit_log",
    "parked_sales",
)


def play_day(till: Till) -> None:
    """The day, through the same services the window calls."""
    reg = till.register
    sergio = ("u-sergio", "2222")
    for entry in (YERBA, HARINA):
        reg.scan(entry)
    reg.pay_and_complete([Tender(TenderKind.CASH, 1_000_000)])  # change
    reg.scan("2*" + LECHE)
    reg.pay_and_complete([Tender(TenderKind.DEBIT, 398_000)])
    reg.scan(f"0,347*{PAN_KG}")  # $ 1.488,63 -> $ 1.488,00 in cash (rounding)
    reg.tender(TenderKind.CASH)
    reg.complete()
    reg.scan("3*" + FIDEOS)
    reg.scan(YERBA)
    reg.discount_line(1, "10%")
    reg.discount_ticket("500")
    reg.tender(TenderKind.CASH, 200_000)
    reg.tender(TenderKind.TRANSFER, reference="MP-12345")
    reg.complete()
    reg.scan(HARINA)
    reg.park("Señora del fondo")
    reg.scan(LECHE)
    reg.pay_and_complete([Tender(TenderKind.CREDIT, reg.sale.total, "VISA 4242")])
    reg.recall(reg.parked()[0]["id"])
    reg.pay_and_complete([Tender(TenderKind.CASH, reg.sale.total)])
    till.guard.approve("refund", *sergio)
    till.refunds.refund("2", {1: 1000}, reason="Vencida, devolución en efectivo",
                        tenders=[Tender(TenderKind.CASH, 199_000)])
    till.guard.approve("refund", *sergio)
    till.refunds.refund("0001-00000004", {2: 1000}, reason="No le gustó")
    till.shifts.cash_in(500_000, "Cambio del banco")
    till.guard.approve("cash_out", *sergio)
    till.shifts.cash_out(300_000, "Pago a proveedor «La Única»")
    till.guard.approve("open_drawer", *sergio)
    till.shifts.open_drawer("Cambio para el cliente")
    till.shifts.x_report(print_it=True)
    till.session.login(*sergio)
    expected = till.shifts.figures().expected_cash
    till.shifts.close_shift({"B10000": expected // 1_000_000, "M1": 3}, reason="Faltante")
    till.session.login("u-marta", "9999")
    till.shifts.open_shift(counts={"B1000": 10, "B500": 4})
    till.session.login("u-ana", "1111")
    reg.scan(YERBA)
    reg.pay_and_complete([Tender(TenderKind.CASH, 600_000)])


def business_rows(till: Till) -> dict[str, list[dict[str, Any]]]:
    with till.reader.connect() as conn:
        return {
            table: [dict(r._mapping) for r in conn.execute(
                text(f"SELECT * FROM {table} ORDER BY rowid"))]
            for table in TABLES
        }


def record_day(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """A fresh demo till in ``data_dir``, the day played in Spanish, and its rows."""
    language = current_language()
    set_language("es_AR")
    till = Till.open(data_dir, demo=True)
    try:
        play_day(till)
        return business_rows(till)
    finally:
        till.close()
        set_language(language)


_VARYING = (
    # (pattern, placeholder): numbered ones keep equal values equal; clock readings are
    # not numbered (two readings may or may not fall in the same millisecond), nor is
    # their offset kept (the fixture was written on a till whose clock was at UTC).
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "uuid"),
    (re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])"), "hash"),
    (re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"), "trace"),
    (re.compile(r"(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])"), "span"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"), None),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), None),  # the printed X/Z "opened at"
)


def normalised(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    seen: dict[str, str] = {}

    def placeholder(kind: str | None, match: re.Match[str]) -> str:
        if kind is None:
            return "<time>"
        return seen.setdefault(match.group(0), f"<{kind}:{len(seen) + 1}>")

    def clean(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        for pattern, kind in _VARYING:
            value = pattern.sub(lambda m, k=kind: placeholder(k, m), value)
        return value

    return {table: [{k: clean(v) for k, v in row.items()} for row in table_rows]
            for table, table_rows in rows.items()}


def main(argv: list[str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        rows = record_day(Path(tmp) / "data")
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {sum(len(v) for v in rows.values())} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

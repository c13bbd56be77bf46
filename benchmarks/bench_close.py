"""End of day: the Z over a day of 5,000 sales, and ``journal --verify`` over 100,000
entries, each next to a raw sqlite3 baseline measured in the same run.

    python -m benchmarks.bench_close [--sales 5000] [--entries 100000] [--out FILE]

The day is made through the real register (simulated sales of 1-12 lines, every tender,
discounts) plus 50 refunds and a few cash movements. The Z is timed on fresh copies of
that day's file (a Z closes the shift, so each run needs its own copy); the X-report
figures (the same aggregates) are timed repeatedly on one file. For the journal, the day's
sales are replicated with new numbers and a recomputed hash chain up to ``--entries``
(building 100,000 sales through the register would take many minutes and add nothing to
what is measured).

Budgets (issue 5): Z <= 200 ms; journal --verify over 100,000 entries <= 2 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.stats import summarize, timed
from pos_desktop.app import Till
from pos_desktop.services.journal_verify import verify_engine
from pos_desktop.services.reports import render_pdf
from pos_desktop.services.simulation import simulate
from pos_desktop.store.db import DB_FILENAME, open_engine
from pos_desktop.store.repositories import GENESIS_HASH, canonical_json
from pos_desktop.store.tables import products

BUDGETS = {"z_close_p99_ms": 200.0, "verify_s": 2.0}


def make_day(folder: Path, sales: int) -> dict[str, Any]:
    till = Till.open(folder, demo=True)
    try:
        with till.uow() as uow:
            skus = list(uow.conn.execute(select(products.c.sku)).scalars())
            catalog = [p for p in (uow.catalog.by_sku(s) for s in skus) if p is not None]
        t0 = time.perf_counter()
        done = simulate(till.register, catalog, sales, seed=2026)
        made = time.perf_counter() - t0
        rng = random.Random(7)
        for sale in rng.sample(done, 50):
            till.guard.approve("refund", "u-sergio", "2222")
            line = sale.payload["lines"][0]
            till.refunds.refund(sale.ticket, {1: line["quantity_milli"]}, reason="bench")
        for i in range(5):
            till.shifts.cash_in(100_000, f"cambio {i}")
            till.guard.approve("cash_out", "u-sergio", "2222")
            till.shifts.cash_out(500_000, f"retiro {i}")
    finally:
        till.close()
    return {"sales": sales, "refunds": 50, "cash_moves": 10, "selling_s": round(made, 1)}


RAW_Z_SQL = [
    "SELECT count(*), sum(total), sum(discounts), sum(change), min(ticket_number), "
    "max(ticket_number) FROM sales WHERE shift_id = ?",
    "SELECT p.kind, sum(p.amount) FROM payments p JOIN sales s USING (sale_id) "
    "WHERE s.shift_id = ? GROUP BY p.kind",
    "SELECT l.iva_rate, sum(l.amount) FROM sale_lines l JOIN sales s USING (sale_id) "
    "WHERE s.shift_id = ? GROUP BY l.sale_id, l.iva_rate",
    "SELECT cashier_id, count(*), sum(total) FROM sales WHERE shift_id = ? GROUP BY cashier_id",
    "SELECT count(*), sum(total) FROM refunds WHERE shift_id = ?",
    "SELECT direction, sum(amount) FROM cash_moves WHERE shift_id = ? GROUP BY direction",
]


def bench_z(day: Path, work: Path, repeat: int) -> dict[str, Any]:
    closes, pdfs = [], []
    for i in range(repeat):
        folder = work / f"z{i}"
        folder.mkdir()
        shutil.copy(day / DB_FILENAME, folder / DB_FILENAME)
        till = Till.open(folder, demo=True)
        try:
            till.session.login("u-sergio", "2222")
            till.shifts.reports_dir = None  # the PDF is timed on its own below
            t0 = time.perf_counter()
            z = till.shifts.close_shift({"B20000": 100}, reason="bench")
            closes.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            render_pdf(z.report)
            pdfs.append(time.perf_counter() - t0)
        finally:
            till.close()
    till = Till.open(day, demo=True)
    try:
        x = timed(till.shifts.figures, repeat * 3)
        shift_id = till.shifts.current_id()
    finally:
        till.close()
    con = sqlite3.connect(day / DB_FILENAME)
    raw = timed(lambda: [con.execute(q, (shift_id,)).fetchall() for q in RAW_Z_SQL],
                repeat * 3)
    con.close()
    return {"z_close": summarize(closes), "x_figures": summarize(x),
            "raw_sqlite3_aggregates": summarize(raw), "z_pdf_a4": summarize(pdfs)}


def grow_journal(day: Path, target: Path, entries: int) -> int:
    """Copy the day and replicate its sales (new ids, numbers, hash chain) to ``entries``."""
    shutil.copy(day / DB_FILENAME, target)
    con = sqlite3.connect(target)
    seq, prev = con.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"
                            ).fetchone()
    number = con.execute("SELECT max(ticket_number) FROM sales").fetchone()[0]
    templates = [(json.loads(p), sid) for p, sid in
                 con.execute("SELECT payload, sale_id FROM sales ORDER BY ticket_number")]
    lines: dict[str, list[tuple[Any, ...]]] = {}
    for row in con.execute("SELECT * FROM sale_lines"):
        lines.setdefault(row[0], []).append(row[1:])
    pays: dict[str, list[tuple[Any, ...]]] = {}
    for row in con.execute("SELECT * FROM payments"):
        pays.setdefault(row[0], []).append(row[1:])
    j_rows: list[tuple[Any, ...]] = []
    s_rows: list[tuple[Any, ...]] = []
    l_rows: list[tuple[Any, ...]] = []
    p_rows: list[tuple[Any, ...]] = []
    i = 0
    while seq < entries:
        payload, old_id = templates[i % len(templates)]
        i += 1
        seq, number = seq + 1, number + 1
        payload = {k: v for k, v in payload.items() if k != "journal"}
        sale_id = str(uuid.uuid4())
        payload.update(sale_id=sale_id, ticket_number=number, ticket=f"0001-{number:08d}")
        record = canonical_json(payload)
        digest = hashlib.sha256((prev + record).encode()).hexdigest()
        j_rows.append((seq, "sale", payload["ticket"], payload["completed_at"], record, prev,
                       digest))
        payload["journal"] = {"seq": seq, "prev_hash": prev, "hash": digest}
        prev = digest
        s_rows.append((sale_id, number, "S001", "T01", payload["shift_id"],
                       payload["cashier"]["user_id"], payload["cashier"]["name"],
                       payload["completed_at"], payload["total"],
                       sum(li["discount"] for li in payload["lines"]), payload["change"], seq,
                       canonical_json(payload)))
        l_rows += [(sale_id, *li) for li in lines[old_id]]
        p_rows += [(sale_id, *p) for p in pays[old_id]]
    with con:
        con.executemany("INSERT INTO journal VALUES (?,?,?,?,?,?,?)", j_rows)
        con.executemany("INSERT INTO sales VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", s_rows)
        con.executemany("INSERT INTO sale_lines VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", l_rows)
        con.executemany("INSERT INTO payments VALUES (?,?,?,?,?)", p_rows)
        con.execute("UPDATE counters SET value = ? WHERE name = 'ticket'", (number,))
    con.close()
    return seq


def bench_verify(db: Path, repeat: int) -> dict[str, Any]:
    engine = open_engine(db, writer=False)
    results = []

    def run() -> None:
        results.append(verify_engine(engine))

    try:
        ours = timed(run, repeat)
    finally:
        engine.dispose()
    assert all(r.ok for r in results), results[-1].problems[:3]
    con = sqlite3.connect(db)

    def raw() -> None:  # the hash chain alone, no cross-checks
        prev = GENESIS_HASH
        for p, h, rec in con.execute("SELECT prev_hash, hash, record FROM journal ORDER BY seq"):
            assert p == prev
            assert hashlib.sha256((p + rec).encode()).hexdigest() == h
            prev = h

    baseline = timed(raw, repeat)
    con.close()
    return {"entries": results[-1].entries, "verify": summarize(ours),
            "raw_chain_only": summarize(baseline)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sales", type=int, default=5000)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/close.json"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-close-") as tmp:
        work = Path(tmp)
        day = work / "day"
        made = make_day(day, args.sales)
        z = bench_z(day, work, args.repeat)
        big = work / "big.sqlite3"
        grow_journal(day, big, args.entries)
        verify = bench_verify(big, max(3, args.repeat // 2))
    result = {
        "benchmark": "close",
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or
                    platform.machine(), "sqlite": sqlite3.sqlite_version},
        "day": made,
        "z": z,
        "journal": verify,
        "budgets": BUDGETS,
        "within_budget": {
            "z_close_p99_ms": z["z_close"]["p99_ms"] <= BUDGETS["z_close_p99_ms"],
            "verify_s": verify["verify"]["p99_ms"] / 1000 <= BUDGETS["verify_s"],
        },
    }
    text = json.dumps(result, indent=1)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Till core benchmark on a 100,000-SKU catalogue: lookups, name search, durable commit,
start-up and memory, each next to a raw sqlite3 baseline measured in the same run.

    python -m benchmarks.bench_till [--skus 100000] [--out benchmarks/results/till.json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.catalog_gen import generate
from benchmarks.stats import summarize, timed
from pos_desktop.app import Till
from pos_desktop.domain.product import fold
from pos_desktop.domain.sale import Sale, TenderKind
from pos_desktop.store.db import database_path

QUERIES = [
    "yerba",
    "cafe mol",
    "dulce leche",
    "galletitas bag",
    "aceite",
    "jabon polvo",
    "cerveza",
    "te negro",
    "azucar ledesma",
    "queso rallado",
    "fideos",
    "alfajor triple",
]
BUDGETS = {
    "startup_s": 2.0,
    "lookup_p99_ms": 1.0,
    "search_p99_ms": 20.0,
    "commit_p99_ms": 25.0,
    "commit_ratio_to_raw": 5.0,
    "rss_mb": 250,
}


def bench_lookup(till: Till, db: Path, codes: list[str], rng: random.Random) -> dict[str, Any]:
    sample = [rng.choice(codes) for _ in range(5000)]
    it = iter(sample)
    ours = timed(lambda: till.register.catalog.by_code(next(it)), len(sample))
    con = sqlite3.connect(db)
    it2 = iter(sample)
    sql = (
        "SELECT p.sku, p.name, p.price, p.iva_rate FROM barcodes b JOIN products p "
        "ON p.sku = b.sku WHERE b.code = ?"
    )
    raw = timed(lambda: con.execute(sql, (next(it2),)).fetchone(), len(sample))
    con.close()
    return {"till": summarize(ours), "raw_sqlite3": summarize(raw)}


def bench_search(till: Till, db: Path) -> dict[str, Any]:
    qs = QUERIES * 40
    it = iter(qs)
    ours = timed(lambda: till.register.search(next(it)), len(qs))
    con = sqlite3.connect(db)
    it2 = iter(qs)

    def raw() -> None:
        words = fold(next(it2)).split()
        m = " AND ".join(f'"{w}"*' for w in words)
        con.execute(
            "SELECT p.sku, p.name, p.price FROM products_fts f JOIN products p "
            "ON p.rowid = f.rowid WHERE products_fts MATCH ? ORDER BY p.search_name LIMIT 50",
            (m,),
        ).fetchall()

    base = timed(raw, len(qs))
    con.close()
    return {"till": summarize(ours), "raw_sqlite3_fts": summarize(base)}


def bench_commit(till: Till, db: Path, codes: list[str], rng: random.Random) -> dict[str, Any]:
    """A sale's durable commit next to the raw sqlite3 floor: the same number of rows
    (n lines + 5) in one transaction, synchronous=FULL, on the same file. The two are
    timed in turns, sale then raw, so a busy moment of the machine falls on both."""
    reg = till.register
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS bench_raw(a, b, c)")
    samples, raw = [], []
    for _ in range(400):
        n = rng.randint(1, 12)
        for _ in range(n):
            code = rng.choice(codes)
            reg.scan(f"0,5*{code}" if int(code[3:12]) % 500 == 0 else code)
        reg.tender(TenderKind.CASH)
        t0 = time.perf_counter()
        reg.complete()
        samples.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT INTO bench_raw VALUES (?,?,?)", [(1, "x" * 200, 3)] * (n + 5))
        con.execute("COMMIT")
        raw.append(time.perf_counter() - t0)
    con.execute("DROP TABLE bench_raw")
    con.close()
    till_s, raw_s = summarize(samples), summarize(raw)
    return {
        "till": till_s,
        "raw_sqlite3": raw_s,
        "ratio_to_raw": {  # the budget: within 5x of raw, median and p99
            "median": round(till_s["median_ms"] / raw_s["median_ms"], 2),
            "p99": round(till_s["p99_ms"] / raw_s["p99_ms"], 2),
        },
    }


def bench_startup(data_dir: Path) -> dict[str, Any]:
    code = (
        "import time; t0=time.perf_counter(); from pos_desktop.app import Till; "
        f"t=Till.open(__import__('pathlib').Path({str(data_dir)!r})); "
        "t.register.catalog.by_code('7790000000001'); print(time.perf_counter()-t0)"
    )
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        runs.append((time.perf_counter() - t0, float(out.stdout.strip())))
    raw = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlite3"], check=True)
        raw.append(time.perf_counter() - t0)
    return {
        "process_to_ready": summarize([r[0] for r in runs]),
        "in_process_open": summarize([r[1] for r in runs]),
        "raw_python_start": summarize(raw),
    }


def bench_draft(till: Till, codes: list[str], rng: random.Random) -> dict[str, Any]:
    """What saving the sale in progress adds to each scan (``Register.save_draft``: one
    short durable write of its own, never in the commit): a scan with the draft saved
    next to the same scan without, timed in turns on sales of up to 12 lines."""
    reg, drafts = till.register, till.register.drafts
    with_draft, without = [], []
    for _ in range(300):
        code = rng.choice(codes)
        entry = f"0,5*{code}" if int(code[3:12]) % 500 == 0 else code
        for sink, saving in ((with_draft, drafts), (without, None)):
            reg.drafts = saving
            t0 = time.perf_counter()
            reg.scan(entry)
            sink.append(time.perf_counter() - t0)
        if len(reg.sale.lines) >= 12:
            reg.drafts = drafts
            reg.sale = Sale()
    reg.drafts = drafts
    reg.sale = Sale()
    reg.save_draft()
    return {"scan_with_draft": summarize(with_draft), "scan_without_draft": summarize(without)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/till.json"))
    args = ap.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        t0 = time.perf_counter()
        codes = generate(data_dir, args.skus)
        gen_s = time.perf_counter() - t0
        db = database_path(data_dir)
        startup = bench_startup(data_dir)
        till = Till.open(data_dir)
        till.start_scripted_run()  # a signed-in seller and an open shift, as `simulate`
        results = {
            "catalog_skus": args.skus,
            "catalog_generation_s": round(gen_s, 2),
            "startup": startup,
            "barcode_lookup": bench_lookup(till, db, codes, rng),
            "name_search": bench_search(till, db),
            "sale_commit": bench_commit(till, db, codes, rng),
            "draft_per_scan": bench_draft(till, codes, rng),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "budgets": BUDGETS,
        }
        till.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    commit = results["sale_commit"]
    print(
        f"sale commit: median {commit['till']['median_ms']} ms, p99 {commit['till']['p99_ms']} ms;"
        f" raw sqlite3 median {commit['raw_sqlite3']['median_ms']} ms, p99"
        f" {commit['raw_sqlite3']['p99_ms']} ms; ratio {commit['ratio_to_raw']['median']}x"
        f" (median), {commit['ratio_to_raw']['p99']}x (p99)",
        file=sys.stderr,
    )
    draft = results["draft_per_scan"]
    print(
        f"scan with the draft saved: median {draft['scan_with_draft']['median_ms']} ms, p99"
        f" {draft['scan_with_draft']['p99_ms']} ms; without: median"
        f" {draft['scan_without_draft']['median_ms']} ms",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

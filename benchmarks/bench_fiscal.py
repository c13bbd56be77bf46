"""Fiscal benchmarks (issue 11), against ARCA's stand-in over real HTTP on loopback.

1. **Sale commit unchanged**: the durable sale commit of the demo catalogue in fiscal mode
   *none* and in mode ARCA (the comprobante decided and its document row written in the
   same transaction; the CAE is asked after the commit, off the cashier's thread), each
   next to a raw sqlite3 baseline of the same number of rows in the same run.
2. **CAE round trip added to the receipt**: from the sale's commit to its receipt's print
   job, through the fiscal worker (FECAESolicitar, the FiscalAuthorized transaction with
   its journal entry, event and print job). Budget p99 ≤ 100 ms. Raw baseline: a plain
   httpx POST of a pre-built FECAESolicitar envelope to the same stand-in.
3. **Catch-up after an outage**: 1,000 sales committed while ARCA is unreachable, then
   authorized by the worker when it is back. Budget ≥ 50 comprobantes/s. Raw baseline:
   1,000 FECAESolicitar through ``pos_arca``'s client alone (no database).

Usage: ``python -m benchmarks.bench_fiscal [--sales 400] [--backlog 1000]``; prints JSON
and writes ``benchmarks/results/fiscal.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402

from benchmarks.stats import summarize  # noqa: E402
from pos_arca import WsaaClient, WsfeClient, argentine_date  # noqa: E402
from pos_arca.standin import ArcaStandin  # noqa: E402
from pos_arca.testing import make_certificate_authority  # noqa: E402
from pos_desktop.app import Till  # noqa: E402
from pos_desktop.domain.sale import TenderKind  # noqa: E402
from pos_desktop.fiscal.client import open_session  # noqa: E402
from pos_desktop.fiscal.credentials import store_private_key  # noqa: E402
from pos_desktop.fiscal.status import queues_of, read_settings  # noqa: E402
from pos_desktop.fiscal.worker import FiscalWorker  # noqa: E402
from pos_desktop.services.fiscal import SqliteFiscalBook  # noqa: E402

BUDGET_ROUND_TRIP_P99_MS = 100.0
BUDGET_CATCH_UP_PER_S = 50.0
CUIT = 30712345671
RESULTS = ROOT / "benchmarks" / "results"


def demo_codes(till: Till) -> list[str]:
    with till.reader.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT b.code FROM barcodes b JOIN products p USING (sku) "
            "WHERE p.sold_by_weight = 0 AND p.active = 1"))]


def sell(till: Till, codes: list[str], rng: random.Random) -> tuple[float, Any]:
    reg = till.register
    for _ in range(rng.randint(1, 12)):
        reg.scan(rng.choice(codes))
    reg.tender(TenderKind.CASH)
    started = time.perf_counter()
    done = reg.complete()
    return time.perf_counter() - started, done


def configure(till: Till, standin: ArcaStandin, taxpayer: Any, folder: Path) -> None:
    key = folder / "arca.key"
    store_private_key(taxpayer.private_key_pem, key_file=key)
    with till.uow() as uow:
        for k, v in {"fiscal.mode": "arca", "fiscal.point_of_sale": 1,
                     "fiscal.wsaa_url": standin.wsaa_url, "fiscal.wsfe_url": standin.wsfe_url,
                     "fiscal.certificate": taxpayer.certificate_pem.decode(),
                     "fiscal.key_file": str(key)}.items():
            uow.settings.set(k, v)
        uow.commit()
    till.refresh_fiscal_policy()


def worker_for(till: Till) -> FiscalWorker:
    return FiscalWorker(SqliteFiscalBook(till.uow),
                        lambda: open_session(read_settings(till.reader), till.data_dir),
                        queues=lambda: queues_of(read_settings(till.reader)))


def raw_commits(db: Path, rng: random.Random, count: int) -> list[float]:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS bench_raw(a, b, c)")
    out = []
    for _ in range(count):
        n = rng.randint(1, 12)
        started = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT INTO bench_raw VALUES (?,?,?)", [(1, "x" * 200, 3)] * (n + 5))
        con.execute("COMMIT")
        out.append(time.perf_counter() - started)
    con.execute("DROP TABLE bench_raw")
    con.close()
    return out


def bench_commit(folder: Path, standin: ArcaStandin, taxpayer: Any, sales: int
                 ) -> dict[str, Any]:
    rng = random.Random(7)
    till = Till.open(folder / "commit", demo=True)
    try:
        codes = demo_codes(till)
        none = [sell(till, codes, rng)[0] for _ in range(sales)]
        configure(till, standin, taxpayer, folder)
        arca = [sell(till, codes, rng)[0] for _ in range(sales)]
        raw = raw_commits(folder / "commit" / "pos.sqlite3", rng, sales)
    finally:
        till.close()
    return {"fiscal_mode_none": summarize(none), "fiscal_mode_arca": summarize(arca),
            "raw_sqlite3": summarize(raw)}


def raw_round_trip(standin: ArcaStandin, taxpayer: Any, cache: Path, calls: int
                   ) -> list[float]:
    from benchmarks.bench_arca import envelope, factura

    wsaa = WsaaClient(certificate=taxpayer.certificate, private_key=taxpayer.private_key,
                      cache_dir=cache, url=standin.wsaa_url)
    wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)
    day = argentine_date(standin.clock)
    number = wsfe.last_authorized(1, 6)
    out = []
    with httpx.Client() as client:
        for _ in range(calls):
            number += 1
            body = envelope(wsfe, wsaa, factura(number, day)).replace(
                b"<ns0:Cuit>20123456786</ns0:Cuit>", f"<ns0:Cuit>{CUIT}</ns0:Cuit>".encode())
            started = time.perf_counter()
            client.post(standin.wsfe_url, content=body, headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"http://ar.gov.afip.dif.FEV1/FECAESolicitar"'})
            out.append(time.perf_counter() - started)
    return out


def bench_round_trip(folder: Path, standin: ArcaStandin, taxpayer: Any, sales: int
                     ) -> dict[str, Any]:
    rng = random.Random(11)
    till = Till.open(folder / "arca-till", demo=True)
    try:
        configure(till, standin, taxpayer, folder)
        codes = demo_codes(till)
        worker = worker_for(till)
        worker.run_once()  # log in and reconcile before the clock starts
        added = []
        for _ in range(sales):
            sell(till, codes, rng)
            started = time.perf_counter()
            result = worker.run_once()
            assert result.authorized == 1, result
            added.append(time.perf_counter() - started)
        with till.reader.connect() as conn:
            jobs = conn.execute(text("SELECT count(*) FROM print_jobs WHERE kind='receipt'")
                                ).scalar_one()
        assert jobs == sales
    finally:
        till.close()
    raw = raw_round_trip(standin, taxpayer, folder / "arca-till" / "arca", sales)
    summary = summarize(added)
    return {"commit_to_receipt_job": summary, "raw_httpx_post": summarize(raw),
            "budget_p99_ms": BUDGET_ROUND_TRIP_P99_MS,
            "within_budget": summary["p99_ms"] <= BUDGET_ROUND_TRIP_P99_MS}


def bench_catch_up(folder: Path, standin: ArcaStandin, taxpayer: Any, backlog: int
                   ) -> dict[str, Any]:
    rng = random.Random(13)
    till = Till.open(folder / "arca-till", demo=True)
    try:
        configure(till, standin, taxpayer, folder)
        codes = demo_codes(till)
        worker = worker_for(till)
        worker.run_once()
        standin.make_unreachable()
        for _ in range(backlog):
            sell(till, codes, rng)
        assert worker.run_once().error is not None  # ARCA down: all stay pending
        standin.make_reachable()
        started = time.perf_counter()
        result = worker.run_once()
        elapsed = time.perf_counter() - started
        assert result.authorized == backlog, result
    finally:
        till.close()
    # Raw baseline: the client alone, the same number of comprobantes, no database.
    from benchmarks.bench_arca import factura

    wsaa = WsaaClient(certificate=taxpayer.certificate, private_key=taxpayer.private_key,
                      cache_dir=folder / "arca-till" / "arca", url=standin.wsaa_url)
    wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)
    day = argentine_date(standin.clock)
    number = wsfe.last_authorized(1, 6)
    started = time.perf_counter()
    for _ in range(backlog):
        number += 1
        wsfe.authorize(factura(number, day))
    raw = time.perf_counter() - started
    rate = backlog / elapsed
    return {"comprobantes": backlog, "seconds": round(elapsed, 2),
            "per_second": round(rate, 1), "raw_client_per_second": round(backlog / raw, 1),
            "ratio_to_raw": round(raw / elapsed, 2), "budget_per_second": BUDGET_CATCH_UP_PER_S,
            "within_budget": rate >= BUDGET_CATCH_UP_PER_S}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=400)
    parser.add_argument("--backlog", type=int, default=1000)
    args = parser.parse_args()
    ca = make_certificate_authority()
    taxpayer = ca.issue(CUIT)
    with tempfile.TemporaryDirectory() as tmp, \
            ArcaStandin(ca_certificate=ca.certificate, admin_port=None) as standin:
        folder = Path(tmp)
        report = {
            "benchmark": "fiscal",
            "sale_commit": bench_commit(folder, standin, taxpayer, args.sales),
            "cae_round_trip": bench_round_trip(folder, standin, taxpayer, args.sales),
            "catch_up_after_outage": bench_catch_up(folder, standin, taxpayer, args.backlog),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fiscal.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    ok = report["cae_round_trip"]["within_budget"] and \
        report["catch_up_after_outage"]["within_budget"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Head office API: the dashboard over a realistic day, the catalogue search, and the
tills' snapshot next to the stdlib server it replaced (kept below as the baseline).

    python -m benchmarks.bench_api [--sales 100000] [--products 100000] [--out FILE]

Data, in a fresh PostgreSQL database: 50 stores × 5 terminals, a day of 100,000 sales
(today, head office's time zone) with every till's status report, and a 100,000-product
catalogue (Spanish names, as the till's benchmark). The seed writes the sales with SQL
and the ingest's hourly summary (``sales_by_hour``) as the ingest would have kept it.
Every sale is a Factura B (``FISCAL``): the day after an outage at ARCA, 2% were issued
under the fortnight's CAEA (half of them informed so far; the CAEA's deadline is set two
days away, so that its alert does all its work), 100 still wait for their CAE (what the
ingest keeps in ``fiscal_pending``), the rest have theirs.

Each request is measured twice: the server's own time (its ``Server-Timing`` header: the
request to its response's start), which the budgets count, and what a client on loopback
with a kept-alive connection waits for, one request at a time. Next to them, in the same
run: the raw queries on a plain psycopg connection (the dashboard's statements, the old
sum over the day's sales it no longer runs, the search's statement), so a loaded machine
moves both. Budgets (issue 15): dashboard p99 <= 150 ms, catalogue search p99 <= 50 ms
(server time). Prints JSON (medians and p99) with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg

from benchmarks.catalog_gen import BRANDS, KINDS, SIZES
from benchmarks.stats import summarize, timed
from pos_arca import Fortnight
from pos_central.api.app import create_app
from pos_central.api.db import Database
from pos_central.api.heap import settle_after_start
from pos_central.api.server import ApiServer
from pos_central.api.settings import DEFAULT_TIMEZONE, ApiSettings
from pos_central.api.sync_health import today
from pos_central.api.users import create_user, issue_token
from pos_central.catalog import catalog_snapshot, save_catalog
from pos_central.config import psycopg_conninfo
from pos_central.database import migrate
from pos_contracts import CatalogProduct
from pos_contracts.wire import SNAPSHOT_PATH

AMQP_URL = os.environ.get("POS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN_URL = os.environ.get("POS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STORES, TERMINALS = 50, 5
WORDS = ["yerba", "cafe", "leche", "galletitas", "arcor", "malbec", "azucar", "te negro",
         "dulce de leche", "fideos", "jabon", "serenisima", "tirabuzon", "1 kg", "cola"]


# -- the baseline: the stdlib server the API replaced (pos_central/http.py before issue 15),
# reduced to what serves the snapshot, so both are measured doing the same work.
def start_stdlib_server(db_url: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != SNAPSHOT_PATH:
                self.send_response(HTTPStatus.NOT_FOUND)
                self.end_headers()
                return
            snapshot = catalog_snapshot(db_url)
            assert snapshot is not None
            etag = f'"catalog-{snapshot["catalog_version"]}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            data = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# What the ingest keeps per batch (pos_central/ingest/writers.py), for the seeded sales.
SUMMARY = """INSERT INTO sales_by_hour SELECT business_date, store_id, terminal_id,
    date_trunc('hour', completed_at AT TIME ZONE 'UTC'), count(*), sum(total)
FROM sales GROUP BY 1, 2, 3, 4"""
# A comprobante per sale, as the ingest writes them (pos_central/ingest/fiscal_writers.py):
# one in 53 under CAEA, one in 997 with no authorization yet, the rest with a CAE (primes:
# spread over the stores and tills).
FISCAL = [
    """INSERT INTO processed_events (event_id, store_id, terminal_id, seq, type, schema_version,
        occurred_at, trace_id)
    SELECT event_id, store_id, terminal_id, seq, 'sale.completed', 3, completed_at, trace_id
    FROM sales""",
    """INSERT INTO fiscal_documents SELECT 'sale', sale_id, event_id, store_id, terminal_id,
        business_date, 6, 1, %(cuit)s, 'Responsable Inscripto', 99, 0, '', 5, total * 100 / 121,
        total - total * 100 / 121, 0, 0, 0, total, '{}'::jsonb
    FROM sales""",
    """INSERT INTO fiscal_authorizations SELECT 'sale', sale_id, event_id, store_id, terminal_id,
        6, CASE WHEN seq %% 53 = 0 THEN 2 ELSE 1 END, seq, business_date, completed_at,
        CASE WHEN seq %% 53 = 0 THEN 'CAEA' ELSE 'CAE' END,
        CASE WHEN seq %% 53 = 0 THEN %(caea)s ELSE '7' || lpad(seq::text, 13, '0') END,
        business_date + 10, '{}'::jsonb
    FROM sales WHERE seq %% 997 <> 1""",
    """INSERT INTO fiscal_pending SELECT 'sale', sale_id, store_id, terminal_id, completed_at,
        false FROM sales WHERE seq %% 997 = 1""",
    """INSERT INTO caea_reports (document_kind, document_id, cuit, caea, point_of_sale,
        cbte_tipo, number, state)
    SELECT 'sale', sale_id, %(cuit)s, %(caea)s, 2, 6, seq, 'informed' FROM sales
    WHERE seq %% 106 = 0""",
    """INSERT INTO caea_unreported SELECT 'sale', sale_id, %(caea)s, store_id FROM sales
    WHERE seq %% 53 = 0 AND seq %% 997 <> 1 AND seq %% 106 <> 0""",
    """INSERT INTO fiscal_taxpayers (cuit, environment, certificate_pem, key_location)
    VALUES (%(cuit)s, 'produccion', 'bench', 'keyring')""",
    "UPDATE stores SET cuit = %(cuit)s",
    """INSERT INTO caeas (cuit, period, orden, caea, valid_from, valid_to, report_deadline,
        obtained_with) VALUES (%(cuit)s, %(period)s, %(order)s, %(caea)s, %(first)s, %(last)s,
        %(deadline)s, 'FECAEASolicitar')""",
]
# The scans fiscal_pending and caea_unreported spare the page (the comprobantes without
# authorization; the CAEA ones not informed), as baselines.
PENDING_SCAN = """SELECT d.store_id, d.terminal_id, count(*) FROM fiscal_documents d
    LEFT JOIN fiscal_authorizations a USING (document_kind, document_id)
    WHERE a.document_id IS NULL GROUP BY 1, 2"""
UNREPORTED_SCAN = """SELECT c.caea, a.store_id, count(*) FROM caeas c
    JOIN fiscal_authorizations a ON a.authorization_kind = 'CAEA' AND a.authorization_code = c.caea
    LEFT JOIN caea_reports r ON (r.document_kind, r.document_id) = (a.document_kind,
        a.document_id)
    WHERE r.state IS DISTINCT FROM 'informed' GROUP BY 1, 2"""
# The dashboard's sum before the summary (what its budget was missed on), as a baseline.
DAY_OF_SALES = """SELECT store_id, terminal_id, extract(hour FROM completed_at AT TIME ZONE
    %s)::int, count(*), sum(total) FROM sales WHERE business_date = %s GROUP BY 1, 2, 3"""


def seed(db_url: str, sales: int, products: int) -> str:
    """The day, the tills, the catalogue; returns an admin's API token."""
    rng = random.Random(15)
    save_catalog(db_url, [
        CatalogProduct(f"B{i:06d}", f"{rng.choice(KINDS)} {rng.choice(BRANDS)} "
                       f"{rng.choice(SIZES)} #{i}", rng.randint(200, 2_500_000), "21",
                       False, None, "Almacén", ())
        for i in range(products)
    ], source="bench")
    day = today(DEFAULT_TIMEZONE, datetime.now(UTC))
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        db.execute("INSERT INTO stores SELECT 'S' || lpad(s::text, 3, '0') "
                   "FROM generate_series(1, %s) s", (STORES,))
        db.execute("INSERT INTO terminals (store_id, terminal_id) SELECT 'S' || lpad(s::text, "
                   "3, '0'), 'T0' || t FROM generate_series(1, %s) s, generate_series(1, %s) t",
                   (STORES, TERMINALS))
        db.execute(
            """INSERT INTO sales (sale_id, event_id, store_id, terminal_id, seq, ticket_number,
                   ticket, completed_at, business_date, currency, ticket_discount, total,
                   change, journal_seq, journal_hash, trace_id)
               SELECT gen_random_uuid(), gen_random_uuid(),
                   'S' || lpad((1 + n %% %(stores)s)::text, 3, '0'),
                   'T0' || (1 + (n / %(stores)s) %% %(terminals)s), n, n, 'T-' || n,
                   (%(day)s::date + time '08:00' + (n %% 50400) * interval '1 second')
                       AT TIME ZONE %(tz)s,
                   %(day)s, 'ARS', 0, 500 + (n * 7919) %% 2000000, 0, n, 'h', 't'
               FROM generate_series(1, %(sales)s) n""",
            {"stores": STORES, "terminals": TERMINALS, "day": day, "tz": DEFAULT_TIMEZONE,
             "sales": sales},
        )
        db.execute(SUMMARY)
        fortnight = Fortnight.of(day)
        for sql in FISCAL:
            db.execute(sql, {"cuit": "30712345671", "caea": "61234567890123",
                             "period": fortnight.period, "order": fortnight.order,
                             "first": fortnight.first_day, "last": fortnight.last_day,
                             "deadline": day + timedelta(days=2)})
        db.execute(
            "INSERT INTO terminal_reports SELECT store_id, terminal_id, now(), now(), 'online', "
            # one till in five has events waiting: the dashboard lists those
            "CASE WHEN terminal_id = 'T05' THEN 3 ELSE 0 END, NULL, 1, 'bench' FROM terminals")
        db.execute("ANALYZE")
    database = Database(db_url, size=1, statement_timeout_ms=60_000)
    database.pool.open(wait=True)
    with database.connection() as conn:
        user_id = create_user(conn, actor="bench", name="bench", password="una clave larga",
                              role="admin")
        token = issue_token(conn, actor="bench", label="bench", user_id=user_id)
    database.close()
    return token


SERVER_TIMES: dict[str, list[float]] = {}
"""Per measured path, the server's own time of each request (its Server-Timing)."""


def measure(client: httpx.Client, path: str, repeat: int, *, name: str = "",
            **kwargs: Any) -> list[float]:
    samples, server = [], SERVER_TIMES.setdefault(name or path, [])
    for i in range(repeat):
        params = kwargs.get("params")
        if callable(params):
            kwargs = {**kwargs, "params": params(i)}
        started = time.perf_counter()
        answer = client.get(path, **{k: v for k, v in kwargs.items() if v is not None})
        samples.append(time.perf_counter() - started)
        assert answer.status_code in (200, 304), (path, answer.status_code, answer.text[:200])
        timing = answer.headers.get("server-timing", "")
        if timing.startswith("app;dur="):
            server.append(float(timing.removeprefix("app;dur=")) / 1000)
    return samples


def raw_figures(db_url: str, repeat: int, words: list[str]) -> dict[str, Any]:
    """The same statements on a plain connection, no HTTP, no pool, no rendering."""
    from pos_central.api import catalog_editor
    from pos_central.api import sync_health as health
    from pos_central.fiscal.dashboard import fiscal_alerts

    day = today(DEFAULT_TIMEZONE, datetime.now(UTC))
    with psycopg.connect(psycopg_conninfo(db_url), autocommit=True) as db:
        def dashboard() -> None:
            tills = health.terminals(db, None, datetime.now(UTC))
            health.sales_today(db, day, DEFAULT_TIMEZONE, None)
            health.alerts(db, tills)

        tills = health.terminals(db, None, datetime.now(UTC))
        searches = iter(words * 2)
        return {
            "dashboard_queries": summarize(timed(dashboard, repeat)),
            "summary_query": summarize(timed(
                lambda: health.sales_today(db, day, DEFAULT_TIMEZONE, None), repeat)),
            "old_day_of_sales_query": summarize(timed(
                lambda: db.execute(DAY_OF_SALES, (DEFAULT_TIMEZONE, day)).fetchall(),
                max(10, repeat // 4))),
            "fiscal_alert_queries": summarize(timed(lambda: fiscal_alerts(db, tills), repeat)),
            "pending_cae_scan_query": summarize(timed(
                lambda: db.execute(PENDING_SCAN).fetchall(), max(10, repeat // 4))),
            "not_informed_scan_query": summarize(timed(
                lambda: db.execute(UNREPORTED_SCAN).fetchall(), max(10, repeat // 4))),
            "search_query": summarize(timed(
                lambda: catalog_editor.search(db, next(searches)), len(words))),
        }


def snapshot_figures(base: str, repeat: int, headers: dict[str, str]) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        first = client.get(SNAPSHOT_PATH)
        etag = first.headers["ETag"]
        started = time.perf_counter()
        full = measure(client, SNAPSHOT_PATH, repeat)
        elapsed = time.perf_counter() - started
        unchanged = measure(client, SNAPSHOT_PATH, repeat * 5,
                            headers={**headers, "If-None-Match": etag})
    return {"bytes": len(first.content), "full": {**summarize(full),
            "per_s": round(repeat / elapsed, 2)}, "not_modified": summarize(unchanged)}


def run(sales: int, products: int, repeat: int) -> dict[str, Any]:
    load_before = [round(x, 1) for x in os.getloadavg()]
    name = f"pos_bench_api_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        migrate(db_url)
        t0 = time.perf_counter()
        token = seed(db_url, sales, products)
        seeded = time.perf_counter() - t0
        settings = ApiSettings(db_url=db_url, amqp_url=AMQP_URL, till_token="till",
                               collect_dead_letters=False)
        auth = {"Authorization": f"Bearer {token}"}
        with ApiServer(create_app(settings)) as server, httpx.Client(
            base_url=server.url, timeout=60, headers=auth
        ) as client:
            settle_after_start()  # as pos-central serve does once it is up
            fresh_reports(db_url)
            measure(client, "/v1/dashboard", 5, name="warm-up")  # the pool and the caches
            dashboard_api = measure(client, "/v1/dashboard", repeat)
            words = [WORDS[i % len(WORDS)] for i in range(repeat * 2)]
            search = measure(client, "/v1/products", repeat * 2, name="search",
                             params=lambda i: {"q": words[i]})
            browse = measure(client, "/v1/products", repeat, name="browse",
                             params=lambda i: {"page": 1 + (i * 37) % 2000})
            new_snapshot = snapshot_figures(server.url, 10, {"Authorization": "Bearer till"})
            # the page itself, through a browser session (cookie), HTML rendered
            page_client = httpx.Client(base_url=server.url, timeout=60)
            page_client.cookies.set("pos_session", _session(db_url))
            fresh_reports(db_url)
            dashboard_page = measure(page_client, "/", repeat)
            page_client.close()
        raw = raw_figures(db_url, repeat, words)
        old = start_stdlib_server(db_url)
        try:
            old_snapshot = snapshot_figures(f"http://127.0.0.1:{old.server_address[1]}", 10, {})
        finally:
            old.shutdown()
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server = {name: summarize(times) for name, times in SERVER_TIMES.items()
              if times and name != "warm-up"}
    result = {
        "benchmark": "head office API",
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "load_average": {"before": load_before, "after": [round(x, 1) for x in os.getloadavg()]},
        "stores": STORES, "terminals": STORES * TERMINALS, "sales_today": sales,
        "products": products, "seed_s": round(seeded, 1),
        "server_time": {"dashboard_page": server["/"], "dashboard_json": server["/v1/dashboard"],
                        "catalogue_search": server["search"],
                        "catalogue_browse_pages": server["browse"]},
        "client_time": {"dashboard_page": summarize(dashboard_page),
                        "dashboard_json": summarize(dashboard_api),
                        "catalogue_search": summarize(search),
                        "catalogue_browse_pages": summarize(browse)},
        "raw_baseline": raw,
        "snapshot": {"fastapi": new_snapshot, "stdlib_baseline": old_snapshot},
    }
    result["within_budget"] = (server["/"]["p99_ms"] <= 150
                               and server["search"]["p99_ms"] <= 50)
    return result


def fresh_reports(db_url: str) -> None:
    """The tills reported just now (a till reports once a minute): online while measured."""
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        db.execute("UPDATE terminal_reports SET received_at = now(), till_time = now()")


def _session(db_url: str) -> str:
    from pos_central.api.users import start_session

    database = Database(db_url, size=1, statement_timeout_ms=10_000)
    database.pool.open(wait=True)
    with database.connection() as conn:
        row = conn.execute("SELECT user_id FROM office_users WHERE name = 'bench'").fetchone()
        assert row is not None
        token, _csrf = start_session(conn, int(row[0]), 1)
    database.close()
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args.sales, args.products, args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()

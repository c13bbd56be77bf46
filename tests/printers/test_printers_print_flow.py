"""End to end: sales commit, the network printer is down, comes back, each ticket prints once.

Real pieces only: a SQLite file with the till's ``print_jobs`` table, the worker thread,
the python-escpos network transport and a TCP listener on loopback as the printer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from printer_fakes import FakeNetworkPrinter, free_port, sqlite_engine
from printer_samples import STORE, line, sale_payload
from sqlalchemy import text

from pos_common.backoff import Backoff
from pos_common.i18n import set_language
from pos_printers.api import ReceiptPrinter, receipt_job
from pos_printers.connections import network
from pos_printers.model import ReceiptSale
from pos_printers.queue import JobStatus, PrintQueue, QueueStatus, utc_now
from pos_printers.settings import PrinterSettings
from pos_printers.sqlite_jobs import SqlitePrintJobStore, insert_job
from pos_printers.virtual import decode


@pytest.fixture(autouse=True)
def spanish_till() -> None:
    """These tests read the ticket a Spanish till prints (an English one prints English,
    tests/printers/test_receipt_language.py); tests/conftest.py puts English back."""
    set_language("es_AR")


def wait_until(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_printer_down_for_a_run_of_sales_then_back(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "till.sqlite3")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE sales (ticket TEXT PRIMARY KEY, total INTEGER)"))
    jobs = SqlitePrintJobStore(engine)
    port = free_port()
    settings = PrinterSettings.from_dict({"connection": "network", "host": "127.0.0.1",
                                          "port": port, "profile": "TM-T20II",
                                          "check_paper": False, "timeout_s": 2})
    printer = ReceiptPrinter(STORE, settings,
                             network("127.0.0.1", port, 2, check_paper=False))
    statuses: list[QueueStatus] = []
    queue = PrintQueue(jobs, printer, backoff=Backoff(base=0.05, cap=0.2, jitter=False),
                       on_status=statuses.append, idle_poll_s=0.1)
    queue.start()
    server: FakeNetworkPrinter | None = None
    try:
        tickets = []
        for n in range(1, 7):
            payload = sale_payload([line(1, f"Artículo número {n}", 10000 * n)],
                                   ticket_number=n)
            kind, ref, document = receipt_job(payload)
            # The till's sale transaction: the sale and its print job commit together;
            # nothing here waits for the printer.
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO sales VALUES (:t, :total)"),
                             {"t": ref, "total": payload["total"]})
                insert_job(conn, kind, ref, document, utc_now())
            queue.wake()
            tickets.append(ref)

        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sales")).scalar() == 6
        assert wait_until(lambda: jobs.counts().get(JobStatus.FAILED, 0) == 6)
        failed = jobs.list_jobs([JobStatus.FAILED])
        assert all("refused the connection" in (j.last_error or "") for j in failed)
        assert any(s.state == "unreachable" for s in statuses)

        server = FakeNetworkPrinter(port=port)  # the printer is switched on
        assert wait_until(lambda: jobs.counts() == {JobStatus.DONE: 6})
        assert wait_until(lambda: queue.status().ok)
        time.sleep(0.3)  # give a duplicate every chance to show up
        received = server.data()
    finally:
        queue.stop()
        if server is not None:
            server.close()
        engine.dispose()

    printed = decode(received, settings.printer_profile).text_lines()
    for ticket in tickets:
        assert sum(x.startswith(f"Ticket {ticket}") for x in printed) == 1, ticket
    order = [x.split()[1] for x in printed if x.startswith("Ticket ")]
    assert order == tickets


def test_receipt_job_round_trips_the_sale_for_reprint() -> None:
    payload = sale_payload()
    kind, ref, document = receipt_job(payload, reprint=True)
    assert (kind, ref) == ("receipt", "0001-00001234")
    settings = PrinterSettings.from_dict({"profile": "POS-5890"})
    from pos_printers.memory_jobs import InMemoryPrintJobStore

    store = InMemoryPrintJobStore()
    job_id = store.add(kind, ref, document, utc_now())
    job = store.get(job_id)
    assert job is not None
    data = ReceiptPrinter(STORE, settings, network("127.0.0.1", 9)).render(job)
    text_lines = decode(data, settings.printer_profile).text_lines()
    assert any("REIMPRESIÓN" in x for x in text_lines)
    assert ReceiptSale.from_payload(payload).ticket in "\n".join(text_lines)

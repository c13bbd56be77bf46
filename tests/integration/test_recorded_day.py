"""Every business fact is written byte for byte as before issue 10's rework, and a
database written before it still verifies and goes on selling."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from pos_desktop.app import Till
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.journal_verify import verify_engine
from pos_desktop.store.db import database_path
from tests.integration.recorded_day import (
    FIXTURE,
    HARINA,
    TABLES,
    YERBA,
    normalised,
    record_day,
)

# A till's rows as written before the fiscal documents (sale.completed v2, sale.refunded
# v1): the database the migration to fiscal mode starts from.
BEFORE_FISCAL = FIXTURE.with_name("recorded_day_before_fiscal.json")


def recorded(fixture: Path = FIXTURE) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = json.loads(fixture.read_text(encoding="utf-8"))
    return rows


def test_a_day_writes_what_it_wrote_before(tmp_path: Path) -> None:
    """Journal records and hashes, sale/refund/shift rows, outbox envelopes (the wire
    payloads), print jobs (the receipts' input) and audit rows: the same bytes."""
    now = normalised(record_day(tmp_path / "data"))
    before = normalised(recorded())
    for table in TABLES:
        assert now[table] == before[table], table


def test_the_recorded_day_is_a_real_chain() -> None:
    """The fixture's hashes are what SHA-256 gives (so the comparison above, which sees
    hashes only as placeholders, compares real chains)."""
    from pos_desktop.store.repositories import GENESIS_HASH, chain_hash

    prev = GENESIS_HASH
    for entry in recorded()["journal"]:
        assert entry["prev_hash"] == prev
        assert chain_hash(prev, entry["record"]) == entry["hash"]
        prev = entry["hash"]


def database_of_the_recorded_day(data_dir: Path) -> Path:
    """A till whose business rows are the fixture's, as the code before wrote them."""
    Till.open(data_dir, demo=True).close()
    db = sqlite3.connect(database_path(data_dir))
    try:
        with db:
            for table, table_rows in recorded(BEFORE_FISCAL).items():
                db.execute(f"DELETE FROM {table}")
                for row in table_rows:
                    names = ", ".join(row)
                    marks = ", ".join("?" * len(row))
                    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                               tuple(row.values()))
    finally:
        db.close()
    return data_dir


def journal_verify(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_desktop", "--data-dir", str(data_dir), "journal",
         "--verify", "--json"],
        capture_output=True, text=True, check=False,
    )


def test_a_database_written_before_verifies_and_goes_on(tmp_path: Path) -> None:
    data_dir = database_of_the_recorded_day(tmp_path / "data")
    before = journal_verify(data_dir)
    assert before.returncode == 0, before.stdout + before.stderr
    assert json.loads(before.stdout)["entries"] == len(recorded(BEFORE_FISCAL)["journal"])

    till = Till.open(data_dir, demo=True)
    try:
        sale = till.register
        sale.scan(YERBA)
        sale.scan(HARINA)
        done = sale.pay_and_complete([Tender(TenderKind.CASH, 700_000)])
        assert done.ticket_number == 8
        till.guard.approve("refund", "u-sergio", "2222")
        till.refunds.refund(done.ticket, {2: 1000}, reason="Se equivocó de harina")
        till.shifts.cash_in(100_000, "Cambio")
        till.session.login("u-sergio", "2222")
        counted = till.shifts.figures().expected_cash
        z = till.shifts.close_shift({"M1": counted // 100}) if counted % 100 == 0 else \
            till.shifts.close_shift({"M1": counted // 100}, reason="Faltan centavos")
        assert z.z_number == 2
        check = verify_engine(till.writer)
    finally:
        till.close()
    assert check.ok, check.problems
    assert check.entries == len(recorded(BEFORE_FISCAL)["journal"]) + 4
    after = journal_verify(data_dir)
    assert after.returncode == 0, after.stdout + after.stderr

"""``journal --verify`` catches an edited amount, a deleted row and a swapped pair in a copy
of a real till database (made by the real entry points: simulate, refund, cash out, Z)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pos_desktop.services.journal_verify import ProblemKind, Verification, verify_engine
from pos_desktop.store.db import DB_FILENAME, open_engine

TILL = [sys.executable, "-m", "pos_desktop", "--lang", "en"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A day at a demo till: 40 sales, a refund, a cash out, a Z, and a new shift."""
    data = tmp_path_factory.mktemp("real-till")
    run = [*TILL, "--data-dir", str(data), "--demo"]
    subprocess.run([*run, "simulate", "--sales", "40", "--seed", "5"], check=True,
                   capture_output=True)
    approver = ["--approver", "u-sergio", "--approver-pin", "2222"]
    subprocess.run([*run, "refund", "7", "--line", "1=0,1", "--reason", "Vencido", *approver],
                   check=False, capture_output=True)  # line 1 may be a unit product…
    subprocess.run([*run, "refund", "9", "--line", "1=1", "--reason", "Roto", *approver],
                   check=False, capture_output=True)  # …or a weighed one: one of them works
    subprocess.run([*run, "shift", "cash-out", "--amount", "1.000", "--reason", "Caja fuerte",
                    *approver], check=True, capture_output=True)
    subprocess.run([*run, "shift", "close", "--count", "20000=30", "--reason", "demo",
                    "--user", "u-sergio", "--pin", "2222"], check=True, capture_output=True)
    subprocess.run([*run, "simulate", "--sales", "3", "--seed", "6"], check=True,
                   capture_output=True)
    return data / DB_FILENAME


def tampered(real_db: Path, tmp_path: Path, sql: str | Callable[[sqlite3.Connection], None]
             ) -> Path:
    """A copy of the real database with one change made behind the till's back."""
    folder = tmp_path / "copy"
    folder.mkdir()
    copy = folder / DB_FILENAME
    shutil.copy(real_db, copy)
    db = sqlite3.connect(copy)
    with db:
        if callable(sql):
            sql(db)
        else:
            db.executescript(sql)
    db.close()
    return copy


def check(path: Path) -> Verification:
    engine = open_engine(path, writer=False)
    try:
        return verify_engine(engine)
    finally:
        engine.dispose()


def cli_verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TILL, "--data-dir", str(path.parent), "journal", "--verify"],
                          capture_output=True, text=True)


def test_the_real_database_verifies_and_names_its_head(real_db: Path, tmp_path: Path) -> None:
    copy = tampered(real_db, tmp_path, "")
    result = check(copy)
    assert result.ok, result.problems
    kinds = sqlite3.connect(copy).execute("SELECT DISTINCT kind FROM journal").fetchall()
    assert {k for (k,) in kinds} >= {"shift_open", "sale", "refund", "cash", "z"}
    done = cli_verify(copy)
    assert done.returncode == 0
    assert f"head #{result.head_seq} {result.head_hash}" in done.stdout


def test_an_amount_edited_in_the_sales_table_is_caught(real_db: Path, tmp_path: Path) -> None:
    copy = tampered(real_db, tmp_path,
                    "UPDATE sales SET total = total - 10000 WHERE ticket_number = 12")
    result = check(copy)
    assert not result.ok
    first = result.first
    assert first is not None and first.kind is ProblemKind.MISMATCH
    assert "0001-00000012" in first.detail
    done = cli_verify(copy)
    assert done.returncode == 1 and f"entry {first.seq}" in done.stderr


def test_an_amount_edited_in_a_line_or_a_payment_is_caught(real_db: Path, tmp_path: Path
                                                           ) -> None:
    copy = tampered(real_db, tmp_path, """
        UPDATE sale_lines SET amount = amount + 1
        WHERE rowid = (SELECT MIN(rowid) FROM sale_lines);
        UPDATE payments SET amount = amount - 500 WHERE rowid = (SELECT MAX(rowid) FROM payments);
    """)
    assert len([p for p in check(copy).problems if p.kind is ProblemKind.MISMATCH]) == 2


def test_an_edited_journal_record_breaks_the_chain_there(real_db: Path, tmp_path: Path) -> None:
    copy = tampered(real_db, tmp_path,
                    "UPDATE journal SET record = replace(record, '\"total\":', '\"total\":1') "
                    "WHERE seq = 15")
    first = check(copy).first
    assert first is not None and (first.seq, first.kind) == (15, ProblemKind.BROKEN)


def test_a_rehashed_forgery_still_breaks_the_next_link(real_db: Path, tmp_path: Path) -> None:
    import hashlib

    def forge(db: sqlite3.Connection) -> None:
        prev, record = db.execute(
            "SELECT prev_hash, record FROM journal WHERE seq=20").fetchone()
        record = record.replace('"total":', '"total":9')
        forged = hashlib.sha256((prev + record).encode()).hexdigest()
        db.execute("UPDATE journal SET record=?, hash=? WHERE seq=20", (record, forged))

    result = check(tampered(real_db, tmp_path, forge))
    chain = [(p.seq, p.kind) for p in result.problems if p.kind is not ProblemKind.MISMATCH]
    assert chain == [(21, ProblemKind.MISSING)]  # entry 21 no longer follows entry 20
    assert result.first is not None and result.first.seq == 20  # nor does the sale


def test_a_deleted_journal_row_is_reported_missing(real_db: Path, tmp_path: Path) -> None:
    first = check(tampered(real_db, tmp_path, "DELETE FROM journal WHERE seq = 10")).first
    assert first is not None and (first.seq, first.kind) == (10, ProblemKind.MISSING)


def test_a_deleted_sale_is_reported_missing(real_db: Path, tmp_path: Path) -> None:
    copy = tampered(real_db, tmp_path, """
        DELETE FROM sale_lines WHERE sale_id = (SELECT sale_id FROM sales WHERE ticket_number=5);
        DELETE FROM payments WHERE sale_id = (SELECT sale_id FROM sales WHERE ticket_number=5);
        DELETE FROM refund_lines WHERE sale_id = (SELECT sale_id FROM sales WHERE ticket_number=5);
        DELETE FROM sales WHERE ticket_number = 5;
    """)
    result = check(copy)
    missing = [p for p in result.problems if p.kind is ProblemKind.MISSING]
    assert any("0001-00000005" in p.detail for p in missing)
    assert any("tickets" in p.detail for p in missing)  # 1..N has a hole
    assert cli_verify(copy).returncode == 1


def test_the_last_entry_deleted_with_its_sale_is_still_noticed(real_db: Path, tmp_path: Path
                                                               ) -> None:
    copy = tampered(real_db, tmp_path, """
        DELETE FROM sale_lines WHERE sale_id = (SELECT sale_id FROM sales
                                                ORDER BY ticket_number DESC LIMIT 1);
        DELETE FROM payments WHERE sale_id = (SELECT sale_id FROM sales
                                              ORDER BY ticket_number DESC LIMIT 1);
        DELETE FROM journal WHERE seq = (SELECT MAX(seq) FROM journal);
        DELETE FROM sales WHERE ticket_number = (SELECT MAX(ticket_number) FROM sales);
    """)
    result = check(copy)
    assert not result.ok and "tickets" in result.problems[0].detail


def test_a_swapped_pair_is_reported_reordered(real_db: Path, tmp_path: Path) -> None:
    def swap(db: sqlite3.Connection) -> None:
        a = db.execute("SELECT kind, ref, occurred_at, record, prev_hash, hash FROM journal "
                       "WHERE seq = 17").fetchone()
        b = db.execute("SELECT kind, ref, occurred_at, record, prev_hash, hash FROM journal "
                       "WHERE seq = 18").fetchone()
        update = ("UPDATE journal SET kind=?, ref=?, occurred_at=?, record=?, prev_hash=?, "
                  "hash=? WHERE seq=?")
        db.execute(update, (*b, 17))
        db.execute(update, (*a, 18))

    result = check(tampered(real_db, tmp_path, swap))
    first = result.first
    assert first is not None and (first.seq, first.kind) == (17, ProblemKind.REORDERED)
    report = json.loads(subprocess.run(
        [*TILL, "--data-dir", str(tmp_path / "copy"), "journal", "--verify", "--json"],
        capture_output=True, text=True).stdout)
    assert report["ok"] is False and report["first_problem"]["kind"] == "reordered"


@pytest.mark.parametrize("damage", [
    "",
    "DELETE FROM journal WHERE seq = 10",
    "UPDATE journal SET record = record || ' ' WHERE seq = 33",
    "UPDATE sales SET total = total + 1 WHERE ticket_number = 3",
])
def test_several_processes_find_what_one_finds(real_db: Path, tmp_path: Path, damage: str
                                               ) -> None:
    from pos_desktop.services.journal_verify import verify

    copy = tampered(real_db, tmp_path, damage)
    engine = open_engine(copy, writer=False)
    try:
        with engine.connect() as conn:
            alone = verify(conn)
            split = verify(conn, workers=3, parallel_from=1)
    finally:
        engine.dispose()
    assert split.as_dict() == alone.as_dict()
    assert split.ok is (damage == "")


def test_a_swap_across_the_workers_ranges_is_still_reordered(real_db: Path, tmp_path: Path
                                                             ) -> None:
    from pos_desktop.services.journal_verify import verify

    def swap(db: sqlite3.Connection) -> None:
        n = db.execute("SELECT MAX(seq) FROM journal").fetchone()[0]
        mid = -(-n // 2)  # the last entry of the first of two ranges
        a = db.execute("SELECT record, prev_hash, hash FROM journal WHERE seq=?", (mid,)
                       ).fetchone()
        b = db.execute("SELECT record, prev_hash, hash FROM journal WHERE seq=?", (mid + 1,)
                       ).fetchone()
        db.execute("UPDATE journal SET record=?, prev_hash=?, hash=? WHERE seq=?", (*b, mid))
        db.execute("UPDATE journal SET record=?, prev_hash=?, hash=? WHERE seq=?", (*a, mid + 1))

    engine = open_engine(tampered(real_db, tmp_path, swap), writer=False)
    try:
        with engine.connect() as conn:
            split = verify(conn, workers=2, parallel_from=1)
            alone = verify(conn)
    finally:
        engine.dispose()
    assert split.as_dict() == alone.as_dict()
    chain = {p.kind for p in split.problems if p.kind is not ProblemKind.MISMATCH}
    assert chain == {ProblemKind.REORDERED}


def test_a_problem_is_told_in_the_runs_language_whole(real_db: Path, tmp_path: Path) -> None:
    """Issue 16: 'the stored sale differs from the journal' inside a Spanish message."""
    copy = tampered(real_db, tmp_path,
                    "UPDATE sales SET total = total - 10000 WHERE ticket_number = 12")
    spanish = subprocess.run([*TILL, "--lang", "es_AR", "--data-dir", str(copy.parent),
                              "journal", "--verify"], capture_output=True, text=True)
    english = subprocess.run([*TILL, "--lang", "en", "--data-dir", str(copy.parent),
                              "journal", "--verify"], capture_output=True, text=True)
    assert spanish.returncode == english.returncode == 1
    assert "no coincide" in spanish.stderr and "differs" not in spanish.stderr
    assert "mismatch" not in spanish.stderr
    assert "differs from" in english.stderr or "do not add up" in english.stderr

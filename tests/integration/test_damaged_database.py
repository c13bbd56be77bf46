"""A damaged pos.sqlite3 and a full disk are said in words (Spanish first), never as a
traceback, and nothing is sold on a damaged file. The damage is real garbage written over
the file's pages; the full disk is SQLite's own SQLITE_FULL (``max_page_count``)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from pos_common.i18n import explain, set_language
from pos_desktop.app import Till
from pos_desktop.domain.sale import TenderKind
from pos_desktop.store.db import DB_FILENAME
from pos_desktop.store.integrity import DamagedDatabase, DiskFull

ROOT = Path(__file__).resolve().parents[2]
YERBA = "7791234643615"


def sell(till: Till, lines: int = 1) -> None:
    for _ in range(lines):
        till.register.scan(YERBA)
    till.register.tender(TenderKind.CASH)
    till.register.complete()


def sell_until_full(till: Till) -> None:
    for _ in range(200):
        sell(till, 12)


def garble(db: Path, *tables: str) -> None:
    """Write garbage over the root pages of ``tables`` (the file checkpointed first)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        roots = [conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                              (t,)).fetchone()[0] for t in tables]
    with db.open("r+b") as raw:
        for page in roots:
            raw.seek((page - 1) * size)
            raw.write(b"\xde\xad\xbe\xef" * (size // 4))


@pytest.fixture
def damaged_shop(tmp_path: Path) -> Path:
    folder = tmp_path / "till"
    till = Till.open(folder, demo=True)
    for _ in range(3):
        sell(till, 2)
    till.close()
    garble(folder / DB_FILENAME, "sales", "products")
    return folder


def pos(*argv: str, lang: str = "es_AR") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", POS_LANG=lang)
    return subprocess.run([sys.executable, "-m", "pos_desktop", *argv], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_damaged_file_is_refused_at_start_in_words(damaged_shop: Path) -> None:
    set_language("es_AR")
    with pytest.raises(DamagedDatabase) as refused:
        Till.open(damaged_shop, demo=True)
    said = explain(refused.value)
    assert "está dañada" in said and str(damaged_shop / "backups") in said


def test_the_command_line_reports_a_damaged_file_without_a_traceback(
        damaged_shop: Path) -> None:
    data = ["--data-dir", str(damaged_shop)]
    verify = pos(*data, "journal", "--verify")
    assert verify.returncode == 1, verify.stderr
    assert "dañada" in verify.stderr and "Traceback" not in verify.stderr
    as_json = pos(*data, "journal", "--verify", "--json", lang="en")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["ok"] is False
    for command in (["journal"], ["--demo", "simulate", "--sales", "1"]):
        run = pos(*data, *command, lang="en")
        assert run.returncode == 2, run.stderr
        assert "is damaged" in run.stderr and "Traceback" not in run.stderr


def test_a_file_damaged_while_selling_sells_no_more(tmp_path: Path) -> None:
    folder = tmp_path / "till"
    till = Till.open(folder, demo=True)
    try:
        sell(till)
        till.register.scan(YERBA)
        till.register.tender(TenderKind.CASH)
        garble(folder / DB_FILENAME, "sales")
        till.writer.dispose()  # the next write reads the pages from the file
        with pytest.raises(DamagedDatabase):
            till.register.complete()
        assert till.register.sale.lines  # still on screen, nothing half-written
        with pytest.raises(DamagedDatabase):  # and refused from now on, whatever it touches
            till.shifts.cash_in(100, "cambio")
    finally:
        till.close()


def test_a_full_disk_keeps_the_sale_on_screen_and_says_what_to_do(tmp_path: Path) -> None:
    set_language("es_AR")
    folder = tmp_path / "till"
    till = Till.open(folder, demo=True)
    try:
        with till.writer.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        def no_room(dbapi: sqlite3.Connection, _record: object) -> None:
            dbapi.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL

        event.listen(till.writer, "connect", no_room)
        till.writer.dispose()
        with pytest.raises(DiskFull) as full:
            sell_until_full(till)
        assert "disco está lleno" in explain(full.value)
        sold = till.register.sale
        assert sum(li.quantity_milli for li in sold.lines) == 12_000 and sold.due == 0
        event.remove(till.writer, "connect", no_room)
        till.writer.dispose()  # space freed
        done = till.register.complete()
        with till.uow() as uow:
            assert uow.sales.count() == done.ticket_number  # gapless: nothing half-kept
    finally:
        till.close()


def test_the_window_says_why_it_cannot_start_on_a_damaged_file(
        damaged_shop: Path, qapp: object) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from pos_desktop.app import open_till
    from pos_desktop.ui.launch import run_window

    set_language("es_AR")
    seen: list[str] = []

    def answer() -> None:  # the person at the counter reads it and presses OK
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.accept()
                return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)
    assert run_window(damaged_shop, open_till=open_till, language_chosen=True) == 1
    assert seen and "está dañada" in seen[0] and "backups" in seen[0]

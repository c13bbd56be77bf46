"""The sale in progress is saved as it changes (each line, each tender), so a crash, kill
-9 or a power cut keeps it; at start-up the till says a sale was recovered and offers to
go on with it or hold it. SIGTERM closes the till as its window's close does."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.fiscal.buyer import identify_buyer
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.domain.sale import TenderKind
from pos_desktop.store.db import DB_FILENAME
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.recovered_sale import RecoveredSaleDialog, offer_recovered_sale

ROOT = Path(__file__).resolve().parents[2]
YERBA, HARINA = "7791234643615", "7790060446995"


@pytest.fixture
def folder(tmp_path: Path, demo_template: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_template / DB_FILENAME, data / DB_FILENAME)
    return data


def sale_left_open(folder: Path) -> str:
    """Two lines and $ 1.000 in cash, then the process goes away without closing anything
    (what kill -9 or a power cut leaves: whatever was on disk)."""
    till = Till.open(folder, demo=True)
    till.register.scan(YERBA)
    till.register.scan(f"2*{HARINA}")
    till.register.tender(TenderKind.CASH, 100_000)
    sale_id = till.register.sale.sale_id
    till.close()  # writes nothing of the sale (only the window's close holds it)
    return sale_id


@pytest.fixture
def reopened(folder: Path) -> Iterator[Till]:
    sale_left_open(folder)
    till = Till.open(folder, demo=True)
    yield till
    till.close()


def test_every_line_and_tender_is_on_disk_as_soon_as_it_is_taken(folder: Path) -> None:
    sale_id = sale_left_open(folder)
    till = Till.open(folder, demo=True)
    try:
        sale = till.recovered
        assert sale is not None and sale is till.register.sale and sale.sale_id == sale_id
        assert [(li.product.sku, li.quantity_milli) for li in sale.lines] == [
            (sale.lines[0].product.sku, 1000), (sale.lines[1].product.sku, 2000)]
        assert sale.tendered == 100_000
        till.register.tender(TenderKind.CASH)
        till.register.complete()
    finally:
        till.close()
    again = Till.open(folder, demo=True)
    try:
        assert again.recovered is None  # completed: nothing to recover, nothing sold twice
    finally:
        again.close()


def test_the_buyer_identified_with_f8_comes_back_with_the_recovered_sale(folder: Path) -> None:
    company = identify_buyer(DocumentType.CUIT, "20-12345678-6", name="Kiosco El Sol",
                             condition=IvaCondition.RESPONSABLE_INSCRIPTO)
    till = Till.open(folder, demo=True)
    till.register.scan(YERBA)
    till.register.identify_buyer(company)
    till.close()
    again = Till.open(folder, demo=True)
    try:
        assert again.recovered is not None and again.register.buyer == company
        again.register.identify_buyer(None)  # anonymous again: that is kept as well
    finally:
        again.close()
    third = Till.open(folder, demo=True)
    try:
        assert third.recovered is not None and third.register.buyer is None
        third.register.identify_buyer(company)  # held (Esc at the recovery) and recalled
        parked_id = third.register.park()
        assert third.register.buyer is None
        third.register.recall(parked_id)
        assert third.register.buyer == company
    finally:
        third.close()


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("es_AR", "1 ítem", "2 ítems"), ("en", "1 item", "2 items")])
def test_a_sale_held_without_a_name_is_named_by_its_count(
        folder: Path, lang: str, one: str, two: str) -> None:
    set_language(lang)
    till = Till.open(folder, demo=True)
    try:
        till.register.scan(YERBA)
        till.register.park()
        till.register.scan(YERBA)
        till.register.scan(HARINA)
        till.register.park()
        assert [row["label"] for row in till.register.parked()] == [one, two]
    finally:
        till.close()


def test_a_cancelled_or_parked_sale_is_not_recovered(folder: Path) -> None:
    till = Till.open(folder, demo=True)
    till.register.scan(YERBA)
    till.register.park("la señora")
    till.register.scan(HARINA)
    till.guard.approve("cancel_sale", "u-sergio", "2222")
    till.register.cancel()
    till.close()
    again = Till.open(folder, demo=True)
    try:
        assert again.recovered is None and len(again.register.parked()) == 1
    finally:
        again.close()


def offered(qtbot: QtBot, till: Till) -> tuple[MainWindow, RecoveredSaleDialog]:
    """The till's window as it starts, and the recovered sale's dialog it shows."""
    window = MainWindow(till.window_deps())
    qtbot.addWidget(window)
    window.show()
    offer_recovered_sale(window)
    dialog = window.dialog
    assert isinstance(dialog, RecoveredSaleDialog) and dialog.isVisible()
    return window, dialog


def test_the_window_says_a_sale_was_recovered_and_holds_it_on_esc(
        qtbot: QtBot, qapp: QApplication, reopened: Till) -> None:
    window, dialog = offered(qtbot, reopened)
    text = dialog_text(dialog)
    assert "venta en curso" in text and "$ 1.000,00" in text
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.register.sale.lines == []
    [held] = reopened.register.parked()
    assert held["label"] == "Recuperada tras un cierre de la caja"


def test_enter_goes_on_with_the_recovered_sale(
        qtbot: QtBot, qapp: QApplication, reopened: Till) -> None:
    window, dialog = offered(qtbot, reopened)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(window.register.sale.lines) == 2 and window.register.sale.tendered == 100_000
    assert "recuperada" in window.banner.text()


@pytest.fixture
def card_and_cash_left(folder: Path) -> Iterator[Till]:
    """$ 600 in cash and $ 400 by credit card taken, then the till stopped: reopened."""
    till = Till.open(folder, demo=True)
    till.register.scan(YERBA)
    till.register.scan(f"2*{HARINA}")
    till.register.tender(TenderKind.CASH, 60_000)
    till.register.tender(TenderKind.CREDIT, 40_000, "4321")
    till.close()
    again = Till.open(folder, demo=True)
    yield again
    again.close()


@pytest.mark.parametrize(("lang", "said"), [
    ("es_AR", "Pagado $ 1.000,00: efectivo $ 600,00, tarjeta de crédito $ 400,00."),
    ("en", "Paid $1,000.00: cash $600.00, credit card $400.00."),
])
def test_the_recovered_sale_tells_each_tender_taken_not_all_cash(
        qtbot: QtBot, qapp: QApplication, card_and_cash_left: Till, lang: str,
        said: str) -> None:
    """A card and cash taken before the stop: the dialog said "$ 1.000,00 was already paid
    in cash" of the card's money too."""
    set_language(lang)  # the ui conftest's Spanish, or English (tests/conftest.py resets)
    window, dialog = offered(qtbot, card_and_cash_left)
    text = dialog_text(dialog)
    assert said in text
    assert "in cash" not in text and "en efectivo" not in text
    # Only "go on" is offered: the dialog says why it cannot be held (it did not).
    assert dialog.no.isHidden()
    assert ("no se puede poner en espera" if lang == "es_AR" else "cannot be put on hold") in text
    if os.environ.get("POS_GRAB_DIR"):  # to look at it: the dialog as the cashier sees it
        dialog.grab().save(str(Path(os.environ["POS_GRAB_DIR"]) / f"recovered-{lang}.png"))
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # go on with it: no dialog left open
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.register.sale.tendered == 100_000


def dialog_text(dialog: RecoveredSaleDialog) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_sigterm_closes_the_till_cleanly_and_holds_the_sale(folder: Path) -> None:
    sale_id = sale_left_open(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", POS_LANG="en")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_desktop", "--demo", "--data-dir", str(folder)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    try:
        seen = []
        for line in proc.stderr:  # the recovery is said at start-up (a warning): wait for it
            seen.append(line)
            if "a sale left in progress was recovered" in line:
                break
        assert seen and "recovered" in seen[-1], seen
        log = folder / "logs" / "pos-desktop.log"
        while "till window ready" not in (log.read_text() if log.exists() else ""):
            assert proc.poll() is None, seen
            time.sleep(0.05)  # polling a condition; how long it takes does not matter
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with sqlite3.connect(folder / DB_FILENAME) as db:
        held = db.execute("SELECT json_extract(data, '$.sale_id'), "
                          "json_array_length(data, '$.tenders') FROM parked_sales").fetchall()
    assert held == [(sale_id, 1)]

"""The launched till prints: a paid sale's receipt comes out of the on-screen printer,
printer trouble shows in the status bar, and Ctrl+R reprints a ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.printing_panel import attach_printing
from tests.ui.conftest import key, scan

YERBA = "7791234643615"


@pytest.fixture
def printing_window(qtbot: QtBot, till: Till) -> Iterator[MainWindow]:
    window = build_window(till, (attach_printing,))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.focus_scan()
    yield window
    window.stop_parts()


def jobs(till: Till) -> list[tuple[str, str, str]]:
    with till.uow() as uow:
        rows = uow.conn.execute(text("SELECT kind, ref, status FROM print_jobs ORDER BY id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def pay_cash(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window.scan, Qt.Key.Key_F12)
    assert window.dialog is not None
    key(qtbot, window.dialog.field, Qt.Key.Key_Return)  # type: ignore[attr-defined]


def test_a_paid_sale_prints_on_the_screen_printer(
    qtbot: QtBot, printing_window: MainWindow, till: Till
) -> None:
    scan(qtbot, printing_window, YERBA)
    pay_cash(qtbot, printing_window)
    qtbot.waitUntil(lambda: jobs(till) == [("receipt", "0001-00000001", "done")], timeout=5000)
    qtbot.waitUntil(printing_window.receipt_preview.isVisible, timeout=5000)
    assert "Impresora" in printing_window.status.printer.text()


def test_ctrl_r_reprints_the_last_ticket_or_a_typed_number(
    qtbot: QtBot, printing_window: MainWindow, till: Till
) -> None:
    scan(qtbot, printing_window, YERBA)
    pay_cash(qtbot, printing_window)
    qtbot.waitUntil(lambda: len(jobs(till)) == 1 and jobs(till)[0][2] == "done", timeout=5000)
    key(qtbot, printing_window.scan, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(jobs(till)) == 2 and jobs(till)[1][2] == "done", timeout=5000)
    qtbot.keyClicks(printing_window.scan, "1")
    key(qtbot, printing_window.scan, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(jobs(till)) == 3, timeout=5000)
    qtbot.keyClicks(printing_window.scan, "99")
    key(qtbot, printing_window.scan, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "0001-00000099" in printing_window.banner.text()
    assert len(jobs(till)) == 3


def test_a_broken_printer_setting_falls_back_to_the_screen_and_says_so(
    qtbot: QtBot, till: Till
) -> None:
    till.printing.demo = False  # the demo prints on screen; a real till reads its settings
    with till.uow() as uow:
        uow.settings.set("printer.connection", "network")  # and no host: not valid
        uow.commit()
    window = build_window(till, (attach_printing,))
    qtbot.addWidget(window)
    try:
        assert till.printing.problem
        assert window.status.printer.property("level") == "error"
    finally:
        window.stop_parts()


def test_saved_printer_settings_apply_without_a_restart(
    qtbot: QtBot, till: Till, tmp_path: Path
) -> None:
    from pos_desktop.ui.settings_dialog import apply_saved

    till.printing.demo = False
    device = tmp_path / "printer.bin"
    window = build_window(till, (attach_printing,))
    qtbot.addWidget(window)
    try:
        changes = {"printer.connection": "file", "printer.path": str(device),
                   "store.name": "Kiosco La Esquina"}
        with till.uow() as uow:
            for k, v in changes.items():
                uow.settings.set(k, v)
            uow.commit()
        apply_saved(window, changes)
        window.focus_scan()
        scan(qtbot, window, YERBA)
        pay_cash(qtbot, window)
        qtbot.waitUntil(lambda: device.exists() and b"Kiosco La Esquina" in device.read_bytes(),
                        timeout=5000)
    finally:
        window.stop_parts()

"""A barcode scanner fires into whatever dialog is open (issue 14): five scans at the lock
screen locked the cashier out; a scan into the F4 dialog became a $ 7.792.540.649.391
discount. A burst that looks like a scan (8 characters or more, each within 50 ms, then
Enter) in a field that takes no code is refused with a message, never taken as the value.

The fields tell a scan from typing by speed, so these tests give them a scanner's clock
(2 ms a key); the suite's default clock types at a person's pace (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.ui.dialog_base import EntryDialog
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.login_dialog import LoginDialog
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.payment_dialog import PaymentDialog
from pos_desktop.ui.shift_menu import extend_window
from tests.shifts.conftest import YERBA

ENTER = Qt.Key.Key_Return


class Clock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 100.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def scanner(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(0.002)
    monkeypatch.setattr(KeyField, "clock", staticmethod(clock))
    return clock


@pytest.fixture
def window(qtbot: QtBot, till: Till) -> Iterator[MainWindow]:
    w = build_window(till, (extend_window,))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.stop_parts()
    for d in QApplication.topLevelWidgets():
        if isinstance(d, QDialog) and d.isVisible():
            d.done(0)


def fire(qtbot: QtBot, field: KeyField, code: str) -> None:
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, ENTER)


def test_scans_at_the_lock_screen_never_count_as_wrong_pins(
    qtbot: QtBot, till: Till, scanner: Clock
) -> None:
    till.session.lock()
    dialog = LoginDialog(None, till.session)
    qtbot.addWidget(dialog)
    dialog.open()
    for _ in range(5):
        fire(qtbot, dialog.pin, YERBA)
    assert "barcode" in dialog.error.text()
    with till.uow() as uow:
        found = uow.users.credentials("u-ana")
    assert found is not None and found[2].failed == 0  # not one wrong try counted
    scanner.step = 0.2  # Ana types her PIN by hand: she is not locked out
    fire(qtbot, dialog.pin, "1111")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not till.session.locked


def test_a_scan_into_the_discount_is_refused_not_a_discount(
    qtbot: QtBot, window: MainWindow, till: Till, scanner: Clock
) -> None:
    scanner.step = 0.2
    fire(qtbot, window.scan, YERBA)
    qtbot.keyClick(window.scan, Qt.Key.Key_F4)
    dialog = window.dialog
    assert isinstance(dialog, EntryDialog)
    scanner.step = 0.002
    fire(qtbot, dialog.field, "7792540649391")
    assert dialog.isVisible() and "barcode" in dialog.error.text()
    assert till.register.sale.line(1).line_discount == 0
    assert dialog.field.text() == ""
    scanner.step = 0.2
    fire(qtbot, dialog.field, "10%")  # typed by hand, the discount is taken
    assert till.register.sale.line(1).line_discount == 52_900


def test_a_scan_into_the_payment_is_refused_not_cash(
    qtbot: QtBot, window: MainWindow, till: Till, scanner: Clock
) -> None:
    scanner.step = 0.2
    fire(qtbot, window.scan, YERBA)
    qtbot.keyClick(window.scan, Qt.Key.Key_F12)
    dialog = window.dialog
    assert isinstance(dialog, PaymentDialog)
    scanner.step = 0.002
    fire(qtbot, dialog.field, "7790387451504")
    assert dialog.isVisible() and till.register.sale.tenders == []
    assert "barcode" in dialog.error.text()


def test_a_scan_into_the_scan_field_still_sells(
    qtbot: QtBot, window: MainWindow, till: Till, scanner: Clock
) -> None:
    fire(qtbot, window.scan, YERBA)
    assert [li.product.name for li in till.register.sale.lines] == ["Yerba Mate Playadito 1 kg"]

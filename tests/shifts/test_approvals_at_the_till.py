"""The supervisor's PIN on the spot works for every guarded action (issue 14).

Ana (a cashier) is at the till; Sergio (a supervisor, PIN 2222) approves by tapping his
PIN on the approval's keypad. A discount above Ana's limit showed "needs the PIN of a
supervisor" inside the F4 dialog and never offered the PIN; each action here must open the
approval, and the action must go on once it is given, as asked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.ui.confirm_dialog import ConfirmDialog
from pos_desktop.ui.dialog_base import EntryDialog
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.override_dialog import OverrideDialog
from pos_desktop.ui.refund_dialog import RefundDialog
from pos_desktop.ui.shift_dialogs import CashMoveDialog
from pos_desktop.ui.shift_menu import extend_window
from tests.shifts.conftest import HARINA, YERBA, audit, sell

ENTER = Qt.Key.Key_Return


@pytest.fixture
def window(qtbot: QtBot, till: Till) -> Iterator[MainWindow]:
    w = build_window(till, (extend_window,))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.focus_scan()
    yield w
    w.stop_parts()
    for d in QApplication.topLevelWidgets():
        if isinstance(d, QDialog) and d.isVisible():
            d.done(0)


def type_in(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClicks(widget, text)  # type: ignore[arg-type]
    qtbot.keyClick(widget, ENTER)  # type: ignore[arg-type]


def approve_by_touch(qtbot: QtBot, window: MainWindow, pin: str = "2222") -> OverrideDialog:
    """The approval is on top; Sergio is chosen with a tap and taps his PIN."""
    override = window.dialog
    assert isinstance(override, OverrideDialog), window.dialog
    assert override.keypad is not None and override.ok_button is not None
    row = next(i for i in range(override.who.count())
               if override.who.item(i).text().startswith("Sergio"))
    override.who.setCurrentRow(row)
    for digit in pin:
        qtbot.mouseClick(override.keypad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(override.ok_button, Qt.MouseButton.LeftButton)
    return override


def approvals(till: Till, action: str) -> list[str | None]:
    return [str(r["approver_id"]) for r in audit(till) if r["action"] == action]


def test_a_line_discount_above_the_limit_asks_the_pin_in_the_dialog(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    type_in(qtbot, window.scan, YERBA)
    qtbot.keyClick(window.scan, Qt.Key.Key_F4)
    dialog = window.dialog
    assert isinstance(dialog, EntryDialog)
    type_in(qtbot, dialog.field, "30%")
    override = approve_by_touch(qtbot, window)
    assert not override.isVisible() and not dialog.isVisible()
    assert till.register.sale.line(1).line_discount == 158_700  # 30 % of $ 5.290
    assert approvals(till, "discount") == ["u-sergio"]
    assert window.dialog is None


def test_a_ticket_discount_above_the_limit_asks_the_pin(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    type_in(qtbot, window.scan, YERBA)
    qtbot.keyClicks(window.scan, "20%")
    qtbot.keyClick(window.scan, Qt.Key.Key_F6)  # typed, then F6: no dialog of its own
    approve_by_touch(qtbot, window)
    assert till.register.sale.ticket_discount.percent_bp == 2000
    assert approvals(till, "discount") == ["u-sergio"]


def test_a_price_override_asks_the_pin(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    type_in(qtbot, window.scan, YERBA)
    qtbot.keyClick(window.scan, Qt.Key.Key_F10)
    dialog = window.dialog
    assert isinstance(dialog, EntryDialog)
    dialog.field.clear()
    type_in(qtbot, dialog.field, "4500")
    approve_by_touch(qtbot, window)
    assert till.register.sale.line(1).unit_price == 450_000
    assert approvals(till, "price_override") == ["u-sergio"]


def test_void_asks_first_then_the_pin(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    type_in(qtbot, window.scan, YERBA)
    type_in(qtbot, window.scan, HARINA)
    qtbot.keyClick(window.scan, Qt.Key.Key_Delete)
    confirm = window.dialog
    assert isinstance(confirm, ConfirmDialog) and "Harina" in confirm.hint.text()
    qtbot.keyClick(confirm, ENTER)
    approve_by_touch(qtbot, window)
    assert [li.product.name for li in till.register.sale.lines] == ["Yerba Mate Playadito 1 kg"]
    assert approvals(till, "void_line") == ["u-sergio"]


def test_cancelling_the_sale_asks_the_pin(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    type_in(qtbot, window.scan, YERBA)
    cancel = window.button("cancel")
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    confirm = window.dialog
    assert isinstance(confirm, ConfirmDialog)
    qtbot.mouseClick(confirm.yes, Qt.MouseButton.LeftButton)
    approve_by_touch(qtbot, window)
    assert till.register.sale.lines == []
    assert approvals(till, "cancel_sale") == ["u-sergio"]


def test_a_no_sale_drawer_asks_the_pin(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    qtbot.keyClick(window.scan, Qt.Key.Key_F9)
    approve_by_touch(qtbot, window)
    assert approvals(till, "open_drawer") == ["u-sergio"]
    assert "Drawer opened" in window.banner.text()


def test_cash_out_asks_the_pin_and_says_it_was_recorded(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    qtbot.keyClick(window.scan, Qt.Key.Key_F11, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, CashMoveDialog)
    type_in(qtbot, dialog.amount, "5000")
    type_in(qtbot, dialog.reason, "A la caja fuerte")
    approve_by_touch(qtbot, window)
    assert not dialog.isVisible()
    assert approvals(till, "cash_out") == ["u-sergio"]
    assert window.banner.text() == "Cash out of $5,000.00 recorded."


def test_a_refund_asks_the_pin_and_says_what_to_give_back(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    done = sell(till, YERBA)
    qtbot.keyClick(window.scan, Qt.Key.Key_F7)
    dialog = window.dialog
    assert isinstance(dialog, RefundDialog)
    type_in(qtbot, dialog.field, str(done.ticket_number))
    type_in(qtbot, dialog.field, "*")
    qtbot.keyClick(dialog.field, Qt.Key.Key_F12)
    type_in(qtbot, dialog.field, "Producto fallado")
    approve_by_touch(qtbot, window)
    assert not dialog.isVisible()
    assert approvals(till, "refund") == ["u-sergio"]
    assert window.banner.text().startswith("Refund no. 1 of ticket 0001-")
    assert "give back $5,290.00 in cash" in window.banner.text()


def test_a_wrong_pin_keeps_the_approval_open_and_the_sale_as_it_was(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    type_in(qtbot, window.scan, YERBA)
    qtbot.keyClicks(window.scan, "20%")
    qtbot.keyClick(window.scan, Qt.Key.Key_F6)
    override = approve_by_touch(qtbot, window, pin="1234")
    assert override.isVisible() and "Wrong PIN" in override.error.text()
    assert till.register.sale.ticket_discount.percent_bp == 0
    qtbot.keyClick(override.pin, Qt.Key.Key_Escape)
    assert window.dialog is None and till.register.sale.ticket_discount.percent_bp == 0

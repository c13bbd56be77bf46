"""The shift dialogs, driven by keystrokes like a cashier would (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.people import People, Session
from pos_desktop.ui.confirm_dialog import ConfirmDialog
from pos_desktop.ui.login_dialog import IdleLock, LoginDialog
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.override_dialog import OverrideDialog
from pos_desktop.ui.refund_dialog import RefundDialog
from pos_desktop.ui.shift_dialogs import CashMoveDialog, OpenShiftDialog
from pos_desktop.ui.shift_menu import extend_window
from pos_desktop.ui.z_dialog import XReportDialog, ZDialog
from tests.shifts.conftest import YERBA, audit, count, sell

ENTER = Qt.Key.Key_Return


@pytest.fixture(autouse=True)
def no_dialog_left_open(qapp: QApplication) -> Iterator[None]:
    yield
    leftover = [w for w in qapp.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for w in leftover:
        w.done(0)
    assert not leftover, f"a test left dialogs open: {leftover}"


def type_in(qtbot: QtBot, widget: QWidget, text: str, *, enter: bool = True) -> None:
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, ENTER)


def show(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def override_of(parent: QWidget) -> OverrideDialog:
    found = [d for d in parent.findChildren(OverrideDialog) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def test_the_override_flow_in_the_window_by_keystrokes(qtbot: QtBot, till: Till) -> None:
    window = MainWindow(till.window_deps())
    qtbot.addWidget(window)
    extend_window(window)
    window.show()
    qtbot.waitExposed(window)
    type_in(qtbot, window.scan, YERBA)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.scan, Qt.Key.Key_X, ctrl_shift)  # cancel the sale…
    assert isinstance(window.dialog, ConfirmDialog)
    qtbot.keyClick(window.dialog, ENTER)  # …yes: a cashier may not, a supervisor is asked
    override = window.dialog
    assert isinstance(override, OverrideDialog)
    assert "supervisor" in override.hint.text()
    assert override.selected_user() == "u-marta"
    qtbot.keyClick(override.pin, Qt.Key.Key_Down)
    assert override.selected_user() == "u-sergio"
    type_in(qtbot, override.pin, "9999")  # Marta's PIN, but Sergio is chosen
    assert override.isVisible() and "Wrong PIN" in override.error.text()
    type_in(qtbot, override.pin, "2222")
    assert window.dialog is None
    assert window.register.sale.lines == []  # the sale went on: cancelled
    assert ("cancel_sale", "u-ana", "u-sergio") in [
        (r["action"], r["user_id"], r["approver_id"]) for r in audit(till)]
    assert window.scan.hasFocus() or window.focusWidget() is window.scan


def test_login_is_required_and_a_wrong_pin_is_explained(qtbot: QtBot, till: Till) -> None:
    till.session.logout()
    dialog = show(qtbot, LoginDialog(None, till.session))
    assert isinstance(dialog, LoginDialog)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # nobody logged in: it stays
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Down)  # Ana → Marta
    type_in(qtbot, dialog.pin, "1111")
    assert "Wrong PIN" in dialog.error.text() and dialog.pin.text() == ""
    type_in(qtbot, dialog.pin, "9999")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert till.session.current().name == "Marta"


def test_the_idle_lock_asks_for_the_pin_again(qtbot: QtBot, till: Till) -> None:
    now = [datetime(2026, 11, 28, 9, 0, tzinfo=UTC)]
    people = People(till.uow, till.identity, clock=lambda: now[0])
    session = Session(people, clock=lambda: now[0])
    session.login("u-ana", "1111")
    idle = IdleLock(session, interval_ms=60_000)
    try:
        with qtbot.assertNotEmitted(idle.locked):
            idle.tick()
        now[0] += timedelta(minutes=session.idle_minutes)
        with qtbot.waitSignal(idle.locked, timeout=100):
            idle.tick()
        dialog = show(qtbot, LoginDialog(None, session))
        assert dialog.windowTitle() == "Till locked"
        type_in(qtbot, dialog.pin, "1111")  # the locked user is preselected
        assert not session.locked and session.current().name == "Ana"
    finally:
        idle.stop()


def test_a_z_by_keystrokes_blind_count_then_result(qtbot: QtBot, till: Till) -> None:
    sell(till, YERBA)  # $ 5.290 in cash: $ 25.290 expected
    till.session.login("u-sergio", "2222")
    dialog = show(qtbot, ZDialog(None, till.shifts, till.guard, till.people))
    assert isinstance(dialog, ZDialog)
    field = dialog.count.field
    type_in(qtbot, field, "1")  # one $ 20.000 note
    type_in(qtbot, field, "")  # no $ 10.000
    type_in(qtbot, field, "")  # no $ 2.000
    type_in(qtbot, field, "5")  # five $ 1.000 notes
    assert dialog.summary.text() == "" and dialog.step == 0  # blind: nothing expected shown
    assert "25,000.00" in dialog.count.total_label.text()
    qtbot.keyClick(field, Qt.Key.Key_F12)
    assert dialog.step == 1
    assert "25,290.00" in dialog.summary.text() and "-$290.00" in dialog.difference.text()
    type_in(qtbot, dialog.reason, "")  # within the tolerance: no reason needed
    assert dialog.step == 2 and "Z no. 1" in dialog.outcome.text()
    qtbot.keyClick(dialog.finish, ENTER)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert till.shifts.current() is None


def test_a_z_beyond_the_tolerance_needs_a_reason_and_can_be_recounted(
    qtbot: QtBot, till: Till
) -> None:
    till.session.login("u-sergio", "2222")
    dialog = show(qtbot, ZDialog(None, till.shifts, till.guard, till.people))
    assert isinstance(dialog, ZDialog)
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_F12)  # counted nothing
    assert "reason is required" in dialog.hint.text()
    type_in(qtbot, dialog.reason, "")
    assert dialog.step == 1 and "write why" in dialog.error.text()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_F2)  # recount
    assert dialog.step == 0
    type_in(qtbot, dialog.count.field, "1")
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_F12)
    type_in(qtbot, dialog.reason, "")
    assert dialog.step == 2
    qtbot.keyClick(dialog.finish, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_refund_by_keystrokes_with_the_supervisors_pin(qtbot: QtBot, till: Till) -> None:
    sale = sell(till, "3*" + YERBA)
    dialog = show(qtbot, RefundDialog(None, till.refunds, till.guard, till.people))
    assert isinstance(dialog, RefundDialog)
    type_in(qtbot, dialog.field, sale.ticket)  # as the scanner reads the receipt
    assert dialog.table.rowCount() == 1
    type_in(qtbot, dialog.field, "4")
    assert "only 3 can still be refunded" in dialog.error.text()
    type_in(qtbot, dialog.field, "2")
    assert "10,580.00" in dialog.total.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_F2)  # back by debit
    assert "debit" in dialog.total.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_F12)
    type_in(qtbot, dialog.field, "Envase roto")
    override = override_of(dialog)
    type_in(qtbot, override.pin, "9999")  # Marta approves
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.done_refund is not None and dialog.done_refund.total == 1_058_000
    assert dialog.done_refund.payload["tenders"][0]["kind"] == "debit"
    assert count(till, "refunds") == 1


def test_cash_out_asks_a_supervisor_and_cash_in_does_not(qtbot: QtBot, till: Till) -> None:
    out = show(qtbot, CashMoveDialog(None, till.shifts, till.guard, till.people, "out"))
    assert isinstance(out, CashMoveDialog)
    type_in(qtbot, out.amount, "5.000")
    type_in(qtbot, out.reason, "Caja fuerte")
    override = override_of(out)
    qtbot.keyClick(override.pin, Qt.Key.Key_Escape)  # the supervisor is not there
    assert out.isVisible() and count(till, "cash_moves") == 0
    type_in(qtbot, out.reason, "")
    type_in(qtbot, override_of(out).pin, "9999")
    assert out.result() == QDialog.DialogCode.Accepted and count(till, "cash_moves") == 1
    cash_in = show(qtbot, CashMoveDialog(None, till.shifts, till.guard, till.people, "in"))
    assert isinstance(cash_in, CashMoveDialog)
    type_in(qtbot, cash_in.amount, "2.000")
    type_in(qtbot, cash_in.reason, "Cambio")
    assert cash_in.result() == QDialog.DialogCode.Accepted
    assert till.shifts.figures().expected_cash == 2_000_000 - 500_000 + 200_000


@pytest.mark.parametrize(("lang", "said"), [
    ("es_AR", "Movimiento de efectivo inválido: escriba el motivo"),
    ("en", "Invalid cash movement: write the reason"),
])
def test_a_cash_move_without_a_reason_is_refused_in_the_tills_language(
        qtbot: QtBot, till: Till, lang: str, said: str) -> None:
    """A Spanish till said "Invalid cash movement: write the reason" (str(), the log's)."""
    from pos_common.i18n import set_language

    set_language(lang)  # tests/conftest.py puts English back
    cash_in = show(qtbot, CashMoveDialog(None, till.shifts, till.guard, till.people, "in"))
    assert isinstance(cash_in, CashMoveDialog)
    type_in(qtbot, cash_in.amount, "2.000")
    type_in(qtbot, cash_in.reason, "")
    assert cash_in.isVisible() and cash_in.error.text() == said
    cash_in.reject()


def test_opening_a_shift_by_counting_the_float(qtbot: QtBot, till: Till) -> None:
    till.session.login("u-sergio", "2222")
    till.shifts.close_shift({"B20000": 1})
    dialog = show(qtbot, OpenShiftDialog(None, till.shifts, till.guard, till.people))
    assert isinstance(dialog, OpenShiftDialog)
    type_in(qtbot, dialog.count.field, "")
    type_in(qtbot, dialog.count.field, "1")  # one $ 10.000
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_Up)
    type_in(qtbot, dialog.count.field, "abc")  # not a number: stays, nothing counted
    assert dialog.count.counts == {"B10000": 1}
    dialog.count.field.clear()
    type_in(qtbot, dialog.count.field, "2")  # two $ 20.000
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_F12)
    assert dialog.result() == QDialog.DialogCode.Accepted
    shift = till.shifts.current()
    assert shift is not None and shift["float"] == 5_000_000


def test_the_x_report_shows_the_shift_and_prints(qtbot: QtBot, till: Till) -> None:
    sell(till, YERBA)
    dialog = show(qtbot, XReportDialog(None, till.shifts))
    assert isinstance(dialog, XReportDialog)
    assert "25,290.00" in dialog.text.toPlainText()
    qtbot.keyClick(dialog.field, Qt.Key.Key_F9)
    assert dialog.printed and count(till, "print_jobs", "kind='x'") == 1
    qtbot.keyClick(dialog.field, ENTER)
    assert not dialog.isVisible()


def test_selling_with_no_shift_open_asks_for_the_float_and_goes_on(qtbot: QtBot, till: Till
                                                                   ) -> None:
    till.session.login("u-sergio", "2222")
    till.shifts.close_shift({"B20000": 1})
    till.session.login("u-ana", "1111")
    window = MainWindow(till.window_deps())
    qtbot.addWidget(window)
    extend_window(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.ui.shift_notice.isVisible()  # the closed shift shows on screen
    type_in(qtbot, window.scan, YERBA)  # the first scan offers to open it
    dialog = window.dialog
    assert isinstance(dialog, OpenShiftDialog)
    type_in(qtbot, dialog.count.field, "1")  # one $ 20.000 note
    qtbot.keyClick(dialog.count.field, Qt.Key.Key_F12)
    assert window.dialog is None
    assert [line.product.name for line in till.register.sale.lines] == [
        "Yerba Mate Playadito 1 kg"]  # the scan went on
    assert not window.ui.shift_notice.isVisible()
    assert "Shift opened with $20,000.00" in window.banner.text()
    window.run(lambda: till.register.pay_and_complete(
        [Tender(TenderKind.CASH, till.register.sale.total)]))
    assert count(till, "sales") == 1 and till.register.sale.lines == []


def test_the_approval_says_what_exactly_is_approved() -> None:
    from pos_common.i18n import format_money, set_language
    from pos_desktop.ui.override_dialog import approval_details

    assert approval_details({"sale_id": "x", "line_no": 1, "percent_bp": 2050}) == (
        "Line 1 · 20.5 %"
    )
    assert approval_details({"sale_id": "x", "line_no": None, "percent_bp": 1000}) == (
        "Whole sale · 10 %"
    )
    refund = {"ticket": "0001-00000007", "amount": 148_800, "reason": "Vencido"}
    assert approval_details(refund) == f"Ticket 0001-00000007 · {format_money(148_800)} · «Vencido»"
    set_language("es_AR")
    assert approval_details({"line_no": 2, "percent_bp": 2050}) == "Línea 2 · 20,5 %"
    assert approval_details({}) == ""

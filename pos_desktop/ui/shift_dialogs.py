"""Opening the shift, cash in and out, and counting a drawer by denomination.

Counting keeps the keyboard in one field, like the rest of the till: the highlighted row is
the denomination being counted; type how many and Enter (the next row is highlighted), ↑/↓
to go back, F12 when done. The last row, "Other", takes an amount in pesos: loose coins, or
the whole float typed at once.

``extend_window(window)`` plugs every shift feature into the till window (keys, menu,
override, idle lock, login at start) without editing ``main_window.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, format_money
from pos_desktop.domain.denominations import ARS_DENOMINATIONS, OTHER, count_total
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.domain.permissions import ApprovalRequired
from pos_desktop.domain.shift import InvalidCashMove, NoOpenShift
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People
from pos_desktop.services.shifts import ShiftService
from pos_desktop.ui.dialog_base import TillDialog, keyboard_table
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.override_dialog import ask_approval

if TYPE_CHECKING:
    from pos_desktop.ui.main_window import MainWindow


def denomination_label(code: str) -> str:
    if code == OTHER:
        return _("Other (amount)")
    d = next(d for d in ARS_DENOMINATIONS if d.code == code)
    kind = _("note") if d.kind == "note" else _("coin")
    return f"{format_money(d.value).replace(',00', '')} · {kind}"


class DrawerCount(QWidget):
    """The drawer counted piece by piece. ``finished`` on F12; ``changed(total)``."""

    finished = Signal()
    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = [d.code for d in ARS_DENOMINATIONS] + [OTHER]
        self.counts: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = keyboard_table(
            self, len(self.codes), [_("Denomination"), _("Count"), _("Amount")]
        )
        for row, code in enumerate(self.codes):
            self.table.setItem(row, 0, QTableWidgetItem(denomination_label(code)))
        layout.addWidget(self.table)
        self.field = KeyField(self)
        self.field.setObjectName("countField")
        self.field.setPlaceholderText(_("How many? Enter = next, F12 = done"))
        layout.addWidget(self.field)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("countTotal")
        layout.addWidget(self.total_label)
        self.field.bind(Qt.Key.Key_Up, lambda: self.select(self.row - 1))
        self.field.bind(Qt.Key.Key_Down, lambda: self.select(self.row + 1))
        self.field.bind(Qt.Key.Key_F12, self.finished.emit)
        self.field.submitted.connect(self._entered)
        self.setFocusProxy(self.field)
        self.row = 0
        self.select(0)
        self._refresh()

    def select(self, row: int) -> None:
        self.row = max(0, min(len(self.codes) - 1, row))
        self.table.selectRow(self.row)

    def set_count(self, code: str, value: int) -> None:
        trial = {**self.counts, code: value}
        count_total(trial)  # raises InvalidCount
        self.counts = {k: v for k, v in trial.items() if v}
        self._refresh()

    def _entered(self, text: str) -> None:
        text = text.strip()
        if text:
            code = self.codes[self.row]
            try:
                value = parse_money(text) if code == OTHER else int(text)
                self.set_count(code, value)
            except (PosError, ValueError):
                self.field.setText(text)
                self.field.selectAll()
                return
        self.select(self.row + 1)

    def total(self) -> int:
        return count_total(self.counts)

    def _refresh(self) -> None:
        for row, code in enumerate(self.codes):
            n = self.counts.get(code, 0)
            shown = "" if not n else (format_money(n) if code == OTHER else str(n))
            amount = (
                n
                if code == OTHER
                else n * next(d.value for d in ARS_DENOMINATIONS if d.code == code)
            )
            self.table.setItem(row, 1, QTableWidgetItem(shown))
            self.table.setItem(row, 2, QTableWidgetItem(format_money(amount) if n else ""))
        total = self.total()
        self.total_label.setText(_("Counted: {amount}").format(amount=format_money(total)))
        self.changed.emit(total)


class GuardedDialog(TillDialog):
    """A dialog whose action may need a supervisor: it asks on the spot, then retries."""

    def __init__(
        self, parent: QWidget | None, title: str, hint: str, guard: TillGuard, people: People
    ) -> None:
        super().__init__(parent, title, hint)
        self.guard = guard
        self.people = people

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run ``action``; errors stay inline; an override is asked and the action retried."""
        self.clear_error()
        try:
            action()
        except ApprovalRequired as needed:
            ask_approval(self, self.guard, self.people, needed, lambda: self.attempt(action))
            return False
        except PosError as exc:
            self.show_error(str(exc))
            return False
        self.done_ok()
        return True

    def done_ok(self) -> None:
        self.accept()


class OpenShiftDialog(GuardedDialog):
    """Count the float (or type it in "Other"); F12 opens the shift."""

    def __init__(
        self, parent: QWidget | None, shifts: ShiftService, guard: TillGuard, people: People
    ) -> None:
        super().__init__(
            parent,
            _("Open the shift"),
            _("Count the float in the drawer. F12 opens the shift."),
            guard,
            people,
        )
        self.shifts = shifts
        self.count = DrawerCount(self)
        self.body.addWidget(self.count)
        self.count.finished.connect(
            lambda: self.attempt(lambda: shifts.open_shift(counts=self.count.counts))
        )
        self.setFocusProxy(self.count)


class CashMoveDialog(GuardedDialog):
    """Cash in or out: the amount (Enter), then the reason (Enter)."""

    def __init__(
        self,
        parent: QWidget | None,
        shifts: ShiftService,
        guard: TillGuard,
        people: People,
        direction: str,
    ) -> None:
        title = _("Cash in") if direction == "in" else _("Cash out")
        super().__init__(parent, title, _("Amount, Enter; then the reason, Enter."), guard, people)
        self.direction = direction
        self.shifts = shifts
        row = QHBoxLayout()
        self.amount = KeyField(self, clear_on_submit=False)
        self.amount.setObjectName("amountField")
        self.amount.setPlaceholderText(_("Amount"))
        self.reason = KeyField(self, clear_on_submit=False)
        self.reason.setObjectName("reasonField")
        self.reason.setPlaceholderText(_("Reason"))
        row.addWidget(self.amount, 1)
        row.addWidget(self.reason, 2)
        self.body.addLayout(row)
        self.amount.submitted.connect(lambda _t: self.reason.setFocus())
        self.reason.submitted.connect(lambda _t: self._submit())
        self.setFocusProxy(self.amount)

    def _submit(self) -> None:
        try:
            amount = parse_money(self.amount.text())
        except PosError as exc:
            self.show_error(str(exc))
            self.amount.setFocus()
            return
        if not self.reason.text().strip():
            self.show_error(str(InvalidCashMove(reason="write the reason")))
            return
        move = self.shifts.cash_in if self.direction == "in" else self.shifts.cash_out
        self.attempt(lambda: move(amount, self.reason.text()))


def extend_window(window: MainWindow) -> None:
    """Everything shifts, people and refunds add to the till window (see ui/README)."""
    from pos_desktop.ui.login_dialog import IdleLock, LoginDialog
    from pos_desktop.ui.override_dialog import install_override
    from pos_desktop.ui.refund_dialog import RefundDialog
    from pos_desktop.ui.z_dialog import XReportDialog, ZDialog

    till = window.till
    shifts, guard, people = till.shifts, till.guard, till.people
    install_override(window)

    def no_shift(exc: PosError, retry: Callable[[], None]) -> bool:
        """Selling with no shift open: count the float now, then the sale goes on."""
        if not isinstance(exc, NoOpenShift):
            return False
        window.open_dialog(OpenShiftDialog(window, shifts, guard, people), on_accept=retry)
        return True

    window.add_error_handler(NoOpenShift, no_shift)

    def login(required: bool = True) -> None:
        window.open_dialog(
            LoginDialog(window, till.session, required=required), on_accept=window.update_cashier
        )

    def open_z() -> None:
        shifts.z_preflight()  # parked sales, a sale on screen, the right: before the count
        window.open_dialog(ZDialog(window, shifts, guard, people))

    def lock() -> None:
        till.session.lock()
        login()

    def open_drawer() -> None:
        shifts.open_drawer(_("no sale"))
        window.banner.info(_("Drawer opened."))

    actions: list[tuple[str, Callable[[], object], str]] = [
        (
            _("Open shift"),
            lambda: window.open_dialog(OpenShiftDialog(window, shifts, guard, people)),
            "Ctrl+F9",
        ),
        (
            _("Cash in"),
            lambda: window.open_dialog(CashMoveDialog(window, shifts, guard, people, "in")),
            "Ctrl+F10",
        ),
        (
            _("Cash out"),
            lambda: window.open_dialog(CashMoveDialog(window, shifts, guard, people, "out")),
            "Ctrl+F11",
        ),
        (_("Open drawer"), open_drawer, "F9"),
        (
            _("Refund"),
            lambda: window.open_dialog(RefundDialog(window, till.refunds, guard, people)),
            "F7",
        ),
        (_("X report"), lambda: window.open_dialog(XReportDialog(window, shifts)), "Ctrl+F7"),
        (_("Z close"), open_z, "Ctrl+F12"),
        (_("Switch user"), lambda: login(required=False), "F11"),
        (_("Lock till"), lock, "Ctrl+L"),
    ]
    window.menu("shift", _("Shift"))
    for text, handler, key in actions:
        window.add_action(text, handler, shortcut=key, menu="shift")

    idle = IdleLock(till.session, window)
    idle.locked.connect(lambda: None if window.dialog_open() else login())
    window.idle_lock = idle  # type: ignore[attr-defined]  # kept alive with the window
    if till.session.user is None:
        login()


__all__ = ["CashMoveDialog", "DrawerCount", "OpenShiftDialog", "extend_window"]

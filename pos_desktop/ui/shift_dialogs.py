"""Opening the shift, and cash in and out (the drawer count is ``ui.drawer_count``).

The shift's keys, menu and login at start are plugged into the window by
``ui.shift_menu.extend_window``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from pos_common.i18n import N_, _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.domain.shift import InvalidCashMove
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People
from pos_desktop.services.shifts import ShiftService
from pos_desktop.ui.dialog_base import reason_buttons
from pos_desktop.ui.drawer_count import DrawerCount
from pos_desktop.ui.guarded_dialog import GuardedDialog
from pos_desktop.ui.key_field import KeyField


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
        self.count.done_button.setText(_("Open the shift (F12)"))
        self.add_ok_cancel(ok=False)


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
        self.amount_taken = 0
        row = QHBoxLayout()
        self.amount = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.amount.setObjectName("amountField")
        self.amount.setPlaceholderText(_("Amount"))
        self.reason = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.reason.setObjectName("reasonField")
        self.reason.setPlaceholderText(_("Reason"))
        row.addWidget(self.amount, 1)
        row.addWidget(self.reason, 2)
        self.body.addLayout(row)
        reasons = CASH_IN_REASONS if direction == "in" else CASH_OUT_REASONS
        self.body.addLayout(reason_buttons(self, self.reason, [_(r) for r in reasons]))
        self.amount.submitted.connect(lambda _t: self.reason.setFocus())
        self.reason.submitted.connect(lambda _t: self._submit())
        self.setFocusProxy(self.amount)
        self.add_keypad()
        self.add_ok_cancel()

    def _submit(self) -> None:
        try:
            amount = parse_money(self.amount.text())
        except PosError as exc:
            self.show_error(explain(exc))
            self.amount.setFocus()
            return
        if not self.reason.text().strip():
            self.show_error(explain(InvalidCashMove(reason=N_("write the reason"))))
            return
        move = self.shifts.cash_in if self.direction == "in" else self.shifts.cash_out
        self.amount_taken = amount
        self.attempt(lambda: move(amount, self.reason.text()))

    def _ok(self) -> None:
        """OK: on the amount, go to the reason; on the reason, record the move."""
        if self.focusWidget() is self.reason or (self.amount.text().strip() and \
                self.reason.text().strip()):
            self._submit()
        else:
            super()._ok()


CASH_IN_REASONS = (N_("Change for the drawer"), N_("More float"))
CASH_OUT_REASONS = (N_("To the safe"), N_("Payment to a supplier"), N_("Change for another till"))


__all__ = ["CashMoveDialog", "DrawerCount", "OpenShiftDialog"]

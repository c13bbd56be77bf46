"""Everything shifts, people and refunds add to the till window: their keys and menu, the
supervisor's PIN on the spot, opening the shift when a sale needs one, the idle lock and
the login at start (see ui/README)."""

from __future__ import annotations

from collections.abc import Callable

from pos_common.i18n import _, format_money
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.ui.login_dialog import IdleLock, LoginDialog
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.override_dialog import install_override
from pos_desktop.ui.refund_dialog import RefundDialog
from pos_desktop.ui.shift_dialogs import CashMoveDialog, OpenShiftDialog
from pos_desktop.ui.z_dialog import XReportDialog, ZDialog


def extend_window(window: MainWindow) -> None:
    """Everything shifts, people and refunds add to the till window (see ui/README)."""
    deps = window.deps
    shifts, guard, people, session = deps.shifts, deps.guard, deps.people, deps.session
    install_override(window)

    def no_shift(exc: PosError, retry: Callable[[], None]) -> bool:
        """Selling with no shift open: count the float now, then the sale goes on."""
        if not isinstance(exc, NoOpenShift):
            return False
        dialog = OpenShiftDialog(window.top(), shifts, guard, people)

        def opened() -> None:
            retry()  # the scan (or the payment) goes on
            window.banner.ok(opened_text(dialog))

        window.open_dialog(dialog, on_accept=opened)
        return True

    window.add_error_handler(NoOpenShift, no_shift)

    def login(required: bool = True) -> None:
        window.open_dialog(
            LoginDialog(window, session, required=required), on_accept=window.update_cashier
        )

    def open_z() -> None:
        shifts.z_preflight()  # parked sales, a sale on screen, the right: before the count
        window.open_dialog(ZDialog(window, shifts, guard, people, standalone=deps.standalone))

    def lock() -> None:
        session.lock()
        login()

    def open_drawer() -> None:
        shifts.open_drawer(_("no sale"))
        window.banner.info(_("Drawer opened."))

    def open_shift() -> None:
        dialog = OpenShiftDialog(window, shifts, guard, people)
        window.open_dialog(dialog, on_accept=lambda: window.banner.ok(opened_text(dialog)))

    def cash_move(direction: str) -> None:
        dialog = CashMoveDialog(window, shifts, guard, people, direction)
        said = _("Cash in of {amount} recorded.") if direction == "in" else _(
            "Cash out of {amount} recorded.")
        window.open_dialog(dialog, on_accept=lambda: window.banner.ok(
            said.format(amount=format_money(dialog.amount_taken))))

    def refund() -> None:
        dialog = RefundDialog(window, deps.refunds, guard, people)
        window.open_dialog(dialog, on_accept=lambda: window.banner.ok(dialog.outcome()))

    actions: list[tuple[str, str, Callable[[], object], str]] = [
        ("open_shift", _("Open shift"), open_shift, "Ctrl+F9"),
        ("cash_in", _("Cash in"), lambda: cash_move("in"), "Ctrl+F10"),
        ("cash_out", _("Cash out"), lambda: cash_move("out"), "Ctrl+F11"),
        ("open_drawer", _("Open drawer"), open_drawer, "F9"),
        ("refund", _("Refund"), refund, "F7"),
        ("x_report", _("X report"),
         lambda: window.open_dialog(XReportDialog(window, shifts)), "Ctrl+F7"),
        ("z_close", _("Z close"), open_z, "Ctrl+F12"),
        ("switch_user", _("Switch user"), lambda: login(required=False), "F11"),
        ("lock", _("Lock till"), lock, "Ctrl+L"),
    ]
    window.menu("shift", _("Shift"))
    for name, text, handler, key in actions:
        window.add_action(text, handler, shortcut=key, menu="shift", name=name)

    idle = IdleLock(session, window)
    idle.locked.connect(lambda: None if window.dialog_open() else login())
    window.add_part(idle)
    if session.user is None:
        login()


def opened_text(dialog: OpenShiftDialog) -> str:
    return _("Shift opened with {amount} in the drawer.").format(
        amount=format_money(dialog.count.total()))

"""Everything shifts, people and refunds add to the till window: their keys and menu, the
supervisor's PIN on the spot, opening the shift when a sale needs one, the idle lock and
the login at start (see ui/README)."""

from __future__ import annotations

from collections.abc import Callable

from pos_common.i18n import _
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
        window.open_dialog(OpenShiftDialog(window, shifts, guard, people), on_accept=retry)
        return True

    window.add_error_handler(NoOpenShift, no_shift)

    def login(required: bool = True) -> None:
        window.open_dialog(
            LoginDialog(window, session, required=required), on_accept=window.update_cashier
        )

    def open_z() -> None:
        shifts.z_preflight()  # parked sales, a sale on screen, the right: before the count
        window.open_dialog(ZDialog(window, shifts, guard, people))

    def lock() -> None:
        session.lock()
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
            lambda: window.open_dialog(RefundDialog(window, deps.refunds, guard, people)),
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

    idle = IdleLock(session, window)
    idle.locked.connect(lambda: None if window.dialog_open() else login())
    window.add_part(idle)
    if session.user is None:
        login()

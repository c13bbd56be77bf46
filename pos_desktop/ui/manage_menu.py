"""The *Gestión* menu, for managers: the catalogue from a file, one product, prices by a
percentage, and the staff. It shows only while a manager is logged in; the services check
the right again (``manage_catalog``, ``manage_users``) and audit every change, as the
command line's do, so hiding the menu is a convenience and never the protection.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog

from pos_common.i18n import _
from pos_desktop.domain.permissions import Action, Role
from pos_desktop.ui.catalog_dialogs import ImportDialog, ProductDialog
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.reprice_dialog import RepriceDialog
from pos_desktop.ui.staff_dialog import StaffDialog

MENU = "manage"


def manage_extension(window: MainWindow) -> None:
    deps = window.deps

    def opener(action: Action, make: Callable[[], QDialog],
               done: Callable[[QDialog], str] | None = None) -> Callable[[], None]:
        def open_it() -> None:
            deps.guard.ensure(action)  # a manager's right, asked before the dialog opens
            dialog = make()
            window.open_dialog(dialog, on_accept=(lambda: window.banner.ok(done(dialog)))
                               if done else None)
        return open_it

    window.menu(MENU, _("&Manage"))
    entries: list[tuple[str, str, Callable[[], None]]] = [
        ("import_catalog", _("Import catalogue…"), opener(
            Action.MANAGE_CATALOG, lambda: ImportDialog(window, deps.catalog),
            lambda d: d.outcome if isinstance(d, ImportDialog) else "")),
        ("edit_product", _("Add or edit a product…"), opener(
            Action.MANAGE_CATALOG, lambda: ProductDialog(window, deps.catalog),
            lambda d: d.outcome if isinstance(d, ProductDialog) else "")),
        ("change_prices", _("Change prices by a percentage…"), opener(
            Action.MANAGE_CATALOG, lambda: RepriceDialog(window, deps.catalog),
            lambda d: d.outcome if isinstance(d, RepriceDialog) else "")),
        ("staff", _("Cashiers and supervisors…"), opener(
            Action.MANAGE_USERS, lambda: StaffDialog(window, deps.staff, deps.people))),
    ]
    for name, text, handler in entries:
        window.add_action(text, handler, menu=MENU, name=name)

    def follow_the_cashier() -> None:
        user = deps.session.user
        window.menu(MENU).menuAction().setVisible(user is not None and user.may(Role.MANAGER))

    window.cashier_changed.connect(follow_the_cashier)
    follow_the_cashier()

"""The sale's commands at the till window: quantity, search, discounts, void, hold and
recall, cancel, pay, and the list of keys.

Each is an action of the window (``MainWindow.add_action``): a key, a menu entry and a
touch button. The work itself is the register's (``services.register``); a command only
picks the line, opens the dialog that asks what it needs, and says what happened. Typing a
value first and pressing the key (``5`` then F2, ``10%`` then F4) skips the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from pos_common.i18n import N_, _, format_money, format_quantity
from pos_desktop.domain.errors import EmptySale
from pos_desktop.domain.product import Product
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.services.register import Register
from pos_desktop.ui.confirm_dialog import ConfirmDialog
from pos_desktop.ui.discount_dialog import line_discount_dialog, ticket_discount_dialog
from pos_desktop.ui.help_dialog import KeysDialog, scan_keys
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.messages import MessageBanner
from pos_desktop.ui.park_dialog import ParkDialog
from pos_desktop.ui.payment_dialog import PaymentDialog
from pos_desktop.ui.quantity_dialog import price_dialog, quantity_dialog
from pos_desktop.ui.sale_view import SaleTable
from pos_desktop.ui.search_dialog import SearchDialog

# Key names on the touch buttons and in the menus, as printed on a Spanish keyboard.
KEY_NAMES = {"Del": N_("Del"), "Ctrl+Shift+X": N_("Ctrl+Shift+X")}


def key_name(sequence: QKeySequence) -> str:
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    return _(KEY_NAMES[text]) if text in KEY_NAMES else text


class SaleWindow(Protocol):
    """What the commands use of the till window (``ui.main_window.MainWindow``)."""

    scan: KeyField
    table: SaleTable
    banner: MessageBanner
    pending_quantity: str | None
    actions_by_name: dict[str, QAction]

    @property
    def register(self) -> Register: ...

    def add_action(self, text: str, handler: Callable[[], object], *,
                   shortcut: str | None = ..., menu: str | None = ..., button: bool = ...,
                   name: str | None = ..., button_text: str | None = ...,
                   object_name: str = ...) -> QAction: ...

    def dialog_open(self) -> bool: ...

    def open_dialog(self, dialog: QDialog,
                    on_accept: Callable[[], object] | None = None) -> None: ...

    def run(self, action: Callable[[], object]) -> None: ...

    def selected_line_no(self) -> int: ...

    def line_added(self) -> None: ...

    def sale_done(self, done: CompletedSale) -> None: ...


class SaleCommands:
    """The commands on the sale in progress, plugged into ``window``."""

    def __init__(self, window: SaleWindow, parent: QWidget) -> None:
        self.window = window
        self.parent = parent  # the window as a widget: the dialogs' parent
        self.confirm_cancel = True  # the manager's preference (setting ui.confirm_cancel)
        K = "keyButton"  # noqa: N806
        # (name, menu text, short button text, key, handler, button style)
        commands: list[tuple[str, str, str, str, Callable[[], object], str]] = [
            ("quantity", _("Quantity"), _("Quantity"), "F2", self.change_quantity, K),
            ("search", _("Search"), _("Search"), "F3", self.search, K),
            ("line_discount", _("Line discount"), _("Line disc."), "F4", self.discount_line, K),
            ("park", _("Hold / recall"), _("Hold"), "F5", self.park_or_recall, K),
            ("ticket_discount", _("Ticket discount"), _("Ticket disc."), "F6",
             self.discount_ticket, K),
            ("price", _("Change price"), _("Price"), "F10", self.change_price, K),
            ("void", _("Void line"), _("Void"), "Del", self.void_line, K),
            ("cancel", _("Cancel sale"), _("Cancel"), "Ctrl+Shift+X", self.cancel_sale,
             "dangerButton"),
            ("pay", _("Pay"), _("Pay"), "F12", self.pay, "payButton"),
        ]
        for name, text, short, key, handler, style in commands:
            window.add_action(text, handler, shortcut=key, menu="sale", button=True, name=name,
                              button_text=short, object_name=style)
        window.add_action(_("Keys"), self.show_keys, shortcut="F1", menu="help", name="keys")

    @property
    def register(self) -> Register:
        return self.window.register

    def _busy(self) -> bool:
        """True when a dialog is already open (its keys are its own)."""
        return self.window.dialog_open()

    def _typed(self) -> str:
        """What the cashier typed in the scan field before the key, taken out of it. The
        command then runs in a ``run`` of its own with that text, so a retry after a
        supervisor's approval applies the same text (the field is empty by then)."""
        typed = self.window.scan.text().strip()
        if typed:
            self.window.scan.clear()
        return typed

    # -- the keys ----------------------------------------------------------------------------
    def key_list(self) -> list[tuple[str, str]]:
        """Every key: the scan field's own, then each action's (others' actions included)."""
        keys = scan_keys()
        for action in self.window.actions_by_name.values():
            if not action.shortcut().isEmpty():
                label = str(action.property("label") or action.text().split("\t")[0])
                keys.append((key_name(action.shortcut()), label))
        return keys

    def show_keys(self) -> None:
        if not self._busy():
            self.window.open_dialog(KeysDialog(self.parent, self.key_list()))

    # -- editing the sale --------------------------------------------------------------------
    def change_quantity(self) -> None:
        if self._busy():
            return
        line_no = self.window.selected_line_no()
        typed = self._typed()
        if typed:  # "5" then F2: no dialog needed
            self.window.run(lambda: self.register.set_quantity(line_no, typed))
            return
        self.window.open_dialog(quantity_dialog(self.parent, self.register, line_no))

    def search(self) -> None:
        if self._busy():
            return
        window = self.window
        dialog = SearchDialog(self.parent, self.register, self._typed(), window.pending_quantity)
        dialog.chosen.connect(self.add_product)
        window.open_dialog(dialog)

    def add_product(self, product: Product, quantity_milli: int) -> None:
        def add() -> int:
            line = self.register.add_product(product, quantity_milli)
            self.window.line_added()
            return line.line_no

        self.window.run(add)

    def discount_line(self) -> None:
        if self._busy():
            return
        line_no = self.window.selected_line_no()
        typed = self._typed()
        if typed:  # "10%" then F4
            self.window.run(lambda: self.register.discount_line(line_no, typed))
            return
        self.window.open_dialog(line_discount_dialog(self.parent, self.register, line_no))

    def discount_ticket(self) -> None:
        if self._busy():
            return
        if not self.register.sale.lines:
            raise EmptySale()
        typed = self._typed()
        if typed:
            self.window.run(lambda: self.register.discount_ticket(typed))
            return
        self.window.open_dialog(ticket_discount_dialog(self.parent, self.register))

    def change_price(self) -> None:
        """F10: another price for the selected line (a supervisor approves it)."""
        if self._busy():
            return
        line_no = self.window.selected_line_no()
        typed = self._typed()
        if typed:  # "4500" then F10
            self.window.run(lambda: self.register.override_price(line_no, typed))
            return
        self.window.open_dialog(price_dialog(self.parent, self.register, line_no))

    def void_line(self) -> None:
        """Del: asks first (it needs a supervisor's PIN too), then voids the line."""
        if self._busy():
            return
        line_no = self.window.selected_line_no()
        line = self.register.sale.line(line_no)
        quantity = format_quantity(line.quantity_milli, weighed=line.product.sold_by_weight)
        dialog = ConfirmDialog(
            self.parent,
            _("Void line"),
            _("Void {name} × {quantity} ({amount})? Enter: yes, Esc: no.").format(
                name=line.product.name, quantity=quantity,
                amount=format_money(line.after_line_discount)),
        )
        self.window.open_dialog(dialog, on_accept=lambda: self._void_confirmed(line_no))

    def _void_confirmed(self, line_no: int) -> int | None:
        row = self.window.table.current_row()
        line = self.register.void_line(line_no)
        self.window.banner.info(
            _("Voided: {name} × {quantity}").format(
                name=line.product.name,
                quantity=format_quantity(line.quantity_milli, weighed=line.product.sold_by_weight),
            )
        )
        lines = self.register.sale.lines
        if row is not None and lines:
            return lines[min(row, len(lines) - 1)].line_no
        return None

    # -- holding, cancelling, paying ---------------------------------------------------------
    def park_or_recall(self) -> None:
        if self._busy():
            return
        window = self.window
        if self.register.sale.lines:
            paid = self.register.sale.tendered
            parked_id = self.register.park()
            if paid:
                window.banner.ok(_("Sale put on hold (No. {id}) with {paid} already paid in "
                                   "cash: it stays paid. F5 recalls it.").format(
                                       id=parked_id, paid=format_money(paid)))
            else:
                window.banner.ok(
                    _("Sale put on hold (No. {id}). F5 recalls it.").format(id=parked_id))
            return
        parked = self.register.parked()
        if not parked:
            window.banner.info(_("There are no sales on hold."))
            return
        dialog = ParkDialog(self.parent, parked)
        dialog.recall.connect(lambda parked_id: window.run(lambda: self._recall(parked_id)))
        window.open_dialog(dialog)

    def _recall(self, parked_id: int) -> None:
        sale = self.register.recall(parked_id)
        if sale.tendered:
            self.window.banner.ok(_("Sale No. {id} recalled: {paid} already paid, {due} to "
                                    "pay.").format(id=parked_id, paid=format_money(sale.tendered),
                                                   due=format_money(sale.due)))
        else:
            self.window.banner.ok(_("Sale No. {id} recalled.").format(id=parked_id))

    def cancel_sale(self) -> None:
        if self._busy():
            return
        if not self.register.sale.lines:
            self.window.banner.info(_("There is no sale to cancel."))
            return
        if not self.confirm_cancel:
            self.window.run(self._cancel_confirmed)
            return
        dialog = ConfirmDialog(
            self.parent,
            _("Cancel sale"),
            _("Cancel the whole sale ({total})? Enter: yes, Esc: no.").format(
                total=format_money(self.register.sale.total)
            ),
        )
        self.window.open_dialog(dialog, on_accept=self._cancel_confirmed)

    def _cancel_confirmed(self) -> None:
        self.register.cancel()
        self.window.banner.info(_("Sale cancelled."))

    def pay(self) -> None:
        if self._busy():
            return
        if not self.register.sale.lines:
            raise EmptySale()
        self.register.check_identification()  # RG 5700: before any money is taken
        dialog = PaymentDialog(self.parent, self.register)
        dialog.completed.connect(self.window.sale_done)
        self.window.open_dialog(dialog)


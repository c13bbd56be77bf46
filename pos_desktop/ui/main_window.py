"""The till window: scan, edit the sale, take the payment, by keys or by touch.

The keyboard always stays in the scan field. A scan is handled synchronously on the GUI
thread (the register keeps the open sale in memory and a catalogue lookup takes well under
a millisecond) and nothing here ever spins the event loop inside an add, so Qt's event
queue keeps a scanner's keystrokes in order and a scan that arrives while another is
being added simply waits its turn.

The window fills the screen it is on and lays itself out from 1024×768 to 1920×1080
(``window_layout``): the lines and the total always show, and the side panel (product
keys or a keypad, ``touch_panel``) takes what is left.

Other features plug in without editing this file:

- ``add_action(text, handler, shortcut=..., menu=..., button=...)`` adds a menu entry, a
  key and optionally a touch button (the key works from the scan field);
- ``open_dialog(dialog, on_accept)`` opens a dialog window-modally and gives the keyboard
  back to the scan field (or to the dialog under it) when it closes;
- ``add_error_handler(PermissionDenied, handler)`` lets e.g. a supervisor-override dialog
  handle an error and retry the action, from the window or from inside a dialog;
- ``status`` (``set_sync_state``, ``set_printer_state``), ``show_receipt(image)``, and the
  ``sale_completed`` / ``sale_changed`` signals;
- ``add_part(part)`` keeps a feature's object (a timer, a watcher) alive with the window
  and stops it when the window is done (``stop_parts``).

The window is given its services, typed (``ui.deps.TillDeps``), by the composition root;
the sale's own commands are in ``ui.sale_commands``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QImage, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QPushButton, QWidget

from pos_common.i18n import N_, _, explain, format_money
from pos_desktop.domain.errors import EmptySale, PosError
from pos_desktop.domain.money import parse_quantity
from pos_desktop.domain.product import Product
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.services.register import Register, read_entry
from pos_desktop.ui.deps import TillDeps
from pos_desktop.ui.dialog_base import EntryDialog, TillDialog
from pos_desktop.ui.key_field import no_focus
from pos_desktop.ui.keypad import fit_text
from pos_desktop.ui.receipt_preview import render_escpos
from pos_desktop.ui.sale_commands import SaleCommands, key_name
from pos_desktop.ui.window_layout import WindowLayout, fit_side_panel

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

log = logging.getLogger(__name__)

MENUS = {"sale": N_("&Sale"), "till": N_("&Till"), "tools": N_("T&ools"), "help": N_("&Help")}
ErrorHandler = Callable[[PosError, Callable[[], None]], bool]


class Part(Protocol):
    """A feature's living piece (a poller, a lock timer, a queue listener)."""

    def stop(self) -> None: ...


class MainWindow(QMainWindow):
    sale_completed = Signal(object)  # CompletedSale
    sale_changed = Signal()
    cashier_changed = Signal()  # someone else logged in (or out): menus follow the role
    # The virtual printer's bytes; emit from any thread (e.g. the print worker's
    # ``VirtualConnection(on_print=window.receipt_printed.emit)``): Qt queues it here.
    receipt_printed = Signal(bytes)

    def __init__(self, deps: TillDeps) -> None:
        super().__init__()
        self.deps = deps
        self.setObjectName("tillWindow")
        self.setWindowTitle(
            _("Super POS — Till {terminal}").format(terminal=deps.identity.terminal_id)
        )
        self.pending_quantity: str | None = None
        self.dialogs: list[QDialog] = []
        self.actions_by_name: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self._error_handlers: list[tuple[type[PosError], ErrorHandler]] = []
        self._cashier_shown: str | None = "\0"
        self.parts: list[Part] = []
        self.receipt_profile: str | None = None  # printer model the preview imitates
        self.ui = WindowLayout(self, deps)
        self.banner, self.table, self.model = self.ui.banner, self.ui.table, self.ui.model
        self.total_panel, self.receipt_preview = self.ui.total_panel, self.ui.receipt_preview
        self.scan, self.quantity_badge, self.status = self.ui.scan, self.ui.badge, self.ui.status
        self.touch = self.ui.touch
        self._connect()
        for key, title in MENUS.items():
            self.menu(key, _(title))
        self.commands = SaleCommands(self, self)
        self.update_cashier()
        self.show_shift_state()
        self.refresh()

    @property
    def register(self) -> Register:
        return self.deps.register

    @property
    def dialog(self) -> QDialog | None:
        """The dialog on top (the one with the keyboard), or None."""
        return self.dialogs[-1] if self.dialogs else None

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self.show_selected_line()
        )
        scan = self.scan
        scan.submitted.connect(self.on_entry)
        scan.bind(Qt.Key.Key_Up, lambda: self.move_selection(-1))
        scan.bind(Qt.Key.Key_Down, lambda: self.move_selection(1))
        scan.bind(Qt.Key.Key_PageUp, lambda: self.move_selection(-5))
        scan.bind(Qt.Key.Key_PageDown, lambda: self.move_selection(5))
        scan.bind(Qt.Key.Key_Escape, self.clear_entry)
        self.setFocusProxy(scan)
        self.touch.grid.chosen.connect(self.product_tapped)
        self.ui.open_shift_button.clicked.connect(self._open_shift_tapped)
        self.receipt_printed.connect(self._show_printed_receipt)

    def menu(self, key: str, title: str | None = None) -> QMenu:
        """The menu named ``key`` (``sale``, ``till``, ``tools``, ``help`` or a new one);
        Help stays the last one whatever is added later."""
        if key not in self._menus:
            bar = self.menuBar()
            help_menu = self._menus.get("help")
            created = QMenu(title or key, bar)
            if help_menu is not None:
                bar.insertMenu(help_menu.menuAction(), created)
            else:
                bar.addMenu(created)
            self._menus[key] = created
        return self._menus[key]

    # -- extension points ----------------------------------------------------------------
    def add_action(
        self,
        text: str,
        handler: Callable[[], object],
        *,
        shortcut: str | QKeySequence | None = None,
        menu: str | None = "till",
        button: bool = False,
        name: str | None = None,
        button_text: str | None = None,
        object_name: str = "keyButton",
    ) -> QAction:
        """A command the cashier can run by key, menu or touch button.

        The handler runs like every till action: a PosError becomes a red message (or
        goes to a registered error handler), and the keyboard returns to the scan field.
        The menu shows the key by the name printed on the keyboard (Supr, Ctrl+Mayús+X in
        Spanish), as the touch button does.
        """
        action = QAction(text, self)
        action.setObjectName(name or text)
        action.setProperty("label", text.replace("&", ""))
        action.triggered.connect(lambda _checked=False: self.run(handler))
        hint = ""
        if shortcut is not None:
            sequence = QKeySequence(shortcut)
            taken = [a for a in self.actions_by_name.values() if a.shortcut() == sequence]
            if taken:
                # Two commands on one key: Qt would run neither, or the scan field only the
                # last bound (F8 was both the price and the buyer in fiscal mode).
                raise ValueError(f"{key_name(sequence)} is already {taken[0].objectName()}")
            action.setShortcut(sequence)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            hint = key_name(sequence)
            action.setText(f"{text}\t{hint}")  # the menu shows this, not Qt's own name
            combo = sequence[0]  # type: ignore[index]  # PySide6 stubs lack __getitem__
            key, mods = combo.key(), combo.keyboardModifiers()
            # The scan field claims the key first, so it works even if the window is not
            # the active one (and runs once, not twice).
            self.scan.bind(key, action.trigger, mods, only_when_empty=key == Qt.Key.Key_Delete)
        self.addAction(action)
        if menu is not None:
            self.menu(menu).addAction(action)
        if button:
            label = button_text or text.replace("&", "")
            b = QPushButton(f"{hint}\n{label}" if hint else label, self)
            b.setObjectName(object_name)
            no_focus(b)
            b.clicked.connect(action.trigger)
            fit_text(b, 14)  # the key's name in the sheet's font: never cut
            self.ui.key_bar.addWidget(b, 1)
            action.setProperty("button", b)
        self.actions_by_name[name or text] = action
        return action

    def button(self, name: str) -> QPushButton | None:
        b = self.actions_by_name[name].property("button")
        return b if isinstance(b, QPushButton) else None

    def show_receipt(self, image: QImage | PilImage | None) -> None:
        """Show a receipt image where the lines are, until the next sale starts (the
        on-screen printer); None hides it."""
        self.ui.show_receipt(image)

    def _show_printed_receipt(self, data: bytes) -> None:
        try:
            self.show_receipt(render_escpos(data, self.receipt_profile))
        except Exception as exc:  # a preview problem must never disturb selling
            log.exception("could not draw the printed receipt")
            self.status.set_printer_state(explain(exc), "error")

    def add_part(self, part: Part) -> None:
        """Keep ``part`` alive with the window; ``stop_parts`` stops it."""
        self.parts.append(part)

    def stop_parts(self) -> None:
        for part in reversed(self.parts):
            try:
                part.stop()
            except Exception:  # one feature's trouble must not keep the others running
                log.exception("a window part did not stop cleanly")
        self.parts.clear()

    def add_error_handler(self, kind: type[PosError], handler: ErrorHandler) -> None:
        """``handler(error, retry)`` returns True if it took care of the error."""
        self._error_handlers.append((kind, handler))

    def top(self) -> QWidget:
        """Where a new dialog belongs: on the dialog on top, or on the window."""
        return self.dialog or self

    def open_dialog(self, dialog: QDialog, on_accept: Callable[[], object] | None = None) -> None:
        """Open ``dialog`` window-modally (``open()``, never ``exec()``). Dialogs stack: an
        approval asked from inside a dialog opens on it, and closing it gives the keyboard
        back to the dialog under it."""
        self.dialogs.append(dialog)
        if isinstance(dialog, TillDialog):
            dialog.escalate = self.handle_error

        def closed(result: int) -> None:
            if dialog in self.dialogs:
                self.dialogs.remove(dialog)
            self.activateWindow()  # not every window manager gives the keyboard back
            if result == QDialog.DialogCode.Accepted and on_accept is not None:
                self.run(on_accept)
            else:
                self.refresh()
                self.focus_scan()
            self.show_shift_state()
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()

    def dialog_open(self) -> bool:
        return self.dialog is not None and self.dialog.isVisible()

    def update_cashier(self) -> None:
        cashier = self.register.cashier
        name = cashier.name if cashier else None
        if name != self._cashier_shown:  # cheap check: refresh() runs on every scan
            self._cashier_shown = name
            self.status.set_cashier(name)
            self.cashier_changed.emit()

    def show_shift_state(self) -> None:
        """A closed shift shows on screen, with the button that opens it (Ctrl+F9)."""
        try:
            closed = self.deps.shifts.current_id() is None
        except Exception:  # a read problem must not stop the window; the sale says why
            log.exception("could not read the shift state")
            return
        self.ui.shift_notice.setVisible(closed)

    def _open_shift_tapped(self) -> None:
        action = self.actions_by_name.get("open_shift")
        if action is not None:
            action.trigger()

    # -- running actions -----------------------------------------------------------------
    def run(self, action: Callable[[], object]) -> None:
        """Run a cashier action; errors become messages; the scan field gets the keyboard.

        If ``action`` returns a line number, that line is selected afterwards.
        """
        select: int | None = None
        try:
            result = action()
            select = result if isinstance(result, int) and not isinstance(result, bool) else None
        except PosError as exc:
            self.show_error(exc, retry=lambda: self.run(action))
        except Exception as exc:  # a bad keystroke never crashes the till (invariant 8)
            log.exception("unexpected error in a till action")
            self.banner.error(_("Unexpected error: {error}").format(error=explain(exc)))
        self.refresh(select)
        self.focus_scan()

    def handle_error(self, exc: PosError, retry: Callable[[], None]) -> bool:
        """Give ``exc`` to the registered handlers; True if one took care of it."""
        return any(
            isinstance(exc, kind) and handler(exc, retry)
            for kind, handler in self._error_handlers
        )

    def show_error(self, exc: PosError, retry: Callable[[], None] | None = None) -> None:
        if not self.handle_error(exc, retry or (lambda: None)):
            self.banner.error(explain(exc))

    def focus_scan(self) -> None:
        top = self.dialog
        if top is None or not top.isVisible():
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            top.activateWindow()
            top.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self, select_line: int | None = None) -> None:
        sale = self.register.sale
        totals = sale.totals()
        before = self.table.current_row()
        self.model.update(sale)
        if sale.lines:
            self.ui.show_lines()
            self.table.fit_values()
        self.table.show_discount_column(any(li.discount for li in sale.lines))
        self.update_cashier()  # a login or a cashier change shows at once
        self.total_panel.update_sale(sale, totals)
        if select_line is not None:
            self.table.select_row(self.model.row_of(select_line))
        elif self.model.rows and (before is None or before >= len(self.model.rows)):
            self.table.select_row(len(self.model.rows) - 1)
        elif not self.model.rows:
            self.table.clearSelection()
        self.show_selected_line()
        self.sale_changed.emit()

    def selected_line_no(self) -> int:
        row = self.table.current_row()
        if row is None:
            raise EmptySale()
        return self.model.rows[row].line_no

    def show_selected_line(self) -> None:
        lines = self.register.sale.lines
        row = self.table.current_row()
        self.total_panel.show_line(lines[row] if row is not None and row < len(lines) else None)

    def move_selection(self, step: int) -> None:
        if not self.model.rows:
            return
        row = self.table.current_row()
        self.table.select_row((len(self.model.rows) - 1 if row is None else row) + step)

    # -- scanning and tapping ------------------------------------------------------------
    def on_entry(self, text: str) -> None:
        """Enter in the scan field: a code, ``3*code``, or ``3*`` alone (quantity next)."""
        if not text.strip():
            return
        try:
            entry = read_entry(text)
        except PosError as exc:
            self.show_error(exc)
            return
        if entry.code is None:
            self.set_pending_quantity(entry.quantity)
            return
        self.run(lambda: self._scan(text))

    def _scan(self, text: str) -> int:
        line = self.register.scan(text, quantity=self.pending_quantity)
        self.line_added()
        return line.line_no

    def line_added(self) -> None:
        """A good scan or tap: the typed quantity is used up; the last message and the
        last sale's change give way to the new sale."""
        self.set_pending_quantity(None)
        self.total_panel.clear_change()
        if self.banner.text():
            self.banner.clear_message()

    def product_tapped(self, product: Product) -> None:
        """A product key: added (a quantity typed first applies); a weighed one asks its
        weight, unless a weight was typed first."""
        if self.dialog_open():
            return
        if product.sold_by_weight and not self.pending_quantity:
            self.open_dialog(weight_dialog(self, product, self._add_tapped))
            return
        self.run(lambda: self._add_tapped(product, self.pending_quantity))

    def _add_tapped(self, product: Product, quantity: str | None) -> int:
        milli = parse_quantity(quantity, weighed=product.sold_by_weight) if quantity else 1000
        line = self.register.add_product(product, milli)
        self.line_added()
        return line.line_no

    def set_pending_quantity(self, text: str | None) -> None:
        self.pending_quantity = text
        if text:
            self.quantity_badge.setText(_("Qty {quantity} ×").format(quantity=text))
            self.quantity_badge.show()
        else:
            self.quantity_badge.hide()

    def clear_entry(self) -> None:
        self.scan.clear()
        self.set_pending_quantity(None)

    def sale_done(self, done: CompletedSale) -> None:
        """The payment completed the sale: the change, the ticket, a fresh sale on screen."""
        change = int(done.payload.get("change", 0))
        self.total_panel.show_last_sale(done.ticket, change)
        if change:
            self.banner.ok(
                _("Sale saved, ticket {ticket}. Change: {amount}").format(
                    ticket=done.ticket, amount=format_money(change)
                )
            )
        else:
            self.banner.ok(_("Sale saved, ticket {ticket}.").format(ticket=done.ticket))
        self.refresh()
        self.sale_completed.emit(done)

    # -- size ------------------------------------------------------------------------------
    def show_on_screen(self) -> None:
        """Fill the screen the window is on (what a till is for), leaving the taskbar."""
        screen = self.screen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
        self.showMaximized()

    def resizeEvent(self, event: QResizeEvent) -> None:
        fit_side_panel(self.ui, self.width())
        super().resizeEvent(event)

    # -- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # An open sale stays in memory only: closing would lose it, so hold it first.
        if self.register.sale.lines:
            try:
                self.register.park(_("Left open when the till closed"))
            except PosError as exc:  # e.g. a card already charged: keep the window open
                self.show_error(exc)
                event.ignore()
                return
            except Exception:
                log.exception("could not hold the open sale on close")
        super().closeEvent(event)


def weight_dialog(
    parent: QWidget, product: Product, add: Callable[[Product, str], object]
) -> EntryDialog:
    """A weighed product tapped: its weight in kg, on the keypad (or read off the scale)."""
    return EntryDialog(
        parent,
        _("Weight: {name}").format(name=product.name),
        _("Weight in kg, e.g. 0,350. Enter to apply, Esc to go back."),
        lambda text: add(product, text),
        placeholder="0,350",
    )

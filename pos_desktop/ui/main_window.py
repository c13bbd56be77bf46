"""The till window: scan, edit the sale, take the payment.

The keyboard always stays in the scan field. A scan is handled synchronously on the GUI
thread (the register keeps the open sale in memory and a catalogue lookup takes well under
a millisecond) and nothing here ever spins the event loop inside an add, so Qt's event
queue keeps a scanner's keystrokes in order and a scan that arrives while another is
being added simply waits its turn.

Other features plug in without editing this file:

- ``add_action(text, handler, shortcut=..., menu=..., button=...)`` adds a menu entry, a
  key and optionally a touch button (the key works from the scan field);
- ``open_dialog(dialog, on_accept)`` opens a dialog window-modally and gives the keyboard
  back to the scan field when it closes;
- ``add_error_handler(PermissionDenied, handler)`` lets e.g. a supervisor-override dialog
  handle an error and retry the action;
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
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import N_, _, format_money
from pos_desktop.domain.errors import EmptySale, PosError
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.services.register import Register, read_entry
from pos_desktop.ui.deps import TillDeps
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.messages import MessageBanner
from pos_desktop.ui.receipt_preview import ReceiptPreview, render_escpos
from pos_desktop.ui.sale_commands import SaleCommands, key_name
from pos_desktop.ui.sale_view import SaleTable, SaleTableModel, TotalPanel
from pos_desktop.ui.status_bar import TillStatusBar

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
        self.setMinimumSize(1024, 700)
        self.resize(1280, 800)
        self.pending_quantity: str | None = None
        self.dialog: QDialog | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self._error_handlers: list[tuple[type[PosError], ErrorHandler]] = []
        self._cashier_shown: str | None = "\0"
        self.parts: list[Part] = []
        self.receipt_profile: str | None = None  # printer model the preview imitates
        self._build(deps.store_name)
        self.commands = SaleCommands(self, self)
        self.receipt_printed.connect(self._show_printed_receipt)
        self.refresh()

    @property
    def register(self) -> Register:
        return self.deps.register

    # -- layout --------------------------------------------------------------------------
    def _build(self, store_name: str) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(8)
        top = QHBoxLayout()
        left = QVBoxLayout()
        self.banner = MessageBanner(central)
        self.model = SaleTableModel(central)
        self.table = SaleTable(self.model, central)
        self.table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self.show_selected_line()
        )
        left.addWidget(self.banner)
        left.addWidget(self.table, 1)
        right = QVBoxLayout()
        self.total_panel = TotalPanel(central)
        self.total_panel.setFixedWidth(370)  # fixed: the lines must not jump as totals grow
        self.receipt_preview = ReceiptPreview(central)
        self.receipt_preview.setFixedWidth(370)
        self.receipt_preview.setMinimumHeight(150)
        # The preview takes what the total leaves, never the other way round.
        self.receipt_preview.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        policy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)  # wrapped texts need their height at this width
        self.total_panel.setSizePolicy(policy)
        self.receipt_preview.hide()
        right.addWidget(self.total_panel, 1)
        right.addWidget(self.receipt_preview, 0)
        self.side_panel = right
        top.addLayout(left, 1)
        top.addLayout(right)
        outer.addLayout(top, 1)
        outer.addLayout(self._build_scan_row(central))
        self.key_bar = QHBoxLayout()
        self.key_bar.setSpacing(6)
        outer.addLayout(self.key_bar)
        self.setCentralWidget(central)
        self.status = TillStatusBar(self)
        self.setStatusBar(self.status)
        identity = self.deps.identity
        self.status.set_store(store_name, identity.store_id)
        self.status.set_terminal(identity.terminal_id)
        self.update_cashier()
        for key, title in MENUS.items():
            self.menu(key, _(title))

    def _build_scan_row(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        caption = QLabel(_("Code"), parent)
        caption.setObjectName("scanCaption")
        self.quantity_badge = QLabel("", parent)
        self.quantity_badge.setObjectName("pendingQuantity")
        self.quantity_badge.hide()
        self.scan = KeyField(parent)
        self.scan.setObjectName("scanField")
        self.scan.setPlaceholderText(_("Scan or type a code · 3*code"))
        self.scan.submitted.connect(self.on_entry)
        self.scan.bind(Qt.Key.Key_Up, lambda: self.move_selection(-1))
        self.scan.bind(Qt.Key.Key_Down, lambda: self.move_selection(1))
        self.scan.bind(Qt.Key.Key_PageUp, lambda: self.move_selection(-5))
        self.scan.bind(Qt.Key.Key_PageDown, lambda: self.move_selection(5))
        self.scan.bind(Qt.Key.Key_Escape, self.clear_entry)
        self.setFocusProxy(self.scan)
        row.addWidget(caption)
        row.addWidget(self.quantity_badge)
        row.addWidget(self.scan, 1)
        return row

    def menu(self, key: str, title: str | None = None) -> QMenu:
        """The menu named ``key`` (``sale``, ``till``, ``tools``, ``help`` or a new one)."""
        if key not in self._menus:
            self._menus[key] = self.menuBar().addMenu(title or key)
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
        """
        action = QAction(text, self)
        action.setObjectName(name or text)
        action.triggered.connect(lambda _checked=False: self.run(handler))
        if shortcut is not None:
            sequence = QKeySequence(shortcut)
            action.setShortcut(sequence)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            combo = sequence[0]  # type: ignore[index]  # PySide6 stubs lack __getitem__
            key, mods = combo.key(), combo.keyboardModifiers()
            # The scan field claims the key first, so it works even if the window is not
            # the active one (and runs once, not twice).
            self.scan.bind(key, action.trigger, mods, only_when_empty=key == Qt.Key.Key_Delete)
        self.addAction(action)
        if menu is not None:
            self.menu(menu).addAction(action)
        if button:
            hint = key_name(sequence) if shortcut is not None else ""
            label = button_text or text.replace("&", "")
            b = QPushButton(f"{hint}\n{label}" if hint else label, self)
            b.setObjectName(object_name)
            no_focus(b)
            b.clicked.connect(action.trigger)
            self.key_bar.addWidget(b)
            action.setProperty("button", b)
        self.actions_by_name[name or text] = action
        return action

    def button(self, name: str) -> QPushButton | None:
        b = self.actions_by_name[name].property("button")
        return b if isinstance(b, QPushButton) else None

    def show_receipt(self, image: QImage | PilImage | None) -> None:
        """Show a receipt image under the total (the on-screen printer); None hides it."""
        if image is None:
            self.receipt_preview.clear()
            self.receipt_preview.hide()
            self.side_panel.setStretchFactor(self.total_panel, 1)
            return
        self.side_panel.setStretchFactor(self.total_panel, 0)  # the total keeps its room
        self.side_panel.setStretchFactor(self.receipt_preview, 1)
        self.receipt_preview.show()
        self.receipt_preview.show_image(image)

    def _show_printed_receipt(self, data: bytes) -> None:
        try:
            self.show_receipt(render_escpos(data, self.receipt_profile))
        except Exception as exc:  # a preview problem must never disturb selling
            log.exception("could not draw the printed receipt")
            self.status.set_printer_state(str(exc), "error")

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

    def open_dialog(self, dialog: QDialog, on_accept: Callable[[], object] | None = None) -> None:
        """Open ``dialog`` window-modally (``open()``, never ``exec()``)."""
        self.dialog = dialog

        def closed(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            self.activateWindow()  # not every window manager gives the keyboard back
            if result == QDialog.DialogCode.Accepted and on_accept is not None:
                self.run(on_accept)
            else:
                self.refresh()
                self.focus_scan()
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
            self.banner.error(_("Unexpected error: {error}").format(error=exc))
        self.refresh(select)
        self.focus_scan()

    def show_error(self, exc: PosError, retry: Callable[[], None] | None = None) -> None:
        for kind, handler in self._error_handlers:
            if isinstance(exc, kind) and handler(exc, retry or (lambda: None)):
                return
        self.banner.error(str(exc))

    def focus_scan(self) -> None:
        if not self.dialog_open():
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self, select_line: int | None = None) -> None:
        sale = self.register.sale
        totals = sale.totals()
        before = self.table.current_row()
        self.model.update(sale)
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

    # -- scanning ------------------------------------------------------------------------
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
        """A good scan or pick: the typed quantity is used up, old messages go."""
        self.set_pending_quantity(None)
        self.total_panel.clear_change()

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The side panel takes about 30 % of the width; fixed between resizes so that a
        # growing total never moves the lines.
        width = max(300, min(440, int(self.width() * 0.3)))
        self.total_panel.setFixedWidth(width)
        self.receipt_preview.setFixedWidth(width)
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

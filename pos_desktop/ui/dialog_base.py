"""The common shape of the till's dialogs: a title, a hint, a body and an inline error,
and for touch an on-screen keypad and OK/Cancel buttons (the keys stay shortcuts).

Every dialog is window-modal and opened with ``open()`` (never ``exec()``): a nested event
loop would swallow scanner keystrokes meant for the window, and tests could leave it
hanging. Esc closes a dialog without touching the sale. Errors are shown inside the
dialog, in red, and the cashier keeps typing; an error the window knows how to handle
(a supervisor's approval) goes to the window first (``escalate``), which retries the step
once it is handled. A barcode scanned into a field that takes no code (a PIN, an amount)
is refused with a message, never taken as the value.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.keypad import TOUCH_PX, Keypad, press
from pos_desktop.ui.theme import set_level

Escalate = Callable[[PosError, Callable[[], None]], bool]
"""``(error, retry) -> handled``: the window's error handlers (the supervisor's PIN)."""


class TillDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.layout_ = QVBoxLayout(self)
        # The dialog is never smaller than what its layout needs (an explicit minimum
        # width let the drawer count's table and keypad overlap); ``at_least`` sets a floor.
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self._floor = QSpacerItem(520, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.layout_.addItem(self._floor)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        self.layout_.setSpacing(10)
        self.title = QLabel(title, self)
        self.title.setObjectName("dialogTitle")
        self.title.setWordWrap(True)
        self.layout_.addWidget(self.title)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("dialogHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.layout_.addWidget(self.hint)
        self.body = QVBoxLayout()
        self.layout_.addLayout(self.body)
        # The error's place is kept (two lines) so that a message never squeezes the field
        # or moves the buttons under the cashier's finger.
        self.error = QLabel("", self)
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.ensurePolished()
        self.error.setMinimumHeight(self.error.fontMetrics().lineSpacing() * 2 + 14)
        self.layout_.addWidget(self.error)
        self.escalate: Escalate | None = None
        self.keypad: Keypad | None = None
        self.ok_button: QPushButton | None = None
        self.cancel_button: QPushButton | None = None
        self._guarded_fields: set[int] = set()

    def at_least(self, width: int, height: int = 0) -> None:
        """The smallest size this dialog may take (its layout may need more)."""
        self._floor.changeSize(width, height, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.layout_.invalidate()

    # -- touch -------------------------------------------------------------------------------
    def input_field(self) -> QWidget | None:
        """The field the keypad and OK act on: the one with the focus, else the proxy."""
        focused = self.focusWidget()
        if isinstance(focused, KeyField) and focused.isVisible():
            return focused
        proxy = self.focusProxy()
        while proxy is not None and proxy.focusProxy() is not None:
            proxy = proxy.focusProxy()
        return proxy

    def add_keypad(self, *, extra: str | None = None, into: QHBoxLayout | None = None) -> Keypad:
        """An on-screen keypad typing into ``input_field()`` (beside ``into``'s content)."""
        self.keypad = Keypad(self.input_field, self, extra=extra)
        if into is not None:
            into.addWidget(self.keypad)
        else:
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.keypad)
            self.body.addLayout(row)
        return self.keypad

    def add_ok_cancel(
        self, ok_text: str | None = None, *, cancel: bool = True, ok: bool = True
    ) -> None:
        """OK (Enter in the current field) and Cancel (Esc) for a finger."""
        row = QHBoxLayout()
        row.addStretch(1)
        if cancel:
            self.cancel_button = self._button(_("Cancel (Esc)"), "keyButton", self.reject)
            row.addWidget(self.cancel_button)
        if ok:
            self.ok_button = self._button(ok_text or _("OK (Enter)"), "payButton", self._ok)
            row.addWidget(self.ok_button)
        self.layout_.addLayout(row)

    def _button(self, text: str, style: str, clicked: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(style)
        button.setAutoDefault(False)
        button.setMinimumHeight(TOUCH_PX)
        no_focus(button)
        button.clicked.connect(lambda _c=False: clicked())
        return button

    def _ok(self) -> None:
        field = self.input_field()
        if field is None:
            self.accept()
        else:
            press(field, Qt.Key.Key_Return, "\r")

    # -- scans where no code belongs ----------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        for field in self.findChildren(KeyField):
            if not field.takes_codes and id(field) not in self._guarded_fields:
                self._guarded_fields.add(id(field))
                field.scan_refused.connect(self._scan_refused)
        super().showEvent(event)

    def _scan_refused(self, code: str) -> None:
        self.show_error(
            _("That was a barcode scan ({code}): this field takes no code. Type the value, "
              "or close this window to sell the product.").format(code=code)
        )

    # -- errors ------------------------------------------------------------------------------
    def handled(self, exc: PosError, retry: Callable[[], None]) -> bool:
        """True if the window took care of ``exc`` (it calls ``retry`` when done)."""
        return self.escalate is not None and self.escalate(exc, retry)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        set_level(self.error, "error")

    def clear_error(self) -> None:
        if self.error.text():
            self.error.setText("")
            set_level(self.error, "")


class EntryDialog(TillDialog):
    """One field; Enter applies it. ``apply`` raises a PosError to say what is wrong."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        hint: str,
        apply: Callable[[str], object],
        *,
        placeholder: str = "",
        text: str = "",
        keypad_extra: str | None = None,
    ) -> None:
        super().__init__(parent, title, hint)
        self.apply = apply
        self.field = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.field.setObjectName("entryField")
        self.field.setPlaceholderText(placeholder)
        self.field.setText(text)
        self.field.selectAll()
        self.body.addWidget(self.field)
        self.field.submitted.connect(self._submit)
        self.field.textEdited.connect(lambda _t: self.clear_error())
        self.setFocusProxy(self.field)
        self.add_keypad(extra=keypad_extra)
        self.add_ok_cancel()

    def _submit(self, text: str) -> None:
        try:
            self.apply(text)
        except PosError as exc:
            if self.handled(exc, lambda: self._submit(text)):
                return  # e.g. a supervisor's PIN is asked; the same value is applied then
            self.show_error(explain(exc))
            self.field.selectAll()
            return
        self.accept()


def reason_buttons(parent: QWidget, field: KeyField, reasons: list[str]) -> QHBoxLayout:
    """The usual reasons as buttons: a tap writes one in ``field`` (no keyboard needed)."""
    row = QHBoxLayout()
    for reason in reasons:
        button = QPushButton(reason, parent)
        button.setObjectName("reasonButton")
        button.setMinimumHeight(TOUCH_PX)
        button.setAutoDefault(False)
        no_focus(button)
        button.clicked.connect(lambda _c=False, r=reason: _write(field, r))
        row.addWidget(button)
    row.addStretch(1)
    return row


def _write(field: KeyField, text: str) -> None:
    field.setText(text)
    field.setFocus()


def keyboard_table(
    parent: QWidget, rows: int, headers: list[str], *, stretch: int = 0
) -> QTableWidget:
    """A read-only table of whole rows that never takes the keyboard: the dialog's entry
    field moves its selection (Up/Down) and keeps the focus. Column ``stretch`` (the text)
    takes the spare width; the others fit their contents, so no amount is cut short."""
    table = QTableWidget(rows, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    head = table.horizontalHeader()
    for column in range(len(headers)):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretch
            else (QHeaderView.ResizeMode.ResizeToContents)
        )
        head.setSectionResizeMode(column, mode)
    return table

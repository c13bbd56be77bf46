"""The common shape of the till's dialogs: a title, a hint, a body and an inline error.

Every dialog is window-modal and opened with ``open()`` (never ``exec()``): a nested event
loop would swallow scanner keystrokes meant for the window, and tests could leave it
hanging. Esc closes a dialog without touching the sale. Errors are shown inside the
dialog, in red, and the cashier keeps typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.errors import PosError
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.theme import set_level


class TillDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        self.layout_ = QVBoxLayout(self)
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
    ) -> None:
        super().__init__(parent, title, hint)
        self.apply = apply
        self.field = KeyField(self, clear_on_submit=False)
        self.field.setObjectName("entryField")
        self.field.setPlaceholderText(placeholder)
        self.field.setText(text)
        self.field.selectAll()
        self.body.addWidget(self.field)
        self.field.submitted.connect(self._submit)
        self.field.textEdited.connect(lambda _t: self.clear_error())
        self.setFocusProxy(self.field)

    def _submit(self, text: str) -> None:
        try:
            self.apply(text)
        except PosError as exc:
            self.show_error(str(exc))
            self.field.selectAll()
            return
        self.accept()


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

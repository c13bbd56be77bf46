"""A yes/no question: Enter says yes, Esc says no (used to cancel a sale)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from pos_common.i18n import _
from pos_desktop.ui.dialog_base import TillDialog


class ConfirmDialog(TillDialog):
    def __init__(self, parent: QWidget | None, title: str, question: str) -> None:
        super().__init__(parent, title, question)
        row = QHBoxLayout()
        self.no = QPushButton(_("No (Esc)"), self)
        self.yes = QPushButton(_("Yes (Enter)"), self)
        self.yes.setObjectName("dangerButton")
        self.yes.setDefault(True)
        self.no.setObjectName("keyButton")
        row.addStretch(1)
        row.addWidget(self.no)
        row.addWidget(self.yes)
        self.body.addLayout(row)
        self.no.clicked.connect(self.reject)
        self.yes.clicked.connect(self.accept)
        self.setFocusProxy(self.yes)

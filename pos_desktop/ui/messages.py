"""A message banner inside the window: never modal, so scanning never stops.

Errors are red and stay a little longer; everything hides by itself. The banner keeps its
space when empty so the lines below do not jump while a scanner is firing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QWidget

from pos_desktop.ui.theme import set_level

SHOW_MS = {"error": 7000, "warning": 6000, "ok": 5000, "info": 4000}


class MessageBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.fontMetrics().height() * 2 + 16)
        self.level = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def show_message(self, text: str, level: str = "info", timeout_ms: int | None = None) -> None:
        self.level = level
        self.setText(text)
        set_level(self, level)
        if level == "error":
            QApplication.beep()
        self._timer.start(SHOW_MS.get(level, 4000) if timeout_ms is None else timeout_ms)

    def error(self, text: str) -> None:
        self.show_message(text, "error")

    def info(self, text: str) -> None:
        self.show_message(text, "info")

    def ok(self, text: str) -> None:
        self.show_message(text, "ok")

    def clear_message(self) -> None:
        self._timer.stop()
        self.level = ""
        self.setText("")
        set_level(self, "")

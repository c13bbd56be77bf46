"""An on-screen numeric keypad: quantities, amounts, PINs and counts by touch.

Its keys never take the keyboard focus: each tap is delivered as a key press to the field
that has it (``target()``), so the field behaves exactly as if the key had been typed:
Enter submits, ← deletes, the field's own checks apply. A touch-only till (no keyboard at
all) sells, pays, logs in and counts the drawer with it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QPushButton, QSizePolicy, QWidget

from pos_common.i18n import _
from pos_desktop.ui.key_field import no_focus

TOUCH_PX = 44  # the smallest target a finger hits reliably (WCAG 2.5.5, Apple HIG)
KEY_PX = 56  # a keypad key: a finger's width and a little room
KEYPAD_WIDTH = KEY_PX * 4 + 6 * 3
Target = Callable[[], QWidget | None]

_KEYS = {",": Qt.Key.Key_Comma, "*": Qt.Key.Key_Asterisk, "%": Qt.Key.Key_Percent}
_LAYOUT: tuple[tuple[str, ...], ...] = (
    ("7", "8", "9"),
    ("4", "5", "6"),
    ("1", "2", "3"),
    (",", "0", "00"),
)


def fit_text(button: QPushButton, spare: int = 16) -> None:
    """Never narrower than its text (a sheet's ``min-width`` would cut "Transferencia")."""
    button.ensurePolished()
    metrics = button.fontMetrics()
    button.setMinimumWidth(
        max(metrics.horizontalAdvance(line) for line in button.text().split("\n")) + spare)


def press(widget: QWidget, key: Qt.Key, text: str = "") -> None:
    """A key press and release, as the keyboard would deliver them to ``widget``."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                 text))


class Keypad(QWidget):
    """Digits, the decimal comma, ``00``, delete, and Enter (the field's own Enter)."""

    def __init__(
        self, target: Target, parent: QWidget | None = None, *, extra: str | None = None,
        enter_text: str | None = None,
    ) -> None:
        """``extra``: ``*`` (a quantity for the next item, shown ×) or ``%`` (a discount)
        instead of the key that clears the field."""
        super().__init__(parent)
        self.setObjectName("keypad")
        self.target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self.setMinimumWidth(KEYPAD_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.keys: dict[str, QPushButton] = {}
        for row, labels in enumerate(_LAYOUT):
            for col, label in enumerate(labels):
                self._key(grid, row, col, label, label)
        self._key(grid, 0, 3, "⌫", "\b", name="back")
        if extra == "*":  # "3*" then a product: the quantity for the next item
            self._key(grid, 1, 3, "×", "*", name="times")
        elif extra:
            self._key(grid, 1, 3, extra, extra, name=extra)
        else:
            self._key(grid, 1, 3, "C", "\x15", name="clear")  # C clears, as on a calculator
        enter = self._key(grid, 2, 3, enter_text or _("OK"), "\r", name="enter", span=2)
        enter.setObjectName("keypadEnter")

    def _key(
        self, grid: QGridLayout, row: int, col: int, label: str, text: str, *,
        name: str | None = None, span: int = 1,
    ) -> QPushButton:
        button = QPushButton(label, self)
        button.setObjectName("keypadKey")
        button.setMinimumSize(KEY_PX, TOUCH_PX)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setAutoDefault(False)
        no_focus(button)
        button.clicked.connect(lambda _c=False, t=text: self.tap(t))
        grid.addWidget(button, row, col, span, 1)
        self.keys[name or label] = button
        return button

    def tap(self, text: str) -> None:
        widget = self.target()
        if widget is None:
            return
        if text == "\r":
            press(widget, Qt.Key.Key_Return, "\r")
        elif text == "\b":
            press(widget, Qt.Key.Key_Backspace, "\b")
        elif text == "\x15":  # clear the whole field
            select_all = getattr(widget, "selectAll", None)
            if callable(select_all):
                select_all()
            press(widget, Qt.Key.Key_Backspace, "\b")
        else:
            for ch in text:
                press(widget, _KEYS.get(ch) or Qt.Key(ord(ch)), ch)

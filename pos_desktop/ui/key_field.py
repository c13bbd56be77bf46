"""A text field that owns the keyboard: Enter submits, and named keys run commands.

The till keeps focus in one field (the scan field, or a dialog's amount field) so that a
barcode scanner, which is just a fast keyboard, always types into the right place. Keys
that mean a command (F-keys, Del, Up/Down) are dispatched here, before the field's own
editing, so they work the same whether or not the window is the active one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

KeyCombo = tuple[int, Qt.KeyboardModifier]
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier

# A barcode scanner types a whole code and Enter in a few milliseconds; a person needs
# about a tenth of a second per key. Eight characters (an EAN-8, the shortest code) each
# within BURST_GAP of the last, and Enter as fast, are a scan.
BURST_GAP_S = 0.05
BURST_MIN_CHARS = 8


def combo(key: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> KeyCombo:
    return (int(key), modifiers & ~_IGNORED_MODIFIERS)


class KeyField(QLineEdit):
    """``submitted(text)`` on Enter (the field is cleared first); ``keymap`` for commands.

    A field that does not take codes (``takes_codes=False``: a PIN, an amount, a count)
    never submits what a barcode scanner typed into it: it clears itself and emits
    ``scan_refused(code)`` instead, so a scan at the lock screen is not a wrong PIN and a
    scan into the discount is not a discount.
    """

    submitted = Signal(str)
    scan_refused = Signal(str)
    clock: Callable[[], float] = staticmethod(time.monotonic)  # tests give a fake clock

    def __init__(
        self, parent: QWidget | None = None, *, clear_on_submit: bool = True,
        takes_codes: bool = True,
    ) -> None:
        super().__init__(parent)
        self.clear_on_submit = clear_on_submit
        self.takes_codes = takes_codes
        self.keymap: dict[KeyCombo, Callable[[], object]] = {}
        # Del edits text normally, but on an empty field it is a command (void the line).
        self.empty_keymap: dict[KeyCombo, Callable[[], object]] = {}
        self._burst = 0  # characters typed in a row, each within BURST_GAP_S of the last
        self._last_key = -1.0

    def bind(
        self,
        key: int,
        action: Callable[[], object],
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        *,
        only_when_empty: bool = False,
    ) -> None:
        target = self.empty_keymap if only_when_empty else self.keymap
        target[combo(key, modifiers)] = action

    def _command_for(self, event: QKeyEvent) -> Callable[[], object] | None:
        key = combo(event.key(), event.modifiers())
        if key in self.keymap:
            return self.keymap[key]
        if not self.text() and key in self.empty_keymap:
            return self.empty_keymap[key]
        return None

    def event(self, event: QEvent) -> bool:
        # Claim our command keys before any window shortcut sees them, so one key press
        # runs one command exactly once.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (self._command_for(event) is not None or event.key() in _ENTER)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        now = self.clock()
        fast = now - self._last_key <= BURST_GAP_S
        self._last_key = now
        if event.key() in _ENTER and not (event.modifiers() & ~_IGNORED_MODIFIERS):
            event.accept()
            scanned = fast and self._burst >= BURST_MIN_CHARS
            self._burst = 0
            text = self.text()
            if scanned and not self.takes_codes:
                self.clear()
                self.scan_refused.emit(text.strip())
                return
            if self.clear_on_submit:
                self.clear()
            self.submitted.emit(text)
            return
        command = self._command_for(event)
        if command is not None:
            event.accept()
            command()
            return
        if event.text() and event.text().isprintable():
            self._burst = self._burst + 1 if fast else 1
        super().keyPressEvent(event)

    def looks_scanned(self) -> bool:
        """True while the characters typed so far came as fast as a scanner types."""
        return self._burst >= BURST_MIN_CHARS and self.clock() - self._last_key <= BURST_GAP_S


def no_focus(*widgets: QWidget) -> None:
    """Buttons and tables never take the keyboard away from the field (touch-friendly)."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

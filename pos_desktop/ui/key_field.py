"""A text field that owns the keyboard: Enter submits, and named keys run commands.

The till keeps focus in one field (the scan field, or a dialog's amount field) so that a
barcode scanner, which is just a fast keyboard, always types into the right place. Keys
that mean a command (F-keys, Del, Up/Down) are dispatched here, before the field's own
editing, so they work the same whether or not the window is the active one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

KeyCombo = tuple[int, Qt.KeyboardModifier]
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier


def combo(key: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> KeyCombo:
    return (int(key), modifiers & ~_IGNORED_MODIFIERS)


class KeyField(QLineEdit):
    """``submitted(text)`` on Enter (the field is cleared first); ``keymap`` for commands."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, clear_on_submit: bool = True) -> None:
        super().__init__(parent)
        self.clear_on_submit = clear_on_submit
        self.keymap: dict[KeyCombo, Callable[[], object]] = {}
        # Del edits text normally, but on an empty field it is a command (void the line).
        self.empty_keymap: dict[KeyCombo, Callable[[], object]] = {}

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
        if event.key() in _ENTER and not (event.modifiers() & ~_IGNORED_MODIFIERS):
            text = self.text()
            if self.clear_on_submit:
                self.clear()
            event.accept()
            self.submitted.emit(text)
            return
        command = self._command_for(event)
        if command is not None:
            event.accept()
            command()
            return
        super().keyPressEvent(event)


def no_focus(*widgets: QWidget) -> None:
    """Buttons and tables never take the keyboard away from the field (touch-friendly)."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

"""A dialog whose action may need a supervisor: it asks for the PIN on the spot, then
runs the action again (the approval is good for that action, once)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from pos_common.i18n import explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.permissions import ApprovalRequired
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.override_dialog import ask_approval


class GuardedDialog(TillDialog):
    """A dialog whose action may need a supervisor: it asks on the spot, then retries."""

    def __init__(
        self, parent: QWidget | None, title: str, hint: str, guard: TillGuard, people: People
    ) -> None:
        super().__init__(parent, title, hint)
        self.guard = guard
        self.people = people

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run ``action``; errors stay inline; an override is asked and the action retried."""
        self.clear_error()
        try:
            action()
        except ApprovalRequired as needed:
            def retry() -> None:  # the same action, once more
                self.attempt(action)

            if not self.handled(needed, retry):  # the window's approval, on top of this
                ask_approval(self, self.guard, self.people, needed, retry)
            return False
        except PosError as exc:
            self.show_error(explain(exc))
            return False
        self.done_ok()
        return True

    def done_ok(self) -> None:
        self.accept()

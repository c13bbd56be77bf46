"""Logging in, switching user and unlocking, by PIN; and the idle auto-lock.

``LoginDialog``: choose your name (↑/↓), type your PIN, Enter. Opened at start when
nobody is logged in, for a user switch, and to unlock (then it starts on the locked user's
name; another user's PIN logs that user in instead). While the till must not be used
(nobody logged in, or locked) Esc does not close it.

``IdleLock`` watches keys and clicks anywhere in the application and locks the session
after the manager's idle time (``security.idle_lock_minutes``), emitting ``locked``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.services.people import Session
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.override_dialog import chosen, person_and_pin


class LoginDialog(TillDialog):
    def __init__(self, parent: QWidget | None, session: Session, *, required: bool = True) -> None:
        locked = session.locked and session.user is not None
        title = _("Till locked") if locked else _("Log in")
        super().__init__(parent, title, _("Choose your name (↑/↓) and type your PIN."))
        self.session = session
        self.required = required
        current = session.user.user_id if session.user else None
        self.who, self.pin = person_and_pin(self, session.people.users(), self._submit, current)
        self.add_ok_cancel(_("Log in (Enter)"), cancel=not required)

    def _submit(self, pin: str) -> None:
        user_id = chosen(self.who)
        if user_id is None:
            return
        user = self.session.user
        try:
            if self.session.locked and user is not None and user.user_id == user_id:
                self.session.unlock(pin)
            else:
                self.session.login(user_id, pin)
        except PosError as exc:
            self.show_error(explain(exc))
            self.pin.clear()
            return
        self.accept()

    def reject(self) -> None:
        if self.required and (self.session.user is None or self.session.locked):
            return  # the till stays closed until someone logs in
        super().reject()


class IdleLock(QObject):
    """Locks the session after the idle time; ``locked`` tells the window to ask a PIN."""

    locked = Signal()

    def __init__(
        self, session: Session, parent: QObject | None = None, *, interval_ms: int = 5_000
    ) -> None:
        super().__init__(parent)
        self.session = session
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.session.touch()
        return False

    def tick(self) -> None:
        was_locked = self.session.locked
        if self.session.check_idle() and not was_locked:
            self.locked.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

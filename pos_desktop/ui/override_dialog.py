"""The supervisor's PIN on the spot: the cashier keeps going once someone with the right
role approves.

The guard refused with ``ApprovalRequired``; this dialog lists who may approve (↑/↓ to
choose), takes their PIN (Enter), calls ``guard.approve`` and closes; whoever opened it
then runs the same action again, which consumes the one-time approval. Esc gives up and
leaves the sale as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from pos_common.i18n import _, current_language, explain, format_money
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.people import User
from pos_desktop.domain.permissions import ApprovalRequired
from pos_desktop.services.guard import Approval, TillGuard
from pos_desktop.services.people import People
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.key_field import KeyField

if TYPE_CHECKING:
    from pos_desktop.ui.main_window import MainWindow


class PinField(KeyField):
    """A PIN: hidden digits, Up/Down move the choice of person in ``people``."""

    def __init__(self, parent: QWidget, people: QListWidget) -> None:
        # A PIN is never a code: a scan here is refused, not counted as a wrong PIN.
        super().__init__(parent, clear_on_submit=False, takes_codes=False)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMaxLength(8)
        self.setObjectName("pinField")
        self.bind(Qt.Key.Key_Up, lambda: people.setCurrentRow(max(0, people.currentRow() - 1)))
        self.bind(
            Qt.Key.Key_Down,
            lambda: people.setCurrentRow(min(people.count() - 1, people.currentRow() + 1)),
        )


def people_list(
    parent: QWidget, entries: list[tuple[str, str]], current: str | None = None
) -> QListWidget:
    """``(user_id, label)`` rows; the keyboard stays in the PIN field."""
    widget = QListWidget(parent)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for user_id, label in entries:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, user_id)
        widget.addItem(item)
    ids = [user_id for user_id, _label in entries]
    widget.setCurrentRow(ids.index(current) if current in ids else 0)
    widget.setMaximumHeight(48 * max(3, min(len(entries), 5)))
    widget.setObjectName("peopleList")
    return widget


def approval_details(details: Mapping[str, Any]) -> str:
    """What exactly is approved, in the shop's words (the approval is bound to it)."""
    parts: list[str] = []
    if details.get("ticket"):
        parts.append(_("ticket {ticket}").format(ticket=details["ticket"]))
    if details.get("line_no"):
        parts.append(_("line {line}").format(line=details["line_no"]))
    elif "line_no" in details:
        parts.append(_("whole sale"))
    if "percent_bp" in details:
        percent = f"{int(details['percent_bp']) / 100:g}"
        if current_language().startswith("es"):
            percent = percent.replace(".", ",")
        parts.append(f"{percent} %")
    for key in ("amount", "total", "new_price"):
        if isinstance(details.get(key), int):
            parts.append(format_money(details[key]))
    if details.get("reason"):
        parts.append(f"«{details['reason']}»")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def person_and_pin(
    dialog: TillDialog,
    users: Sequence[User],
    on_pin: Callable[[str], None],
    current: str | None = None,
) -> tuple[QListWidget, PinField]:
    """The login's and the approval's body: who (↑/↓), then their PIN and Enter."""
    who = people_list(dialog, [(u.user_id, f"{u.name} · {u.role.label}") for u in users], current)
    dialog.body.addWidget(who)
    pin = PinField(dialog, who)
    pin.setPlaceholderText(_("PIN, then Enter"))
    dialog.body.addWidget(pin)
    pin.submitted.connect(on_pin)
    pin.textEdited.connect(lambda _t: dialog.clear_error())
    dialog.setFocusProxy(pin)
    dialog.add_keypad()
    return who, pin


def chosen(who: QListWidget) -> str | None:
    """The user_id of the person chosen in a ``people_list``."""
    item = who.currentItem()
    return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))


class OverrideDialog(TillDialog):
    def __init__(
        self, parent: QWidget | None, guard: TillGuard, people: People, needed: ApprovalRequired
    ) -> None:
        what = approval_details(needed.details)
        hint = f"{explain(needed)}\n{what}" if what else explain(needed)
        super().__init__(parent, _("Supervisor approval"), hint)
        self.guard = guard
        self.needed = needed
        self.approval: Approval | None = None
        approvers = [u for u in people.users() if u.role.at_least(needed.required)]
        self.who, self.pin = person_and_pin(self, approvers, self._submit)
        self.add_ok_cancel(_("Approve (Enter)"))
        if not approvers:
            self.show_error(
                _("Nobody at this till can approve this: a manager must add a supervisor.")
            )

    def selected_user(self) -> str | None:
        return chosen(self.who)

    def _submit(self, pin: str) -> None:
        user_id = self.selected_user()
        if user_id is None:
            return
        try:
            self.approval = self.guard.approve(
                self.needed.action, user_id, pin, self.needed.details
            )
        except PosError as exc:
            self.show_error(explain(exc))
            self.pin.clear()
            return
        self.accept()


def ask_approval(
    parent: QWidget,
    guard: TillGuard,
    people: People,
    needed: ApprovalRequired,
    then: Callable[[], object],
) -> OverrideDialog:
    """Open the override dialog (window-modal, ``open()``); run ``then`` once approved."""
    dialog = OverrideDialog(parent, guard, people, needed)
    dialog.accepted.connect(then)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


def install_override(window: MainWindow) -> None:
    """Plug the override into the till window: any action the guard refuses asks for a
    supervisor's PIN and, once given, runs again (``MainWindow.add_error_handler``)."""
    deps = window.deps

    def handle(exc: PosError, retry: Callable[[], None]) -> bool:
        if not isinstance(exc, ApprovalRequired):
            return False
        dialog = OverrideDialog(window.top(), deps.guard, deps.people, exc)
        window.open_dialog(dialog, on_accept=retry)
        return True

    window.add_error_handler(ApprovalRequired, handle)

"""The shop's people: add a cashier, supervisor or manager, and give someone a new PIN
(one who forgot it, or was locked out: a new PIN unlocks). ``services.people.StaffAdmin``
checks the manager's right and audits each change, as ``pos-desktop users`` does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from pos_common.i18n import N_, _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.permissions import Role
from pos_desktop.services.people import People, StaffAdmin
from pos_desktop.ui.catalog_dialogs import form_button
from pos_desktop.ui.dialog_base import TillDialog, keyboard_table
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.theme import set_level


class PinsDiffer(PosError):
    message = N_("The two PINs differ: type the same PIN twice.")


def pin_field(parent: QWidget, name: str) -> KeyField:
    field = KeyField(parent, clear_on_submit=False, takes_codes=False)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    field.setObjectName(name)
    return field


class StaffDialog(TillDialog):
    def __init__(self, parent: QWidget | None, staff: StaffAdmin, people: People) -> None:
        super().__init__(parent, _("Cashiers and supervisors"), _(
            "Add the people who use this till, or give someone a new PIN (4 to 8 digits; "
            "a new PIN also unlocks a locked account)."))
        self.staff, self.people = staff, people
        self.table = keyboard_table(self, 0, [_("Name"), _("User"), _("Role")], stretch=0)
        self.table.setMinimumHeight(150)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.body.addWidget(self.table)
        self.body.addWidget(self._add_box())
        self.body.addWidget(self._pin_box())
        self.add_ok_cancel(_("Close"), cancel=False)
        if self.ok_button is not None:
            self.ok_button.clicked.disconnect()
            self.ok_button.clicked.connect(self.accept)
        self.setFocusProxy(self.name)
        self.refresh()
        self.at_least(720)

    def _add_box(self) -> QGroupBox:
        box = QGroupBox(_("New person"), self)
        grid = QGridLayout(box)
        grid.setContentsMargins(10, 10, 10, 14)  # the Add button's edge stays inside
        self.name = KeyField(box, clear_on_submit=False)
        self.name.setObjectName("staffName")
        self.name.setPlaceholderText(_("name"))
        grid.addWidget(self.name, 0, 0, 1, 2)
        self.role = QComboBox(box)
        self.role.setObjectName("staffRole")
        for role in Role:
            self.role.addItem(role.label, role)
        grid.addWidget(self.role, 0, 2)
        self.new_pin, self.new_pin_again = pin_field(box, "staffPin"), pin_field(box, "staffPin2")
        self.new_pin.setPlaceholderText(_("PIN"))
        self.new_pin_again.setPlaceholderText(_("PIN again"))
        grid.addWidget(self.new_pin, 1, 0)
        grid.addWidget(self.new_pin_again, 1, 1)
        self.add_button = form_button(box, _("Add"), "payButton")
        self.add_button.clicked.connect(self.add_person)
        grid.addWidget(self.add_button, 1, 2)
        return box

    def _pin_box(self) -> QGroupBox:
        box = QGroupBox(_("New PIN for the person chosen above"), self)
        row = QHBoxLayout(box)
        self.reset_pin, self.reset_pin_again = pin_field(box, "resetPin"), pin_field(
            box, "resetPin2")
        self.reset_pin.setPlaceholderText(_("new PIN"))
        self.reset_pin_again.setPlaceholderText(_("again"))
        self.reset_button = form_button(box, _("Change PIN"), "keyButton")
        self.reset_button.clicked.connect(self.change_pin)
        for widget in (self.reset_pin, self.reset_pin_again, self.reset_button):
            row.addWidget(widget)
        return box

    def refresh(self) -> None:
        users = self.people.users()
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            for column, text in enumerate((user.name, user.user_id, user.role.label)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, user.user_id)
                self.table.setItem(row, column, item)

    def chosen(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 1) if row >= 0 else None
        return None if item is None else item.text()

    def add_person(self) -> None:
        try:
            pin = same_pin(self.new_pin, self.new_pin_again)
            user = self.staff.add_user(self.name.text(), Role(self.role.currentData()), pin)
        except PosError as exc:
            if not self.handled(exc, self.add_person):
                self.show_error(explain(exc))
            return
        for field in (self.name, self.new_pin, self.new_pin_again):
            field.clear()
        self.refresh()
        self.say(_("{name} added ({role}): user {user_id}.").format(
            name=user.name, role=user.role.label, user_id=user.user_id))

    def change_pin(self) -> None:
        user_id = self.chosen()
        if user_id is None:
            self.show_error(_("Choose the person in the list first."))
            return
        try:
            self.staff.change_pin(user_id, same_pin(self.reset_pin, self.reset_pin_again))
        except PosError as exc:
            if not self.handled(exc, self.change_pin):
                self.show_error(explain(exc))
            return
        self.reset_pin.clear()
        self.reset_pin_again.clear()
        self.say(_("New PIN saved for {user_id}.").format(user_id=user_id))

    def say(self, text: str) -> None:
        """A confirmation where the errors show, in the OK colour."""
        self.error.setText(text)
        set_level(self.error, "ok")


def same_pin(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        raise PinsDiffer()
    return first.text()

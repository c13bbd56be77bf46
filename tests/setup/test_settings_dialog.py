"""The settings dialog: round trip, errors at their field, secrets to the keyring, managers only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.people import User
from pos_desktop.domain.permissions import ApprovalRequired, Role
from pos_desktop.settings_schema import (
    HEAD_OFFICE,
    PRINTER,
    STORE,
    TILL,
    load_settings,
)
from pos_desktop.store.tables import settings as settings_table
from pos_desktop.ui.settings_dialog import SettingsDialog, needs_restart, settings_extension


@pytest.fixture(autouse=True)
def spanish() -> Iterator[None]:
    set_language("es_AR")
    yield
    set_language("en")


def as_manager(till: Till) -> None:
    """Settings are saved by a manager: the service checks it (the dialog does not)."""
    till.session.start_without_pin(User("u-gerente", "Gerente", Role.MANAGER))


def open_dialog(qtbot: QtBot, till: Till) -> SettingsDialog:
    as_manager(till)
    dialog = SettingsDialog(till.config)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_round_trip(qtbot: QtBot, till: Till, memory_keyring: Any) -> None:
    dialog = open_dialog(qtbot, till)
    store = dialog.forms[STORE].editors
    store["store.name"].widget.setText("Kiosco La Esquina")  # type: ignore[attr-defined]
    store["store.footer"].set_value(["Gracias", "Vuelva pronto"])
    dialog.forms[TILL].editors["ui.fullscreen"].set_value(True)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.click()
    assert not dialog.isVisible()
    assert saved.args[0] == {"store.name": "Kiosco La Esquina",
                             "store.footer": ["Gracias", "Vuelva pronto"],
                             "ui.fullscreen": True}
    with till.uow() as uow:
        values = load_settings(uow.settings)
    assert values["store.name"] == "Kiosco La Esquina"
    assert values["store.footer"] == ["Gracias", "Vuelva pronto"]
    assert values["ui.fullscreen"] is True
    # Reopened, it shows what was saved.
    again = open_dialog(qtbot, till)
    assert again.forms[STORE].editors["store.name"].value() == "Kiosco La Esquina"
    assert again.forms[TILL].editors["ui.fullscreen"].value() is True


def test_a_bad_value_keeps_the_dialog_open_at_its_field(
    qtbot: QtBot, till: Till, memory_keyring: Any
) -> None:
    dialog = open_dialog(qtbot, till)
    dialog.tabs.setCurrentIndex(3)
    cuit = dialog.forms[STORE].editors["store.cuit"].widget
    assert isinstance(cuit, QLineEdit)
    cuit.setText("30-71234567-9")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 0
    assert dialog.error.isVisible()
    assert "verificador" in dialog.error.text()
    assert dialog.forms[STORE].rows["store.cuit"][2].isVisible()
    with till.uow() as uow:
        assert load_settings(uow.settings)["store.cuit"] == ""


def test_a_network_printer_needs_its_address(
    qtbot: QtBot, till: Till, memory_keyring: Any
) -> None:
    dialog = open_dialog(qtbot, till)
    dialog.forms[PRINTER].editors["printer.connection"].set_value("network")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 2
    assert "IP" in dialog.error.text()


def test_secrets_go_to_the_keyring_and_are_never_shown(
    qtbot: QtBot, till: Till, memory_keyring: Any
) -> None:
    dialog = open_dialog(qtbot, till)
    office = dialog.forms[HEAD_OFFICE].editors
    office["sync.enabled"].set_value(True)
    office["sync.amqp_url"].widget.setText("amqps://tienda@broker.example.com/")  # type: ignore[attr-defined]
    office["sync.amqp_password"].widget.setText("s3cret")  # type: ignore[attr-defined]
    dialog.save_button.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert memory_keyring.store[("super-pos", "sync.amqp_password")] == "s3cret"
    with till.uow() as uow:
        rows = dict(uow.conn.execute(settings_table.select()).all())
    assert "sync.amqp_password" not in rows
    assert not any("s3cret" in v for v in rows.values())
    again = open_dialog(qtbot, till)
    field = again.forms[HEAD_OFFICE].editors["sync.amqp_password"].widget
    assert isinstance(field, QLineEdit)
    assert field.text() == ""
    assert field.echoMode() == QLineEdit.EchoMode.Password
    assert field.placeholderText()  # "(guardada; escriba para reemplazarla)"
    # Saving without typing keeps the stored secret.
    again.forms[STORE].editors["store.name"].widget.setText("Otro")  # type: ignore[attr-defined]
    again.save_button.click()
    assert memory_keyring.store[("super-pos", "sync.amqp_password")] == "s3cret"


def test_cancel_changes_nothing(qtbot: QtBot, till: Till) -> None:
    dialog = open_dialog(qtbot, till)
    dialog.forms[STORE].editors["store.name"].widget.setText("Nada")  # type: ignore[attr-defined]
    dialog.cancel_button.click()
    with till.uow() as uow:
        assert load_settings(uow.settings)["store.name"] == ""


def test_restart_is_announced_for_identity_and_connections() -> None:
    assert needs_restart({"terminal.number": 2})
    assert not needs_restart({"printer.host": "x"})  # applied at once (apply_saved)
    assert not needs_restart({"store.footer": ["x"], "ui.fullscreen": True})


def test_only_a_manager_opens_settings_from_the_till_window(
    qtbot: QtBot, tmp_path: Path, memory_keyring: Any
) -> None:
    from pos_desktop.domain.errors import PermissionDenied
    from pos_desktop.ui.main_window import MainWindow

    till = Till.open(tmp_path / "demo", demo=True)  # Ana, a cashier, is logged in
    try:
        window = MainWindow(till.window_deps())
        qtbot.addWidget(window)
        denied: list[PosErrorLike] = []
        window.add_error_handler(PermissionDenied, lambda exc, retry: denied.append(exc) or True)
        settings_extension(window)
        window.actions_by_name["settings"].trigger()
        assert window.dialog is None
        assert denied
        marta = till.people.get("u-marta")
        assert marta is not None
        till.session.start_without_pin(marta)
        window.actions_by_name["settings"].trigger()
        assert isinstance(window.dialog, SettingsDialog)
        window.dialog.reject()
    finally:
        till.close()


PosErrorLike = Any


def test_settings_are_saved_by_the_service_with_the_managers_check_and_an_audit_row(
    till: Till, memory_keyring: Any
) -> None:
    """The check and the audit live in the service, so a script obeys them too."""
    till.session.start_without_pin(User("u-caja", "Caja", Role.CASHIER))
    with pytest.raises(ApprovalRequired):
        till.config.save({"store.name": "Otro nombre"})
    assert till.config.load()["store.name"] == ""

    as_manager(till)
    till.config.save({"store.name": "Kiosco La Esquina", "sync.api_token": "secreto"})
    assert till.config.load()["store.name"] == "Kiosco La Esquina"
    with till.uow() as uow:
        rows = [r for r in uow.audit_log.entries() if r["action"] == "change_settings"]
    assert len(rows) == 1
    assert rows[0]["user_id"] == "u-gerente"
    assert "Kiosco La Esquina" in str(rows[0]["details"])
    assert "secreto" not in str(rows[0]["details"])  # secrets are never in the audit log

"""The first-run wizard, driven from the keyboard as a manager would, then the till sells."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.people import verify_pin
from pos_desktop.domain.sale import TenderKind
from pos_desktop.paths import DEMO_CATALOG
from pos_desktop.services.catalog_import import import_catalog
from pos_desktop.services.setup import first_manager, is_setup_done
from pos_desktop.settings_schema import load_settings
from pos_desktop.ui.wizard import SetupResult, SetupWizard, ensure_setup

YERBA = "7791234643615"


@pytest.fixture(autouse=True)
def spanish() -> Iterator[None]:
    set_language("es_AR")
    yield
    set_language("en")


@pytest.fixture
def wizard(qtbot: QtBot, till: Till, memory_keyring: Any) -> SetupWizard:
    w = SetupWizard(till.config)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_in(qtbot: QtBot, text: str, *, replace: bool = False) -> None:
    """Type like a keyboard would, accents included (QTest.keyClicks is ASCII-only)."""
    widget = focused()
    if replace:
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def key(qtbot: QtBot, k: Qt.Key) -> None:
    qtbot.keyClick(focused(), k)


def test_wizard_completes_by_keystrokes_and_the_till_then_sells(
    qtbot: QtBot, wizard: SetupWizard, till: Till, memory_keyring: Any
) -> None:
    key(qtbot, Qt.Key.Key_Return)  # welcome → store
    assert wizard.currentPage() is wizard.store
    type_in(qtbot, "Kiosco La Esquina")
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "20123456786")
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "San Martín 50, Rosario")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.terminal
    type_in(qtbot, "t02", replace=True)
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "2", replace=True)
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.printer  # on-screen printer by default
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.head_office  # standalone by default
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.fiscal  # no comprobantes by default (training)
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.manager
    type_in(qtbot, "Marta Gómez")
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "4821")
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "4821")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.summary
    with qtbot.waitSignal(wizard.accepted, timeout=3000):
        key(qtbot, Qt.Key.Key_Return)  # Finish

    assert is_setup_done(till.uow)
    with till.uow() as uow:
        values = load_settings(uow.settings)
        manager = first_manager(uow)
    assert values["store.cuit"] == "20-12345678-6"
    assert values["store.address"] == "San Martín 50, Rosario"
    assert values["terminal.id"] == "T02"
    assert values["sync.enabled"] is False
    assert manager is not None
    assert manager["name"] == "Marta Gómez"
    assert verify_pin("4821", manager["pin_hash"])

    # The till, reopened as the launcher does, sells under the new identity.
    data_dir = till.data_dir
    sold = Till.open(data_dir)
    try:
        assert (sold.identity.terminal_id, sold.identity.terminal_number) == ("T02", 2)
        import_catalog(sold.uow, DEMO_CATALOG)
        # The wizard's manager is a user now: logs in with the PIN and opens the shift.
        sold.session.login(manager["user_id"], "4821")
        sold.shifts.open_shift(0)
        sold.register.scan(YERBA)
        sold.register.tender(TenderKind.CASH, None)
        done = sold.register.complete()
        assert done.ticket == "0002-00000001"
        assert done.payload["lines"][0]["sku"]
    finally:
        sold.close()


def test_a_wrong_cuit_keeps_the_manager_on_the_store_page_with_the_reason(
    qtbot: QtBot, wizard: SetupWizard
) -> None:
    key(qtbot, Qt.Key.Key_Return)
    type_in(qtbot, "Kiosco")
    key(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "20-12345678-0")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.store
    _label, _cell, error = wizard.store.form.rows["store.cuit"]
    assert error.isVisible()
    assert "verificador" in error.text()
    assert focused() is wizard.store.form.editors["store.cuit"].widget
    # Fix it and go on.
    type_in(qtbot, "20-12345678-6", replace=True)
    assert not error.isVisible()
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.terminal


def test_store_name_and_cuit_are_required(qtbot: QtBot, wizard: SetupWizard) -> None:
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.store
    for field in ("store.name", "store.cuit"):
        assert "obligatorio" in wizard.store.form.rows[field][2].text()


def test_mismatched_or_weak_pins_are_refused(qtbot: QtBot, wizard: SetupWizard) -> None:
    page = wizard.manager
    wizard.store.form.load({"store.name": "Kiosco", "store.cuit": "20-12345678-6"})
    for _ in range(6):
        wizard.next()
    assert wizard.currentPage() is page
    page.name.setText("Marta")
    page.pin.setText("1111")
    page.pin_again.setText("1111")
    wizard.next()
    assert wizard.currentPage() is page
    assert "adivinar" in page.error.text()
    page.pin.setText("4821")
    page.pin_again.setText("4812")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.pin_again.text() == ""


def test_printer_page_shows_only_the_fields_of_the_chosen_connection(
    wizard: SetupWizard,
) -> None:
    form = wizard.printer.form
    assert not form.is_shown("printer.host")
    form.editors["printer.connection"].set_value("network")
    form._update_visibility()
    assert form.is_shown("printer.host")
    assert not form.is_shown("printer.usb_vendor")
    assert "printer.usb_vendor" not in form.visible_values()


def test_test_print_on_screen_shows_the_paper(qtbot: QtBot, wizard: SetupWizard) -> None:
    panel = wizard.printer.test
    with qtbot.waitSignal(panel.finished, timeout=10000) as result:
        panel.button.click()
    assert result.args == [True]
    assert panel.preview.pixmap() is not None
    assert not panel.preview.pixmap().isNull()


def test_test_print_failure_is_shown_not_raised(qtbot: QtBot, till: Till) -> None:
    from pos_desktop.services.setup import TestPrintFailed

    def broken(_values: object) -> Any:
        raise TestPrintFailed(reason="sin papel")

    w = SetupWizard(till.config, print_test=broken)
    qtbot.addWidget(w)
    panel = w.printer.test
    with qtbot.waitSignal(panel.finished, timeout=5000) as result:
        panel.button.click()
    assert result.args == [False]
    assert "sin papel" in panel.status.text()


def test_ensure_setup_skips_the_wizard_in_demo_and_once_done(
    tmp_path: Path, memory_keyring: Any
) -> None:
    demo = Till.open(tmp_path / "demo", demo=True)
    try:
        assert ensure_setup(demo.config, demo=True) is SetupResult.READY
        assert is_setup_done(demo.uow)
    finally:
        demo.close()

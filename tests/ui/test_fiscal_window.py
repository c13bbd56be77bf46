"""The till window in fiscal mode ARCA (the demo's built-in stand-in): the sale commits,
the window says "Autorizando con ARCA…", the CAE comes back off the GUI thread and the
Factura B with its QR prints on the screen printer; F8 identifies the buyer (Factura A)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.ui.fiscal_panel import FiscalPanel, attach_fiscal
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.printing_panel import attach_printing
from tests.ui.conftest import key, scan
from tests.ui.test_printing_in_window import YERBA, jobs, pay_cash


@pytest.fixture
def arca_window(qtbot: QtBot, till: Till) -> Iterator[MainWindow]:
    till.start_fiscal(demo=True)
    window = build_window(till, (attach_printing, attach_fiscal))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.focus_scan()
    yield window
    window.stop_parts()


def notice(window: MainWindow) -> str:
    (panel,) = [p for p in window.parts if isinstance(p, FiscalPanel)]
    return panel.notice.text()


def documents(till: Till) -> list[tuple[int, int | None, str]]:
    with till.reader.connect() as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            text("SELECT cbte_tipo, number, state FROM fiscal_documents ORDER BY seq"))]


def test_a_sale_is_authorized_by_arca_and_its_factura_b_prints(
        qtbot: QtBot, arca_window: MainWindow, till: Till) -> None:
    scan(qtbot, arca_window, YERBA)
    assert "FACTURA B" in notice(arca_window)
    pay_cash(qtbot, arca_window)
    qtbot.waitUntil(lambda: documents(till) == [(6, 1, "authorized")], timeout=15000)
    qtbot.waitUntil(lambda: "CAE" in notice(arca_window), timeout=15000)
    assert "FACTURA B 00001-00000001" in notice(arca_window)
    qtbot.waitUntil(lambda: jobs(till) == [("receipt", "0001-00000001", "done")], timeout=15000)
    qtbot.waitUntil(arca_window.receipt_preview.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: "ARCA" in arca_window.status.fiscal.text(), timeout=10000)
    arca_window.grab().save("/tmp/fiscal_window.png")


def test_f8_identifies_a_company_and_the_sale_becomes_a_factura_a(
        qtbot: QtBot, arca_window: MainWindow, till: Till) -> None:
    scan(qtbot, arca_window, YERBA)
    key(qtbot, arca_window.scan, Qt.Key.Key_F8)
    dialog = arca_window.dialog
    assert dialog is not None
    dialog.document.setCurrentIndex(1)  # type: ignore[attr-defined]  # CUIT
    qtbot.keyClicks(dialog.number, "20-12345678-6")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.name, "Kiosco El Sol")  # type: ignore[attr-defined]
    dialog.condition.setCurrentIndex(1)  # type: ignore[attr-defined]  # Responsable Inscripto
    dialog.grab().save("/tmp/fiscal_buyer_dialog.png")
    key(qtbot, dialog.name, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert arca_window.dialog is None or not arca_window.dialog.isVisible()
    assert "FACTURA A" in notice(arca_window)
    pay_cash(qtbot, arca_window)
    qtbot.waitUntil(lambda: documents(till) == [(1, 1, "authorized")], timeout=15000)


def test_a_wrong_cuit_is_refused_in_the_dialog(qtbot: QtBot, arca_window: MainWindow) -> None:
    scan(qtbot, arca_window, YERBA)
    key(qtbot, arca_window.scan, Qt.Key.Key_F8)
    dialog = arca_window.dialog
    assert dialog is not None
    dialog.document.setCurrentIndex(1)  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.number, "20-12345678-0")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.name, "Kiosco")  # type: ignore[attr-defined]
    key(qtbot, dialog.name, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert dialog.isVisible() and dialog.error.text()  # type: ignore[attr-defined]
    dialog.reject()


def test_the_buyer_and_the_price_have_a_key_each(qtbot: QtBot, arca_window: MainWindow) -> None:
    # Both were on F8: in fiscal mode the price override could not be reached by key.
    scan(qtbot, arca_window, YERBA)
    key(qtbot, arca_window.scan, Qt.Key.Key_F10)
    price = arca_window.dialog
    assert price is not None and type(price).__name__ != "BuyerDialog"
    price.reject()
    key(qtbot, arca_window.scan, Qt.Key.Key_F8)
    assert type(arca_window.dialog).__name__ == "BuyerDialog"
    arca_window.dialog.reject()
    with pytest.raises(ValueError, match="F8"):
        arca_window.add_action("Another", lambda: None, shortcut="F8")


def test_fiscal_settings_saved_in_the_dialog_apply_to_the_next_sale(
        qtbot: QtBot, arca_window: MainWindow, till: Till) -> None:
    """A manager lowering the identification threshold in Settings saw "Settings saved."
    and the till went on with the old one until it was restarted."""
    from pos_desktop.ui.settings_dialog import apply_saved, needs_restart

    assert till.register.fiscal is not None
    before = till.register.fiscal.identification_threshold
    changes = {"fiscal.identification_threshold": 100_000}  # $ 1.000,00
    with till.uow() as uow:
        for k, v in changes.items():
            uow.settings.set(k, v)
        uow.commit()
    apply_saved(arca_window, changes)
    assert before != 100_000
    assert till.register.fiscal.identification_threshold == 100_000
    assert not needs_restart(changes) and needs_restart({"fiscal.mode": "none"})
    assert arca_window.banner.text() == "Configuración guardada."

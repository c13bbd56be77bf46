"""The till window selling offline with CAEA (the demo's built-in stand-in, made
unreachable): the status bar warns days ahead when the till has no CAEA, and a sale made
while ARCA is down prints at once as a CAEA comprobante on the screen printer."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.ui.fiscal_panel import attach_fiscal
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.printing_panel import attach_printing
from tests.ui.conftest import scan
from tests.ui.test_fiscal_window import notice
from tests.ui.test_printing_in_window import YERBA, pay_cash


def _window(qtbot: QtBot, till: Till, **settings: object) -> MainWindow:
    till.start_demo_arca()
    with till.uow() as uow:
        for k, v in settings.items():  # the demo's CAEA point of sale is 2
            uow.settings.set(k, v)
        uow.commit()
    till.start_fiscal()
    window = build_window(till, (attach_printing, attach_fiscal))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.focus_scan()
    return window


def test_the_status_bar_warns_when_the_till_has_no_caea(
        qtbot: QtBot, till: Till) -> None:
    # With head office the till asks ARCA for no CAEA: none came yet.
    window = _window(qtbot, till, **{"sync.amqp_url": "amqp://127.0.0.1:1/"})
    try:
        qtbot.waitUntil(lambda: "sin CAEA para hoy" in window.status.fiscal.text(),
                        timeout=15000)
        assert "las ventas sin conexión esperarán a ARCA" in window.status.fiscal.text()
        window.grab().save("/tmp/caea_status_bar.png")
    finally:
        window.stop_parts()


def test_a_sale_while_arca_is_down_prints_at_once_as_a_caea_comprobante(
        qtbot: QtBot, till: Till) -> None:
    window = _window(qtbot, till)  # standalone: the worker asks the stand-in for the CAEA
    try:
        qtbot.waitUntil(lambda: bool(till.fiscal_status()["caea"]["current"]), timeout=15000)
        assert till.demo_arca is not None
        till.demo_arca.standin.make_unreachable()
        scan(qtbot, window, YERBA)
        pay_cash(qtbot, window)  # ARCA found down by the worker: issued with CAEA
        qtbot.waitUntil(lambda: "CAEA" in notice(window), timeout=15000)
        qtbot.waitUntil(window.receipt_preview.isVisible, timeout=10000)
        scan(qtbot, window, YERBA)
        pay_cash(qtbot, window)  # now at once, in the sale's own transaction
        qtbot.waitUntil(lambda: "00002-00000002" in notice(window), timeout=10000)
        qtbot.waitUntil(lambda: "vendiendo con CAEA" in window.status.fiscal.text(),
                        timeout=15000)
        window.grab().save("/tmp/caea_window.png")
        preview = window.receipt_preview
        bar = preview.verticalScrollBar()
        bar.setValue(bar.maximum() - 330)  # the foot: CAEA, its due date and the QR
        preview.grab().save("/tmp/caea_receipt_preview.png")
    finally:
        window.stop_parts()

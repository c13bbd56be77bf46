"""The till at any screen and by touch alone (issue 14).

The window is laid out at the three screens tills have (1024×768, 1366×768, 1920×1080):
no button and not the total lies outside it, no key's name is cut, and amounts of a
million pesos and more show whole. Then a whole sale is made with mouse clicks only, as a
finger would: product keys, the weight on the keypad, the payment on the keypad.

Screenshots are written to ``POS_SCREENSHOTS`` (a folder) when it is set, to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QStyle,
    QStyleOptionButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.sync.status import SyncState, SyncStatus, status_bar_text
from pos_desktop.ui.dialog_base import EntryDialog
from pos_desktop.ui.keypad import TOUCH_PX, Keypad
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.payment_dialog import PaymentDialog
from pos_desktop.ui.sale_view import COL_AMOUNT
from tests.ui.conftest import scan

SCREENS = [(1024, 768), (1366, 768), (1920, 1080)]
YERBA = "7791234643615"


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("POS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def inside(window: QWidget, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return QRect(0, 0, window.width(), window.height()).contains(
        QRect(top_left, widget.size()))


def text_fits(button: QAbstractButton) -> bool:
    metrics = button.fontMetrics()
    # The room inside the style sheet's border and padding, not the whole button.
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    room = button.style().subElementRect(
        QStyle.SubElement.SE_PushButtonContents, option, button).width()
    return all(metrics.horizontalAdvance(line) <= room for line in button.text().split("\n"))


def settle(qtbot: QtBot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=2000)
    QApplication.processEvents()
    window.touch.show_products()
    QApplication.processEvents()


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_button_and_the_total_are_on_screen_and_uncut(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    scan(qtbot, window, "250*" + YERBA)  # $ 1.322.500,00: a big amount on a line
    scan(qtbot, window, "0,350*A0339")
    settle(qtbot, window, size)
    shot(window, f"main-{size[0]}x{size[1]}")

    buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
    assert len(buttons) > 20  # key bar, panel toggles, categories, product keys
    outside = [b.text() for b in buttons if not inside(window, b)
               and b.parent() is not window.touch.grid.strip.widget()]  # the strip scrolls
    assert not outside, f"buttons outside the window at {size}: {outside}"
    cut = [b.text() for b in window.findChildren(QAbstractButton)
           if b.isVisible() and b.objectName() in ("keyButton", "payButton", "dangerButton")
           and not text_fits(b)]
    assert not cut, f"key names cut at {size}: {cut}"
    amount = window.total_panel.amount
    assert inside(window, amount) and amount.text() == "$ 1.324.001,50"
    assert amount.fontMetrics().horizontalAdvance(amount.text()) <= amount.contentsRect().width()
    assert window.status.clock.isVisible() and inside(window, window.status.clock)
    # The lines' amounts are never cut either, however many millions.
    metrics = window.table.fontMetrics()
    assert metrics.horizontalAdvance("$ 1.322.500,00") < window.table.columnWidth(COL_AMOUNT)
    big = [b for b in buttons if b.objectName() in ("productKey", "keypadKey", "keyButton")]
    assert all(b.width() >= TOUCH_PX and b.height() >= TOUCH_PX for b in big)


KEY_SCREENS = [*SCREENS, (1280, 800), (1440, 900)]


@pytest.mark.parametrize("size", KEY_SCREENS, ids=[f"{w}x{h}" for w, h in KEY_SCREENS])
def test_every_product_key_shows_its_name_and_price_whole(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    """At 1280×800 four columns of keys cut "$ 14.990,00/kg" at both ends."""
    settle(qtbot, window, size)
    keys = window.touch.grid.keys
    assert keys
    cut = [key.text() for key in keys if not text_fits(key)]
    assert not cut, f"product keys cut at {size}: {cut}"


def test_the_window_fills_the_screen_it_is_on(qtbot: QtBot, window: MainWindow) -> None:
    window.show_on_screen()
    screen = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: window.width() >= min(screen.width(), window.minimumWidth()),
                    timeout=2000)
    assert window.width() >= min(screen.width(), 1024) or window.isMaximized()
    assert window.minimumWidth() <= 1024 and window.minimumHeight() <= 768 - 60


def test_a_bigger_screen_shows_more_product_keys_not_bigger_ones(
    qtbot: QtBot, window: MainWindow
) -> None:
    settle(qtbot, window, (1024, 768))
    small = len(window.touch.grid.keys)
    settle(qtbot, window, (1920, 1080))
    assert len(window.touch.grid.keys) > small >= 4


# -- a sale by touch alone -----------------------------------------------------------------


def tap(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tap_digits(qtbot: QtBot, keypad: Keypad, digits: str) -> None:
    for ch in digits:
        tap(qtbot, keypad.keys[ch])


def test_a_whole_sale_by_mouse_clicks_only(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    settle(qtbot, window, (1024, 768))
    grid = window.touch.grid
    # Bread from the favourites (weighed: the weight on the keypad).
    tap(qtbot, grid.tab_buttons[""])
    tap(qtbot, grid.key_for("Asado de Tira"))
    weight = window.dialog
    assert isinstance(weight, EntryDialog) and weight.keypad is not None
    tap(qtbot, weight.keypad.keys["0"])
    tap(qtbot, weight.keypad.keys[","])
    tap_digits(qtbot, weight.keypad, "5")
    assert weight.ok_button is not None
    tap(qtbot, weight.ok_button)
    assert window.dialog is None
    # Two of a product from a category: "2" and × on the side keypad, then the key.
    tap(qtbot, window.touch.keypad_button)
    tap_digits(qtbot, window.touch.keypad, "2")
    tap(qtbot, window.touch.keypad.keys["times"])
    tap(qtbot, window.touch.keypad.keys["enter"])
    assert window.pending_quantity == "2"
    tap(qtbot, window.touch.products_button)
    tap(qtbot, grid.tab_buttons["Almacén"])
    first = grid.products[0]
    tap(qtbot, grid.keys[0])
    assert [(li.product.name, li.quantity_milli) for li in till.register.sale.lines] == [
        ("Asado de Tira", 500), (first.name, 2000)]
    total = till.register.sale.total
    # Pay: the F12 button, then the amount received on the keypad and OK.
    pay = window.button("pay")
    assert pay is not None
    tap(qtbot, pay)
    payment = window.dialog
    assert isinstance(payment, PaymentDialog) and payment.keypad is not None
    received = (total // 100_000 + 1) * 1000  # the next thousand pesos
    tap_digits(qtbot, payment.keypad, str(received))
    tap(qtbot, payment.keypad.keys["enter"])
    assert window.dialog is None
    assert till.register.sale.lines == []
    with till.uow() as uow:
        [sale] = list(uow.sales.payloads())
    assert sale["total"] == total and sale["change"] == received * 100 - total
    assert "Vuelto" in window.banner.text()


def test_labels_never_hide_a_figure(qtbot: QtBot, window: MainWindow) -> None:
    """The side panel's texts are elided or shrunk to fit, never cut mid-figure."""
    scan(qtbot, window, "0,350*A0339")
    settle(qtbot, window, (1024, 768))
    for label in window.total_panel.findChildren(QLabel):
        if label.isVisible() and label.text():
            widest = max(label.fontMetrics().horizontalAdvance(t)
                         for t in label.text().split("\n"))
            assert widest <= label.contentsRect().width(), label.text()


# -- the status bar ------------------------------------------------------------------------


def busy_status_bar(window: MainWindow) -> None:
    """What a real counter shows: a long store name, a cashier, sync, printer and ARCA."""
    status = window.status
    status.set_store("Autoservicio y Fiambrería La Nueva Esperanza", "s-0042")
    status.set_cashier("María Fernanda Gutiérrez")
    status.set_sync_state(status_bar_text(SyncStatus(
        SyncState.OFFLINE, pending=12, failed=0, oldest_unsent_at=None,
        oldest_unsent_age_s=900, last_error="sin conexión", since=None))[0], "warning")
    status.set_printer_state("sin papel (Epson TM-T20III)", "error")
    status.set_fiscal_state("en línea · 2 comprobantes por autorizar", "ok")


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_the_status_bar_shows_every_item_whole(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    """At 1024×768 the store name, the cashier and the printer were cut off."""
    busy_status_bar(window)
    settle(qtbot, window, size)
    shot(window, f"status-{size[0]}x{size[1]}")
    status = window.status
    items = [status.store, status.terminal, status.cashier, status.sync, status.printer,
             status.fiscal, status.clock]
    for label in items:
        assert label.isVisible(), label.objectName()
        assert inside(window, label), (label.objectName(), label.geometry())
        assert all(inside(window, w) for w in (window.total_panel.amount,))
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.text()
    shown = " ".join(label.text() for label in items)
    for whole in ("Autoservicio y Fiambrería La Nueva Esperanza", "María Fernanda Gutiérrez",
                  "sin papel (Epson TM-T20III)", "12 por enviar"):
        assert whole in shown, (whole, shown)
    # Nothing under the status bar either: it stays inside the window's bottom edge.
    assert inside(window, status)

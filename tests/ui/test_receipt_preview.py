"""The on-screen receipt: what the virtual printer prints shows beside the total."""

from __future__ import annotations

import threading

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.receipt_preview import ReceiptPreview, to_qimage
from tests.ui.conftest import scan


def test_a_pil_image_becomes_a_qimage_with_the_same_pixels() -> None:
    img = Image.new("RGB", (40, 20), "white")
    ImageDraw.Draw(img).rectangle((0, 0, 9, 19), fill="black")
    q = to_qimage(img)
    assert (q.width(), q.height()) == (40, 20)
    assert q.pixelColor(5, 10).name() == "#000000"
    assert q.pixelColor(30, 10).name() == "#ffffff"


def test_the_preview_scales_a_wide_receipt_to_its_width(qtbot: QtBot) -> None:
    preview = ReceiptPreview()
    qtbot.addWidget(preview)
    preview.resize(300, 400)
    preview.show()
    preview.show_image(Image.new("RGB", (576, 1200), "white"))
    pixmap = preview.label.pixmap()
    assert pixmap.width() <= 300
    assert pixmap.height() > pixmap.width()  # the proportions are kept


def test_bytes_printed_on_the_virtual_printer_show_in_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    api = pytest.importorskip("pos_printers.api")
    from pos_printers.model import StoreInfo
    from pos_printers.settings import PrinterSettings

    scan(qtbot, window, "7791234643615")
    with qtbot.waitSignal(window.sale_completed, timeout=2000) as done:
        qtbot.keyClick(window.scan, Qt.Key.Key_F12)
        assert window.dialog is not None
        qtbot.keyClick(window.dialog.focusProxy(), Qt.Key.Key_Return)
    payload = done.args[0].payload
    store = StoreInfo(name="Almacén Don Pepe", cuit="30-71234567-1", address="Av. Corrientes 1234")
    data = api.render_receipt(payload, store, PrinterSettings(), "escpos")
    assert not window.receipt_preview.isVisible()

    # The print worker is another thread: the signal must carry the bytes to the GUI.
    worker = threading.Thread(target=window.receipt_printed.emit, args=(data,))
    worker.start()
    worker.join()
    qtbot.waitUntil(window.receipt_preview.isVisible, timeout=2000)

    image = window.receipt_preview.image
    assert image is not None
    assert image.height() > image.width()  # a long paper strip
    assert window.status.printer.text() == ""  # nothing went wrong

"""The on-screen receipt: shows the last receipt as the printer would print it.

Under ``--demo`` the printer is virtual: the print queue renders the exact ESC/POS bytes
to an image (``pos_printers.virtual``) and hands it here. The widget accepts a QImage or a
PIL image, so it does not depend on how the image was made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from pos_common.i18n import _

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage


def render_escpos(data: bytes, profile_name: str | None = None) -> PilImage:
    """What a printer of ``profile_name`` would print for ``data``, as an image."""
    # Imported here: only the demo till (virtual printer) draws receipts on screen.
    from pos_printers import virtual
    from pos_printers.profiles import DEFAULT_PROFILE, get_profile

    return virtual.render_image(virtual.decode(data, get_profile(profile_name or DEFAULT_PROFILE)))


def to_qimage(image: QImage | PilImage) -> QImage:
    if isinstance(image, QImage):
        return image
    rgba = image.convert("RGBA")
    data = rgba.tobytes("raw", "RGBA")
    # copy(): the QImage must own its pixels, not borrow Python's bytes
    fmt = QImage.Format.Format_RGBA8888
    return QImage(data, rgba.width, rgba.height, 4 * rgba.width, fmt).copy()


class ReceiptPreview(QScrollArea):
    """A paper-coloured strip scaled to the panel's width, scrollable when long."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptPreview")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.image: QImage | None = None

    def show_image(self, image: QImage | PilImage) -> None:
        self.image = to_qimage(image)
        self._render()
        self.verticalScrollBar().setValue(0)

    def show_escpos(self, data: bytes, profile_name: str | None = None) -> None:
        """Render raw ESC/POS bytes with the virtual printer (``pos_printers.virtual``)."""
        self.show_image(render_escpos(data, profile_name))

    def show_png(self, data: bytes) -> None:
        image = QImage.fromData(data)
        if image.isNull():
            raise ValueError("not a PNG image")
        self.show_image(image)

    def clear(self) -> None:
        self.image = None
        self.label.clear()

    def _render(self) -> None:
        if self.image is None:
            return
        width = max(self.viewport().width() - 8, 120)
        pixmap = QPixmap.fromImage(self.image)
        if pixmap.width() > width:
            pixmap = pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pixmap)
        self.label.resize(pixmap.size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()


class ReceiptPreviewDialog(QDialog):
    """The preview in its own window (e.g. to look at a reprint)."""

    def __init__(self, parent: QWidget | None, image: QImage | PilImage, title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Receipt"))
        self.resize(480, 760)
        layout = QVBoxLayout(self)
        self.preview = ReceiptPreview(self)
        layout.addWidget(self.preview)
        self.preview.show_image(image)

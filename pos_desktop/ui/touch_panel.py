"""The side of the till window a finger uses: product keys, or a keypad for the scan field.

Two big toggles choose what the panel shows: *Productos* (``ProductGrid``: favourites and
categories) or *Teclado* (digits, ``×`` for "3×" quantities, OK = Enter in the scan field).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _
from pos_desktop.services.register import Register
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.keypad import TOUCH_PX, Keypad
from pos_desktop.ui.product_grid import ProductGrid


class TouchPanel(QWidget):
    def __init__(
        self, register: Register, scan: KeyField, favourites: Callable[[], Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("touchPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        toggles = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.products_button = self._toggle(_("Products"), toggles)
        self.keypad_button = self._toggle(_("Keypad"), toggles)
        layout.addLayout(toggles)
        self.pages = QStackedWidget(self)
        self.grid = ProductGrid(register, favourites, self.pages)
        toggles.addWidget(self.grid.page_label, 1)
        toggles.addWidget(self.grid.previous)
        toggles.addWidget(self.grid.next)
        self.keypad = Keypad(lambda: scan, self.pages, extra="*")
        self.pages.addWidget(self.grid)
        self.pages.addWidget(self.keypad)
        layout.addWidget(self.pages, 1)
        self.products_button.clicked.connect(lambda _c=False: self.show_products())
        self.keypad_button.clicked.connect(lambda _c=False: self.show_keypad())
        self.products_button.setChecked(True)

    def _toggle(self, text: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName("panelToggle")
        button.setCheckable(True)
        button.setMinimumHeight(TOUCH_PX)
        no_focus(button)
        self.group.addButton(button)
        row.addWidget(button)
        return button

    def show_products(self) -> None:
        self.products_button.setChecked(True)
        self.pages.setCurrentWidget(self.grid)
        if not self.grid.loaded:
            self.grid.load()
        for widget in (self.grid.page_label, self.grid.previous, self.grid.next):
            widget.show()

    def show_keypad(self) -> None:
        self.keypad_button.setChecked(True)
        self.pages.setCurrentWidget(self.keypad)
        for widget in (self.grid.page_label, self.grid.previous, self.grid.next):
            widget.hide()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.grid.loaded and self.pages.currentWidget() is self.grid:
            QTimer.singleShot(0, self.show_products)  # after the window is up: start-up


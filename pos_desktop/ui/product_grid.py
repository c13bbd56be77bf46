"""Product keys for a touch screen: favourites and categories, a page of products each.

The first tab, *Favoritos*, holds the manager's favourites or, until there are any, what a
cashier cannot scan: weighed goods and goods with no barcode (bread, fruit, cold cuts).
Each category is a tab of its own; a category larger than a page turns with ◀ ▶. The
grid asks the register for one page at a time, so a 100,000-product catalogue costs one
short query per tap. ``chosen(product)`` is emitted on a tap; the window adds the product
(asking the weight of a weighed one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, format_money
from pos_desktop.domain.product import Product
from pos_desktop.services.register import Register
from pos_desktop.ui.key_field import no_focus
from pos_desktop.ui.keypad import TOUCH_PX

FAVOURITES = ""  # the tab key of the favourites (categories are never empty)
KEY_WIDTH, KEY_HEIGHT = 100, 70  # a product key: two short lines of name, and the price
# The widest price line a key must show whole: $ 99.999,99 a kilo. Keys are as wide as the
# style sheet's font and padding make it (measured, not guessed), at least KEY_WIDTH.
WIDEST_PRICE = 99_999_99
KEY_MAX_WIDTH, KEY_MAX_HEIGHT = 170, 96  # a big screen shows more keys, not bigger ones


class ProductGrid(QWidget):
    chosen = Signal(object)  # Product

    def __init__(
        self, register: Register, favourites: Callable[[], Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("productGrid")
        self.register = register
        self.favourites = favourites
        self.category = FAVOURITES
        self.page = 0
        self.pages = 1
        self.products: list[Product] = []
        self.keys: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.tabs = QButtonGroup(self)
        self.tabs.setExclusive(True)
        self.tab_buttons: dict[str, QPushButton] = {}
        self.tab_row = QHBoxLayout()
        self.tab_row.setContentsMargins(0, 0, 0, 0)
        self.tab_row.setSpacing(4)
        strip = QWidget(self)
        strip.setLayout(self.tab_row)
        self.strip = QScrollArea(self)
        self.strip.setObjectName("categoryStrip")
        self.strip.setWidget(strip)
        self.strip.setWidgetResizable(True)
        self.strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip.setFixedHeight(TOUCH_PX + 4)
        no_focus(self.strip)
        # A finger drags the categories sideways; the arrows step for a mouse.
        QScroller.grabGesture(self.strip.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        strip_row = QHBoxLayout()
        strip_row.setSpacing(4)
        strip_row.addWidget(self._arrow("‹", -1))
        strip_row.addWidget(self.strip, 1)
        strip_row.addWidget(self._arrow("›", 1))
        layout.addLayout(strip_row)
        self.grid_box = QWidget(self)
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.grid_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.grid_box, 1)
        # The pager's buttons sit in the panel's top row (TouchPanel) to leave room here.
        self.previous = self._pager_button("◀", -1)
        self.next = self._pager_button("▶", 1)
        self.page_label = QLabel("", self)
        self.page_label.setObjectName("pageLabel")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._add_tab(FAVOURITES, "★ " + _("Favourites"))
        self.loaded = False
        self.shown_size = 0
        self._key_width = 0

    def _arrow(self, text: str, step: int) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName("stripArrow")
        button.setFixedSize(TOUCH_PX - 4, TOUCH_PX)
        no_focus(button)
        bar = self.strip.horizontalScrollBar()
        button.clicked.connect(
            lambda _c=False: bar.setValue(bar.value() + step * max(bar.pageStep() // 2, 60)))
        return button

    # -- tabs and pages ------------------------------------------------------------------------
    def load(self) -> None:
        """Read the categories (once the grid is first shown: start-up does not wait)."""
        for name in self.register.categories():
            if name not in self.tab_buttons:
                self._add_tab(name, name)
        self.tab_row.addStretch(1)
        self.loaded = True
        self.show_category(self.category)

    def _add_tab(self, key: str, label: str) -> None:
        button = QPushButton(label, self)
        button.setObjectName("categoryTab")
        button.setCheckable(True)
        button.setMinimumHeight(TOUCH_PX)
        button.setAutoDefault(False)
        no_focus(button)
        button.clicked.connect(lambda _c=False, k=key: self.show_category(k))
        self.tabs.addButton(button)
        self.tab_buttons[key] = button
        self.tab_row.addWidget(button)
        if key == self.category:
            button.setChecked(True)

    def _pager_button(self, text: str, step: int) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName("stripArrow")
        button.setFixedSize(TOUCH_PX + 12, TOUCH_PX)
        no_focus(button)
        button.clicked.connect(lambda _c=False: self.turn(step))
        return button

    def page_size(self) -> int:
        return self.columns() * self.rows()

    def columns(self) -> int:
        width = self.key_width()
        return int(max(2, (max(self.grid_box.width(), width) + 6) // (width + 6)))

    def key_width(self) -> int:
        """The narrowest key that shows the widest price line whole, with the theme's font
        and padding (at 1280 px four 103 px keys cut "$ 14.990,00/kg" at both ends)."""
        if not self._key_width:
            probe = QPushButton(f"{format_money(WIDEST_PRICE)}/kg", self)
            probe.setObjectName("productKey")
            probe.ensurePolished()  # the style sheet's font and padding, not the default
            self._key_width = max(KEY_WIDTH, probe.sizeHint().width())
            probe.deleteLater()
        return self._key_width

    def rows(self) -> int:
        return int(max(2, (max(self.grid_box.height(), KEY_HEIGHT) + 6) // (KEY_HEIGHT + 6)))

    def show_category(self, key: str, page: int = 0) -> None:
        self.category, self.page = key, max(0, page)
        if key in self.tab_buttons:
            self.tab_buttons[key].setChecked(True)
        size = self.shown_size = self.page_size()
        if key == FAVOURITES:
            self.products = self.register.quick_keys(self.favourites(), size)
            total = len(self.products)
        else:
            self.products, total = self.register.products_in(key, self.page * size, size)
        self.pages = max(1, -(-total // size))
        self._fill()

    def turn(self, step: int) -> None:
        page = min(max(0, self.page + step), self.pages - 1)
        if page != self.page:
            self.show_category(self.category, page)

    def _fill(self) -> None:
        for key in self.keys:
            key.deleteLater()
        self.keys = []
        columns = self.columns()
        for i, product in enumerate(self.products):
            key = QPushButton(product_key_text(product), self.grid_box)
            key.setObjectName("productKey")
            key.setMinimumSize(TOUCH_PX, TOUCH_PX)
            key.setMaximumSize(KEY_MAX_WIDTH, KEY_MAX_HEIGHT)
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            key.setToolTip(product.name)
            key.setAutoDefault(False)
            no_focus(key)
            key.clicked.connect(lambda _c=False, p=product: self.chosen.emit(p))
            self.grid.addWidget(key, i // columns, i % columns)
            key.show()  # a child added to a shown widget stays hidden otherwise
            self.keys.append(key)
        self.page_label.setText(
            _("Page {page} of {pages}").format(page=self.page + 1, pages=self.pages)
            if self.pages > 1 else ""
        )
        self.previous.setEnabled(self.page > 0)
        self.next.setEnabled(self.page + 1 < self.pages)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.loaded and self.page_size() != self.shown_size:
            self.show_category(self.category, 0)

    def key_for(self, name: str) -> QPushButton:
        """The key of the product called ``name`` on this page (tests, and the help)."""
        for key, product in zip(self.keys, self.products, strict=True):
            if product.name == name:
                return key
        raise LookupError(name)


def product_key_text(product: Product) -> str:
    """Two short lines of name and the price (per kg for weighed goods)."""
    words, lines, current = product.name.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > 14:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    name = "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
    price = format_money(product.price)
    return f"{name}\n{price}/kg" if product.sold_by_weight else f"{name}\n{price}"

"""F3: find a product by name as you type (accent- and case-blind: ``cafe`` finds Café).

Up/Down move through the results while the keyboard stays in the search box; Enter adds
the highlighted product. A product sold by weight asks its weight (kg) first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pos_common.i18n import _, explain, format_money
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_quantity
from pos_desktop.domain.product import Product
from pos_desktop.services.register import Register
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.key_field import KeyField, no_focus

SEARCH_DELAY_MS = 120  # wait for a pause in typing before asking the catalogue
RESULT_LIMIT = 50
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class SearchDialog(TillDialog):
    chosen = Signal(object, int)  # Product, quantity_milli

    def __init__(
        self,
        parent: QWidget | None,
        register: Register,
        text: str = "",
        quantity_text: str | None = None,
    ) -> None:
        super().__init__(
            parent,
            _("Search product"),
            _("Type part of the name. Up/Down choose, Enter adds, Esc goes back."),
        )
        self.at_least(820, 560)
        self.register = register
        self.quantity_text = quantity_text
        self.products: list[Product] = []
        self.pending: Product | None = None
        self.field = KeyField(self, clear_on_submit=False)
        self.field.setObjectName("searchField")
        self.body.addWidget(self.field)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("searchResults")
        self.table.setHorizontalHeaderLabels([_("Description"), _("Price"), _("Code")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        head = self.table.horizontalHeader()
        head.setDefaultAlignment(_LEFT)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        no_focus(self.table)
        self.body.addWidget(self.table, 1)
        self.empty = QLabel("", self)
        self.empty.setObjectName("dialogHint")
        self.body.addWidget(self.empty)
        self._build_weight_row()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.finished.connect(self.timer.stop)  # no search after the dialog is gone
        self.field.textEdited.connect(self._typed)
        self.field.submitted.connect(self.submit)
        self.field.bind(Qt.Key.Key_Up, lambda: self.move_selection(-1))
        self.field.bind(Qt.Key.Key_Down, lambda: self.move_selection(1))
        self.field.bind(Qt.Key.Key_PageUp, lambda: self.move_selection(-8))
        self.field.bind(Qt.Key.Key_PageDown, lambda: self.move_selection(8))
        self.table.cellClicked.connect(lambda row, _col: self.table.selectRow(row))
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.submit(self.field.text()))
        self.setFocusProxy(self.field)
        self.add_ok_cancel(_("Add (Enter)"))
        if text:
            self.field.setText(text)
            self.run_search()

    def _build_weight_row(self) -> None:
        row = QHBoxLayout()
        self.weight_label = QLabel("", self)
        self.weight_label.setObjectName("dialogTitle")
        self.weight = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.weight.setObjectName("weightField")
        self.weight.setPlaceholderText("0,350")
        self.weight.submitted.connect(self._weight_entered)
        row.addWidget(self.weight_label)
        row.addWidget(self.weight, 1)
        self.body.addLayout(row)
        self.weight_label.hide()
        self.weight.hide()

    # -- searching -----------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self.clear_error()
        self._hide_weight()
        self.timer.start()

    def run_search(self) -> None:
        self.timer.stop()
        text = self.field.text()
        self.products = self.register.search(text, RESULT_LIMIT) if text.strip() else []
        self.table.setRowCount(len(self.products))
        for row, p in enumerate(self.products):
            price = format_money(p.price)
            # Spaces pad the number columns: the table has no cell margins of its own.
            cells = (p.name, f"  {price}/kg" if p.sold_by_weight else f"  {price}", f"  {p.sku}")
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if col == 1:
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, col, item)
        if self.products:
            self.table.selectRow(0)
            self.empty.setText("")
        else:
            self.empty.setText(
                _("No product matches “{text}”.").format(text=text.strip()) if text.strip() else ""
            )

    def move_selection(self, step: int) -> None:
        if not self.products:
            return
        rows = self.table.selectionModel().selectedRows()
        current = rows[0].row() if rows else -1
        target = max(0, min(current + step, len(self.products) - 1))
        self.table.selectRow(target)
        self.table.scrollTo(self.table.model().index(target, 0))

    def selected(self) -> Product | None:
        rows = self.table.selectionModel().selectedRows()
        return self.products[rows[0].row()] if rows and self.products else None

    # -- choosing ------------------------------------------------------------------------
    def submit(self, _text: str) -> None:
        if self.timer.isActive() or not self.products:
            self.run_search()  # Enter right after typing: do not wait for the pause
        product = self.selected()
        if product is None:
            self.show_error(self.empty.text() or _("Type part of the product name."))
            return
        if product.sold_by_weight and self.quantity_text is None:
            self._ask_weight(product)
            return
        try:
            quantity = (
                parse_quantity(self.quantity_text, weighed=product.sold_by_weight)
                if self.quantity_text
                else 1000
            )
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.choose(product, quantity)

    def _ask_weight(self, product: Product) -> None:
        self.pending = product
        self.weight_label.setText(_("Weight of {name} (kg):").format(name=product.name))
        self.weight_label.show()
        self.weight.show()
        self.weight.clear()
        self.weight.setFocus()

    def _hide_weight(self) -> None:
        self.pending = None
        self.weight_label.hide()
        self.weight.hide()

    def _weight_entered(self, text: str) -> None:
        if self.pending is None:
            return
        try:
            grams = parse_quantity(text, weighed=True)
        except PosError as exc:
            self.show_error(explain(exc))
            self.weight.selectAll()
            return
        self.choose(self.pending, grams)

    def choose(self, product: Product, quantity_milli: int) -> None:
        self.chosen.emit(product, quantity_milli)
        self.accept()

"""A manager's catalogue dialogs: import a file (every bad row listed, nothing imported),
and add or edit one product. The work and its checks are ``services.catalog_admin``'s."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)

from pos_common.i18n import N_, _, current_language, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.services.catalog_admin import CatalogAdmin, ProductEntry
from pos_desktop.services.catalog_import import CatalogImportError
from pos_desktop.services.reports import rate_label
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.keypad import TOUCH_PX


class BadPlu(PosError):
    message = N_("Bad PLU {plu}: digits only.")


def form_button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.setMinimumHeight(TOUCH_PX)
    return button


class ImportDialog(TillDialog):
    """A CSV file (as a spreadsheet writes it) into the catalogue, all rows or none."""

    def __init__(self, parent: QWidget | None, catalog: CatalogAdmin) -> None:
        super().__init__(parent, _("Import catalogue"), _(
            "A CSV file with the columns sku, name, price, iva_rate, unit, barcodes, plu, "
            "category (see README). If any row is wrong nothing is imported and every "
            "wrong row is listed here."))
        self.catalog = catalog
        self.outcome = ""
        row = QHBoxLayout()
        self.path = KeyField(self, clear_on_submit=False)
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText(_("the file's path"))
        self.path.submitted.connect(lambda _t: self.run_import())
        row.addWidget(self.path, 1)
        self.choose = form_button(self, _("Choose…"), "keyButton")
        self.choose.setMinimumWidth(self.choose.sizeHint().width() + 24)
        self.choose.clicked.connect(self._choose)
        row.addWidget(self.choose)
        self.body.addLayout(row)
        self.problems = QListWidget(self)
        self.problems.setObjectName("importProblems")
        self.problems.setMinimumHeight(180)
        self.problems.hide()
        self.body.addWidget(self.problems)
        self.setFocusProxy(self.path)
        self.add_ok_cancel(_("Import (Enter)"))
        self.at_least(720)

    def _choose(self) -> None:
        picker = QFileDialog(self, _("Catalogue file"), self.path.text() or str(Path.home()),
                             _("CSV files (*.csv *.txt);;All files (*)"))
        picker.fileSelected.connect(self.path.setText)
        picker.open()

    def run_import(self) -> None:
        self.problems.clear()
        self.problems.hide()
        text = self.path.text().strip()
        if not text:
            self.show_error(_("Choose the file to import."))
            return
        try:
            result = self.catalog.import_file(Path(text))
        except CatalogImportError as exc:
            self.show_error(explain(exc))
            self.problems.addItems([str(bad) for bad in exc.bad_rows])
            self.problems.show()
            return
        except PosError as exc:
            if not self.handled(exc, self.run_import):
                self.show_error(explain(exc))
            return
        self.outcome = _("Products read: {rows}; added or changed: {changed}.").format(
            rows=result.rows, changed=result.changed)
        self.accept()


def price_text(centavos: int) -> str:
    """A price as the field takes it back (``1234,50``; ``1234.50`` in English)."""
    mark = "," if current_language().startswith("es") else "."
    return f"{centavos // 100}{mark}{centavos % 100:02d}"


class ProductDialog(TillDialog):
    """One product: find it by code or SKU to change it, or fill in a new one."""

    def __init__(self, parent: QWidget | None, catalog: CatalogAdmin) -> None:
        super().__init__(parent, _("Product"), _(
            "Scan or type a code or SKU and Enter to change a product, or fill in a new one. "
            "Prices include IVA (per kg when weighed)."))
        self.catalog = catalog
        self.outcome = ""
        lookup_row = QHBoxLayout()
        self.lookup = KeyField(self, clear_on_submit=False)
        self.lookup.setObjectName("productFind")
        self.lookup.setPlaceholderText(_("code or SKU, then Enter"))
        self.lookup.submitted.connect(self.load)
        lookup_row.addWidget(self.lookup, 1)
        self.body.addLayout(lookup_row)
        # Two columns, so the whole form fits a 1024×768 screen with the dialog's buttons.
        grid = QGridLayout()
        self.sku = self._field(grid, 0, 0, _("SKU"), "productSku")
        self.price = self._field(grid, 0, 2, _("Price"), "productPrice", codes=False)
        self.name = self._field(grid, 1, 0, _("Name"), "productName", span=3)
        self.iva = QComboBox(self)
        self.iva.setObjectName("productIva")
        for rate in IvaRate:
            self.iva.addItem(rate_label(rate.value), rate)
        self._place(grid, 2, 0, _("IVA"), self.iva)
        self.category = QComboBox(self)
        self.category.setObjectName("productCategory")
        self.category.setEditable(True)
        self.category.addItems(["", *catalog.categories()])
        self._place(grid, 2, 2, _("Category"), self.category)
        self.barcodes = self._field(grid, 3, 0, _("Barcodes"), "productBarcodes", span=3)
        self.barcodes.setPlaceholderText(_("one or more, separated by spaces"))
        self.plu = self._field(grid, 4, 0, _("Scale PLU"), "productPlu", codes=False)
        self.weighed = QCheckBox(_("Sold by weight (price per kg)"), self)
        grid.addWidget(self.weighed, 4, 2, 1, 2)
        self.favourite = QCheckBox(_("Favourite (a key on the first page)"), self)
        grid.addWidget(self.favourite, 5, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        columns = QHBoxLayout()  # the keypad beside the form: it still fits 1024×768
        columns.addLayout(grid, 1)
        self.body.addLayout(columns)
        self.setFocusProxy(self.lookup)
        self.add_keypad(into=columns)  # types into the field tapped (code, price, PLU…)
        self.add_ok_cancel(_("Save"))
        if self.ok_button is not None:
            self.ok_button.clicked.disconnect()
            self.ok_button.clicked.connect(self.save)
        self.at_least(960)  # the form as wide as before, and the keypad

    def _place(self, grid: QGridLayout, row: int, column: int, label: str, widget: QWidget,
               span: int = 1) -> None:
        grid.addWidget(QLabel(label, self), row, column)
        grid.addWidget(widget, row, column + 1, 1, span)

    def _field(self, grid: QGridLayout, row: int, column: int, label: str, name: str, *,
               codes: bool = True, span: int = 1) -> KeyField:
        field = KeyField(self, clear_on_submit=False, takes_codes=codes)
        field.setObjectName(name)
        field.submitted.connect(lambda _t: self.save())
        field.textEdited.connect(lambda _t: self.clear_error())
        self._place(grid, row, column, label, field, span)
        return field

    def load(self, code: str) -> None:
        product = self.catalog.find(code)
        if product is None:
            self.show_error(_("No product has the code {code}: fill in a new one.").format(
                code=code.strip()))
            self.sku.setText(code.strip())
            self.name.setFocus()
            return
        self.clear_error()
        self.show_product(product)

    def show_product(self, product: Product) -> None:
        self.sku.setText(product.sku)
        self.name.setText(product.name)
        self.price.setText(price_text(product.price))
        self.iva.setCurrentIndex(self.iva.findData(product.iva_rate))
        self.barcodes.setText(" ".join(product.barcodes))
        self.weighed.setChecked(product.sold_by_weight)
        self.plu.setText("" if product.plu is None else str(product.plu))
        self.category.setCurrentText(product.category or "")
        self.favourite.setChecked(self.catalog.is_favourite(product.sku))
        self.name.setFocus()

    def entry(self) -> ProductEntry:
        plu = self.plu.text().strip()
        if plu and not (plu.isascii() and plu.isdigit()):
            raise BadPlu(plu=plu)
        return ProductEntry(
            sku=self.sku.text(), name=self.name.text(),
            price=parse_money(self.price.text()), iva_rate=self.iva.currentData(),
            barcodes=tuple(self.barcodes.text().replace(",", " ").split()),
            sold_by_weight=self.weighed.isChecked(), plu=int(plu) if plu else None,
            category=self.category.currentText(), favourite=self.favourite.isChecked())

    def save(self) -> None:
        try:
            product = self.catalog.save_product(self.entry())
        except PosError as exc:
            if not self.handled(exc, self.save):
                self.show_error(explain(exc))
            return
        self.outcome = _("Product {sku} saved: {name}.").format(sku=product.sku,
                                                               name=product.name)
        self.accept()

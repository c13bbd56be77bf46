"""Prices up (or down) by a percentage, for the whole shop or one category: first the
preview (every product, before and after, with the rounding rule stated), then Apply.
Apply is offered only for the preview on screen: changing the percentage, the category or
the rounding asks for a new preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableWidgetItem,
    QWidget,
)

from pos_common.i18n import _, explain, format_money
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.pricing import ROUNDING_STEPS, PriceChange, parse_percent
from pos_desktop.services.catalog_admin import CatalogAdmin, Reprice
from pos_desktop.ui.catalog_dialogs import form_button
from pos_desktop.ui.dialog_base import TillDialog, keyboard_table
from pos_desktop.ui.key_field import KeyField

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SHOWN_ROWS = 500  # the preview lists this many; the count says how many change in all


def step_label(step: int) -> str:
    return {1: _("to the centavo"), 100: _("to the peso"), 1_000: _("to $ 10"),
            10_000: _("to $ 100")}[step]


class RepriceDialog(TillDialog):
    def __init__(self, parent: QWidget | None, catalog: CatalogAdmin) -> None:
        super().__init__(parent, _("Change prices by a percentage"), _(
            "Each price is multiplied by (100 % + the percentage) and rounded half up to the "
            "step chosen: $1,234.00 + 7.5 % to the peso is $1,327.00. A negative "
            "percentage lowers prices. Preview first; nothing changes until Apply."))
        self.catalog = catalog
        self.outcome = ""
        self.previewed: Reprice | None = None
        form = QFormLayout()
        self.percent = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.percent.setObjectName("repricePercent")
        self.percent.setPlaceholderText("7,5")
        self.percent.submitted.connect(lambda _t: self.preview())
        form.addRow(_("Percentage"), self.percent)
        self.category = QComboBox(self)
        self.category.setObjectName("repriceCategory")
        self.category.addItem(_("Every product"), None)
        for name in catalog.categories():
            self.category.addItem(name, name)
        form.addRow(_("Category"), self.category)
        self.step = QComboBox(self)
        self.step.setObjectName("repriceStep")
        for step in ROUNDING_STEPS:
            self.step.addItem(step_label(step), step)
        self.step.setCurrentIndex(ROUNDING_STEPS.index(100))
        form.addRow(_("Rounding"), self.step)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        self.body.addLayout(top)
        # The keypad's minus instead of its C: a negative percentage lowers prices.
        self.add_keypad(extra="-", into=top)
        for changed in (self.category.currentIndexChanged, self.step.currentIndexChanged):
            changed.connect(lambda _i: self._stale())
        self.percent.textEdited.connect(lambda _t: self._stale())
        self.count = QLabel("", self)
        self.count.setObjectName("repriceCount")
        self.count.setWordWrap(True)
        self.body.addWidget(self.count)
        self.table = keyboard_table(self, 0, [_("SKU"), _("Product"), _("Now"), _("New")],
                                    stretch=1)
        self.table.setMinimumHeight(240)
        self.body.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = form_button(self, _("Cancel (Esc)"), "keyButton")
        self.cancel_button.clicked.connect(self.reject)
        self.preview_button = form_button(self, _("Preview (Enter)"), "keyButton")
        self.preview_button.clicked.connect(self.preview)
        self.apply_button = form_button(self, _("Apply"), "payButton")
        self.apply_button.clicked.connect(self.apply)
        self.apply_button.setEnabled(False)
        for button in (self.cancel_button, self.preview_button, self.apply_button):
            buttons.addWidget(button)
        self.layout_.addLayout(buttons)
        self.setFocusProxy(self.percent)
        self.at_least(760)

    def wanted(self) -> Reprice:
        return Reprice(parse_percent(self.percent.text()), int(self.step.currentData()),
                       self.category.currentData())

    def _stale(self) -> None:
        self.previewed = None
        self.apply_button.setEnabled(False)
        self.clear_error()

    def preview(self) -> None:
        try:
            wanted = self.wanted()
            changes = self.catalog.preview_prices(wanted)
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.clear_error()
        self.show_changes(changes)
        self.previewed = wanted
        self.apply_button.setEnabled(bool(changes))

    def show_changes(self, changes: list[PriceChange]) -> None:
        shown = changes[:SHOWN_ROWS]
        self.table.setRowCount(len(shown))
        for row, change in enumerate(shown):
            for column, text in enumerate((change.sku, change.name, format_money(change.old),
                                           format_money(change.new))):
                item = QTableWidgetItem(text)
                if column >= 2:  # amounts line up on the right, as on a receipt
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        more = len(changes) - len(shown)
        text = _("{n} prices change.").format(n=len(changes)) if changes else _(
            "No price changes.")
        if more > 0:
            text += " " + _("The first {shown} are listed.").format(shown=len(shown))
        self.count.setText(text)

    def apply(self) -> None:
        wanted = self.previewed
        if wanted is None:
            return
        try:
            changes = self.catalog.change_prices(wanted)
        except PosError as exc:
            if not self.handled(exc, self.apply):
                self.show_error(explain(exc))
            return
        self.outcome = _("{n} prices changed.").format(n=len(changes))
        self.accept()

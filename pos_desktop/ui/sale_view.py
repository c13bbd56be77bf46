"""What the customer is paying for: the lines table and the big total.

The model keeps display rows (already formatted strings) and, on each change, tells the
view only what changed: a scan appends one row or bumps one quantity, so the view repaints
one row instead of the whole table. That keeps "key Enter → line shown" well under a frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.sale import Sale, SaleLine, Totals
from pos_desktop.i18n import N_, _, format_money, format_quantity

COLUMNS = (N_("#"), N_("Description"), N_("Qty"), N_("Unit price"), N_("Discount"), N_("Amount"))
COL_NO, COL_DESC, COL_QTY, COL_PRICE, COL_DISC, COL_AMOUNT = range(len(COLUMNS))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
ALIGN = (_CENTER, _LEFT, _RIGHT, _RIGHT, _RIGHT, _RIGHT)
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class LineRow:
    line_no: int
    cells: tuple[str, str, str, str, str, str]


def line_row(position: int, line: SaleLine) -> LineRow:
    weighed = line.product.sold_by_weight
    price = format_money(line.unit_price)
    discount = line.line_discount
    return LineRow(
        line.line_no,
        (
            str(position),
            line.product.name,
            format_quantity(line.quantity_milli, weighed=weighed),
            f"{price}/kg" if weighed else price,
            f"-{format_money(discount)}" if discount else "",
            format_money(line.after_line_discount),
        ),
    )


class SaleTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LineRow] = []
        self._headers = [_(c) for c in COLUMNS]

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()].cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN[index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN[section]
        return None

    # -- updates -------------------------------------------------------------------------
    def update(self, sale: Sale) -> None:
        """Show ``sale``'s lines, signalling the smallest change we can name."""
        new = [line_row(i, line) for i, line in enumerate(sale.lines, start=1)]
        old = self.rows
        if len(new) == len(old) + 1 and new[:-1] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self.rows = new
            self.endInsertRows()
        elif len(new) == len(old):
            changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            self.rows = new
            if changed:
                last = len(COLUMNS) - 1
                self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))
        else:
            self.beginResetModel()
            self.rows = new
            self.endResetModel()

    def row_of(self, line_no: int) -> int | None:
        for i, row in enumerate(self.rows):
            if row.line_no == line_no:
                return i
        return None


class SaleTable(QTableView):
    """The lines. It never takes the keyboard: Up/Down come from the scan field."""

    def __init__(self, model: SaleTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("saleTable")
        self.ensurePolished()  # the sheet's font decides row height and column widths
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(44, self.fontMetrics().height() + 18))
        head = self.horizontalHeader()
        head.setHighlightSections(False)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        head.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
        self.fit_columns()
        self.setColumnHidden(COL_DISC, True)

    def fit_columns(self) -> None:
        """Number columns as wide as their widest likely value; the description gets the rest."""
        self.ensurePolished()
        fm = self.fontMetrics()
        samples = {
            COL_NO: "999",
            COL_QTY: format_quantity(99_999, weighed=True),
            COL_PRICE: f"{format_money(999_999)}/kg",
            COL_DISC: f"-{format_money(999_999)}",
            COL_AMOUNT: format_money(9_999_999),
        }
        for col, sample in samples.items():
            self.setColumnWidth(col, fm.horizontalAdvance(sample) + 16)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()

    def show_discount_column(self, shown: bool) -> None:
        if self.isColumnHidden(COL_DISC) == shown:
            self.setColumnHidden(COL_DISC, not shown)

    @property
    def sale_model(self) -> SaleTableModel:
        model = self.model()
        assert isinstance(model, SaleTableModel)
        return model

    def current_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int | None) -> None:
        if row is None or not self.sale_model.rows:
            self.clearSelection()
            return
        row = max(0, min(row, len(self.sale_model.rows) - 1))
        self.selectRow(row)
        self.scrollTo(self.sale_model.index(row, 0))


def item_count(sale: Sale) -> int:
    """Units of unit goods plus one per weighed line (what a cashier counts on the belt)."""
    return sum(1 if li.product.sold_by_weight else li.quantity_milli // 1000 for li in sale.lines)


class FitLabel(QLabel):
    """A label whose font shrinks until the text fits: the total is never cut off."""

    def __init__(self, text: str, parent: QWidget | None, max_point_size: int) -> None:
        super().__init__(text, parent)
        self.max_point_size = max_point_size

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        font = self.font()
        room = self.contentsRect().width() - 4
        size = self.max_point_size
        while size > 12:
            font.setPointSize(size)
            if QFontMetrics(font).horizontalAdvance(self.text()) <= room:
                break
            size -= 2
        if size != self.font().pointSize():
            self.setFont(font)


class TotalPanel(QFrame):
    """The big total, what makes it up, and the last sale's change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.caption = self._label("totalCaption", _("TOTAL"))
        self.amount = FitLabel(format_money(0), self, max_point_size=48)
        self.amount.setObjectName("totalAmount")
        self.amount.setAlignment(_RIGHT)
        self.detail = self._label("totalDetail", "")
        self.detail.setAlignment(_RIGHT)
        self.detail.setWordWrap(True)
        self.change = FitLabel("", self, max_point_size=26)
        self.change.setObjectName("changeAmount")
        self.change.setAlignment(_RIGHT)
        self.last_sale = self._label("lastSale", "")
        self.last_sale.setAlignment(_RIGHT)
        for w in (self.caption, self.amount, self.detail):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.change)
        layout.addWidget(self.last_sale)

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        return label

    def update_sale(self, sale: Sale, totals: Totals) -> None:
        self.amount.setText(format_money(totals.total))
        parts = [_("Items: {count}").format(count=item_count(sale))] if sale.lines else []
        if totals.discounts:
            parts.append(_("Subtotal: {amount}").format(amount=format_money(totals.gross)))
            parts.append(_("Discounts: -{amount}").format(amount=format_money(totals.discounts)))
        if sale.tenders:
            paid = sum(t.amount for t in sale.tenders)
            parts.append(_("Paid: {amount}").format(amount=format_money(paid)))
            parts.append(_("Due: {amount}").format(amount=format_money(sale.due)))
        self.detail.setText("\n".join(parts))

    def show_last_sale(self, ticket: str, change: int) -> None:
        self.change.setText(
            _("Change: {amount}").format(amount=format_money(change)) if change else ""
        )
        self.last_sale.setText(_("Last ticket: {ticket}").format(ticket=ticket))

    def clear_change(self) -> None:
        if self.change.text():
            self.change.setText("")

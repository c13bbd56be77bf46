"""What the customer is paying for: the lines table and the big total.

The model keeps display rows (already formatted strings) and, on each change, touches only
what changed: a scan appends one row or bumps one quantity. The view reads a C++ model,
so a repaint never calls into Python. That keeps "key Enter → line shown" under a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import N_, _, format_minus, format_money, format_quantity
from pos_desktop.domain.sale import Sale, SaleLine, Totals

COLUMNS = (N_("#"), N_("Description"), N_("Qty"), N_("Unit price"), N_("Discount"), N_("Amount"))
COL_NO, COL_DESC, COL_QTY, COL_PRICE, COL_DISC, COL_AMOUNT = range(len(COLUMNS))
NARROW_TABLE_PX = 760  # below it (a 1024 px screen) the unit price column gives way
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
ALIGN = (_CENTER, _LEFT, _RIGHT, _RIGHT, _RIGHT, _RIGHT)


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
            format_minus(discount) if discount else "",
            format_money(line.after_line_discount),
        ),
    )


class SaleTableModel:
    """The sale's lines as display rows, kept in a C++ item model for the view.

    Two choices keep a scan cheap to show. The view reads a ``QStandardItemModel``, so
    painting never calls back into Python. And the model always has at least a screenful
    of rows, blank ones below the lines: a new line fills the next blank row, which
    repaints one row, where inserting a row would repaint the whole table.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        self.rows: list[LineRow] = []
        self.min_rows = 0
        # Rows paint their own background (the view is opaque, see SaleTable).
        self.brushes = (QBrush(QColor("#ffffff")), QBrush(QColor("#f3f6fa")))
        self.qmodel = QStandardItemModel(0, len(COLUMNS), parent)
        self.qmodel.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        for col, align in enumerate(ALIGN):
            self.qmodel.setHeaderData(
                col, Qt.Orientation.Horizontal, align, Qt.ItemDataRole.TextAlignmentRole
            )

    def update(self, sale: Sale) -> None:
        """Show ``sale``'s lines, touching only the cells that changed."""
        new = [line_row(i, line) for i, line in enumerate(sale.lines, start=1)]
        old, self.rows = self.rows, new
        for r, row in enumerate(new):
            if r >= self.qmodel.rowCount():
                self.qmodel.appendRow(self._items(r, row.cells))
            elif r >= len(old) or old[r] != row:
                self._set_row(r, row.cells, old[r].cells if r < len(old) else None)
        for r in range(len(new), len(old)):
            self._set_row(r, _BLANK, old[r].cells)
        self._fit_row_count()

    def set_min_rows(self, count: int) -> None:
        """Keep at least ``count`` rows (blank below the lines) so the table looks ruled."""
        if count != self.min_rows:
            self.min_rows = count
            self._fit_row_count()

    def _fit_row_count(self) -> None:
        wanted = max(len(self.rows), self.min_rows)
        have = self.qmodel.rowCount()
        if have > wanted:
            self.qmodel.setRowCount(wanted)
        for r in range(have, wanted):
            self.qmodel.appendRow(self._items(r, _BLANK))

    def _set_row(self, r: int, cells: tuple[str, ...], before: tuple[str, ...] | None) -> None:
        filled = bool(cells[0])
        for c, text in enumerate(cells):
            item = self.qmodel.item(r, c)
            if item is None:
                continue
            if before is None or before[c] != text:
                item.setText(text)
            if item.isSelectable() != filled:
                item.setSelectable(filled)

    def row_of(self, line_no: int) -> int | None:
        for i, row in enumerate(self.rows):
            if row.line_no == line_no:
                return i
        return None

    def _items(self, r: int, cells: tuple[str, ...]) -> list[QStandardItem]:
        items = []
        for col, text in enumerate(cells):
            item = QStandardItem(text)
            item.setTextAlignment(ALIGN[col])
            item.setEditable(False)
            item.setSelectable(bool(cells[0]))
            item.setBackground(self.brushes[r % 2])
            items.append(item)
        return items


_BLANK = ("", "", "", "", "", "")


class SaleTable(QTableView):
    """The lines. It never takes the keyboard: Up/Down come from the scan field."""

    def __init__(self, model: SaleTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = model
        self.setModel(model.qmodel)
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
        # The rows always cover the viewport (see SaleTableModel): telling Qt so lets it
        # scroll by moving pixels instead of repainting the whole table for each new line.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        palette = self.palette()  # the sheet's background / alternate-background-color
        model.brushes = (palette.base(), palette.alternateBase())
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
        """Number columns as wide as their widest value ($ 9.999.999,99 at least, and
        wider when a line needs it: an amount is never cut); the description gets the
        rest. On a narrow screen the unit price gives way (the side panel shows it)."""
        self.ensurePolished()
        fm = self.fontMetrics()
        samples = {
            COL_NO: ["999"],
            COL_QTY: [format_quantity(99_999, weighed=True)],
            COL_PRICE: [f"{format_money(99_999_999)}/kg"],
            COL_DISC: [format_minus(99_999_999)],
            COL_AMOUNT: [format_money(999_999_999)],
        }
        for row in self.lines.rows:
            for col in samples:
                samples[col].append(row.cells[col])
        for col, texts in samples.items():
            width = max(fm.horizontalAdvance(t) for t in texts) + 16
            if self.columnWidth(col) != width:
                self.setColumnWidth(col, width)
        narrow = self.width() < NARROW_TABLE_PX
        if self.isColumnHidden(COL_PRICE) != narrow:
            self.setColumnHidden(COL_PRICE, narrow)

    def fit_values(self) -> None:
        """After a change: widen a number column if a value outgrew it."""
        fm = self.fontMetrics()
        for col in (COL_PRICE, COL_DISC, COL_AMOUNT):
            widest = max((fm.horizontalAdvance(r.cells[col]) for r in self.lines.rows),
                         default=0) + 16
            if widest > self.columnWidth(col):
                self.setColumnWidth(col, widest)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.verticalHeader().defaultSectionSize()
        self.lines.set_min_rows(self.viewport().height() // max(height, 1) + 1)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()

    def show_discount_column(self, shown: bool) -> None:
        if self.isColumnHidden(COL_DISC) == shown:
            self.setColumnHidden(COL_DISC, not shown)

    def current_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int | None) -> None:
        if row is None or not self.lines.rows:
            self.clearSelection()
            return
        row = max(0, min(row, len(self.lines.rows) - 1))
        self.selectRow(row)
        self.scrollTo(self.lines.qmodel.index(row, 0))


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
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        self.caption = self._label("totalCaption", _("TOTAL"))
        self.amount = FitLabel(format_money(0), self, max_point_size=48)
        self.amount.setObjectName("totalAmount")
        self.amount.setAlignment(_RIGHT)
        self.detail = self._label("totalDetail", "")
        self.detail.setAlignment(_RIGHT)
        self.last_item = self._label("lastItem", "")
        self.last_item.setAlignment(_RIGHT)
        self.change = FitLabel("", self, max_point_size=26)
        self.change.setObjectName("changeAmount")
        self.change.setAlignment(_RIGHT)
        self.last_sale = self._label("lastSale", "")
        self.last_sale.setAlignment(_RIGHT)
        for w in (self.caption, self.amount, self.detail, self.last_item, self.change,
                  self.last_sale):
            layout.addWidget(w)
        self._stacked = (self.detail, self.last_item, self.change, self.last_sale)
        self._shape: tuple[int, ...] = ()
        self.shown_line: SaleLine | None = None

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        return label

    def _fit_height(self) -> None:
        """Tell the window when the panel needs a different height (a line more or less).

        A label's new text only re-lays out this panel; the column around it must be told,
        or the panel keeps its old height and clips. Asked only when the shape changes, so
        a scan does not re-lay out the window.
        """
        shape = tuple(w.text().count("\n") + bool(w.text()) for w in self._stacked)
        if shape != self._shape:
            self._shape = shape
            self.updateGeometry()

    def update_sale(self, sale: Sale, totals: Totals) -> None:
        self.amount.setText(format_money(totals.total))
        parts = [_("Items: {count}").format(count=item_count(sale))] if sale.lines else []
        if totals.discounts:
            parts.append(_("Subtotal: {amount}").format(amount=format_money(totals.gross)))
            parts.append(_("Discounts: {amount}").format(amount=format_minus(totals.discounts)))
        if sale.tenders:
            paid = sum(t.amount for t in sale.tenders)
            parts.append(_("Paid: {amount}").format(amount=format_money(paid)))
            parts.append(_("Due: {amount}").format(amount=format_money(sale.due)))
        # Two to a line: the panel stays short enough for the product keys under it.
        pairs = [" · ".join(parts[i:i + 2]) for i in range(0, len(parts), 2)]
        self.detail.setText("\n".join(pairs))
        self._fit_height()

    def show_line(self, line: SaleLine | None) -> None:
        """The line just scanned or changed: its name, and quantity × price = amount."""
        self.shown_line = line
        if line is None:
            self.last_item.setText("")
            self._fit_height()
            return
        weighed = line.product.sold_by_weight
        # Elided, not wrapped: a known number of lines keeps the panel's height fixed.
        room = max(self.contentsRect().width() - 40, 80)
        metrics = self.last_item.fontMetrics()
        name = metrics.elidedText(line.product.name, Qt.TextElideMode.ElideRight, room)
        figures = f"{format_quantity(line.quantity_milli, weighed=weighed)} × " \
            f"{format_money(line.unit_price)}"
        total = f"{figures} = {format_money(line.after_line_discount)}"
        if metrics.horizontalAdvance(total) <= room:
            figures = total  # the amount is in the lines too: it goes first when short
        self.last_item.setText(f"{name}\n{figures}")
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.show_line(self.shown_line)  # elided again at the new width

    def show_last_sale(self, ticket: str, change: int) -> None:
        self.change.setText(
            _("Change: {amount}").format(amount=format_money(change)) if change else ""
        )
        self.last_sale.setText(_("Last ticket: {ticket}").format(ticket=ticket))
        self._fit_height()

    def clear_change(self) -> None:
        if self.change.text():
            self.change.setText("")
            self._fit_height()

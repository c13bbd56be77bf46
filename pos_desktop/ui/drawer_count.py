"""Counting a drawer by denomination, by keyboard, touch or both.

The highlighted row is the denomination being counted; type how many and Enter (the next
row is highlighted), ↑/↓ to go back, F12 when done. The last row, "Other", takes an amount
in pesos: loose coins, or the whole float typed at once. By touch: tap a row, the keypad's
digits and OK, then *Listo*.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, format_money
from pos_desktop.domain.denominations import (
    ARS_DENOMINATIONS,
    OTHER,
    count_total,
    denomination_label,
)
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.ui.dialog_base import keyboard_table
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.keypad import KEYPAD_WIDTH, TOUCH_PX, Keypad


class DrawerCount(QWidget):
    """The drawer counted piece by piece. ``finished`` on F12; ``changed(total)``."""

    finished = Signal()
    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = [d.code for d in ARS_DENOMINATIONS] + [OTHER]
        self.counts: dict[str, int] = {}
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.table = keyboard_table(
            self, len(self.codes), [_("Denomination"), _("Count"), _("Amount")]
        )
        self.table.setObjectName("countTable")
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setMinimumSize(420, 28 * 12)
        for row, code in enumerate(self.codes):
            self.table.setItem(row, 0, QTableWidgetItem(denomination_label(code)))
        self.table.cellClicked.connect(lambda row, _col: self.select(row))
        outer.addWidget(self.table, 1)
        layout = QVBoxLayout()
        # The prompt is a label of its own: as a placeholder it was cut at the field's width.
        self.prompt = QLabel(_("How many? Enter = next row, F12 = done"), self)
        self.prompt.setObjectName("dialogHint")
        self.prompt.setWordWrap(True)
        self.prompt.setMaximumWidth(KEYPAD_WIDTH)
        layout.addWidget(self.prompt)
        self.field = KeyField(self, takes_codes=False)
        self.field.setObjectName("countField")
        layout.addWidget(self.field)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("countTotal")
        layout.addWidget(self.total_label)
        self.keypad = Keypad(lambda: self.field, self)
        layout.addWidget(self.keypad, 1)
        self.done_button = QPushButton(_("Done (F12)"), self)
        self.done_button.setObjectName("payButton")
        self.done_button.setMinimumHeight(TOUCH_PX)
        no_focus(self.done_button)
        self.done_button.clicked.connect(lambda _c=False: self.finished.emit())
        layout.addWidget(self.done_button)
        outer.addLayout(layout)
        self.field.bind(Qt.Key.Key_Up, lambda: self.select(self.row - 1))
        self.field.bind(Qt.Key.Key_Down, lambda: self.select(self.row + 1))
        self.field.bind(Qt.Key.Key_F12, self.finished.emit)
        self.field.submitted.connect(self._entered)
        self.setFocusProxy(self.field)
        self.row = 0
        self.select(0)
        self._refresh()

    def select(self, row: int) -> None:
        self.row = max(0, min(len(self.codes) - 1, row))
        self.table.selectRow(self.row)
        self.field.setFocus()

    def set_count(self, code: str, value: int) -> None:
        trial = {**self.counts, code: value}
        count_total(trial)  # raises InvalidCount
        self.counts = {k: v for k, v in trial.items() if v}
        self._refresh()

    def _entered(self, text: str) -> None:
        text = text.strip()
        if text:
            code = self.codes[self.row]
            try:
                value = parse_money(text) if code == OTHER else int(text)
                self.set_count(code, value)
            except (PosError, ValueError):
                self.field.setText(text)
                self.field.selectAll()
                return
        self.select(self.row + 1)

    def total(self) -> int:
        return count_total(self.counts)

    def _refresh(self) -> None:
        for row, code in enumerate(self.codes):
            n = self.counts.get(code, 0)
            shown = "" if not n else (format_money(n) if code == OTHER else str(n))
            amount = (
                n
                if code == OTHER
                else n * next(d.value for d in ARS_DENOMINATIONS if d.code == code)
            )
            self.table.setItem(row, 1, QTableWidgetItem(shown))
            self.table.setItem(row, 2, QTableWidgetItem(format_money(amount) if n else ""))
        total = self.total()
        self.total_label.setText(_("Counted: {amount}").format(amount=format_money(total)))
        self.changed.emit(total)

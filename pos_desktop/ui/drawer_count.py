"""Counting a drawer by denomination, by keyboard, touch or both.

The highlighted row is the denomination being counted; type how many and Enter (the next
row is highlighted), ↑/↓ to go back, F12 when done. The last row, "Other", takes an amount
in pesos: loose coins, or the whole float typed at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from pos_common.i18n import _, format_money
from pos_desktop.domain.denominations import ARS_DENOMINATIONS, OTHER, count_total
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.ui.dialog_base import keyboard_table
from pos_desktop.ui.key_field import KeyField


def denomination_label(code: str) -> str:
    if code == OTHER:
        return _("Other (amount)")
    d = next(d for d in ARS_DENOMINATIONS if d.code == code)
    kind = _("note") if d.kind == "note" else _("coin")
    return f"{format_money(d.value).replace(',00', '')} · {kind}"


class DrawerCount(QWidget):
    """The drawer counted piece by piece. ``finished`` on F12; ``changed(total)``."""

    finished = Signal()
    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = [d.code for d in ARS_DENOMINATIONS] + [OTHER]
        self.counts: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = keyboard_table(
            self, len(self.codes), [_("Denomination"), _("Count"), _("Amount")]
        )
        for row, code in enumerate(self.codes):
            self.table.setItem(row, 0, QTableWidgetItem(denomination_label(code)))
        layout.addWidget(self.table)
        self.field = KeyField(self)
        self.field.setObjectName("countField")
        self.field.setPlaceholderText(_("How many? Enter = next, F12 = done"))
        layout.addWidget(self.field)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("countTotal")
        layout.addWidget(self.total_label)
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

"""Help → Keys: every key of the till on one screen (also reachable by touch)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from pos_common.i18n import _
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.key_field import no_focus


def scan_keys() -> list[tuple[str, str]]:
    """Keys of the scan field itself (the commands' keys come from the window's actions)."""
    return [
        (_("Enter"), _("Add the code typed or scanned")),
        ("3*", _("Quantity for the next code (3*779… in one go also works)")),
        ("↑ / ↓", _("Choose a line")),
        (_("Esc"), _("Clear what was typed; in a dialog, go back without changing the sale")),
    ]


class KeysDialog(TillDialog):
    def __init__(self, parent: QWidget | None, keys: Iterable[tuple[str, str]]) -> None:
        super().__init__(parent, _("Keys"), _("Esc closes this window."))
        self.at_least(700, 560)
        rows = list(keys)
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels([_("Key"), _("What it does")])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for r, (key, text) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(key))
            table.setItem(r, 1, QTableWidgetItem(text))
        no_focus(table)
        self.table = table
        self.body.addWidget(table, 1)
        self.add_ok_cancel(_("Close (Esc)"), cancel=False)

    def _ok(self) -> None:
        self.accept()

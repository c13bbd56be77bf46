"""F5 on an empty sale: the sales waiting on hold; Enter recalls the highlighted one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from pos_common.i18n import _, format_money
from pos_desktop.ui.dialog_base import TillDialog


def _time_of(parked_at: str) -> str:
    try:
        return datetime.fromisoformat(parked_at).astimezone().strftime("%H:%M")
    except ValueError:
        return parked_at


class ParkDialog(TillDialog):
    recall = Signal(int)  # parked sale id

    def __init__(self, parent: QWidget | None, parked: list[dict[str, Any]]) -> None:
        super().__init__(
            parent,
            _("Sales on hold"),
            _("Up/Down choose, Enter recalls the sale, Esc goes back."),
        )
        self.at_least(640, 420)
        self.ids: list[int] = []
        self.list = QListWidget(self)
        self.list.setObjectName("parkedList")
        for row in parked:
            text = _("No. {id} · {time} · {label} · {total}").format(
                id=row["id"],
                time=_time_of(str(row["parked_at"])),
                label=row["label"],
                total=format_money(int(row["total"])),
            )
            self.list.addItem(QListWidgetItem(text))
            self.ids.append(int(row["id"]))
        self.body.addWidget(self.list, 1)
        if self.ids:
            self.list.setCurrentRow(len(self.ids) - 1)  # the newest is usually the one
        self.list.activated.connect(lambda _index: self.take())
        self.setFocusProxy(self.list)
        self._taken = False
        self.add_ok_cancel(_("Recall (Enter)"))

    def _ok(self) -> None:
        self.take()

    def take(self) -> None:
        row = self.list.currentRow()
        if self._taken or row < 0:
            return
        self._taken = True
        self.recall.emit(self.ids[row])
        self.accept()

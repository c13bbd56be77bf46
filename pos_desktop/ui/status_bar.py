"""The status bar: store, terminal, cashier, clock, and slots for sync and printer state.

Its items are never cut: what does not fit in one row goes to a second one (a flow layout),
so at 1024×768 the store's name, the cashier and the printer still read whole.

``set_sync_state`` is for the sync publisher's status, ``set_printer_state`` for the print
queue; both take a short text and a level (``ok``, ``info``, ``warning``, ``error``). They
must be called on the GUI thread (emit a signal from worker threads).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from pos_common.i18n import _
from pos_desktop.ui.flow_layout import FlowLayout
from pos_desktop.ui.theme import set_level


class TillStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.items = QWidget(self)
        self.items.setObjectName("statusItems")
        self.flow = FlowLayout(self.items)
        self.addWidget(self.items, 1)
        self.store = self._slot("statusStore")
        self.terminal = self._slot("statusTerminal")
        self.cashier = self._slot("statusCashier")
        self.sync = self._slot("statusSync")
        self.printer = self._slot("statusPrinter")
        self.fiscal = self._slot("statusFiscal")
        self.clock = QLabel(self)
        self.clock.setObjectName("statusClock")
        self.clock.ensurePolished()
        self.clock.setMinimumWidth(
            self.clock.fontMetrics().horizontalAdvance("00/00/0000 00:00") + 24
        )
        self.addPermanentWidget(self.clock)
        self.sync.hide()
        self.printer.hide()
        self.fiscal.hide()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._timer.start(1000)
        self.tick()

    def _slot(self, name: str) -> QLabel:
        label = QLabel(self.items)
        label.setObjectName(name)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.flow.addWidget(label)
        return label

    def _reflow(self) -> None:
        """As many rows as the items need at this width (a text or the width changed)."""
        width = self.items.width()
        if width > 0:
            self.items.setFixedHeight(max(self.flow.heightForWidth(width), 1))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _set(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setToolTip(text)
        label.show()
        self.flow.invalidate()
        self._reflow()

    def tick(self) -> None:
        self.clock.setText(datetime.now().strftime("%d/%m/%Y %H:%M"))

    def set_store(self, name: str, store_id: str) -> None:
        self._set(self.store, f"{name} ({store_id})" if name else store_id)

    def set_terminal(self, terminal_id: str) -> None:
        self._set(self.terminal, _("Till {terminal}").format(terminal=terminal_id))

    def set_cashier(self, name: str | None) -> None:
        self._set(self.cashier, _("Cashier: {name}").format(name=name or "—"))

    def set_sync_state(self, text: str, level: str = "info") -> None:
        """E.g. ``("Sincronizado", "ok")`` or ``("Sin conexión · 12 pendientes", "warning")``."""
        set_level(self.sync, level)
        self._set(self.sync, _("Sync: {state}").format(state=text))

    def set_printer_state(self, text: str, level: str = "info") -> None:
        set_level(self.printer, level)
        self._set(self.printer, _("Printer: {state}").format(state=text))

    def set_fiscal_state(self, text: str, level: str = "info") -> None:
        """ARCA: online · 2 comprobantes to authorize (fiscal mode ARCA only)."""
        set_level(self.fiscal, level)
        self._set(self.fiscal, _("ARCA: {state}").format(state=text))

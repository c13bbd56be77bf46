"""The status bar: store, terminal, cashier, clock, and slots for sync and printer state.

``set_sync_state`` is for the sync publisher's status, ``set_printer_state`` for the print
queue; both take a short text and a level (``ok``, ``info``, ``warning``, ``error``). They
must be called on the GUI thread (emit a signal from worker threads).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from pos_common.i18n import _
from pos_desktop.ui.theme import set_level


class TillStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
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
        label = QLabel(self)
        label.setObjectName(name)
        # On a narrow screen the texts are cut rather than pushing the clock out.
        label.setMinimumWidth(24)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.addWidget(label)
        return label

    def tick(self) -> None:
        self.clock.setText(datetime.now().strftime("%d/%m/%Y %H:%M"))

    def set_store(self, name: str, store_id: str) -> None:
        self.store.setText(f"{name} ({store_id})" if name else store_id)

    def set_terminal(self, terminal_id: str) -> None:
        self.terminal.setText(_("Till {terminal}").format(terminal=terminal_id))

    def set_cashier(self, name: str | None) -> None:
        self.cashier.setText(_("Cashier: {name}").format(name=name or "—"))

    def set_sync_state(self, text: str, level: str = "info") -> None:
        """E.g. ``("Sincronizado", "ok")`` or ``("Sin conexión · 12 pendientes", "warning")``."""
        self.sync.setText(_("Sync: {state}").format(state=text))
        set_level(self.sync, level)
        self.sync.show()

    def set_printer_state(self, text: str, level: str = "info") -> None:
        self.printer.setText(_("Printer: {state}").format(state=text))
        set_level(self.printer, level)
        self.printer.show()

    def set_fiscal_state(self, text: str, level: str = "info") -> None:
        """ARCA: online · 2 comprobantes to authorize (fiscal mode ARCA only)."""
        self.fiscal.setText(_("ARCA: {state}").format(state=text))
        set_level(self.fiscal, level)
        self.fiscal.show()

"""Printing in the till window: the print queue's state in the status bar, the on-screen
printer's receipts under the total, reprint (Ctrl+R) and retry of failed jobs (Ctrl+P).

The queue works on its own thread; its status reaches the window through a queued signal,
so no widget is touched from the worker.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pos_common.i18n import N_, _, ngettext
from pos_desktop.domain.errors import PosError
from pos_desktop.ui.deps import PrintingPort
from pos_desktop.ui.main_window import MainWindow


class PrinterWatch(QObject):
    status_changed = Signal(object)  # pos_printers.queue.QueueStatus, from the worker thread

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.status_changed.connect(self._show)
        self.last_ticket: int | None = None

    def _show(self, status: object) -> None:
        state = getattr(status, "state", "error")
        failed = int(getattr(status, "failed", 0))
        pending = int(getattr(status, "pending", 0))
        if state == "ok" and not failed:
            text = _("ready") if not pending else _("printing ({count})").format(
                count=pending)
            self.window.status.set_printer_state(text, "ok")
            return
        message = str(getattr(status, "message", "")) or _("problem")
        if failed:
            message += " · " + ngettext("{count} receipt not printed (Ctrl+P retries)",
                                        "{count} receipts not printed (Ctrl+P retries)",
                                        failed).format(count=failed)
        self.window.status.set_printer_state(message, "error")


class PrinterPanel:
    """The window's side of the print queue; stops the queue with the window."""

    def __init__(self, window: MainWindow, printing: PrintingPort) -> None:
        self.window = window
        self.printing = printing
        self.watch = PrinterWatch(window)
        printing.start(on_status=self.watch.status_changed.emit,
                       on_virtual_print=window.receipt_printed.emit)
        if printing.problem:
            window.status.set_printer_state(printing.problem, "error")
        else:
            window.status.set_printer_state(_("ready"), "ok")
        window.sale_completed.connect(self._remember)
        window.add_action(_("Reprint ticket"), self.reprint_ticket, shortcut="Ctrl+R",
                          menu="tools", name="reprint")
        window.add_action(_("Retry failed prints"), self.retry_failed, shortcut="Ctrl+P",
                          menu="tools", name="retry_prints")

    @property
    def problem(self) -> str | None:
        return self.printing.problem

    def _remember(self, done: object) -> None:
        self.watch.last_ticket = int(getattr(done, "ticket_number", 0)) or self.watch.last_ticket

    def reprint_ticket(self) -> None:
        window = self.window
        typed = window.scan.text().strip()
        if typed:
            if not typed.isdigit():
                raise PosError(N_("Type the ticket number, then Ctrl+R."))
            number = int(typed[-8:])  # a scanned 0001-00001234 code keeps its number
            window.scan.clear()
        elif self.watch.last_ticket is not None:
            number = self.watch.last_ticket
        else:
            raise PosError(N_("Type the ticket number, then Ctrl+R."))
        ticket = self.printing.reprint(number)
        window.banner.info(_("Reprinting ticket {ticket}.").format(ticket=ticket))

    def retry_failed(self) -> None:
        count = self.printing.retry_failed()
        self.window.banner.info(
            ngettext("{count} receipt sent to the printer again.",
                     "{count} receipts sent to the printer again.", count).format(count=count)
        )

    def stop(self) -> None:
        self.printing.stop()


def attach_printing(window: MainWindow) -> PrinterPanel | None:
    """Start the print queue of this window's till and plug it into the window."""
    printing = window.deps.printing
    if printing is None:
        return None
    panel = PrinterPanel(window, printing)
    window.add_part(panel)
    return panel

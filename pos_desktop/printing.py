"""The till's print queue, built from its settings (part of the composition root).

Printing never blocks or undoes a sale (invariant 7): the sale's transaction inserts a
print job; this queue prints it on a worker thread. A broken printer setting must not stop
the till either, so it falls back to the on-screen printer and says why.

``PrintControl`` is what the window's printing panel gets (``ui.deps.PrintingPort``): it
is built by ``bootstrap()`` with the till, and its queue starts when the window starts
listening (the window's status bar and on-screen printer are the queue's listeners).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from pos_common.i18n import N_, _, explain
from pos_desktop.config import Identity
from pos_desktop.domain.errors import PosError
from pos_desktop.settings_schema import load_settings, printer_settings
from pos_desktop.store.repositories import Settings
from pos_desktop.store.uow import UnitOfWork

if TYPE_CHECKING:
    from pos_printers.api import ReceiptPrinter
    from pos_printers.model import StoreInfo
    from pos_printers.queue import PrintQueue
    from pos_printers.settings import PrinterSettings

log = logging.getLogger(__name__)
StatusListener = Callable[[Any], None]  # pos_printers.queue.QueueStatus, from the worker
ReceiptListener = Callable[[bytes], None]  # the on-screen printer's bytes, from the worker


@dataclass
class Printing:
    queue: PrintQueue
    printer: ReceiptPrinter
    store: StoreInfo
    settings: PrinterSettings
    problem: str | None = None  # why the configured printer is not in use, if it is not
    on_virtual_print: ReceiptListener | None = None


def read_printer_config(reader: Engine) -> tuple[StoreInfo, PrinterSettings, str | None]:
    """The store header and printer settings, or the on-screen printer and the reason."""
    from pos_desktop.services.setup import store_info
    from pos_printers.errors import PrinterSettingsError
    from pos_printers.settings import PrinterSettings

    with reader.connect() as conn:
        values = load_settings(Settings(conn))
    store = store_info(values)
    try:
        return store, PrinterSettings.from_dict(printer_settings(values)), None
    except PrinterSettingsError as exc:
        problem = _("Printer settings are not valid ({problems}); receipts go to the screen.")
        return store, PrinterSettings(), problem.format(problems="; ".join(exc.problems))


class PrintControl:
    """The print queue of one till: started once by the window, stopped at the end."""

    def __init__(
        self, writer: Engine, reader: Engine, identity: Identity,
        after_commit: list[Callable[[], None]], *, demo: bool = False,
    ) -> None:
        self.writer, self.reader, self.identity = writer, reader, identity
        self.after_commit = after_commit
        self.demo = demo
        """The demo always prints on the screen, whatever the settings say."""
        self.running: Printing | None = None

    @property
    def problem(self) -> str | None:
        return None if self.running is None else self.running.problem

    def start(
        self, *, on_status: StatusListener | None = None,
        on_virtual_print: ReceiptListener | None = None,
    ) -> Printing:
        """Build and start the queue; every commit wakes it (a ticket prints at once)."""
        from pos_printers.api import build_print_queue
        from pos_printers.sqlite_jobs import SqlitePrintJobStore

        if self.running is not None:
            return self.running
        store, settings, problem = read_printer_config(self.reader)
        queue, printer = build_print_queue(
            SqlitePrintJobStore(self.writer), store, settings,
            on_status=on_status, on_virtual_print=on_virtual_print,
            demo=self.demo or problem is not None,
        )
        queue.start()
        self.after_commit.append(queue.wake)
        if problem:
            log.warning("printer settings invalid, using the screen", extra={"problem": problem})
        self.running = Printing(queue, printer, store, settings, problem, on_virtual_print)
        return self.running

    def stop(self) -> None:
        if self.running is None:
            return
        if self.running.queue.wake in self.after_commit:
            self.after_commit.remove(self.running.queue.wake)
        self.running.queue.stop()
        self.running = None

    def _queue(self) -> Printing:
        if self.running is None:
            raise PosError(N_("The printer is not running."))
        return self.running

    def reprint(self, ticket_number: int) -> str:
        """Print a past ticket again (by number); returns its printed form ``0001-00001234``."""
        from pos_desktop.services.fiscal import receipt_data
        from pos_printers.api import receipt_job

        printing = self._queue()
        with UnitOfWork(self.reader, self.identity) as uow:
            payload = uow.sales.payload_by_ticket(ticket_number)
            if payload is None:
                raise PosError(N_("Ticket {ticket} is not in this till's records."),
                               ticket=self.identity.ticket(ticket_number))
            data = receipt_data(uow, payload)  # a fiscal sale reprints its comprobante
        if data is payload:
            kind, ref, document = receipt_job(payload, reprint=True)
        else:
            kind, ref = "receipt", str(payload["ticket"])
            document = json.dumps({**data, "reprint": True}, ensure_ascii=False,
                                  separators=(",", ":"))
        printing.queue.enqueue(kind, ref, document)
        return str(ref)

    def retry_failed(self) -> int:
        return int(self._queue().queue.retry_failed())

    def apply_settings(self) -> str | None:
        """Use the printer and store header as now saved, without a restart.

        Returns the problem if the new settings cannot be used (the screen printer stays)."""
        from pos_printers.connections import open_connection
        from pos_printers.errors import PrintingError

        printing = self.running
        if printing is None:
            return None
        store, settings, problem = read_printer_config(self.reader)
        if problem is None and not self.demo:
            try:
                connection = open_connection(settings, on_virtual_print=printing.on_virtual_print)
            except PrintingError as exc:
                return explain(exc)
            printing.printer.update(store=store, settings=settings, connection=connection)
        else:
            printing.printer.update(store=store)
        printing.store, printing.settings, printing.problem = store, settings, problem
        printing.queue.wake()
        return problem

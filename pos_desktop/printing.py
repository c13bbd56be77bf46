"""Building the till's print queue from its settings (part of the composition root).

Printing never blocks or undoes a sale (invariant 7): the sale's transaction inserts a
print job; this queue prints it on a worker thread. A broken printer setting must not stop
the till either, so it falls back to the on-screen printer and says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_common.i18n import _
from pos_desktop.settings_schema import load_settings, printer_settings
from pos_desktop.store.repositories import Settings

if TYPE_CHECKING:
    from pos_desktop.app import Till
    from pos_printers.api import ReceiptPrinter
    from pos_printers.model import StoreInfo
    from pos_printers.queue import PrintQueue, QueueStatus
    from pos_printers.settings import PrinterSettings

log = logging.getLogger(__name__)


@dataclass
class Printing:
    queue: PrintQueue
    printer: ReceiptPrinter
    store: StoreInfo
    settings: PrinterSettings
    problem: str | None = None  # why the configured printer is not in use, if it is not
    on_virtual_print: Callable[[bytes], None] | None = None


def printer_config(till: Till) -> tuple[StoreInfo, PrinterSettings, str | None]:
    """The store header and printer settings, or the on-screen printer and the reason."""
    from pos_desktop.services.setup import store_info
    from pos_printers.errors import PrinterSettingsError
    from pos_printers.settings import PrinterSettings

    with till.reader.connect() as conn:
        values = load_settings(Settings(conn))
    store = store_info(values)
    try:
        return store, PrinterSettings.from_dict(printer_settings(values)), None
    except PrinterSettingsError as exc:
        problem = _("Printer settings are not valid ({problems}); receipts go to the screen.")
        return store, PrinterSettings(), problem.format(problems="; ".join(exc.problems))


def start_printing(
    till: Till,
    *,
    on_status: Callable[[QueueStatus], None] | None = None,
    on_virtual_print: Callable[[bytes], None] | None = None,
) -> Printing:
    """Build and start the print queue; every commit wakes it (a ticket prints at once)."""
    from pos_printers.api import build_print_queue
    from pos_printers.sqlite_jobs import SqlitePrintJobStore

    store, settings, problem = printer_config(till)
    queue, printer = build_print_queue(
        SqlitePrintJobStore(till.writer), store, settings,
        on_status=on_status, on_virtual_print=on_virtual_print,
        demo=till.demo or problem is not None,
    )
    queue.start()
    till.after_commit.append(queue.wake)
    if problem:
        log.warning("printer settings invalid, using the screen", extra={"problem": problem})
    return Printing(queue, printer, store, settings, problem, on_virtual_print)


def stop_printing(till: Till, printing: Printing) -> None:
    if printing.queue.wake in till.after_commit:
        till.after_commit.remove(printing.queue.wake)
    printing.queue.stop()


def reprint(till: Till, printing: Printing, ticket_number: int) -> str:
    """Print a past ticket again (by number); returns its printed form ``0001-00001234``."""
    from pos_desktop.domain.errors import PosError
    from pos_printers.api import receipt_job

    with till.uow() as uow:
        payload = uow.sales.payload_by_ticket(ticket_number)
    if payload is None:
        raise PosError("Ticket {ticket} is not in this till's records.",
                       ticket=till.identity.ticket(ticket_number))
    kind, ref, document = receipt_job(payload, reprint=True)
    printing.queue.enqueue(kind, ref, document)
    return str(ref)


def apply_printer_settings(till: Till, printing: Printing) -> str | None:
    """Use the printer and store header as now saved, without a restart.

    Returns the problem if the new settings cannot be used (the screen printer stays)."""
    from pos_printers.connections import open_connection
    from pos_printers.errors import PrintingError

    store, settings, problem = printer_config(till)
    if problem is None and not till.demo:
        try:
            connection = open_connection(settings, on_virtual_print=printing.on_virtual_print)
        except PrintingError as exc:
            return str(exc)
        printing.printer.update(store=store, settings=settings, connection=connection)
    else:
        printing.printer.update(store=store)
    printing.store, printing.settings, printing.problem = store, settings, problem
    printing.queue.wake()
    return problem

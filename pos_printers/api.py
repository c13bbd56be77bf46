"""What the till (UI, services, CLI) calls. Everything else in ``printers`` is detail.

* ``render_receipt(payload, store, settings, fmt)`` -> bytes of a receipt as ESC/POS,
  80 mm PDF, A4 PDF or PNG preview (the CLI's ``pos-desktop receipt``).
* ``receipt_job(payload)`` / ``refund_job`` / ``report_job`` / ``test_job`` -> the
  ``(kind, ref, document)`` to store as a print job (in the sale's transaction, with
  ``printers.sqlite_jobs.insert_job``, or through ``PrintQueue.enqueue``).
* ``build_print_queue(...)`` -> a ``PrintQueue`` ready to ``start()``.
* ``ReceiptPrinter`` turns a job into bytes for the current settings and sends them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pos_common.backoff import Backoff
from pos_common.i18n import N_, _
from pos_printers.connections import PrinterConnection, VirtualConnection, open_connection
from pos_printers.document import Document, DrawerKick
from pos_printers.errors import InvalidReceiptData
from pos_printers.escpos_render import render_escpos
from pos_printers.fiscal import fiscal_receipt
from pos_printers.layout import receipt_document, refund_document, report_document
from pos_printers.model import ReceiptRefund, ReceiptSale, Report, StoreInfo
from pos_printers.queue import PrintJob, PrintJobStore, PrintQueue, QueueStatus
from pos_printers.settings import PrinterSettings
from pos_printers.test_page import build_test_page

OutputFormat = Literal["escpos", "pdf", "a4", "png"]
FORMATS: tuple[str, ...] = ("escpos", "pdf", "a4", "png")


def _sale_and_flag(data: Mapping[str, Any]) -> tuple[ReceiptSale, bool]:
    """A receipt job holds the sale payload, or ``{"sale": payload, "reprint": true}``."""
    if "sale" in data and isinstance(data["sale"], Mapping):
        return ReceiptSale.from_payload(data["sale"]), bool(data.get("reprint", False))
    return ReceiptSale.from_payload(data), False


def job_document(kind: str, data: Mapping[str, Any], store: StoreInfo,
                 settings: PrinterSettings) -> Document:
    """The printable document of a job of ``kind``.

    Kinds: 'receipt', 'refund', 'z', 'x', 'test', and 'drawer' (open the cash drawer
    without a sale: a kick, no paper).
    """
    columns = settings.effective_columns
    if kind == "receipt":
        sale, reprint = _sale_and_flag(data)
        return receipt_document(sale, store, columns, code=settings.code, reprint=reprint,
                                fiscal=fiscal_receipt(data))
    if kind == "refund":
        slip = data["sale"] if isinstance(data.get("sale"), Mapping) else data
        return refund_document(ReceiptRefund.from_payload(slip), store, columns,
                               code=settings.code, fiscal=fiscal_receipt(data))
    if kind in ("z", "x"):
        return report_document(Report.from_payload(data), store, columns)
    if kind == "test":
        return build_test_page(settings, store.name)
    if kind == "drawer":
        return Document(columns, (DrawerKick(),), title=_("Drawer opening"))
    raise InvalidReceiptData(N_("Unknown kind of print job: {kind}"), kind=repr(kind))


def render_receipt(payload: Mapping[str, Any], store: StoreInfo, settings: PrinterSettings,
                   fmt: OutputFormat = "escpos", *, profile: str | None = None,
                   kind: str = "receipt") -> bytes:
    """A receipt (or any job kind) as bytes: ESC/POS, 80 mm PDF, A4 PDF or PNG preview.

    ``profile`` overrides the settings' printer model (the CLI's ``--profile``).
    """
    if profile is not None:
        settings = PrinterSettings.from_dict({**settings.to_dict(), "profile": profile,
                                              "columns": None, "paper_mm": None})
    if fmt == "a4":
        if kind != "receipt":
            raise InvalidReceiptData(N_("The A4 format is only for sales."))
        from pos_printers.pdf import invoice_pdf

        return invoice_pdf(_sale_and_flag(payload)[0], store)
    document = job_document(kind, payload, store, settings)
    if fmt == "pdf":
        from pos_printers.pdf import receipt_pdf

        return receipt_pdf(document)
    data = render_escpos(document, settings.escpos_options())
    if fmt == "png":
        from pos_printers.virtual import render_png

        return render_png(data, settings.printer_profile)
    if fmt == "escpos":
        return data
    raise InvalidReceiptData(N_("Unknown format {format}; use one of: {choices}"),
                             format=repr(fmt), choices=", ".join(FORMATS))


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def receipt_job(payload: Mapping[str, Any], *, reprint: bool = False
                ) -> tuple[str, str | None, str]:
    """(kind, ref, document) for a sale's ticket; ``reprint`` labels it and skips the drawer."""
    sale = ReceiptSale.from_payload(payload)  # fail now, at the till, not in the worker
    document = {"sale": payload, "reprint": True} if reprint else payload
    return "receipt", sale.ticket, _dumps(document)


def refund_job(payload: Mapping[str, Any]) -> tuple[str, str | None, str]:
    refund = ReceiptRefund.from_payload(payload)
    return "refund", refund.ticket or refund.original_ticket, _dumps(payload)


def report_job(kind: Literal["z", "x"], report: Mapping[str, Any],
               ref: str | None = None) -> tuple[str, str | None, str]:
    Report.from_payload(report)
    return kind, ref, _dumps(report)


def test_job() -> tuple[str, str | None, str]:
    return "test", None, "{}"


test_job.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def send_test_page(store: StoreInfo, settings: PrinterSettings,
                   connection: PrinterConnection | None = None) -> bytes:
    """Print the test page now, bypassing the queue (the settings page's "Probar" button).

    Returns the bytes sent (show them with ``printers.virtual.render_png``); raises
    ``PrinterError`` (a message in the till's language) when the printer cannot be reached, so the
    manager sees at once whether the new settings work. Run it off the GUI thread: a
    network timeout can take ``settings.timeout_s``.
    """
    data = render_escpos(build_test_page(settings, store.name), settings.escpos_options())
    (connection or open_connection(settings)).send(data)
    return data


class ReceiptPrinter:
    """The queue's ``JobPrinter``: renders each job for the current settings and sends it.

    ``update`` swaps settings/connection when the manager saves new ones; the next job
    uses them.
    """

    def __init__(self, store: StoreInfo, settings: PrinterSettings,
                 connection: PrinterConnection) -> None:
        self._store = store
        self._settings = settings
        self._connection = connection

    @property
    def connection(self) -> PrinterConnection:
        return self._connection

    def update(self, *, store: StoreInfo | None = None, settings: PrinterSettings | None = None,
               connection: PrinterConnection | None = None) -> None:
        self._store = store or self._store
        self._settings = settings or self._settings
        self._connection = connection or self._connection

    def render(self, job: PrintJob) -> bytes:
        data = json.loads(job.document)
        if not isinstance(data, dict):
            raise InvalidReceiptData(N_("Print job {job} does not hold a JSON object."),
                                     job=job.id)
        document = job_document(job.kind, data, self._store, self._settings)
        return render_escpos(document, self._settings.escpos_options())

    def print_job(self, job: PrintJob) -> None:
        self._connection.send(self.render(job))


def build_print_queue(jobs: PrintJobStore, store: StoreInfo, settings: PrinterSettings, *,
                      on_status: Callable[[QueueStatus], None] | None = None,
                      on_virtual_print: Callable[[bytes], None] | None = None,
                      demo: bool = False, backoff: Backoff | None = None
                      ) -> tuple[PrintQueue, ReceiptPrinter]:
    """The composition root's one call. Under ``demo`` every job goes to the on-screen
    virtual printer, whatever the settings say, so a new user sees each receipt."""
    connection: PrinterConnection = (VirtualConnection(on_virtual_print) if demo
                                     else open_connection(settings,
                                                          on_virtual_print=on_virtual_print))
    printer = ReceiptPrinter(store, settings, connection)
    return PrintQueue(jobs, printer, on_status=on_status, backoff=backoff), printer

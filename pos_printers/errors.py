"""Errors of the printing package, with messages a cashier or manager can act on (Spanish)."""

from __future__ import annotations


class PrintingError(Exception):
    """Base class: anything in printers/ that a person must read."""


class InvalidReceiptData(PrintingError):
    """The sale (or report) handed to the printer is not of the agreed shape."""


class PrinterSettingsError(PrintingError):
    """The manager's printer settings cannot work; ``problems`` names each bad field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("Configuración de impresora inválida: " + "; ".join(self.problems))


class PrinterError(PrintingError):
    """The printer could not print this job. The job stays in the queue to retry."""

    #: short machine-readable state shown by the window ("unreachable", "paper_out", ...)
    state = "error"


class PrinterUnreachable(PrinterError):
    state = "unreachable"


class PrinterTimeout(PrinterUnreachable):
    state = "timeout"


class PaperOut(PrinterError):
    state = "paper_out"


class PrinterDriverMissing(PrinterError):
    """The connection needs a Python package or OS service that this machine lacks."""

    state = "driver_missing"

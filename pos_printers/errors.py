"""Errors of the printing package, with messages a cashier or manager can act on.

Each carries its message id (English, ``N_``) and values, translated where it is shown
(``pos_common.i18n.explain``): the status bar, the settings dialog, the commands.
"""

from __future__ import annotations

from pos_common.messages import N_, TranslatableError


class PrintingError(TranslatableError):
    """Base class: anything in printers/ that a person must read."""

    message = N_("The printer could not print: {reason}")


class InvalidReceiptData(PrintingError):
    """The sale (or report) handed to the printer is not of the agreed shape."""


class PrinterSettingsError(PrintingError):
    """The manager's printer settings cannot work; ``problems`` names each bad field."""

    message = N_("Invalid printer settings: {problems}")

    def __init__(self, problems: list[str]) -> None:
        # Each problem is already in the run's language (settings.py, profiles.py and
        # encoding.py word it with _() where it is found, naming the field and the value);
        # the callers put ``problems`` into their own translated sentences.
        self.problems = list(problems)
        super().__init__(problems="; ".join(self.problems))


class PrinterError(PrintingError):
    """The printer could not print this job. The job stays in the queue to retry."""

    message = N_("The printer {where} could not print: {reason}")

    #: short machine-readable state shown by the window ("unreachable", "paper_out", ...)
    state = "error"


class PrinterUnreachable(PrinterError):
    state = "unreachable"


class PrinterTimeout(PrinterUnreachable):
    state = "timeout"


class PaperOut(PrinterError):
    state = "paper_out"
    message = N_("The printer {where} is out of paper. Change the roll; the receipt prints "
                 "by itself.")


class PrinterDriverMissing(PrinterError):
    """The connection needs a Python package or OS service that this machine lacks."""

    message = N_("A part needed to print {where} is missing: {reason}")

    state = "driver_missing"

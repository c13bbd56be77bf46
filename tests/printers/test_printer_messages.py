"""The printer's troubles in the language of the till that shows them (an English till
showed them in Spanish)."""

from __future__ import annotations

import socket

import pytest

from pos_common.i18n import explain, set_language, translations
from pos_printers.connections import network
from pos_printers.errors import PaperOut, PrinterUnreachable
from pos_printers.memory_jobs import InMemoryPrintJobStore
from pos_printers.queue import PrintQueue


def refused() -> PrinterUnreachable:
    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        with pytest.raises(PrinterUnreachable) as caught:
            network("127.0.0.1", port, timeout=1).send(b"x")
    return caught.value


def test_a_refused_connection_reads_in_each_language() -> None:
    error = refused()
    assert "refused the connection" in explain(error, translations("en"))
    assert "rechazó la conexión" in explain(error, translations("es_AR"))
    assert "rechaz" not in str(error)  # the log's text is English


def test_paper_out_names_the_printer_in_both_languages() -> None:
    error = PaperOut(where="192.168.0.50:9100")
    assert explain(error, translations("en")).startswith("The printer 192.168.0.50:9100 is out")
    assert explain(error, translations("es_AR")).startswith(
        "La impresora 192.168.0.50:9100 no tiene papel")


class DownPrinter:
    def print_job(self, job: object) -> None:
        raise PaperOut(where="USB 04b8:0e15")


@pytest.mark.parametrize(("lang", "ready", "trouble"), [
    ("en", "Printer ready", "is out of paper"),
    ("es_AR", "Impresora lista", "no tiene papel"),
])
def test_the_status_bar_text_is_in_the_tills_language(lang: str, ready: str, trouble: str) -> None:
    set_language(lang)
    try:
        queue = PrintQueue(InMemoryPrintJobStore(), DownPrinter())
        assert queue.status().message == ready
        queue.enqueue("receipt", "0001-00000001", "{}")
        queue.run_once()
        assert trouble in queue.status().message
    finally:
        set_language("en")

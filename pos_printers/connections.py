"""Ways to reach a printer, all behind one small protocol: ``send(bytes)``.

Each connection opens, (where the link can answer) asks the printer whether it has paper,
writes the whole job and closes, so a printer that was switched off between two sales is
simply found again on the next job. Failures become ``PrinterError`` subclasses with a
message the cashier can act on; the print queue keeps the job and retries.

python-escpos 3.1 provides the transports (Usb, Network, Serial, Win32Raw, CupsPrinter,
File); we only ever hand them finished bytes through ``_raw``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable
from typing import Any, Protocol

from pos_common.messages import N_
from pos_printers.errors import (
    PaperOut,
    PrinterDriverMissing,
    PrinterError,
    PrinterTimeout,
    PrinterUnreachable,
)
from pos_printers.settings import PrinterSettings

DLE_EOT_PAPER = b"\x10\x04\x04"  # real-time status: roll paper sensor
PAPER_END_BITS = 0x60  # bits 5 and 6: roll paper end detected
STATUS_WAIT_S = 0.5  # printers that answer do so in a few ms; don't hold a sale for more


class PrinterConnection(Protocol):
    """Where receipts go. ``send`` raises ``PrinterError`` (or a subclass) on failure."""

    description: str

    def send(self, data: bytes) -> None: ...


def paper_out_from_status(reply: bytes) -> bool | None:
    """Interpret a DLE EOT 4 reply: True = no paper, False = paper, None = no answer."""
    if not reply:
        return None
    status = reply[0]
    if status & 0x93 != 0x12:  # fixed bits of a genuine status byte: 0xx1xx10
        return None
    return status & PAPER_END_BITS == PAPER_END_BITS


def _link_error(exc: BaseException, where: str) -> PrinterError:
    """What the transport's exception means for the cashier (its own text is English)."""
    cause = exc.__cause__ or exc.__context__ or exc
    if isinstance(exc, TimeoutError) or isinstance(cause, TimeoutError):
        return PrinterTimeout(N_("The printer {where} did not answer in time. Check that it "
                                 "is on and connected."), where=where)
    if isinstance(cause, ConnectionRefusedError):
        return PrinterUnreachable(N_("The printer {where} refused the connection. Check that "
                                     "it is on and that its address is right."), where=where)
    if isinstance(cause, PermissionError):
        return PrinterUnreachable(N_("No permission to use the printer {where}."), where=where)
    if isinstance(cause, FileNotFoundError):
        return PrinterUnreachable(N_("The printer {where} was not found. Is it connected?"),
                                  where=where)
    return PrinterUnreachable(N_("Could not talk to the printer {where}: {reason}"),
                              where=where, reason=str(cause))


class EscposConnection:
    """Wraps one python-escpos printer class; a new printer object per job."""

    def __init__(self, description: str, factory: Callable[[], Any], *,
                 check_paper: bool = False) -> None:
        self.description = description
        self._factory = factory
        self._check_paper = check_paper

    def _make(self) -> Any:
        try:
            return self._factory()
        except RuntimeError as exc:  # python-escpos: "requires the X library"
            raise PrinterDriverMissing(where=self.description, reason=str(exc)) from exc

    def send(self, data: bytes) -> None:
        printer = self._make()
        try:
            printer.open()
            if self._check_paper and self._paper_out(printer):
                raise PaperOut(where=self.description)
            printer._raw(data)
            flush = getattr(printer, "flush", None)
            if callable(flush):
                flush()
        except PrinterError:
            raise
        except Exception as exc:  # transports raise OSError, usb/serial errors, escpos errors
            raise _link_error(exc, self.description) from exc
        finally:
            # Closing a dead link must not hide the real error.
            with contextlib.suppress(Exception):
                printer.close()

    def _paper_out(self, printer: Any) -> bool:
        device: Any = getattr(printer, "device", None)
        # Sockets and pyserial ports wait up to their job timeout for a reply; a printer
        # that never answers status must not hold each ticket that long.
        is_socket = isinstance(device, socket.socket)
        old_timeout = device.gettimeout() if is_socket else getattr(device, "timeout", None)
        try:
            if is_socket:
                device.settimeout(STATUS_WAIT_S)
            elif old_timeout is not None:
                device.timeout = STATUS_WAIT_S
            printer._raw(DLE_EOT_PAPER)
            reply = printer._read()
        except Exception:  # no answer: this link or model cannot tell, print anyway
            return False
        finally:
            if is_socket:
                device.settimeout(old_timeout)
            elif old_timeout is not None:
                device.timeout = old_timeout
        return paper_out_from_status(bytes(reply or b"")) is True


def network(host: str, port: int = 9100, timeout: float = 5.0, *,
            check_paper: bool = True) -> EscposConnection:
    from escpos.printer import Network

    return EscposConnection(f"{host}:{port}",
                            lambda: Network(host=host, port=port, timeout=timeout),
                            check_paper=check_paper)


def usb(vendor: int, product: int, timeout: float = 5.0, *,
        check_paper: bool = True) -> EscposConnection:
    from escpos.printer import Usb

    def make() -> Any:
        if not Usb.is_usable():
            raise RuntimeError(N_("install the pyusb package (and libusb) on this computer"))
        return Usb(vendor, product, timeout=int(timeout * 1000))

    return EscposConnection(f"USB {vendor:04x}:{product:04x}", make, check_paper=check_paper)


def serial(device: str, baudrate: int = 9600, timeout: float = 5.0, *,
           check_paper: bool = True) -> EscposConnection:
    from escpos.printer import Serial

    def make() -> Any:
        if not Serial.is_usable():
            raise RuntimeError(N_("install the pyserial package on this computer"))
        return Serial(devfile=device, baudrate=baudrate, timeout=timeout)

    return EscposConnection(device, make, check_paper=check_paper)


def windows(printer_name: str) -> EscposConnection:
    from escpos.printer import Win32Raw

    def make() -> Any:
        if not Win32Raw.is_usable():
            raise RuntimeError(N_("printing by a Windows printer's name needs Windows and "
                                  "pywin32"))
        return Win32Raw(printer_name)

    return EscposConnection(f"«{printer_name}»", make)


def device_file(path: str) -> EscposConnection:
    from escpos.printer import File

    return EscposConnection(path, lambda: File(devfile=path, auto_flush=True))


class CupsConnection:
    """A CUPS queue in raw mode: pycups when installed, else the ``lp`` command."""

    def __init__(self, queue: str, timeout: float = 30.0) -> None:
        self.queue = queue
        self.timeout = timeout
        self.description = f"CUPS «{queue}»"

    def send(self, data: bytes) -> None:
        from escpos.printer import CupsPrinter

        if CupsPrinter.is_usable():
            EscposConnection(self.description, lambda: CupsPrinter(self.queue)).send(data)
            return
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterDriverMissing(
                N_("CUPS is not installed on this computer (the lp command is missing)."))
        try:
            done = subprocess.run([lp, "-d", self.queue, "-o", "raw", "-t", "Super POS"],
                                  input=data, capture_output=True, timeout=self.timeout,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise PrinterTimeout(N_("The queue {where} did not answer in time."),
                                 where=self.description) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip()
            raise PrinterUnreachable(N_("The queue {where} refused the job: {reason}"),
                                     where=self.description, reason=detail)


class MemoryConnection:
    """Keeps every job in memory (tests, and ``--demo`` without a window)."""

    def __init__(self, description: str = N_("in memory")) -> None:
        self.description = description
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()

    def send(self, data: bytes) -> None:
        with self._lock:
            self.jobs.append(data)


class VirtualConnection(MemoryConnection):
    """The on-screen printer: keeps the bytes and tells the window to show them.

    ``on_print`` runs on the print worker thread: a Qt window must forward it to the GUI
    thread (a queued signal) before drawing.
    """

    def __init__(self, on_print: Callable[[bytes], None] | None = None,
                 keep: int = 50) -> None:
        super().__init__(N_("virtual (on screen)"))
        self._on_print = on_print
        self._keep = keep

    def send(self, data: bytes) -> None:
        super().send(data)
        with self._lock:
            del self.jobs[:-self._keep]
        if self._on_print is not None:
            self._on_print(data)

    @property
    def last(self) -> bytes | None:
        with self._lock:
            return self.jobs[-1] if self.jobs else None


def open_connection(settings: PrinterSettings, *,
                    on_virtual_print: Callable[[bytes], None] | None = None
                    ) -> PrinterConnection:
    """The connection the settings describe (nothing is opened until ``send``)."""
    s = settings
    if s.connection == "network":
        return network(s.host, s.port, s.timeout_s, check_paper=s.check_paper)
    if s.connection == "usb":
        assert s.usb_vendor is not None
        assert s.usb_product is not None
        return usb(s.usb_vendor, s.usb_product, s.timeout_s, check_paper=s.check_paper)
    if s.connection == "serial":
        return serial(s.serial_device, s.baudrate, s.timeout_s, check_paper=s.check_paper)
    if s.connection == "windows":
        return windows(s.printer_name)
    if s.connection == "cups":
        return CupsConnection(s.printer_name)
    if s.connection == "file":
        return device_file(s.path)
    return VirtualConnection(on_virtual_print)

"""Connections: a real TCP listener on loopback captures the bytes; failures are Spanish."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from printer_fakes import FakeNetworkPrinter

from pos_printers.connections import (
    CupsConnection,
    VirtualConnection,
    device_file,
    network,
    open_connection,
    paper_out_from_status,
    usb,
)
from pos_printers.errors import PaperOut, PrinterDriverMissing, PrinterUnreachable
from pos_printers.settings import PrinterSettings


@pytest.fixture
def printer_server() -> Iterator[FakeNetworkPrinter]:
    server = FakeNetworkPrinter()
    yield server
    server.close()


def wait_for(predicate: object, timeout: float = 3.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.01)


def test_network_connection_delivers_the_exact_bytes(printer_server: FakeNetworkPrinter) -> None:
    job = b"\x1b@\x1bt\x13Se\xa4or\n\x1dV\x01"
    network("127.0.0.1", printer_server.port, check_paper=False).send(job)
    wait_for(lambda: printer_server.data() == job)
    assert printer_server.data() == job


def test_paper_is_checked_first_where_the_printer_answers() -> None:
    server = FakeNetworkPrinter(status_reply=bytes([0x12]))  # paper present
    try:
        network("127.0.0.1", server.port).send(b"hola\n")
        wait_for(lambda: server.data().endswith(b"hola\n"))
        assert server.data() == b"\x10\x04\x04hola\n"
    finally:
        server.close()


def test_paper_out_is_reported_and_the_job_is_not_sent() -> None:
    server = FakeNetworkPrinter(status_reply=bytes([0x12 | 0x60 | 0x0C]))
    try:
        with pytest.raises(PaperOut, match="out of paper"):
            network("127.0.0.1", server.port).send(b"ticket\n")
        assert b"ticket" not in server.data()
    finally:
        server.close()


def test_a_printer_that_never_answers_status_still_prints(
        printer_server: FakeNetworkPrinter) -> None:
    network("127.0.0.1", printer_server.port, check_paper=True).send(b"ok\n")
    wait_for(lambda: printer_server.data().endswith(b"ok\n"))
    assert printer_server.data().endswith(b"ok\n")


def test_unreachable_network_printer_gives_an_actionable_message() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterUnreachable, match="refused the connection") as caught:
        network("127.0.0.1", port, timeout=1).send(b"x")
    assert caught.value.state == "unreachable"
    assert f"127.0.0.1:{port}" in str(caught.value)


@pytest.mark.parametrize(("reply", "expected"), [
    (b"", None), (bytes([0x12]), False), (bytes([0x7E]), True), (bytes([0x72]), True),
    (bytes([0x1E]), False), (b"\xff", None),
])
def test_dle_eot_paper_status_bits(reply: bytes, expected: bool | None) -> None:
    assert paper_out_from_status(reply) is expected


def test_device_file_connection_writes_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    device_file(str(target)).send(b"\x1b@abc")
    assert target.read_bytes() == b"\x1b@abc"


def test_missing_device_path_is_reported_in_spanish(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnreachable, match="was not found"):
        device_file(str(tmp_path / "no-such-dir" / "lp0")).send(b"x")


def test_usb_without_its_driver_says_what_to_install() -> None:
    pytest.importorskip("escpos.printer")
    try:
        import usb as _usb  # noqa: F401
    except ImportError:
        with pytest.raises(PrinterDriverMissing, match="pyusb"):
            usb(0x04B8, 0x0E15).send(b"x")
    else:
        pytest.skip("pyusb is installed here; the missing-driver path cannot be shown")


def test_cups_queue_goes_through_lp_in_raw_mode(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for CUPS's `lp` command that records its arguments and input.
    script = tmp_path / "lp"
    script.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    from escpos.printer import CupsPrinter

    if CupsPrinter.is_usable():
        pytest.skip("pycups installed: the lp fallback is not used")
    CupsConnection("TM-T20II").send(b"\x1b@hola")
    assert (tmp_path / "job").read_bytes() == b"\x1b@hola"
    assert "-d TM-T20II -o raw" in (tmp_path / "args").read_text()


def test_cups_without_lp_is_a_missing_driver(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    from escpos.printer import CupsPrinter

    if CupsPrinter.is_usable():
        pytest.skip("pycups installed")
    with pytest.raises(PrinterDriverMissing, match="CUPS is not installed"):
        CupsConnection("TM-T20II").send(b"x")


def test_virtual_connection_keeps_jobs_and_notifies_the_window() -> None:
    seen: list[bytes] = []
    virtual = VirtualConnection(seen.append, keep=2)
    for job in (b"1", b"2", b"3"):
        virtual.send(job)
    assert seen == [b"1", b"2", b"3"]
    assert virtual.jobs == [b"2", b"3"]
    assert virtual.last == b"3"


def test_settings_choose_the_connection(tmp_path: Path) -> None:
    def describe(raw: dict[str, object]) -> str:
        return open_connection(PrinterSettings.from_dict(raw)).description

    assert describe({"connection": "network", "host": "impresora-caja"}) == "impresora-caja:9100"
    assert describe({"connection": "file", "path": "/dev/usb/lp0"}) == "/dev/usb/lp0"
    assert describe({"connection": "cups", "printer_name": "caja"}) == "CUPS «caja»"
    assert describe({}) == "virtual (on screen)"


def test_settings_test_print_reaches_the_printer_or_says_why(
        printer_server: FakeNetworkPrinter) -> None:
    from printer_samples import STORE

    from pos_printers.api import send_test_page
    from pos_printers.test_page import SPANISH_SAMPLE
    from pos_printers.virtual import decode

    settings = PrinterSettings.from_dict({"connection": "network", "host": "127.0.0.1",
                                          "port": printer_server.port, "check_paper": False})
    sent = send_test_page(STORE, settings)
    wait_for(lambda: printer_server.data() == sent)
    printed = decode(printer_server.data(), settings.printer_profile).text_lines()
    assert any(x.strip() == SPANISH_SAMPLE for x in printed)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = PrinterSettings.from_dict({"connection": "network", "host": "127.0.0.1",
                                      "port": port})
    with pytest.raises(PrinterUnreachable, match="refused the connection"):
        send_test_page(STORE, down)

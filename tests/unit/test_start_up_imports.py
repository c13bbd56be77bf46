"""What the till loads to start: ARCA's SOAP clients (zeep, lxml's WSDL machinery,
requests, httpx) wait until a fiscal till first talks to ARCA. They cost 0,8 s of every
start-up when they came in with the till's errors and models."""

from __future__ import annotations

import subprocess
import sys


def test_opening_the_till_does_not_load_arcas_soap_clients() -> None:
    code = ("import sys, pos_desktop.app, pos_desktop.services.checkout; "
            "print(sorted(m for m in ('zeep', 'httpx', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_the_clients_are_still_there_when_named() -> None:
    from pos_arca import WsaaClient, WsfeClient
    from pos_arca.wsfe import WsfeClient as Direct

    assert WsfeClient is Direct and WsaaClient.__name__ == "WsaaClient"

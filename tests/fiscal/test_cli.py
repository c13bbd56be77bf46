"""``pos-desktop fiscal configure|status`` against the stand-in over HTTP."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.cli.main import main


def _configure(tmp_path: Path, taxpayer: TaxpayerCredentials, standin: ArcaStandin,
               *extra: str) -> int:
    cert, key = tmp_path / "arca.crt", tmp_path / "arca.key"
    cert.write_bytes(taxpayer.certificate_pem)
    key.write_bytes(taxpayer.private_key_pem)
    key.chmod(0o600)
    return main(["fiscal", "configure", "--data-dir", str(tmp_path / "till"), "--cert", str(cert),
                 "--key", str(key), "--pto-vta", "3", "--env", "homologacion",
                 "--wsaa-url", standin.wsaa_url, "--wsfe-url", standin.wsfe_url, *extra])


def _status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["fiscal", "status", "--json", "--data-dir", str(tmp_path / "till")]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.fixture
def live_clock_standin(ca: Any) -> Any:
    # The command line runs with the machine's clock: so does this stand-in.
    server = ArcaStandin(ca_certificate=ca.certificate).start()
    server.add_point_of_sale(3, "CAE")
    try:
        yield server
    finally:
        server.stop()


def test_configure_keeps_the_key_in_the_keyring_and_status_asks_arca(
        tmp_path: Path, taxpayer: TaxpayerCredentials, live_clock_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str], memory_keyring: Any) -> None:
    assert _configure(tmp_path, taxpayer, live_clock_standin) == 0
    assert ("super-pos", "fiscal.private_key") in memory_keyring.store
    status = _status(tmp_path, capsys)
    assert status["mode"] == "arca" and status["state"] == "online"
    assert status["environment"] == "homologacion" and status["cuit"] == "30712345671"
    assert status["points_of_sale"]["cae"] == 3
    assert {r["type"]: r["number"] for r in status["last_authorized"]} == {1: 0, 3: 0, 6: 0,
                                                                            8: 0}
    assert status["ticket_expires_at"] and status["pending"] == 0
    key_body = taxpayer.private_key_pem.decode().splitlines()[1]
    database = (tmp_path / "till" / "pos.sqlite3").read_bytes()
    assert key_body.encode() not in database
    logs = "".join(p.read_text() for p in (tmp_path / "till" / "logs").glob("*.log*"))
    assert key_body not in logs


def test_configure_with_the_key_left_in_its_file(
        tmp_path: Path, taxpayer: TaxpayerCredentials, live_clock_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str], memory_keyring: Any) -> None:
    assert _configure(tmp_path, taxpayer, live_clock_standin, "--key-in-file") == 0
    assert not memory_keyring.store
    conn = sqlite3.connect(tmp_path / "till" / "pos.sqlite3")
    (stored,) = conn.execute("SELECT value FROM settings WHERE key='fiscal.key_file'").fetchone()
    assert json.loads(stored) == str((tmp_path / "arca.key").resolve())
    assert _status(tmp_path, capsys)["state"] == "online"


def test_a_certificate_of_another_cuit_is_refused(
        tmp_path: Path, taxpayer: TaxpayerCredentials, live_clock_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _configure(tmp_path, taxpayer, live_clock_standin, "--cuit", "20-12345678-6") == 2
    assert "30-71234567-1" in capsys.readouterr().err

"""``pos-desktop fiscal caea request|add|inform`` and the ``caea`` block of ``fiscal status
--json``, against the stand-in over HTTP on the machine's clock (as the command runs)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pos_arca import Fortnight
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.cli.main import main
from tests.fiscal.test_cli import _configure, _status


def _set(tmp_path: Path, key: str, value: Any) -> None:
    conn = sqlite3.connect(tmp_path / "till" / "pos.sqlite3")
    with conn:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                     (key, json.dumps(value)))
    conn.close()


@pytest.fixture
def caea_standin(ca: Any) -> Any:
    server = ArcaStandin(ca_certificate=ca.certificate).start()
    server.add_point_of_sale(3, "CAE")
    server.add_point_of_sale(4, "CAEA")
    try:
        yield server
    finally:
        server.stop()


def test_request_keeps_the_fortnight_s_caea_and_status_shows_it(
        tmp_path: Path, taxpayer: TaxpayerCredentials, caea_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str], memory_keyring: Any) -> None:
    assert _configure(tmp_path, taxpayer, caea_standin) == 0
    before = _status(tmp_path, capsys)["caea"]
    assert before["outlook"] == "no_point_of_sale" and before["current"] is None
    assert _configure(tmp_path, taxpayer, caea_standin, "--caea-pto-vta", "3") == 2
    assert "CAEA" in capsys.readouterr().err  # never the CAE point of sale
    assert _configure(tmp_path, taxpayer, caea_standin, "--caea-pto-vta", "4") == 0
    assert _status(tmp_path, capsys)["caea"]["warning"]  # no CAEA for today yet
    data_dir = ["--data-dir", str(tmp_path / "till")]
    assert main(["fiscal", "caea", "request", *data_dir]) == 0
    out = capsys.readouterr().out
    current = Fortnight.of(date.today())
    granted = next(g for g in caea_standin.state.caeas.values()
                   if (g.period, g.order) == (current.period, current.order))
    assert granted.code in out
    caea = _status(tmp_path, capsys)["caea"]
    assert caea["current"]["code"] == granted.code
    assert caea["current"]["used"] == 0 and caea["not_informed"] == 0
    assert caea["current"]["valid_to"] == current.last_day.isoformat()
    # asked again: ARCA's 15008 is answered with the one it granted (FECAEAConsultar)
    assert main(["fiscal", "caea", "request", "--period", str(current.period), "--order",
                 str(current.order), *data_dir]) == 0
    assert granted.code in capsys.readouterr().out
    assert main(["fiscal", "caea", "inform", "--json", *data_dir]) == 0
    assert json.loads(capsys.readouterr().out)["informed"] == 0


def test_add_refuses_a_bad_code_and_another_code_for_a_held_fortnight(
        tmp_path: Path, taxpayer: TaxpayerCredentials, caea_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str], memory_keyring: Any) -> None:
    assert _configure(tmp_path, taxpayer, caea_standin) == 0
    args = ["fiscal", "caea", "add", "--data-dir", str(tmp_path / "till"), "--period",
            "202612", "--order", "2", "--deadline", "2027-01-08"]
    assert main([*args, "--code", "1234"]) == 2
    assert "14" in capsys.readouterr().err
    assert main([*args, "--code", "61234567890123"]) == 0
    assert main([*args, "--code", "61234567890123"]) == 0  # the same again: kept once
    assert main([*args, "--code", "69999999999999"]) == 2
    assert "61234567890123" in capsys.readouterr().err


def test_a_till_with_head_office_does_not_inform(
        tmp_path: Path, taxpayer: TaxpayerCredentials, caea_standin: ArcaStandin,
        capsys: pytest.CaptureFixture[str], memory_keyring: Any) -> None:
    assert _configure(tmp_path, taxpayer, caea_standin) == 0
    _set(tmp_path, "sync.amqp_url", "amqp://127.0.0.1:1/")
    assert main(["fiscal", "caea", "inform", "--data-dir", str(tmp_path / "till")]) == 2
    assert "casa central" in capsys.readouterr().err  # es-AR, the till's language

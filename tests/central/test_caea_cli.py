# ruff: noqa: F811 (the fixtures imported from caea_support are parameters here)
"""The CAEA commands as a sysadmin types them: pos-central fiscal configure, caea request
(and ARCA's window refused in Spanish), point-of-sale, status --json, scheduler --once.
The stand-in runs on today's clock, as the commands do."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_arca import Fortnight, ManualClock, argentine_date
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials
from pos_central.broker_admin import BrokerAdmin
from pos_central.cli import main

from .caea_support import CAEA_POS, CUIT, IDLE_POS, ca, credentials  # noqa: F401 (fixtures)
from .conftest import Broker, query

pytestmark = pytest.mark.services


@pytest.fixture
def live_standin(ca: CertificateAuthority) -> Iterator[ArcaStandin]:
    server = ArcaStandin(ca_certificate=ca.certificate,
                         clock=ManualClock(datetime.now(UTC))).start()
    server.add_point_of_sale(CAEA_POS, "CAEA")
    try:
        yield server
    finally:
        server.stop()


def test_configure_request_register_and_status_from_the_command_line(
        central_db: str, broker: Broker, live_standin: ArcaStandin,
        credentials: TaxpayerCredentials, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POS_LANG", "es_AR")
    monkeypatch.setenv("POS_CENTRAL_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "c.crt").write_bytes(credentials.certificate_pem)
    (tmp_path / "c.key").write_bytes(credentials.private_key_pem)
    common = ["--db-url", central_db, "--amqp-url", broker.url,
              "--prefix", broker.topology.prefix]

    assert main(["fiscal", "configure", "--cuit", CUIT, "--cert", str(tmp_path / "c.crt"),
                 "--key", str(tmp_path / "c.key"), "--env", "homologacion",
                 "--wsaa-url", live_standin.wsaa_url, "--wsfe-url", live_standin.wsfe_url,
                 "--key-dir", str(tmp_path / "keys"), *common]) == 0
    out = capsys.readouterr().out
    assert "no en la base de datos" in out
    assert credentials.private_key_pem.decode() not in out
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / f"{CUIT}.key").st_mode) == 0o600

    assert main(["fiscal", "caea", "request", *common]) == 0
    current = Fortnight.of(argentine_date(live_standin.clock))
    assert f"CUIT {CUIT} {current}: CAEA " in capsys.readouterr().out

    later = Fortnight(current.period + 100, 1)  # a year ahead: ARCA's window is closed
    assert main(["fiscal", "caea", "request", "--period", str(later.period), "--order", "1",
                 *common]) == 1
    err = capsys.readouterr().err
    assert "ARCA otorga el CAEA de la quincena" in err and later.request_window[0].isoformat() in err

    assert main(["fiscal", "caea", "request", "--period", "202613", "--order", "1",
                 *common]) == 1
    assert "YYYYMM" in capsys.readouterr().err

    assert main(["fiscal", "point-of-sale", "--store", "S001", "--terminal", "T02",
                 "--caea-pto-vta", str(IDLE_POS), "--cuit", CUIT, *common]) == 0
    assert f"Punto de venta CAEA {IDLE_POS}" in capsys.readouterr().out
    assert query(central_db, "SELECT cuit, point_of_sale, registered FROM caea_points_of_sale"
                 ) == [(CUIT, IDLE_POS, True)]

    assert main(["fiscal", "status", "--json", *common]) == 0
    status = json.loads(capsys.readouterr().out)
    (fortnight,) = status["fortnights"]
    assert (fortnight["period"], fortnight["order"]) == (current.period, current.order)
    assert fortnight["issued"] == 0 and fortnight["alert"] is False

    assert main(["scheduler", "--once", *common]) == 0
    assert "CAEA:" in capsys.readouterr().out


def test_the_scheduler_with_no_taxpayer_says_so_and_does_not_fail(
        central_db: str, broker: Broker, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scheduler", "--once", "--db-url", central_db, "--amqp-url", broker.url,
                 "--prefix", broker.topology.prefix]) == 0
    assert main(["fiscal", "caea", "request", "--db-url", central_db]) == 1
    assert "fiscal configure" in capsys.readouterr().err


def test_till_add_registers_the_till_s_caea_point_of_sale_and_its_store_s_cuit(
        central_db: str, broker: Broker, admin: BrokerAdmin,
        capsys: pytest.CaptureFixture[str]) -> None:
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T05"))
    common = ["--db-url", central_db, "--amqp-url", broker.url,
              "--prefix", broker.topology.prefix]
    assert main(["till", "add", "--store", "S001", "--terminal", "T05", "--json",
                 "--caea-pto-vta", "7", "--cuit", CUIT, *common]) == 0
    assert json.loads(capsys.readouterr().out)["terminal_id"] == "T05"  # JSON alone
    assert query(central_db, "SELECT cuit, point_of_sale, store_id, terminal_id, registered "
                             "FROM caea_points_of_sale") == [(CUIT, 7, "S001", "T05", True)]
    assert query(central_db, "SELECT cuit FROM stores WHERE store_id = 'S001'") == [(CUIT,)]

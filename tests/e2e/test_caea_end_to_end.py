# ruff: noqa: F811 (fixtures imported from the sync end-to-end test are parameters here)
"""CAEA for real, till and head office: head office asks ARCA (the stand-in over HTTP) for
the fortnights' CAEAs and sends them to the till through RabbitMQ; the till sells two days
with ARCA unreachable, across a fortnight boundary, each sale a CAEA comprobante on its
CAEA point of sale; the sales reach PostgreSQL through the ingest; back online, head
office informs ARCA of every one in number order, and ARCA holds each exactly once.

Head office and the till use two certificates of the same CUIT: WSAA refuses a second
login with one certificate while its ticket is valid, so sharing one would lock one out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import make_certificate_authority
from pos_central.database import connect
from pos_central.fiscal.inform import inform
from pos_central.fiscal.scheduler import run_once
from pos_central.fiscal.stores import set_store_cuit
from pos_central.fiscal.taxpayers import Taxpayer, configure, open_wsfe
from pos_desktop.app import Till
from tests.e2e.test_sync_end_to_end import (  # noqa: F401 (fixtures)
    Central,
    central,
    memory_keyring,
    pg,
    wait_for,
)
from tests.e2e.test_sync_end_to_end import (
    configure as configure_sync,
)
from tests.fiscal.caea_helpers import CAEA_POS, art, caea_worker, open_caea_till
from tests.fiscal.till_helpers import sell

pytestmark = [pytest.mark.services, pytest.mark.slow]
CUIT = "30712345671"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(art(14))  # both July fortnights' CAEAs can be asked for


@pytest.fixture
def standin(clock: ManualClock) -> Any:
    ca = make_certificate_authority()
    server = ArcaStandin(ca_certificate=ca.certificate, clock=clock).start()
    server.add_point_of_sale(1, "CAE")
    server.add_point_of_sale(CAEA_POS, "CAEA")
    server.ca = ca  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()


def head_office_taxpayer(central: Central, standin: Any, tmp_path: Path) -> Taxpayer:
    mine = standin.ca.issue(int(CUIT), not_before=datetime(2025, 1, 1, tzinfo=UTC), days=3650)
    found = configure(central.db_url, cuit=CUIT, certificate=mine.certificate_pem,
                      key=mine.private_key_pem, environment="homologacion",
                      wsaa_url=standin.wsaa_url, wsfe_url=standin.wsfe_url,
                      key_dir=tmp_path / "central-keys")
    with connect(central.db_url) as db:
        set_store_cuit(db, "S001", CUIT)
        db.commit()
    return found


def till_caeas(till: Till) -> list[tuple[int, int, str]]:
    with till.reader.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT period, orden, code FROM caeas ORDER BY period, orden"))]


def caea_at_arca(standin: ArcaStandin) -> list[tuple[int, int, str]]:
    return sorted((c.number, c.cbte_tipo, c.code) for c in standin.state.comprobantes.values()
                  if c.emission_kind == "CAEA" and c.point_of_sale == CAEA_POS)


def test_two_days_offline_then_head_office_informs_every_caea_comprobante_once(
        central: Central, standin: Any, clock: ManualClock, amqp_url: str,
        tmp_path: Path) -> None:
    taxpayer = head_office_taxpayer(central, standin, tmp_path)

    def wsfe_for(found: Taxpayer) -> Any:
        return open_wsfe(found, clock=clock, cache_dir=tmp_path / "central-arca")

    asked = run_once(central.db_url, central.amqp_url, central.topology, date(2026, 7, 14),
                     wsfe_for)
    assert len(asked.obtained) == 2, asked.problems

    till_cert = standin.ca.issue(int(CUIT), not_before=datetime(2025, 1, 1, tzinfo=UTC),
                                 days=3650)
    till = open_caea_till(tmp_path / "till", standin, till_cert, tmp_path, clock)
    try:
        configure_sync(till, central, amqp_url)
        till.start_sync()
        wait_for(lambda: len(till_caeas(till)) == 2, what="head office's CAEAs at the till")
        granted = {(p, o): code for p, o, code in till_caeas(till)}

        standin.make_unreachable()
        clock.set(art(15, 9))
        first = sell(till)  # ARCA not yet known to be down: it waits for its CAE
        assert first.awaits_authorization
        worker = caea_worker(till, clock)
        assert worker.run_once().issued_caea == 1  # no answer: issued with the CAEA
        sales = [first, sell(till), sell(till)]
        clock.set(art(16, 10))  # the next day is the next fortnight
        sales += [sell(till), sell(till)]
        wait_for(lambda: pg(central.db_url, "SELECT count(*) FROM fiscal_authorizations "
                                            "WHERE authorization_kind = 'CAEA'")[0][0] == 5,
                 what="the 5 CAEA comprobantes at head office")
    finally:
        till.close()
    rows = pg(central.db_url, "SELECT number, authorization_code, cbte_fch FROM "
                              "fiscal_authorizations ORDER BY number")
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[1] for r in rows] == [granted[(202607, 1)]] * 3 + [granted[(202607, 2)]] * 2

    standin.make_reachable()
    clock.set(art(17, 12))
    wsfe = wsfe_for(taxpayer)
    result = inform(central.db_url, wsfe, CUIT)

    assert len(result.informed) == 5 and not result.stopped, result
    held = caea_at_arca(standin)
    assert [n for n, _, _ in held] == [1, 2, 3, 4, 5]  # each once, in order
    assert [code for _, _, code in held] == [r[1] for r in rows]
    assert inform(central.db_url, wsfe, CUIT).informed == []  # nothing twice

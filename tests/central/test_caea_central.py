"""Head office's CAEA: configure the taxpayer, request the fortnight's CAEA (recover one
granted, ARCA's request window), send it to the tills, inform ARCA of the comprobantes in
order and exactly once, sin movimiento for idle points of sale, and the status figures.
ARCA is the stand-in over real HTTP; PostgreSQL and RabbitMQ are real."""

# ruff: noqa: F811 (the fixtures imported from caea_support are parameters here)
from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pos_arca import Fortnight, ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials
from pos_central.database import connect
from pos_central.fiscal.grants import CaeaWindowClosed, obtain, publish_pending, snapshot_caeas
from pos_central.fiscal.scheduler import fortnights_due, run_once
from pos_central.fiscal.taxpayers import FiscalSetupError, Taxpayer, configure, open_wsfe
from pos_contracts import CaeaGrant, parse_envelope, wire

from .caea_support import (  # noqa: F401 (fixtures)
    CAEA_POS,
    CUIT,
    CountingWsfe,
    ca,
    clock,
    credentials,
    standin,
    taxpayer,
    wsfe,
)
from .conftest import Broker, query, scalar

pytestmark = pytest.mark.services
JULY = Fortnight(202607, 1)


def at(clock: ManualClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC))


def test_configure_keeps_the_key_in_a_private_file_never_in_postgres(
        central_db: str, taxpayer: Taxpayer, credentials: TaxpayerCredentials,
        tmp_path: Path) -> None:
    key_file = Path(taxpayer.key_location)
    assert key_file.read_bytes() == credentials.private_key_pem
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key_text = credentials.private_key_pem.decode().splitlines()[1]
    stored = query(central_db, "SELECT row_to_json(t)::text FROM fiscal_taxpayers t")
    assert stored and key_text not in stored[0][0] and "PRIVATE KEY" not in stored[0][0]

    with pytest.raises(FiscalSetupError, match="CUIT"):
        configure(central_db, cuit="30712345671", certificate=credentials.certificate_pem,
                  key=credentials.private_key_pem, environment="homologacion",
                  key_dir=tmp_path / "k2")
    with pytest.raises(FiscalSetupError, match="homologacion"):
        configure(central_db, cuit=CUIT, certificate=credentials.certificate_pem,
                  key=credentials.private_key_pem, environment="testing",
                  key_dir=tmp_path / "k2")


def test_a_key_file_others_may_read_is_refused(taxpayer: Taxpayer, clock: ManualClock,
                                               tmp_path: Path) -> None:
    os.chmod(taxpayer.key_location, 0o644)
    from pos_central.fiscal.keys import FiscalKeyError

    with pytest.raises(FiscalKeyError, match="chmod 600"):
        open_wsfe(taxpayer, clock=clock, cache_dir=tmp_path / "arca")


def test_request_stores_the_caea_and_recovers_one_already_granted(
        central_db: str, wsfe: CountingWsfe, standin: ArcaStandin) -> None:
    first = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10))
    assert first.obtained_with == "FECAEASolicitar"
    grant = first.grant
    assert (grant.valid_from, grant.valid_to) == (date(2026, 7, 1), date(2026, 7, 15))
    assert grant.report_deadline > grant.valid_to and len(grant.caea) == 14
    assert obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).obtained_with == "stored"

    # Head office lost its copy (a crash after ARCA's answer): FECAEAConsultar gives it back.
    query(central_db, "DELETE FROM caeas RETURNING 1")
    again = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10))
    assert again.obtained_with == "FECAEAConsultar" and again.grant.caea == grant.caea
    assert scalar(central_db, "SELECT caea FROM caeas") == grant.caea


def test_ARCA_s_already_granted_answer_is_recovered_with_consultar(
        central_db: str, wsfe: CountingWsfe) -> None:
    from pos_central.fiscal.grants import ask_arca

    granted = wsfe.request_caea(JULY)  # granted elsewhere (another installation)

    class Late(CountingWsfe):
        """Sees no CAEA at first (ARCA's consult lagging), then 15008 when asking."""

        consulted = 0

        def consult_caea(self, fortnight: Fortnight):  # type: ignore[no-untyped-def]
            self.consulted += 1
            return None if self.consulted == 1 else super().consult_caea(fortnight)

    late = Late(cuit=wsfe.cuit, credentials=wsfe.credentials, url=wsfe.url)
    caea, how = ask_arca(late, JULY, date(2026, 7, 10))
    assert (caea.code, how) == (granted.code, "FECAEAConsultar")


def test_outside_arca_s_window_the_request_says_when_it_opens(
        central_db: str, wsfe: CountingWsfe) -> None:
    with pytest.raises(CaeaWindowClosed) as closed:
        obtain(central_db, wsfe, CUIT, Fortnight(202608, 1), date(2026, 7, 10))
    text = str(closed.value)
    assert "2026-07-27" in text and "2026-08-15" in text and "2026-07-10" in text
    assert query(central_db, "SELECT count(*) FROM caeas") == [(0,)]


def test_the_next_fortnight_is_due_from_five_days_before_it_starts() -> None:
    assert fortnights_due(date(2026, 7, 10)) == [JULY]
    assert fortnights_due(date(2026, 7, 11)) == [JULY, Fortnight(202607, 2)]
    assert fortnights_due(date(2026, 12, 27)) == [Fortnight(202612, 2), Fortnight(202701, 1)]


def test_caea_granted_reaches_the_catalog_queue_of_every_till_of_the_cuit(
        central_db: str, broker: Broker, wsfe: CountingWsfe, clock: ManualClock,
        taxpayer: Taxpayer, tmp_path: Path) -> None:
    with connect(central_db) as db:
        db.execute("INSERT INTO stores (store_id, cuit) VALUES ('S001', %s), "
                   "('S002', '30712345671')", (CUIT,))
        db.execute("INSERT INTO terminals VALUES ('S001', 'T01'), ('S001', 'T02'), "
                   "('S002', 'T01')")
        db.commit()
    queues = [broker.topology.till_catalog_queue("S001", t) for t in ("T01", "T02")]
    other = broker.topology.till_catalog_queue("S002", "T01")
    broker.till_queues += [*queues, other]
    at(clock, date(2026, 7, 11))

    report = run_once(central_db, broker.url, broker.topology, date(2026, 7, 11),
                      lambda _t: wsfe)

    assert len(report.obtained) == 2, report.problems  # July's two fortnights
    for queue in queues:
        bodies = []
        while (got := broker.channel.basic_get(queue, auto_ack=True))[0] is not None:
            assert got[1].type == wire.CAEA_GRANTED
            bodies.append(parse_envelope(got[2]))
        grants = [CaeaGrant.from_wire(e.payload) for e in bodies]
        assert [(g.period, g.order) for g in grants] == [(202607, 1), (202607, 2)]
        assert all(g.cuit == CUIT for g in grants)
    broker.channel.queue_declare(other, durable=True)
    assert broker.depth(other) == 0  # another taxpayer's store
    assert publish_pending(central_db, broker.url, broker.topology) == []  # sent once
    with connect(central_db) as db:
        caeas = snapshot_caeas(db, "S001", date(2026, 7, 11))
    assert [(c["period"], c["order"]) for c in caeas] == [(202607, 1), (202607, 2)]


def test_the_snapshot_with_caeas_carries_the_store_s_and_the_plain_one_does_not(
        central_db: str, broker: Broker, taxpayer: Taxpayer, ca: CertificateAuthority,
        tmp_path: Path) -> None:
    from pos_central.catalog import save_catalog
    from pos_contracts import CatalogProduct
    from pos_contracts.caea import split_snapshot

    from .api_support import get, serving, settings_for

    now = datetime.now(UTC)
    real = ManualClock(now)
    arca = ArcaStandin(ca_certificate=ca.certificate, clock=real).start()
    try:
        arca.add_point_of_sale(CAEA_POS, "CAEA")
        live = configure_for(central_db, taxpayer, arca)
        wsfe = open_wsfe(live, clock=real, cache_dir=tmp_path / "arca-now")
        got = obtain(central_db, wsfe, CUIT, Fortnight.of(now.date()), now.date())
    finally:
        arca.stop()
    save_catalog(central_db, [CatalogProduct("1", "Yerba", 4500, "21", False, None, None, ())],
                 source="t")
    with connect(central_db) as db:
        db.execute("INSERT INTO stores (store_id, cuit) VALUES ('S001', %s)", (CUIT,))
        db.commit()
    with serving(settings_for(central_db, broker, open_access=True)) as server:
        plain = get(server.url + wire.SNAPSHOT_PATH)
        full = get(server.url + wire.SNAPSHOT_PATH, params={**wire.SNAPSHOT_WITH_CAEAS,
                                                            "store": "S001"})
        again = get(server.url + wire.SNAPSHOT_PATH,
                    params={**wire.SNAPSHOT_WITH_CAEAS, "store": "S001"},
                    headers={"If-None-Match": full.headers["ETag"]})
    assert "caeas" not in plain.json()
    rest, grants = split_snapshot(full.json())
    assert rest == plain.json() and grants == [got.grant]
    assert full.headers["ETag"] != plain.headers["ETag"] and again.status_code == 304


def configure_for(central_db: str, taxpayer: Taxpayer, arca: ArcaStandin) -> Taxpayer:
    with connect(central_db) as db:
        db.execute("UPDATE fiscal_taxpayers SET wsaa_url = %s, wsfe_url = %s",
                   (arca.wsaa_url, arca.wsfe_url))
        db.commit()
    return Taxpayer(taxpayer.cuit, taxpayer.environment, arca.wsaa_url, arca.wsfe_url,
                    taxpayer.certificate_pem, taxpayer.key_location)


def test_a_key_kept_in_the_keyring_signs_the_login_and_postgres_only_says_keyring(
        central_db: str, standin: ArcaStandin, credentials: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path) -> None:
    import keyring

    from tests.support.keyring import MemoryKeyring

    previous, backend = keyring.get_keyring(), MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        found = configure(central_db, cuit=CUIT, certificate=credentials.certificate_pem,
                          key=credentials.private_key_pem, environment="homologacion",
                          wsaa_url=standin.wsaa_url, wsfe_url=standin.wsfe_url,
                          key_store="keyring")
        assert scalar(central_db, "SELECT key_location FROM fiscal_taxpayers") == "keyring"
        assert backend.store[("super-pos-central", f"fiscal.{CUIT}.private_key")] == (
            credentials.private_key_pem.decode())
        wsfe = open_wsfe(found, clock=clock, cache_dir=tmp_path / "arca")
        assert obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).obtained_with == (
            "FECAEASolicitar")
    finally:
        keyring.set_keyring(previous)

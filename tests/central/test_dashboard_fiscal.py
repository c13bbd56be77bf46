# ruff: noqa: F811 (the fixtures imported from caea_support are parameters here)
"""The dashboard's fiscal alerts: comprobantes whose CAE has not arrived (counted from what
the ingest keeps as it applies the events, in either order), CAEA comprobantes not yet
informed as ARCA's deadline nears or passes, and stores without this fortnight's CAEA."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient

from pos_arca import Fortnight
from pos_arca.clock import ARGENTINA
from pos_central.api.app import create_app
from pos_central.api.sync_health import terminals
from pos_central.config import psycopg_conninfo
from pos_central.fiscal.dashboard import fiscal_alerts
from pos_central.fiscal.grants import obtain
from pos_central.fiscal.inform import inform
from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal

from .api_support import settings_for
from .caea_support import (  # noqa: F401 (fixtures)
    CUIT,
    CountingWsfe,
    ca,
    caea_till,
    clock,
    credentials,
    standin,
    taxpayer,
    wsfe,
)
from .conftest import Broker, query, running_ingest, scalar, wait_until
from .test_api_office import add_user, login, token_for
from .test_fiscal import authorized, fiscal_sale

pytestmark = pytest.mark.services

OTHER_CUIT = "30712345671"
YESTERDAY = (datetime.now(ARGENTINA).date() - timedelta(days=1)).isoformat()


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker))) as c:
        yield c


ADMINS: dict[str, dict[str, str]] = {}


def dashboard_alerts(client: TestClient, db_url: str, kind: str) -> list[dict[str, object]]:
    if db_url not in ADMINS:
        ADMINS[db_url] = {"Authorization": "Bearer " + token_for(
            db_url, add_user(db_url, "a", "admin"))}
    admin = ADMINS[db_url]
    return [a for a in client.get("/v1/dashboard", headers=admin).json()["alerts"]
            if a["kind"] == kind]


def issued_now(terminal: SimulatedTerminal) -> Envelope:
    """A comprobante issued a minute ago: its CAE may well be on its way."""
    sale = fiscal_sale(terminal)
    payload = json.loads(json.dumps(sale.payload))
    payload["completed_at"] = (datetime.now(ARGENTINA) - timedelta(minutes=1)).isoformat(
        timespec="milliseconds")
    return build_envelope("sale.completed", payload, store_id=sale.store_id,
                          terminal_id=sale.terminal_id, seq=sale.seq,
                          occurred_at=payload["completed_at"], event_id=sale.event_id)


def pending_truth(db_url: str) -> list[tuple[object, ...]]:
    """What fiscal_pending stands for, from the two tables themselves."""
    return query(db_url, "SELECT d.document_id FROM fiscal_documents d LEFT JOIN "
                         "fiscal_authorizations a USING (document_kind, document_id) "
                         "WHERE a.document_id IS NULL ORDER BY 1")


def test_comprobantes_without_their_cae_are_an_alert_until_it_arrives(
        client: TestClient, central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal("S001", "T01", seed=31, day=YESTERDAY)
    till.open_shift()
    sales = [fiscal_sale(till) for _ in range(4)]
    fresh = issued_now(till)
    seq = fresh.seq + 1
    first_cae = authorized(sales[0], 1, "71000000000001", seq=seq)
    second_cae = authorized(sales[1], 2, "71000000000002", seq=seq + 1)
    last_cae = authorized(sales[2], 3, "71000000000003", seq=seq + 2)
    other = SimulatedTerminal("S002", "T01", seed=32, day=YESTERDAY)
    other.open_shift()
    others = [fiscal_sale(other) for _ in range(2)]
    # a CAE may be applied before its comprobante (several workers)
    broker.publish([first_cae, *sales, fresh, second_cae, *others])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_ingested_total",
                                          type="fiscal.authorized") == 2, what="2 CAEs")
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM fiscal_documents") == 7,
                   what="7 comprobantes")
    assert query(central_db, "SELECT document_id FROM fiscal_pending WHERE NOT authorized "
                             "ORDER BY 1") == pending_truth(central_db)

    alerts = dashboard_alerts(client, central_db, "cae_pending")
    # S001/T01: sales 2 and 3 (the fresh one is not late yet); S002/T01: both
    assert [(a["store_id"], a["terminal_id"], a["values"]["count"]) for a in alerts] == [
        ("S001", "T01", 2), ("S002", "T01", 2)]
    assert all(a["level"] == "danger" and a["values"]["waited"] for a in alerts)

    manager = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "m", "manager", ["S002"]))}
    theirs = client.get("/v1/dashboard", headers=manager).json()["alerts"]
    assert [a["store_id"] for a in theirs if a["kind"] == "cae_pending"] == ["S002"]

    broker.publish([last_cae])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_ingested_total",
                                          type="fiscal.authorized") == 1, what="the CAE")
    assert [(a["store_id"], a["values"]["count"])
            for a in dashboard_alerts(client, central_db, "cae_pending")] == [
        ("S001", 1), ("S002", 2)]
    assert query(central_db, "SELECT document_id FROM fiscal_pending WHERE NOT authorized "
                             "ORDER BY 1") == pending_truth(central_db)


def test_the_page_says_it_in_spanish_and_in_english(
        client: TestClient, central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal("S001", "T01", seed=33, day=YESTERDAY)
    till.open_shift()
    broker.publish([fiscal_sale(till)])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM fiscal_pending") == 1,
                   what="the comprobante")
    add_user(central_db, "ana", "admin")
    login(client, "ana")
    page = client.get("/").text
    assert "comprobantes sin autorización de ARCA (CAE): 1; el más antiguo se emitió hace" in page
    client.get("/lang/en")
    assert "comprobantes without ARCA&#39;s authorization (CAE): 1; the oldest" in client.get(
        "/").text


def add_taxpayer(db: psycopg.Connection[tuple[object, ...]], cuit: str) -> None:
    db.execute("INSERT INTO fiscal_taxpayers (cuit, environment, certificate_pem, "
               "key_location) VALUES (%s, 'homologacion', 'cert', 'keyring')", (cuit,))


def add_caea(db: psycopg.Connection[tuple[object, ...]], cuit: str, fortnight: Fortnight,
             code: str, deadline: date) -> None:
    db.execute("INSERT INTO caeas (cuit, period, orden, caea, valid_from, valid_to, "
               "report_deadline, obtained_with) VALUES (%s, %s, %s, %s, %s, %s, %s, "
               "'FECAEASolicitar')", (cuit, fortnight.period, fortnight.order, code,
                                      fortnight.first_day, fortnight.last_day, deadline))


def before(fortnight: Fortnight) -> Fortnight:
    return Fortnight.of(fortnight.first_day - timedelta(days=1))


def test_caea_comprobantes_not_informed_near_the_deadline_and_stores_without_caea(
        client: TestClient, central_db: str, broker: Broker) -> None:
    today = datetime.now(ARGENTINA).date()
    current = Fortnight.of(today)
    last, older = before(current), before(before(current))
    near, past = "61000000000001", "61000000000002"
    till = caea_till("S001", "T01", seed=34)
    events = [till.sale(near, last.first_day), till.sale(near, last.first_day),
              till.sale(past, older.first_day)]
    third = caea_till("S003", "T01", seed=37)
    third.point_of_sale = 3
    events.append(third.sale(near, last.first_day))
    other = SimulatedTerminal("S002", "T01", seed=35, day=YESTERDAY)  # sells for OTHER_CUIT
    other.open_shift()
    broker.publish([*events, fiscal_sale(other)])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM fiscal_documents") == 5,
                   what="5 comprobantes")
    with psycopg.connect(psycopg_conninfo(central_db)) as db:
        add_taxpayer(db, CUIT)
        add_taxpayer(db, OTHER_CUIT)
        add_caea(db, CUIT, current, "61000000000003", current.last_day + timedelta(days=8))
        add_caea(db, CUIT, last, near, today + timedelta(days=2))
        add_caea(db, CUIT, older, past, today - timedelta(days=3))

    informing = dashboard_alerts(client, central_db, "caea_not_informed")
    assert [(a["store_id"], a["level"], a["values"]["caea"], a["values"]["count"],
             a["values"]["days"]) for a in informing] == [
        ("S001", "danger", past, 1, -3), (None, "warning", near, 3, 2)]  # one line a CAEA
    manager = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "m", "manager", ["S003"]))}
    theirs = [a for a in client.get("/v1/dashboard", headers=manager).json()["alerts"]
              if a["kind"] == "caea_not_informed"]
    assert [(a["store_id"], a["values"]["count"]) for a in theirs] == [("S003", 1)]
    missing = dashboard_alerts(client, central_db, "caea_missing")
    assert [(a["store_id"], a["level"], a["values"]["fortnight"]) for a in missing] == [
        ("S002", "danger", f"{current.period}/{current.order}")]

    # two days before the next fortnight starts, S001 and S003 lack it too
    eve = datetime.combine(current.next().first_day - timedelta(days=2), datetime.min.time(),
                           ARGENTINA) + timedelta(hours=12)
    with psycopg.connect(psycopg_conninfo(central_db)) as db:
        found = fiscal_alerts(db, terminals(db, None, datetime.now(UTC)), now=eve)
    assert sorted((a.kind, a.store_id, a.level) for a in found
                  if a.kind == "caea_missing") == [
        ("caea_missing", "S001", "warning"), ("caea_missing", "S002", "danger"),
        ("caea_missing", "S003", "warning")]


def test_the_migration_counts_what_was_pending_before_it(pg_database: str) -> None:
    """0014 fills fiscal_pending from the comprobantes and authorizations already stored."""
    from pos_central.database import migrate

    migrate(pg_database, "0013")
    with psycopg.connect(psycopg_conninfo(pg_database)) as db:
        db.execute("INSERT INTO processed_events (event_id, store_id, terminal_id, seq, type, "
                   "schema_version, occurred_at, trace_id) SELECT gen_random_uuid(), 'S001', "
                   "'T01', n, 'sale.completed', 3, now(), 't' FROM generate_series(1, 3) n")
        db.execute("INSERT INTO fiscal_documents SELECT 'sale', gen_random_uuid(), event_id, "
                   "'S001', 'T01', current_date, 6, 1, %s, 'Responsable Inscripto', 99, 0, "
                   "'', 5, 100, 21, 0, 0, 0, 121, '{}' FROM processed_events WHERE seq < 3",
                   (OTHER_CUIT,))
        # the first comprobante has its CAE; a CAE also came for one not on record yet
        db.execute("INSERT INTO fiscal_authorizations SELECT 'sale', document_id, event_id, "
                   "'S001', 'T01', 6, 1, 1, current_date, now(), 'CAE', '71234567890123', "
                   "current_date, '{}' FROM fiscal_documents d JOIN processed_events e "
                   "USING (event_id) WHERE e.seq = 1")
        db.execute("INSERT INTO fiscal_authorizations SELECT 'sale', gen_random_uuid(), "
                   "event_id, 'S001', 'T01', 6, 1, 3, current_date, now(), 'CAE', "
                   "'71234567890124', current_date, '{}' FROM processed_events WHERE seq = 3")
        # and a CAEA comprobante ARCA has not taken yet
        db.execute("INSERT INTO processed_events (event_id, store_id, terminal_id, seq, type, "
                   "schema_version, occurred_at, trace_id) VALUES (gen_random_uuid(), 'S001', "
                   "'T01', 4, 'sale.completed', 3, now(), 't')")
        db.execute("INSERT INTO fiscal_authorizations SELECT 'sale', gen_random_uuid(), "
                   "event_id, 'S001', 'T01', 6, 2, 1, current_date, now(), 'CAEA', "
                   "'61234567890123', current_date, '{}' FROM processed_events WHERE seq = 4")
    awaited = scalar(pg_database, "SELECT d.document_id FROM fiscal_documents d JOIN "
                                  "processed_events e USING (event_id) WHERE e.seq = 2")
    migrate(pg_database)
    without_document = query(pg_database, "SELECT document_id FROM fiscal_authorizations "
                                          "WHERE number = 3 OR point_of_sale = 2")
    assert set(query(pg_database, "SELECT document_id, authorized FROM fiscal_pending")) == {
        (awaited, False), *((document, True) for (document,) in without_document)}
    assert query(pg_database, "SELECT caea, store_id FROM caea_unreported") == [
        ("61234567890123", "S001")]


def test_what_arca_took_leaves_the_count(central_db: str, broker: Broker,
                                         wsfe: CountingWsfe) -> None:
    """The informer's answer takes a comprobante off ``caea_unreported``, in its statement."""
    july = Fortnight(202607, 1)
    grant = obtain(central_db, wsfe, CUIT, july, date(2026, 7, 10)).grant
    till = caea_till(seed=36)
    sales = [till.sale(grant.caea, day) for day in (date(2026, 7, 8), date(2026, 7, 9))]
    broker.publish(sales)
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM fiscal_authorizations")
                   == 2, what="2 CAEA comprobantes applied")
    deadline = scalar(central_db, "SELECT report_deadline FROM caeas")
    eve = datetime.combine(deadline - timedelta(days=1), datetime.min.time(), ARGENTINA)

    def not_informed() -> list[tuple[str | None, object]]:
        with psycopg.connect(psycopg_conninfo(central_db)) as db:
            found = fiscal_alerts(db, terminals(db, None, datetime.now(UTC)), now=eve)
        return [(a.store_id, a.values["count"]) for a in found
                if a.kind == "caea_not_informed"]

    assert not_informed() == [("S001", 2)]
    assert len(inform(central_db, wsfe, CUIT).informed) == 2
    assert not_informed() == []
    assert scalar(central_db, "SELECT count(*) FROM caea_unreported") == 0

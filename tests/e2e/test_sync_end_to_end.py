"""Till → RabbitMQ → central ingest → PostgreSQL, and central's catalog → till, for real.

Every scenario ends with the same check: every sale the till made is in PostgreSQL
exactly once, every outbox event was applied once, and the daily report's totals equal
the till's own journal to the centavo. Outages are made with a TCP proxy in front of the
shared RabbitMQ (never by stopping it: other suites use it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pika
import psycopg
import pytest
from conftest import require_service
from sqlalchemy import select, text, update

from pos_central.api.app import create_app
from pos_central.api.server import ApiServer
from pos_central.api.settings import ApiSettings
from pos_central.broker_admin import BrokerAdmin
from pos_central.catalog import import_catalog_file
from pos_central.config import psycopg_conninfo
from pos_central.database import migrate
from pos_central.ingest.consumer import IngestConsumer, IngestSettings
from pos_central.report import build_daily_report
from pos_central.tills import TillCredentials, TillRegistry
from pos_central.topology import Topology, declare_topology, delete_topology
from pos_desktop.app import Till
from pos_desktop.store.tables import outbox
from pos_desktop.sync.catalog_apply import local_version
from pos_desktop.sync.status import SyncState
from tests.support.keyring import MemoryKeyring
from tests.support.tcp_proxy import TcpProxy
from tests.sync_till.helpers import sell

pytestmark = [pytest.mark.services, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def pg(db_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        return db.execute(sql, params).fetchall()  # type: ignore[arg-type]


@dataclass
class Central:
    db_url: str
    amqp_url: str
    topology: Topology
    api_url: str
    till_user: TillCredentials
    """S001/T01's own broker user (pos-central till add): the ingest refuses anyone else."""

    def as_till(self, url: str) -> str:
        """``url`` (the broker, or a proxy in front of it) with the till's credentials."""
        parts = urlsplit(url)
        netloc = f"{self.till_user.user}:{self.till_user.password}@{parts.hostname}:{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def sales(self) -> int:
        return int(pg(self.db_url, "SELECT count(*) FROM sales")[0][0])

    def events(self) -> int:
        return int(pg(self.db_url, "SELECT count(*) FROM processed_events")[0][0])

    def import_catalog(self, tmp: Path, rows: list[tuple[str, str, str, str]]) -> int:
        """rows: (sku, name, price in pesos "1234.50", barcode)."""
        path = tmp / f"catalog-{time.monotonic_ns()}.csv"
        lines = ["sku,name,price,iva_rate,unit,barcodes,plu,category"]
        lines += [f"{sku},{name},{price},21,unit,{code},,Almacén" for sku, name, price, code in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = import_catalog_file(self.db_url, self.amqp_url, self.topology, path)
        assert result.version is not None
        return result.version


@pytest.fixture
def central(pg_database: str, amqp_url: str, unique_name: str) -> Iterator[Central]:
    migrate(pg_database)
    topology = Topology(prefix=f"test-e2e-{unique_name}.")
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        declare_topology(conn.channel(), topology)
    require_service("RabbitMQ management API", "127.0.0.1", 15672)
    admin = BrokerAdmin.for_amqp(amqp_url)
    till_user = TillRegistry(pg_database, amqp_url, topology, admin).register("S001", "T01")
    consumer = IngestConsumer(
        db_url=pg_database, amqp_url=amqp_url, topology=topology,
        settings=IngestSettings(batch_size=200, batch_wait=0.02, prefetch=500,
                                backoff_initial=0.1, backoff_max=0.5),
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    settings = ApiSettings(db_url=pg_database, amqp_url=amqp_url, topology=topology,
                           open_access=True, collect_dead_letters=False)
    server = ApiServer(create_app(settings)).start()
    api = server.url
    try:
        yield Central(pg_database, amqp_url, topology, api, till_user)
    finally:
        stop.set()
        thread.join(10)
        server.stop()
        admin.delete_user(till_user.user)
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            queues = [topology.till_catalog_queue("S001", "T01")]
            delete_topology(conn.channel(), topology, queues)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The till reads its API token from the keyring: never the developer's real one."""
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def proxy(amqp_url: str) -> Iterator[TcpProxy]:
    p = TcpProxy()
    yield p
    p.close()


def configure(till: Till, central: Central, amqp_url: str) -> None:
    with till.uow() as uow:
        uow.settings.set("sync.amqp_url", central.as_till(amqp_url))
        uow.settings.set("sync.prefix", central.topology.prefix)
        uow.settings.set("sync.central_url", central.api_url)
        uow.settings.set("sync.enabled", True)
        uow.commit()


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = Till.open(tmp_path / "till", demo=True)
    yield t
    t.close()


def unsent(till: Till) -> int:
    with till.reader.connect() as conn:
        return int(conn.execute(
            text("SELECT count(*) FROM outbox WHERE status != 'sent'")).scalar_one())


def outbox_count(till: Till) -> int:
    with till.reader.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM outbox")).scalar_one())


def journal_totals(till: Till) -> dict[str, dict[str, Any]]:
    """Per business day, from the till's journal (its own record of every sale)."""
    days: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "count": 0, "total": 0, "tenders": defaultdict(int),
        "iva": defaultdict(lambda: [0, 0, 0])})
    with till.uow() as uow:
        for entry in uow.journal.entries():
            if entry.kind != "sale":
                continue
            sale = json.loads(entry.record)
            day = days[sale["completed_at"][:10]]
            day["count"] += 1
            day["total"] += sale["total"]
            for tender in sale["tenders"]:
                day["tenders"][tender["kind"]] += tender["amount"]
            day["tenders"]["cash"] -= sale["change"]
            for iva in sale["iva"]:
                acc = day["iva"][iva["rate"]]
                acc[0] += iva["gross"]
                acc[1] += iva["net"]
                acc[2] += iva["tax"]
    return days


def assert_central_matches_the_till(central: Central, till: Till) -> None:
    """Every sale once in PostgreSQL; the daily report equals the journal to the centavo."""
    with till.reader.connect() as conn:
        till_sales = sorted(str(s) for s in conn.execute(text("SELECT sale_id FROM sales")).scalars())
        events = sorted(str(e) for e in conn.execute(select(outbox.c.event_id)).scalars())
    central_sales = sorted(str(r[0]) for r in pg(central.db_url, "SELECT sale_id FROM sales"))
    assert central_sales == till_sales
    applied = sorted(str(r[0]) for r in pg(central.db_url, "SELECT event_id FROM processed_events"))
    assert applied == events
    for day, expected in journal_totals(till).items():
        report = build_daily_report(central.db_url, date.fromisoformat(day))
        store = next(s for s in report["stores"] if s["store_id"] == till.identity.store_id)
        terminal = next(t for t in store["terminals"]
                        if t["terminal_id"] == till.identity.terminal_id)
        assert terminal["sales_count"] == expected["count"]
        assert terminal["sales_total"] == expected["total"]
        assert {t["kind"]: t["sales"] for t in terminal["by_tender"]} == {
            k: v for k, v in expected["tenders"].items() if v}
        assert {i["rate"]: [i["sales_gross"], i["sales_net"], i["sales_tax"]]
                for i in terminal["iva"]} == dict(expected["iva"])
        assert terminal["gaps"] == []
        assert terminal["journal_breaks"] == []


def test_sales_made_with_the_broker_down_reach_postgresql_once_when_it_comes_up(
    till: Till, central: Central, proxy: TcpProxy
) -> None:
    proxy.down()
    configure(till, central, proxy.url())
    sync = till.start_sync()
    sell(till, 40, seed=1)
    wait_for(lambda: sync.link().state is SyncState.OFFLINE, what="offline")
    status = till.sync_status()
    assert status.pending == outbox_count(till)
    assert central.sales() == 0

    proxy.up()
    wait_for(lambda: unsent(till) == 0, what="the outbox to drain")
    wait_for(lambda: central.events() == outbox_count(till), what="central to apply")
    assert till.sync_status().state is SyncState.ONLINE
    assert_central_matches_the_till(central, till)


def test_every_event_published_twice_is_applied_once(
    till: Till, central: Central, amqp_url: str
) -> None:
    configure(till, central, amqp_url)
    sell(till, 30, seed=2)
    sync = till.build_sync(listen_catalog=False)
    assert sync.drain(20).remaining == 0
    with till.writer.begin() as conn:  # forget every confirm: all go out a second time
        conn.execute(update(outbox).values(status="pending", sent_at=None))
    again = sync.drain(20)
    assert again.confirmed == outbox_count(till)
    wait_for(lambda: central.events() == outbox_count(till), what="central to apply")
    time.sleep(0.5)  # let the duplicates through the ingest too
    assert_central_matches_the_till(central, till)


def test_link_lost_while_confirms_are_in_flight(
    till: Till, central: Central, proxy: TcpProxy
) -> None:
    configure(till, central, proxy.url())
    sell(till, 300, seed=3)
    proxy.down_after(150_000)  # cut in the middle of the burst: confirms in flight
    sync = till.start_sync()
    wait_for(lambda: not proxy._up.is_set(), what="the cut")
    wait_for(lambda: sync.link().state is SyncState.OFFLINE, what="offline")
    assert unsent(till) > 0
    time.sleep(0.3)
    proxy.up()
    wait_for(lambda: unsent(till) == 0, timeout=60, what="the outbox to drain")
    wait_for(lambda: central.events() == outbox_count(till), what="central to apply")
    assert_central_matches_the_till(central, till)


def test_till_killed_after_the_confirm_but_before_marking_sends_again_and_applies_once(
    till: Till, central: Central, amqp_url: str
) -> None:
    sell(till, 50, seed=4)
    total = outbox_count(till)
    env = {
        **os.environ,
        "POS_AMQP_URL": central.as_till(amqp_url),
        "POS_SYNC_PREFIX": central.topology.prefix,
        "POS_SYNC_TEST_CRASH": "after_confirm",  # the documented test hook
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # never a real keychain
    }
    command = [sys.executable, "-m", "pos_desktop", "--data-dir", str(till.data_dir),
               "sync", "push", "--timeout", "30"]
    crashed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    assert unsent(till) == total  # the till never recorded a confirm…
    wait_for(lambda: central.events() > 0, what="central to apply the confirmed ones")
    assert central.events() <= total  # …but the broker had them

    env.pop("POS_SYNC_TEST_CRASH")
    again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert again.stdout.decode().startswith(f"{total} ")  # "<n> eventos confirmados …"
    assert unsent(till) == 0
    wait_for(lambda: central.events() == total, what="central to apply")
    time.sleep(0.5)
    assert_central_matches_the_till(central, till)


def test_a_catalog_change_reaches_the_till_and_the_next_sale(
    till: Till, central: Central, amqp_url: str, tmp_path: Path
) -> None:
    from pos_desktop.domain.sale import TenderKind

    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1000.00", "7790000000010"),
                                      ("SKU-B", "Azúcar Test", "500.00", "7790000000027")])
    configure(till, central, amqp_url)
    sync = till.start_sync()
    assert sync.catalog is not None
    wait_for(lambda: local_version(till.uow) == 1, what="the snapshot of a new till")
    wait_for(lambda: sync.catalog is not None and sync.catalog.link().state is SyncState.ONLINE)

    till.register.scan("7790000000010")
    version = central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1250.00",
                                                 "7790000000010")])
    # The listener counts a change after its commit: wait for the count, not only the row.
    wait_for(lambda: local_version(till.uow) == version and sync.catalog.stats.applied == 1,
             what="the change")
    assert sync.catalog.stats.snapshots == 1
    till.register.scan("7790000000027")
    till.register.scan("SKU-A")  # rung up again after the change: a new line, new price
    till.register.tender(TenderKind.CASH)
    done = till.register.complete()
    assert [li["unit_price"] for li in done.payload["lines"]] == [100000, 50000, 125000]
    assert till.register.catalog.by_sku("SKU-A").price == 125000  # type: ignore[union-attr]
    till.register.scan("7790000000010")
    till.register.tender(TenderKind.DEBIT)
    assert till.register.complete().payload["total"] == 125000

    wait_for(lambda: unsent(till) == 0 and central.events() == outbox_count(till))
    assert_central_matches_the_till(central, till)


def test_a_till_with_a_version_gap_recovers_from_the_snapshot(
    till: Till, central: Central, amqp_url: str, tmp_path: Path
) -> None:
    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1000.00", "7790000000010")])
    configure(till, central, amqp_url)
    sync = till.start_sync()
    assert sync.catalog is not None
    wait_for(lambda: local_version(till.uow) == 1, what="the first snapshot")
    sync.catalog.stop()

    # Two changes the till never sees (its queue was lost and re-created, say)…
    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1100.00", "7790000000010")])
    central.import_catalog(tmp_path, [("SKU-C", "Fideos Test", "300.00", "7790000000034")])
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        conn.channel().queue_purge(central.topology.till_catalog_queue("S001", "T01"))
    # …then one it does: version 4 after version 1 is a gap.
    latest = central.import_catalog(tmp_path, [("SKU-B", "Azúcar Test", "500.00",
                                                "7790000000027")])
    sync.catalog.start()
    # The snapshot is counted just after its commit: wait for the count, not only the row.
    wait_for(lambda: local_version(till.uow) == latest and sync.catalog is not None
             and sync.catalog.stats.snapshots == 2, what="the snapshot after the gap")
    catalog = till.register.catalog
    assert catalog.by_sku("SKU-A").price == 110000  # type: ignore[union-attr]
    assert catalog.by_code("7790000000034").sku == "SKU-C"  # type: ignore[union-attr]
    assert catalog.by_code("7790000000027") is not None

    sell(till, 5, seed=6)
    wait_for(lambda: unsent(till) == 0 and central.events() == outbox_count(till))
    assert_central_matches_the_till(central, till)


def test_a_catalogue_with_a_repeated_plu_is_refused_by_the_till_which_says_so_and_goes_on(
    till: Till, central: Central, amqp_url: str, tmp_path: Path
) -> None:
    """Head office's own rows repeat a PLU (written before it refused that, or by hand):
    its snapshot cannot be applied. The till keeps its catalogue whole, says it is behind
    and why, goes on reading its queue, and catches up once head office is fixed."""
    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1000.00", "7790000000010"),
                                      ("SKU-B", "Azúcar Test", "500.00", "7790000000027")])
    pg_write(central.db_url, "UPDATE products SET plu = 401")  # both: the bad data
    version = central.import_catalog(tmp_path, [("SKU-C", "Fideos Test", "300.00",
                                                 "7790000000034")])
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:  # a till installed
        conn.channel().queue_purge(central.topology.till_catalog_queue("S001", "T01"))  # now
    configure(till, central, amqp_url)
    sync = till.start_sync()
    assert sync.catalog is not None
    wait_for(lambda: till.sync_status().catalog_behind is not None, what="the refusal shown")
    behind = till.sync_status().catalog_behind
    assert behind is not None and "401" in behind
    assert local_version(till.uow) == 0  # nothing of the refused snapshot was kept
    assert till.register.catalog.by_sku("SKU-C") is None
    wait_for(lambda: sync.catalog is not None and sync.catalog.link().state is SyncState.ONLINE)

    pg_write(central.db_url, "UPDATE products SET plu = NULL WHERE sku = 'SKU-B'")
    fixed = central.import_catalog(tmp_path, [("SKU-C", "Fideos Test", "310.00",
                                               "7790000000034")])
    assert fixed == version + 1
    wait_for(lambda: local_version(till.uow) == fixed, what="the snapshot once fixed")
    assert till.sync_status().catalog_behind is None
    assert till.register.catalog.by_sku("SKU-C").price == 31000  # type: ignore[union-attr]
    assert till.register.catalog.by_sku("SKU-A").plu == 401  # type: ignore[union-attr]


def pg_write(db_url: str, sql: str) -> None:
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        db.execute(sql)  # type: ignore[arg-type]


def test_a_product_at_5_percent_made_at_head_office_sells_at_a_running_till(
    till: Till, central: Central, amqp_url: str, tmp_path: Path
) -> None:
    """catalog.changed v2 for real: head office's API saves a product at ARCA's 5 %, the
    running till applies it from its queue, and its sale carries 5 % in its IVA rows, on
    its receipt and in the Factura B the till asks ARCA (the stand-in) to authorize:
    AlicIva id 8. The sale reaches PostgreSQL with its 5 % row."""
    import re
    from datetime import UTC, datetime

    import httpx

    from pos_arca import ManualClock
    from pos_arca.standin import ArcaStandin
    from pos_arca.testing import make_certificate_authority
    from pos_desktop.domain.sale import TenderKind
    from pos_desktop.printing import read_printer_config
    from pos_desktop.services.fiscal import receipt_data
    from pos_printers.api import render_receipt
    from tests.central.test_api_office import add_user, token_for
    from tests.fiscal.till_helpers import configure_arca, worker_for

    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1000.00", "7790000000010")])
    configure(till, central, amqp_url)
    sync = till.start_sync()
    assert sync.catalog is not None
    wait_for(lambda: local_version(till.uow) == 1, what="the first snapshot")
    wait_for(lambda: sync.catalog is not None and sync.catalog.link().state is SyncState.ONLINE)
    bread = {"sku": "PAN-5", "name": "Pan lactal", "price": 2_100_00, "iva_rate": "5",
             "sold_by_weight": False, "plu": None, "category": "Panadería",
             "barcodes": ["7790000000041"], "active": True}
    token = token_for(central.db_url, add_user(central.db_url, "marta", "admin"))
    answer = httpx.put(f"{central.api_url}/v1/products/PAN-5", json=bread, timeout=10,
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["published"] is True
    [(schema_version,)] = pg(central.db_url, "SELECT (event->>'schema_version')::int "
                             "FROM catalog_versions WHERE version = 2")
    assert schema_version == 2
    wait_for(lambda: local_version(till.uow) == 2 and sync.catalog.stats.applied == 1,
             what="the change at 5 %")

    ca = make_certificate_authority()
    taxpayer = ca.issue(30712345671, not_before=datetime(2025, 1, 1, tzinfo=UTC), days=3650)
    clock = ManualClock(datetime.now(UTC))
    arca = ArcaStandin(ca_certificate=ca.certificate, clock=clock).start()
    try:
        configure_arca(till, arca, taxpayer, tmp_path)
        till.register.scan("7790000000041")
        till.register.tender(TenderKind.CASH)
        done = till.register.complete()
        assert worker_for(till, clock).run_once().authorized == 1
        [asked] = arca.state.comprobantes.values()
    finally:
        arca.stop()
    assert [line["iva_rate"] for line in done.payload["lines"]] == ["5"]
    assert done.payload["iva"] == [{"rate": "5", "gross": 210000, "net": 200000, "tax": 10000}]
    request = asked.fields["request"]  # the Det of the FECAESolicitar the till sent
    assert asked.cbte_tipo == 6 and "<ImpNeto>2000.00</ImpNeto><ImpOpEx>" in request
    assert "<ImpIVA>100.00</ImpIVA>" in request
    assert "<Iva><AlicIva><Id>8</Id><BaseImp>2000.00</BaseImp><Importe>100.00</Importe>" in request
    with till.uow() as uow:
        printed = receipt_data(uow, uow.sales.payload_by_ticket(done.ticket_number))
    store, settings, _problem = read_printer_config(till.reader)
    text = re.sub(rb"[^\x20-\x7e\n]", b" ", render_receipt(printed, store, settings, "escpos"))
    # A consumer's Factura B shows the IVA it contains, all rates together (RG 5614)
    contained = [line for line in text.split(b"\n") if b"IVA contenido" in line]
    assert len(contained) == 1 and re.search(rb"\$ ?100[,.]00$", contained[0].strip())
    wait_for(lambda: unsent(till) == 0 and central.events() == outbox_count(till))
    assert pg(central.db_url, "SELECT rate, gross, tax FROM sale_iva") == [("5", 210000, 10000)]

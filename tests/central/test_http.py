"""Health, readiness, metrics and the catalog snapshot over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import httpx
import pytest

from pos_central.api.probes import HealthChecks, probe_app
from pos_central.api.server import ApiServer
from pos_central.catalog import save_catalog
from pos_contracts import CatalogProduct, default_registry, wire
from pos_contracts.testing import SimulatedTerminal

from . import api_support
from .conftest import Broker, running_ingest, wait_until

pytestmark = pytest.mark.services


@contextmanager
def serving(server: ApiServer) -> Iterator[str]:
    with server:
        yield server.url


def get(
    url: str, headers: dict[str, str] | None = None
) -> tuple[int, Mapping[str, str], bytes]:
    """Status, headers (names case-blind, as HTTP says) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, httpx.Headers(dict(response.headers)), response.read()
    except urllib.error.HTTPError as error:
        return error.code, httpx.Headers(dict(error.headers)), error.read()


def api(central_db: str, broker: Broker) -> ApiServer:
    from pos_central.api.app import create_app

    settings = api_support.settings_for(central_db, broker, open_access=True)
    return ApiServer(create_app(settings))


def probes(checks: HealthChecks, metrics: list[Callable[[], bytes]] | None = None) -> ApiServer:
    """The ingest's own server: probes only."""
    return ApiServer(probe_app(checks, metrics or []))


def test_health_ready_and_unknown_paths(central_db: str, broker: Broker) -> None:
    with serving(api(central_db, broker)) as base:
        assert get(f"{base}/health")[0] == 200
        status, _, body = get(f"{base}/ready")
        assert (status, json.loads(body)) == (
            200,
            {"status": "ready", "database": "ok", "broker": "ok"},
        )
        status, _, body = get(f"{base}/nope")
        assert status == 404
        assert "no existe" in json.loads(body)["error"]


def test_not_ready_names_what_is_unreachable(central_db: str, broker: Broker) -> None:
    unreachable_db = central_db.replace("127.0.0.1:5432", "127.0.0.1:9")
    checks = HealthChecks(unreachable_db, broker.url, timeout=1)
    with serving(probes(checks)) as base:
        status, _, body = get(f"{base}/ready")
        answer = json.loads(body)
        assert status == 503
        assert answer["status"] == "not ready"
        assert answer["broker"] == "ok"
        assert answer["database"] != "ok"
        assert get(f"{base}{wire.SNAPSHOT_PATH}")[0] == 404  # the ingest's server has no catalog


def test_api_metrics_report_what_is_stored_and_dead_lettered(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=31)
    events = [till.sale() for _ in range(6)]
    broker.publish([events[0], events[1], events[4], events[5], b"poison"])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(
            lambda: ingest.counter("pos_central_events_ingested_total", type="sale.completed") == 4
        )
        with serving(
            probes(HealthChecks(central_db, broker.url), [ingest.metrics.exposition])
        ) as base:
            ingest_metrics = get(f"{base}/metrics")[2].decode()
    assert 'pos_central_events_ingested_total{type="sale.completed"} 4.0' in ingest_metrics
    assert 'pos_central_events_dead_lettered_total{code="not_json"} 1.0' in ingest_metrics
    assert "pos_central_events_duplicate_total 0.0" in ingest_metrics
    assert "pos_central_batch_seconds_count" in ingest_metrics
    with serving(api(central_db, broker)) as base:
        status, headers, body = get(f"{base}/metrics")
    text = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert "pos_central_stored_events 4.0" in text
    assert "pos_central_missing_events 2.0" in text  # seq 3 and 4
    assert "pos_central_terminals_with_gaps 1.0" in text
    assert "pos_central_dead_letter_messages 1.0" in text


def test_catalog_snapshot_has_every_product_and_honours_etags(
    central_db: str, broker: Broker
) -> None:
    with serving(api(central_db, broker)) as base:
        status, _, body = get(f"{base}{wire.SNAPSHOT_PATH}")
        assert status == 404
        assert "catalog import" in json.loads(body)["error"]
        products = [
            CatalogProduct(
                "A1", "Café molido 250 g", 399_900, "21", False, None, "Almacén", ("7790001000017",)
            ),
            CatalogProduct("B2", "Banana", 149_900, "10.5", True, 42, None, ()),
        ]
        save_catalog(central_db, products, source="test")
        save_catalog(
            central_db,
            [CatalogProduct("C3", "Libro", 990_000, "exempt", False, None, None, ())],
            source="test",
        )
        status, headers, body = get(f"{base}{wire.SNAPSHOT_PATH}")
        snapshot = json.loads(body)
        assert status == 200
        assert headers["ETag"] == '"catalog-2"'
        assert get(f"{base}{wire.SNAPSHOT_PATH}", {"If-None-Match": '"catalog-2"'})[0] == 304
    assert snapshot["catalog_version"] == 2
    assert [CatalogProduct.from_wire(p) for p in snapshot["products"]] == [
        *products,
        CatalogProduct("C3", "Libro", 990_000, "exempt", False, None, None, ()),
    ]
    # the snapshot is a valid catalog.changed payload: tills reuse one code path
    default_registry().validate(
        {
            "event_id": "00000000-0000-4000-8000-000000000000",
            "type": "catalog.changed",
            "schema_version": 1,
            "occurred_at": "2026-11-28T10:00:00Z",
            "store_id": "central",
            "terminal_id": "catalog",
            "seq": 2,
            "trace_id": "0" * 32,
            "payload": snapshot,
        }
    )


def test_serve_command_answers_until_stopped(central_db: str, broker: Broker) -> None:
    import threading

    from pos_central import commands
    from pos_central.config import CentralConfig

    stop = threading.Event()
    config = CentralConfig(db_url=central_db, amqp_url=broker.url, prefix=broker.topology.prefix)
    port = free_port()
    thread = threading.Thread(
        target=commands.serve,
        args=(config, stop),
        kwargs={"host": "127.0.0.1", "port": port, "environ": {}},
    )
    thread.start()
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health"), timeout=30)
        assert get(f"http://127.0.0.1:{port}/ready")[0] == 200
        assert get(f"http://127.0.0.1:{port}{wire.SNAPSHOT_PATH}")[0] == 401  # no token given
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False

"""HTTP endpoints (stdlib ThreadingHTTPServer): /health, /ready, /metrics and, on the API,
/v1/catalog/snapshot. The same server serves the API (``pos-central serve``) and the
ingest's own health and metrics (``pos-central ingest --http-port``)."""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pika
import pika.exceptions
import psycopg
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from pos_central.catalog import catalog_snapshot
from pos_central.config import psycopg_conninfo
from pos_central.database import DatabaseUnavailable
from pos_central.topology import Topology
from pos_contracts.wire import SNAPSHOT_PATH

log = logging.getLogger("pos_central.api")

Exposition = Callable[[], bytes]


@dataclass(frozen=True)
class HealthChecks:
    """Readiness: can we reach PostgreSQL and RabbitMQ right now?"""

    db_url: str
    amqp_url: str
    timeout: float = 2.0

    def database(self) -> str | None:
        """None when reachable, else what went wrong."""
        try:
            with psycopg.connect(
                psycopg_conninfo(self.db_url), connect_timeout=max(1, int(self.timeout))
            ) as db:
                db.execute("SELECT 1")
        except psycopg.Error as error:
            return str(error).strip() or type(error).__name__
        return None

    def broker(self) -> str | None:
        parameters = pika.URLParameters(self.amqp_url)
        parameters.socket_timeout = self.timeout
        parameters.blocked_connection_timeout = self.timeout
        parameters.connection_attempts = 1
        try:
            pika.BlockingConnection(parameters).close()
        except (pika.exceptions.AMQPError, OSError) as error:
            return repr(error)
        return None


class _CentralCollector(Collector):
    """Figures read from PostgreSQL and RabbitMQ when Prometheus scrapes the API."""

    def __init__(self, db_url: str, amqp_url: str, topology: Topology) -> None:
        self.db_url, self.amqp_url, self.topology = db_url, amqp_url, topology

    def collect(self) -> Any:
        try:
            with psycopg.connect(psycopg_conninfo(self.db_url), connect_timeout=2) as db:
                events, terminals_with_gaps = db.execute(
                    "SELECT coalesce(sum(events), 0), count(*) FILTER (WHERE gaps <> '[]') "
                    "FROM terminal_progress"
                ).fetchone() or (0, 0)
                missing = db.execute(
                    "SELECT coalesce(sum((g->>1)::bigint - (g->>0)::bigint + 1), 0) "
                    "FROM terminal_progress, jsonb_array_elements(gaps) g"
                ).fetchone()
                breaks = db.execute("SELECT count(*) FROM journal_breaks").fetchone()
                version = db.execute(
                    "SELECT coalesce(max(version), 0) FROM catalog_versions"
                ).fetchone()
        except psycopg.Error:
            return
        yield GaugeMetricFamily(
            "pos_central_stored_events", "Events stored in PostgreSQL", value=events
        )
        yield GaugeMetricFamily(
            "pos_central_missing_events",
            "Seqs not received yet below the highest seq seen, over all terminals",
            value=missing[0] if missing else 0,
        )
        yield GaugeMetricFamily(
            "pos_central_terminals_with_gaps",
            "Terminals with missing seqs",
            value=terminals_with_gaps,
        )
        yield GaugeMetricFamily(
            "pos_central_journal_breaks_recorded",
            "Journal chain breaks on record",
            value=breaks[0] if breaks else 0,
        )
        yield GaugeMetricFamily(
            "pos_central_catalog_version",
            "Current catalog version",
            value=version[0] if version else 0,
        )
        depth = self._dead_letter_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "pos_central_dead_letter_messages",
                "Messages waiting in the dead-letter queue",
                value=depth,
            )

    def _dead_letter_depth(self) -> int | None:
        parameters = pika.URLParameters(self.amqp_url)
        parameters.socket_timeout = 2
        parameters.connection_attempts = 1
        try:
            connection = pika.BlockingConnection(parameters)
            try:
                declared = connection.channel().queue_declare(
                    self.topology.dead_letter_queue, passive=True
                )
                return int(declared.method.message_count)
            finally:
                if connection.is_open:
                    connection.close()
        except (pika.exceptions.AMQPError, OSError):
            return None


class ApiMetrics:
    """Metrics of ``pos-central serve``: requests, plus the stored figures above."""

    def __init__(self, *, db_url: str, amqp_url: str, topology: Topology) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "pos_central_http_requests",
            "HTTP requests served",
            ["path", "status"],
            registry=self.registry,
        )
        self.registry.register(_CentralCollector(db_url, amqp_url, topology))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def start_http_server(
    host: str,
    port: int,
    *,
    checks: HealthChecks,
    metrics: Sequence[Exposition],
    catalog_db_url: str | None,
    api_metrics: ApiMetrics | None = None,
    api_token: str | None = None,
) -> ThreadingHTTPServer:
    """Serve in a daemon thread; ``server.shutdown()`` stops it. Port 0 picks a free port."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "pos-central"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/health":
                self._json(HTTPStatus.OK, {"status": "ok"})
            elif path == "/ready":
                problems = {"database": checks.database(), "broker": checks.broker()}
                ready = not any(problems.values())
                self._json(
                    HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE,
                    {
                        "status": "ready" if ready else "not ready",
                        **{k: v or "ok" for k, v in problems.items()},
                    },
                )
            elif path == "/metrics":
                self._send(
                    HTTPStatus.OK,
                    b"".join(exposition() for exposition in metrics),
                    CONTENT_TYPE_LATEST,
                )
            elif path == SNAPSHOT_PATH and catalog_db_url is not None:
                if self._authorized():
                    self._snapshot(catalog_db_url)
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no existe {path}"})

        def _authorized(self) -> bool:
            """With a token configured, /v1/* needs ``Authorization: Bearer <token>``."""
            if not api_token:
                return True
            given = self.headers.get("Authorization", "")
            if hmac.compare_digest(given.encode(), f"Bearer {api_token}".encode()):
                return True
            self._json(
                HTTPStatus.UNAUTHORIZED, {"error": "falta el token de acceso o no es válido"}
            )
            return False

        def _snapshot(self, db_url: str) -> None:
            try:
                snapshot = catalog_snapshot(db_url)
            except DatabaseUnavailable as error:
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(error)})
                return
            if snapshot is None:
                self._json(
                    HTTPStatus.NOT_FOUND,
                    {
                        "error": "la central todavía no tiene catálogo: "
                        "impórtelo con pos-central catalog import"
                    },
                )
                return
            etag = f'"catalog-{snapshot["catalog_version"]}"'
            if self.headers.get("If-None-Match") == etag:
                self._send(HTTPStatus.NOT_MODIFIED, b"", "application/json", etag=etag)
            else:
                self._json(HTTPStatus.OK, snapshot, etag=etag)

        def _json(self, status: HTTPStatus, body: object, etag: str | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self._send(status, data, "application/json; charset=utf-8", etag=etag)

        def _send(
            self, status: HTTPStatus, data: bytes, content_type: str, etag: str | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            if status != HTTPStatus.NOT_MODIFIED:
                self.wfile.write(data)
            if api_metrics is not None:
                api_metrics.requests.labels(self.path.split("?", 1)[0], str(int(status))).inc()

        def log_message(self, format: str, *args: Any) -> None:
            log.debug(format % args, extra={"client": self.client_address[0]})

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="pos-central-http", daemon=True).start()
    return server

"""``/health``, ``/ready`` and ``/metrics``: for the API and, alone, for each ingest process.

Request metrics are labelled by *route* (``/v1/products/{sku}``), never by the raw path:
5,000 random paths must not make 5,000 series (issue 13). A request no route matched is
counted under ``<unmatched>``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pika
import pika.exceptions
import psycopg
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_central.broker import blocking_connection
from pos_central.config import psycopg_conninfo
from pos_central.topology import Topology

Exposition = Callable[[], bytes]
UNMATCHED = "<unmatched>"


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
        try:
            blocking_connection(self.amqp_url, timeout=self.timeout).close()
        except (pika.exceptions.AMQPError, OSError) as error:
            return repr(error)
        return None


def probes_router(checks: HealthChecks, metrics: Sequence[Exposition]) -> APIRouter:
    router = APIRouter(tags=["probes"])

    @router.get("/health", summary="Alive")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready", summary="PostgreSQL and RabbitMQ reachable")
    def ready() -> JSONResponse:
        problems = {"database": checks.database(), "broker": checks.broker()}
        ok = not any(problems.values())
        body = {"status": "ready" if ok else "not ready"}
        body.update({k: v or "ok" for k, v in problems.items()})
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus text format")
    def metrics_text() -> Response:
        return Response(b"".join(e() for e in metrics), media_type=CONTENT_TYPE_LATEST)

    return router


def not_found_as_before(app: FastAPI) -> None:
    """Unknown paths answer ``{"error": "no existe <path>"}`` as the stdlib server did."""

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        detail = getattr(exc, "detail", None)
        if detail and detail != "Not Found":
            return JSONResponse({"error": detail}, status_code=404)
        return JSONResponse({"error": f"no existe {request.url.path}"}, status_code=404)


class RequestMetrics:
    """Counts and times requests by method, route template and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "pos_central_http_requests",
            "HTTP requests served, by route template (not raw path)",
            ["method", "route", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "pos_central_http_request_seconds",
            "Time to answer a request, by route template",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 10.0),
            registry=registry,
        )

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def sending(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or UNMATCHED
                self.requests.labels(scope["method"], template, str(status)).inc()
                self.seconds.labels(template).observe(time.perf_counter() - started)

        return measured


_CAEA_FIGURES = """
SELECT d.seller_cuit,
    count(*) FILTER (WHERE r.state IS DISTINCT FROM 'informed'),
    count(*) FILTER (WHERE r.state = 'rejected'),
    min(c.report_deadline - current_date) FILTER (WHERE r.state IS DISTINCT FROM 'informed')
FROM fiscal_authorizations a
JOIN fiscal_documents d USING (document_kind, document_id)
LEFT JOIN caea_reports r USING (document_kind, document_id)
LEFT JOIN caeas c ON c.cuit = d.seller_cuit AND a.cbte_fch BETWEEN c.valid_from AND c.valid_to
WHERE a.authorization_kind = 'CAEA'
GROUP BY d.seller_cuit ORDER BY 1
"""


def _caea_families(rows: list[tuple[Any, ...]]) -> Any:
    """CAEA comprobantes ARCA has not taken yet, rejected ones, and the fewest days left
    before a deadline with something pending, per CUIT (alert on days_left <= 3)."""
    pending = GaugeMetricFamily("pos_central_caea_not_informed",
                                "CAEA comprobantes not informed to ARCA yet", labels=["cuit"])
    rejected = GaugeMetricFamily("pos_central_caea_rejected",
                                 "CAEA comprobantes ARCA rejected", labels=["cuit"])
    days = GaugeMetricFamily("pos_central_caea_days_left",
                             "Days to the nearest FchTopeInf with comprobantes not informed",
                             labels=["cuit"])
    for cuit, waiting, refused, left in rows:
        pending.add_metric([cuit], waiting)
        rejected.add_metric([cuit], refused)
        if left is not None:
            days.add_metric([cuit], left)
    yield from (pending, rejected, days)


class CentralCollector(Collector):
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
                kept = _kept_dead_letters(db)
                caea = db.execute(_CAEA_FIGURES).fetchall()
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
        if kept is not None:
            family = GaugeMetricFamily(
                "pos_central_dead_letters_kept",
                "Dead letters kept in PostgreSQL, by status (open, replayed, discarded)",
                labels=["status"],
            )
            for status, count in kept:
                family.add_metric([status], count)
            yield family
        yield from _caea_families(caea)
        depth = self._dead_letter_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "pos_central_dead_letter_messages",
                "Messages waiting in the dead-letter queue",
                value=depth,
            )

    def _dead_letter_depth(self) -> int | None:
        try:
            connection = blocking_connection(self.amqp_url, timeout=2)
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


def _kept_dead_letters(db: psycopg.Connection[Any]) -> list[tuple[str, int]] | None:
    exists = db.execute("SELECT to_regclass('dead_letters') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    rows = db.execute("SELECT status, count(*) FROM dead_letters GROUP BY status").fetchall()
    counts = {"open": 0, "replayed": 0, "discarded": 0} | {str(s): int(n) for s, n in rows}
    return sorted(counts.items())


class ApiMetrics:
    """Metrics of ``pos-central serve``: requests, plus the stored figures above."""

    def __init__(self, *, db_url: str, amqp_url: str, topology: Topology) -> None:
        self.registry = CollectorRegistry()
        self.requests = RequestMetrics(self.registry)
        self.registry.register(CentralCollector(db_url, amqp_url, topology))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def probe_app(checks: HealthChecks, metrics: Sequence[Exposition]) -> FastAPI:
    """The ingest's own HTTP face: the three probes and nothing else."""
    app = FastAPI(title="pos-central ingest", openapi_url=None, docs_url=None, redoc_url=None)
    app.include_router(probes_router(checks, metrics))
    not_found_as_before(app)
    return app

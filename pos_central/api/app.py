"""``create_app``: the FastAPI application of ``pos-central serve``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from pos_central.api.context import Services
from pos_central.api.db import Database
from pos_central.api.probes import ApiMetrics, HealthChecks, not_found_as_before, probes_router
from pos_central.api.routers import snapshot
from pos_central.api.settings import ApiSettings
from pos_central.database import DatabaseUnavailable
from pos_common import tracing

log = logging.getLogger("pos_central.api")


def create_app(settings: ApiSettings) -> FastAPI:
    metrics = ApiMetrics(
        db_url=settings.db_url, amqp_url=settings.amqp_url, topology=settings.topology
    )
    api = Services(
        settings=settings,
        db=Database(
            settings.db_url,
            size=settings.threads,
            statement_timeout_ms=settings.statement_timeout_ms,
        ),
        checks=HealthChecks(settings.db_url, settings.amqp_url),
        metrics=metrics,
        snapshots=snapshot.SnapshotCache(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The bounded worker pool: at most `threads` requests run at once, however many
        # sockets are open (idle ones cost no thread).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        api.db.open()
        try:
            yield
        finally:
            api.db.close()

    app = FastAPI(
        title="Super POS — head office",
        version="1",
        lifespan=lifespan,
        docs_url="/v1/docs",
        openapi_url="/v1/openapi.json",
        redoc_url=None,
    )
    app.state.services = api
    app.include_router(probes_router(api.checks, [metrics.exposition]))
    app.include_router(snapshot.router)
    not_found_as_before(app)
    _errors_as_json(app)
    app.add_middleware(_Measured, metrics=metrics)
    if tracing.enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing.provider())
    return app


class _Measured:
    """ASGI middleware: request metrics labelled by route template."""

    def __init__(self, app: object, metrics: ApiMetrics) -> None:
        self.inner = metrics.requests.middleware(app)  # type: ignore[arg-type]

    async def __call__(self, scope: object, receive: object, send: object) -> None:
        await self.inner(scope, receive, send)  # type: ignore[arg-type]


def _errors_as_json(app: FastAPI) -> None:
    """Errors are ``{"error": "<what to do>"}``, as the tills already read them."""

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DatabaseUnavailable)
    async def database_down(_request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503)

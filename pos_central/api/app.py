"""``create_app``: the FastAPI application of ``pos-central serve``."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pos_central.api.context import Services
from pos_central.api.db import Database
from pos_central.api.dead_letters import BackgroundWork
from pos_central.api.probes import ApiMetrics, HealthChecks, not_found_as_before, probes_router
from pos_central.api.refusals import answer, worded
from pos_central.api.routers import (
    catalog,
    dashboard,
    dead_letters,
    fiscal,
    people,
    reports,
    snapshot,
    terminals,
    till_people,
)
from pos_central.api.settings import ApiSettings
from pos_central.catalog import publish_pending
from pos_central.database import DatabaseUnavailable
from pos_central.people import publish_pending_people
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
        background = None
        if settings.collect_dead_letters:
            background = BackgroundWork(
                api.db,
                settings.amqp_url,
                settings.topology,
                partial(_publish_pending, settings),
            )
            background.start()
        try:
            yield
        finally:
            if background is not None:
                background.close()
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
    for router in (catalog, terminals, people, till_people, reports, dead_letters, dashboard,
                   fiscal):
        app.include_router(router.router)
    from pos_central.api.pages import mount_pages

    mount_pages(app)
    not_found_as_before(app)
    _errors_as_json(app)
    app.add_middleware(_Measured, metrics=metrics)
    if tracing.enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing.provider())
    return app


def _publish_pending(settings: ApiSettings) -> None:
    """What the broker did not confirm at the time: catalogue versions, then people."""
    publish_pending(settings.db_url, settings.amqp_url, settings.topology)
    publish_pending_people(settings.db_url, settings.amqp_url, settings.topology)


class _Measured:
    """ASGI middleware: request metrics labelled by route template, and each response's
    own server time in a ``Server-Timing: app;dur=<ms>`` header (the time from the request
    to its response's start: what the budgets count, without the client's side)."""

    def __init__(self, app: object, metrics: ApiMetrics) -> None:
        self.inner = metrics.requests.middleware(app)  # type: ignore[arg-type]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.inner(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Any) -> None:
            if message.get("type") == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), (b"server-timing", took)]
            await send(message)

        await self.inner(scope, receive, timed)


def _errors_as_json(app: FastAPI) -> None:
    """Errors are ``{"error": "<what to do>"}``, as the tills already read them, worded in
    the reader's language (``refusals.reader_language``; a page: ``language_of``): the
    status and headers are the contract, the same in both languages."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not request.url.path.startswith("/v1"):  # a page: a person, not a script
            if exc.status_code == 401:
                return RedirectResponse("/login", 303)
            from pos_central.api.pages import language_of, render

            who = getattr(request.state, "principal", None)
            return render(
                request,
                "error.html",
                who,
                status_code=exc.status_code,
                detail=worded(exc, language_of(request, getattr(who, "language", None))),
                status=exc.status_code,
            )
        return answer(request, exc, exc.status_code, exc.headers)

    @app.exception_handler(DatabaseUnavailable)
    async def database_down(request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        return answer(request, exc, 503)

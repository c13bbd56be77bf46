"""Serving the real API app over real HTTP for tests (uvicorn on a free loopback port)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx

from pos_central.api.app import create_app
from pos_central.api.server import ApiServer, ServerLimits
from pos_central.api.settings import ApiSettings

from .conftest import Broker


def settings_for(central_db: str, broker: Broker, **changes: Any) -> ApiSettings:
    base = ApiSettings(
        db_url=central_db,
        amqp_url=broker.url,
        topology=broker.topology,
        collect_dead_letters=False,
    )
    return replace(base, **changes)


@contextmanager
def serving(settings: ApiSettings, limits: ServerLimits | None = None) -> Iterator[ApiServer]:
    with ApiServer(create_app(settings), "127.0.0.1", 0, limits) as server:
        yield server


def get(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, timeout=30, **kwargs)

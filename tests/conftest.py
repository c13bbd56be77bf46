"""Shared fixtures: offscreen Qt, temporary data dirs, and the real loopback services.

Service tests use the real RabbitMQ and PostgreSQL on loopback. When a server is not
reachable they skip with a one-line reason, unless POS_REQUIRE_SERVICES=1 (set by
.ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

AMQP_URL = os.environ.get("POS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN_URL = os.environ.get("POS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (or fail under POS_REQUIRE_SERVICES=1) when a loopback service is down."""
    if _reachable(host, port):
        return
    reason = f"{name} not reachable on {host}:{port}"
    if os.environ.get("POS_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " (POS_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def amqp_url() -> str:
    require_service("RabbitMQ", "127.0.0.1", 5672)
    return AMQP_URL


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database; dropped afterwards. Yields its URL."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = f"pos_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def unique_name() -> str:
    """A unique suffix for queues/exchanges a test declares (and must delete)."""
    return uuid.uuid4().hex[:10]

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
from contextlib import contextmanager
from typing import Any

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


@pytest.fixture(autouse=True)
def language_per_test() -> Iterator[None]:
    """Each test starts in English and leaves no language behind: a test that wants one
    sets it (a fixture that set Spanish at its teardown made later tests depend on their
    order)."""
    from pos_common.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def logging_left_as_found() -> Iterator[None]:
    """A command run in-process (``pos-central …``) routes its loggers to stderr and stops
    them propagating; put them back, or every later test's caplog hears nothing from them
    (an amqps test failed only after the CLI tests had run)."""
    import logging

    names = ("", "pos_central", "pos_desktop", "pos_printers", "pos_arca", "pos_common")
    saved = {n: (logging.getLogger(n), list(logging.getLogger(n).handlers),
                 logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    yield
    for logger, handlers, level, propagate in saved.values():
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.fixture(autouse=True)
def people_type_at_human_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keystrokes in tests arrive in microseconds, as a barcode scanner's do; the till's
    fields tell a scan from typing by that speed. Each key here is 0,2 s after the last,
    as a person types, unless a test gives the fields a scanner's clock itself."""
    import sys

    key_field = sys.modules.get("pos_desktop.ui.key_field")
    if key_field is not None:
        ticks = iter(range(10**9))
        monkeypatch.setattr(key_field.KeyField, "clock",
                            staticmethod(lambda: next(ticks) * 0.2))


@pytest.fixture
def amqp_url() -> str:
    require_service("RabbitMQ", "127.0.0.1", 5672)
    return AMQP_URL


@contextmanager
def fresh_database(prefix: str = "pos_test", template: str | None = None) -> Iterator[str]:
    """A uniquely named PostgreSQL database (a copy of ``template`` if given), dropped
    afterwards; yields its name."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database; dropped afterwards. Yields its URL."""
    with fresh_database() as name:
        yield database_url(name)


@pytest.fixture(scope="session")
def central_template() -> Iterator[str]:
    """A database migrated to head office's head once per run; ``central_db`` copies it
    (CREATE DATABASE … TEMPLATE) instead of running every migration for every test, which
    took about a second a test on this machine. Dropped at the end of the run."""
    from pos_central.database import migrate

    with fresh_database("pos_test_template") as name:
        migrate(database_url(name))
        yield name


@pytest.fixture
def central_db(central_template: str) -> Iterator[str]:
    """A fresh head office database at the migrations' head (a copy of the template),
    uniquely named; dropped afterwards. Yields its URL."""
    with fresh_database(template=central_template) as name:
        yield database_url(name)


@pytest.fixture
def unique_name() -> str:
    """A unique suffix for queues/exchanges a test declares (and must delete)."""
    return uuid.uuid4().hex[:10]


# -- tiers and deployables ----------------------------------------------------------------
# Every test is marked with its tier and with the deployable it proves, from its folder
# (and, for the tier, from the real services it asks for), so `pytest -m "central and
# service"` runs one slice and the summary at the end reports each slice on its own line.
FOLDERS: dict[str, tuple[str, str]] = {
    # folder: (tier, deployable)
    "unit": ("unit", "till"),
    "contracts": ("unit", "shared"),
    "arca": ("integration", "shared"),
    "fiscal": ("integration", "till"),
    "integration": ("integration", "till"),
    "shifts": ("integration", "till"),
    "setup": ("integration", "till"),
    "printers": ("integration", "till"),
    "sync_till": ("integration", "till"),
    "ui": ("ui", "till"),
    "i18n": ("ui", "till"),
    "central": ("integration", "central"),
    "e2e": ("e2e", "till+central"),
    "packaging": ("packaging", "till"),
    "cli": ("integration", "till+central"),
}
SERVICE_FIXTURES = frozenset({"amqp_url", "pg_database", "central_db"})
TIERS = ("unit", "integration", "service", "ui", "e2e", "packaging")
DEPLOYABLES = ("till", "central", "shared", "till+central", "unsorted")


def classify(item: pytest.Item) -> tuple[str, str]:
    parts = item.path.relative_to(item.config.rootpath).parts
    folder = parts[1] if len(parts) > 2 and parts[0] == "tests" else ""
    tier, deployable = FOLDERS.get(folder, ("integration", "unsorted"))
    fixtures = set(getattr(item, "fixturenames", ()))
    if tier == "integration" and fixtures & SERVICE_FIXTURES:
        tier = "service"  # talks to the real RabbitMQ or PostgreSQL
    return tier, deployable


def pytest_configure(config: pytest.Config) -> None:
    for name in TIERS:
        config.addinivalue_line("markers", f"{name}: tier, set from the test's folder")
    for name in ("till", "central", "shared"):
        config.addinivalue_line("markers", f"{name}: deployable, set from the test's folder")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        tier, deployable = classify(item)
        item.add_marker(tier)
        for name in deployable.split("+"):
            if name != "unsorted":
                item.add_marker(name)
        item.user_properties.append(("slice", f"{deployable}/{tier}"))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup") or (
                outcome == "passed" and report.when != "call"
            ):
                continue
            slice_ = dict(getattr(report, "user_properties", ())).get("slice", "unsorted/?")
            counts.setdefault(slice_, {}).setdefault(outcome, 0)
            counts[slice_][outcome] += 1
    if not counts:
        return
    terminalreporter.section("tests by deployable and tier")
    for slice_ in sorted(counts):
        row = ", ".join(f"{n} {k}" for k, n in sorted(counts[slice_].items()))
        terminalreporter.write_line(f"{slice_:28} {row}")

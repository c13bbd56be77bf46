"""The pos-central commands: migrate, provision, configuration errors, API token."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pika
import pytest
from alembic.script import ScriptDirectory

from pos_central.catalog import save_catalog
from pos_central.cli import main
from pos_central.config import CentralConfig, ConfigError, psycopg_conninfo, redact, sqlalchemy_url
from pos_central.database import alembic_config
from pos_central.topology import Topology, delete_topology
from pos_contracts import CatalogProduct, wire

from .api_support import settings_for
from .conftest import Broker, query, scalar, wait_until
from .test_http import free_port, get, serving

ROOT = Path(__file__).parents[2]


@pytest.mark.services
@pytest.mark.parametrize(("lang", "created", "missing"), [
    ("es_AR", "Usuario ana creado (viewer).", "pos-central: no existe el usuario nadie"),
    ("en", "User ana created (viewer).", "pos-central: there is no user nadie"),
])
def test_users_add_and_token_answer_in_the_runs_language(
    central_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    lang: str, created: str, missing: str,
) -> None:
    """They printed Spanish to an English run."""
    import io

    monkeypatch.delenv("POS_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", lang)
    monkeypatch.setattr("sys.stdin", io.StringIO("una clave larga\n"))
    assert main(["users", "add", "ana", "--role", "viewer", "--password-stdin",
                 "--db-url", central_db]) == 0
    assert main(["users", "token", "nadie", "--db-url", central_db]) == 1
    said = capsys.readouterr()
    assert created in said.out and missing in said.err


@pytest.mark.services
def test_migrate_creates_the_schema_and_is_idempotent(
    pg_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POS_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", "es_AR")  # main() takes the run's language: pin Spanish
    assert main(["migrate", "--db-url", pg_database]) == 0
    assert main(["migrate", "--db-url", pg_database.replace("+psycopg", "")]) == 0
    assert "Base de datos al día" in capsys.readouterr().out
    tables = {
        row[0]
        for row in query(pg_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert {
        "stores",
        "terminals",
        "products",
        "catalog_versions",
        "sales",
        "sale_lines",
        "payments",
        "refunds",
        "refund_lines",
        "shifts",
        "cash_movements",
        "processed_events",
        "terminal_progress",
        "journal_breaks",
        "till_users",
    } <= tables
    head = ScriptDirectory.from_config(alembic_config(pg_database)).get_current_head()
    assert scalar(pg_database, "SELECT version_num FROM alembic_version") == head
    constraints = {
        row[0]
        for row in query(
            pg_database,
            "SELECT conname FROM pg_constraint WHERE conrelid = 'processed_events'::regclass",
        )
    }
    assert {"processed_events_pkey", "processed_events_terminal_seq"} <= constraints


@pytest.mark.services
def test_provision_declares_the_topology(
    amqp_url: str, unique_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    topology = Topology(prefix=f"cli-{unique_name}.")
    assert main(["provision", "--amqp-url", amqp_url, "--prefix", topology.prefix]) == 0
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    try:
        for exchange in (
            topology.events_exchange,
            topology.dead_letter_exchange,
            topology.catalog_exchange,
        ):
            channel.exchange_declare(exchange, passive=True)
        for queue in (topology.ingest_queue, topology.dead_letter_queue):
            channel.queue_declare(queue, passive=True)
        # an unroutable reject on central.ingest ends in central.ingest.dead (broker-side DLX)
        channel.basic_publish(topology.events_exchange, "sale.completed", b"{}")
        wait_until(
            lambda: (
                channel.queue_declare(topology.ingest_queue, passive=True).method.message_count == 1
            )
        )
        method, _, _ = channel.basic_get(topology.ingest_queue)
        channel.basic_reject(method.delivery_tag, requeue=False)
        wait_until(
            lambda: (
                channel.queue_declare(topology.dead_letter_queue, passive=True).method.message_count
                == 1
            )
        )
        assert (
            main(["provision", "--amqp-url", amqp_url, "--prefix", topology.prefix]) == 0
        )  # idempotent
    finally:
        delete_topology(channel, topology)
        connection.close()
    assert f"{topology.events_exchange} -> {topology.ingest_queue}" in capsys.readouterr().out


def test_a_missing_database_url_names_the_flag_and_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POS_CENTRAL_DB_URL", raising=False)
    assert main(["migrate"]) == 2
    error = capsys.readouterr().err
    assert "--db-url" in error and "POS_CENTRAL_DB_URL" in error


def test_database_urls_in_both_spellings() -> None:
    assert psycopg_conninfo("postgresql+psycopg://u@h:5432/pos") == "postgresql://u@h:5432/pos"
    assert psycopg_conninfo("postgresql://u@h/pos") == "postgresql://u@h/pos"
    assert sqlalchemy_url("postgresql://u@h/pos") == "postgresql+psycopg://u@h/pos"
    assert redact("postgresql://u:secreto@h/pos") == "postgresql://u:***@h/pos"
    with pytest.raises(ConfigError, match="POS_CENTRAL_DB_URL"):
        psycopg_conninfo("mysql://u@h/pos")
    assert CentralConfig.resolve("postgresql://u@h/pos", prefix="x.").prefix == "x."


@pytest.mark.services
def test_the_snapshot_needs_the_token_when_one_is_configured(
    central_db: str, broker: Broker
) -> None:
    save_catalog(
        central_db, [CatalogProduct("A1", "Té", 100, "21", False, None, None, ())], source="t"
    )
    from pos_central.api.app import create_app
    from pos_central.api.server import ApiServer

    server = ApiServer(create_app(settings_for(central_db, broker, till_token="s3creto")))
    with serving(server) as base:
        assert get(f"{base}{wire.SNAPSHOT_PATH}")[0] == 401
        assert get(f"{base}{wire.SNAPSHOT_PATH}", {"Authorization": "Bearer otro"})[0] == 401
        assert get(f"{base}{wire.SNAPSHOT_PATH}", {"Authorization": "Bearer s3creto"})[0] == 200
        assert get(f"{base}/health")[0] == 200  # probes stay open


@pytest.mark.services
def test_the_ingest_command_serves_its_own_metrics(central_db: str, broker: Broker) -> None:
    from pos_contracts.testing import SimulatedTerminal

    till = SimulatedTerminal(seed=51)
    broker.publish(till.sale() for _ in range(3))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pos_central.cli",
            "ingest",
            "--db-url",
            central_db,
            "--amqp-url",
            broker.url,
            "--prefix",
            broker.topology.prefix,
            "--http-port",
            str(port),
            "--accept-unregistered",  # published as guest
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 3)

        def metrics() -> str:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                return str(response.read().decode())

        wait_until(
            lambda: 'pos_central_events_ingested_total{type="sale.completed"} 3.0' in metrics()
        )
        assert get(f"http://127.0.0.1:{port}/ready")[0] == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()

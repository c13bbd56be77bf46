"""What each ``pos-central`` command does, given a resolved configuration (the
composition root: real connections are made here and nowhere at import time)."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from datetime import date
from functools import partial
from pathlib import Path

import pika
import pika.exceptions

from pos_central.config import CentralConfig, redact
from pos_central.database import DatabaseUnavailable
from pos_central.database import migrate as run_migrations
from pos_central.ingest.consumer import IngestConsumer
from pos_central.ingest.settings import IngestSettings
from pos_central.logs import INGEST_SERVICE, configure_logging
from pos_central.metrics import IngestMetrics
from pos_central.topology import Topology, declare_topology

log = logging.getLogger("pos_central.cli")

API_TOKEN_ENV = "POS_CENTRAL_API_TOKEN"
"""When set, /v1/* of ``pos-central serve`` requires ``Authorization: Bearer <token>``."""


def _fail(message: str) -> int:
    print(f"pos-central: {message}", file=sys.stderr)
    return 1


def migrate(config: CentralConfig) -> int:
    try:
        run_migrations(config.db_url)
    except Exception as error:  # alembic/SQLAlchemy raise many kinds; the message is what matters
        return _fail(f"no se pudo migrar {redact(config.db_url)}: {error}")
    print(f"Base de datos al día: {redact(config.db_url)}")
    return 0


def provision(config: CentralConfig) -> int:
    topology = Topology(config.prefix)
    try:
        connection = pika.BlockingConnection(pika.URLParameters(config.amqp_url))
    except (pika.exceptions.AMQPError, OSError) as error:
        return _fail(f"no se puede conectar a RabbitMQ ({redact(config.amqp_url)}): {error!r}")
    try:
        declare_topology(connection.channel(), topology)
    finally:
        connection.close()
    print(
        f"Topología declarada: {topology.events_exchange} -> {topology.ingest_queue} "
        f"(descartes: {topology.dead_letter_queue}), catálogo: {topology.catalog_exchange}"
    )
    return 0


def ingest(
    config: CentralConfig,
    stop: threading.Event,
    *,
    batch_size: int,
    batch_wait: float,
    prefetch: int,
    http_port: int | None,
    http_host: str = "127.0.0.1",
    workers: int = 1,
) -> int:
    settings = IngestSettings(batch_size=batch_size, batch_wait=batch_wait, prefetch=prefetch)
    if workers > 1:
        from pos_central.ingest.workers import run_workers

        return run_workers(
            workers, partial(_ingest_worker, config, settings, http_port, http_host), stop
        )
    return _ingest(config, settings, stop, http_port, http_host)


def _ingest_worker(
    config: CentralConfig,
    settings: IngestSettings,
    http_port: int | None,
    http_host: str,
    stop: threading.Event,
    number: int,
) -> int:
    """One of ``--workers`` processes; worker n serves its metrics on ``http_port + n``."""
    configure_logging(INGEST_SERVICE)
    port = None if http_port is None else http_port + number
    return _ingest(config, settings, stop, port, http_host)


def _ingest(
    config: CentralConfig,
    settings: IngestSettings,
    stop: threading.Event,
    http_port: int | None,
    http_host: str,
) -> int:
    metrics = IngestMetrics()
    consumer = IngestConsumer(
        db_url=config.db_url,
        amqp_url=config.amqp_url,
        topology=Topology(config.prefix),
        metrics=metrics,
        settings=settings,
    )
    server = None
    if http_port is not None:
        from pos_central.http import HealthChecks, start_http_server

        checks = HealthChecks(db_url=config.db_url, amqp_url=config.amqp_url)
        server = start_http_server(
            http_host, http_port, checks=checks, metrics=[metrics.exposition], catalog_db_url=None
        )
    try:
        consumer.run(stop)
    finally:
        if server is not None:
            server.shutdown()
    log.info("ingesta detenida")
    return 0


def serve(config: CentralConfig, stop: threading.Event, *, host: str, port: int) -> int:
    from pos_central.http import ApiMetrics, HealthChecks, start_http_server

    checks = HealthChecks(db_url=config.db_url, amqp_url=config.amqp_url)
    api_metrics = ApiMetrics(
        db_url=config.db_url, amqp_url=config.amqp_url, topology=Topology(config.prefix)
    )
    server = start_http_server(
        host,
        port,
        checks=checks,
        metrics=[api_metrics.exposition],
        catalog_db_url=config.db_url,
        api_metrics=api_metrics,
        # From the environment, never a flag: command lines are visible to every user.
        api_token=os.environ.get(API_TOKEN_ENV) or None,
    )
    log.info("API escuchando", extra={"host": host, "port": server.server_address[1]})
    stop.wait()
    server.shutdown()
    return 0


def catalog_import(config: CentralConfig, file: Path) -> int:
    from pos_central.catalog import CatalogImportFailed, CatalogPublishError, import_catalog_file

    try:
        result = import_catalog_file(config.db_url, config.amqp_url, Topology(config.prefix), file)
    except CatalogImportFailed as error:
        return _fail(str(error))
    except DatabaseUnavailable as error:
        return _fail(str(error))
    except CatalogPublishError as error:
        return _fail(str(error))
    if result.version is None:
        print(
            f"{result.read} productos leídos; sin cambios, el catálogo sigue en la versión "
            f"{result.current_version}."
        )
    else:
        print(
            f"{result.read} productos leídos, {result.changed} cambiados: catálogo versión "
            f"{result.version} publicado."
        )
    return 0


def daily_report(config: CentralConfig, day: date, *, as_json: bool, pdf: Path | None) -> int:
    from pos_central.report import build_daily_report, render_text
    from pos_central.report_pdf import write_pdf

    try:
        report = build_daily_report(config.db_url, day)
    except DatabaseUnavailable as error:
        return _fail(str(error))
    if pdf is not None:
        write_pdf(report, pdf)
        print(f"Reporte escrito en {pdf}")
    elif as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render_text(report))
    return 0

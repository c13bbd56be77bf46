"""What each ``pos-central`` command does, given a resolved configuration (the
composition root: real connections are made here and nowhere at import time)."""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pika
import pika.exceptions

from pos_central.broker import blocking_connection
from pos_central.config import CentralConfig, redact
from pos_central.database import DatabaseUnavailable
from pos_central.database import migrate as run_migrations
from pos_central.ingest.consumer import IngestConsumer
from pos_central.ingest.settings import IngestSettings
from pos_central.logs import API_SERVICE, INGEST_SERVICE, configure_logging
from pos_central.metrics import IngestMetrics
from pos_central.topology import Topology, declare_topology
from pos_common import tracing
from pos_common.i18n import _, explain, ngettext

if TYPE_CHECKING:
    from pos_central.tills import TillRegistry

log = logging.getLogger("pos_central.cli")
TILL_ACTOR = "pos-central till (command line)"


def _fail(message: str) -> int:
    print(f"pos-central: {message}", file=sys.stderr)
    return 1


def migrate(config: CentralConfig) -> int:
    try:
        run_migrations(config.db_url)
    except Exception as error:  # alembic/SQLAlchemy raise many kinds; the message is what matters
        return _fail(_("could not migrate {url}: {error}").format(
            url=redact(config.db_url), error=error))
    print(_("Database up to date: {url}").format(url=redact(config.db_url)))
    return 0


def provision(config: CentralConfig) -> int:
    topology = Topology(config.prefix)
    try:
        connection = blocking_connection(config.amqp_url)
    except (pika.exceptions.AMQPError, OSError) as error:
        return _fail(_("cannot connect to RabbitMQ ({url}): {error}").format(
            url=redact(config.amqp_url), error=repr(error)))
    try:
        declare_topology(connection.channel(), topology)
    finally:
        connection.close()
    print(_("Topology declared: {events} -> {ingest} (dead letters: {dead}), "
            "catalogue: {catalog}").format(
        events=topology.events_exchange, ingest=topology.ingest_queue,
        dead=topology.dead_letter_queue, catalog=topology.catalog_exchange))
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
    accept_unregistered: bool = False,
    max_amount: int = IngestSettings.max_amount,
    max_quantity_milli: int = IngestSettings.max_quantity_milli,
    clock_margin: float = IngestSettings.clock_margin,
) -> int:
    settings = IngestSettings(
        batch_size=batch_size,
        batch_wait=batch_wait,
        prefetch=prefetch,
        accept_unregistered=accept_unregistered,
        max_amount=max_amount,
        max_quantity_milli=max_quantity_milli,
        clock_margin=clock_margin,
    )
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
    tracing.setup(INGEST_SERVICE)  # on only when the OTEL_* variables ask
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
        from pos_central.api.probes import HealthChecks, probe_app
        from pos_central.api.server import ApiServer

        checks = HealthChecks(db_url=config.db_url, amqp_url=config.amqp_url)
        server = ApiServer(probe_app(checks, [metrics.exposition]), http_host, http_port).start()
    try:
        consumer.run(stop)
    finally:
        if server is not None:
            server.stop()
    log.info("ingesta detenida")
    return 0


def serve(
    config: CentralConfig, stop: threading.Event, *, host: str, port: int, **options: Any
) -> int:
    """The API and web pages until ``stop``; ``options`` are ``ApiSettings.resolve``'s."""
    from pos_central.api.app import create_app
    from pos_central.api.heap import settle_after_start
    from pos_central.api.server import ApiServer, ServerLimits
    from pos_central.api.settings import ApiSettings

    settings = ApiSettings.resolve(config, **options)
    tracing.setup(API_SERVICE)  # on only when the OTEL_* variables ask
    limits = ServerLimits(
        request_timeout=settings.request_timeout,
        keep_alive=settings.keep_alive,
        max_connections=settings.max_connections,
        tls_cert=settings.tls_cert,
        tls_key=settings.tls_key,
        forwarded_allow_ips=settings.behind_proxy,
    )
    if settings.open_access:
        log.warning("API abierta (--open): /v1/* se lee sin token; solo para un laboratorio")
    server = ApiServer(create_app(settings), host, port, limits).start()
    settle_after_start()  # a full GC would walk start-up's objects: 250-450 ms (api/heap.py)
    log.info("API escuchando", extra={"url": server.url})
    stop.wait()
    server.stop()
    return 0


def catalog_import(config: CentralConfig, file: Path) -> int:
    from pos_central.catalog import CatalogImportFailed, CatalogPublishError, import_catalog_file

    try:
        result = import_catalog_file(config.db_url, config.amqp_url, Topology(config.prefix), file)
    except CatalogImportFailed as error:
        return _fail(explain(error))
    except DatabaseUnavailable as error:
        return _fail(explain(error))
    except CatalogPublishError as error:
        return _fail(explain(error))
    if result.version is None:
        print(ngettext(
            "{read} product read; no changes, the catalogue stays at version {version}.",
            "{read} products read; no changes, the catalogue stays at version {version}.",
            result.read,
        ).format(read=result.read, version=result.current_version))
    else:
        print(ngettext(
            "{read} product read, {changed} changed: catalogue version {version} published.",
            "{read} products read, {changed} changed: catalogue version {version} published.",
            result.read,
        ).format(read=result.read, changed=result.changed, version=result.version))
    return 0


def daily_report(config: CentralConfig, day: date, *, as_json: bool, pdf: Path | None) -> int:
    from pos_central.report import build_daily_report, render_text
    from pos_central.report_pdf import write_pdf

    try:
        report = build_daily_report(config.db_url, day)
    except DatabaseUnavailable as error:
        return _fail(explain(error))
    if pdf is not None:
        write_pdf(report, pdf)
        print(_("Report written to {file}").format(file=pdf))
    elif as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render_text(report))
    return 0


def iva_ventas(config: CentralConfig, month: str, folder: Path, *, cuit: str | None,
               csv_format: bool) -> int:
    from pos_central.libro_iva import write_month

    try:
        cbte, alicuotas, count = write_month(config.db_url, month, folder, cuit=cuit,
                                             csv_format=csv_format)
    except ValueError as error:
        return _fail(_("Libro IVA Digital {month}: {error}").format(month=month, error=error))
    except DatabaseUnavailable as error:
        return _fail(explain(error))
    print(ngettext(
        "Libro IVA Digital ventas {month}: {count} comprobante in {cbte} and {alicuotas}",
        "Libro IVA Digital ventas {month}: {count} comprobantes in {cbte} and {alicuotas}",
        count,
    ).format(month=month, count=count, cbte=cbte, alicuotas=alicuotas))
    return 0


def conflicts_report(config: CentralConfig, since: date | None, *, as_json: bool) -> int:
    from pos_central.conflicts import build_conflicts_report, render_text

    try:
        report = build_conflicts_report(config.db_url, since)
    except DatabaseUnavailable as error:
        return _fail(explain(error))
    print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else render_text(report))
    return 0


def _registry(config: CentralConfig) -> TillRegistry:
    from pos_central.tills import TillRegistry

    return TillRegistry(config.db_url, config.amqp_url, Topology(config.prefix))


def till_add(config: CentralConfig, store_id: str, terminal_id: str, *, as_json: bool) -> int:
    """Register a till (or register it again: new user, password and API token, the old
    ones removed) and print its credentials, once. The same function as the Terminals
    page (``pos_central.api.registration``)."""
    from pos_central.api.registration import register_till
    from pos_central.broker_admin import BrokerAdminError
    from pos_central.database import connect
    from pos_central.tills import TillRegistryError

    try:
        with connect(config.db_url) as db:
            shown = register_till(
                _registry(config), db, store_id, terminal_id, actor=TILL_ACTOR
            )
            db.commit()
    except (BrokerAdminError, TillRegistryError, DatabaseUnavailable, ValueError) as error:
        return _fail(explain(error))
    if as_json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    print(_(
        "Till {store}/{terminal} registered (registration no. {generation}).\n"
        "  user:       {user}\n"
        "  password:   {password}\n"
        "  API token:  {token}\n"
        "  server:     {url}\n"
        "The password and the token are not shown again. On the till (the password on the "
        "first line, the token on the second):"
    ).format(store=store_id, terminal=terminal_id, generation=shown["generation"],
             user=shown["user"], password=shown["password"], token=shown["api_token"],
             url=shown["amqp_url"]))
    print(  # a command, the same in every language
        f"  pos-desktop sync configure --store-id {store_id} --terminal-id {terminal_id} "
        f"--amqp-url '{shown['amqp_url']}' --password-stdin --token-stdin"
    )
    return 0


def till_revoke(config: CentralConfig, store_id: str, terminal_id: str) -> int:
    from pos_central.api.audit import audit
    from pos_central.api.registration import revoke_tokens
    from pos_central.broker_admin import BrokerAdminError
    from pos_central.database import connect
    from pos_central.tills import TillRegistryError

    try:
        users = _registry(config).revoke(store_id, terminal_id)
        with connect(config.db_url) as db:
            revoke_tokens(db, store_id, terminal_id)
            audit(db, TILL_ACTOR, "terminal.revoke", f"terminal:{store_id}/{terminal_id}",
                  store_id=store_id, broker_users=users)
            db.commit()
    except (BrokerAdminError, TillRegistryError, DatabaseUnavailable) as error:
        return _fail(explain(error))
    print(ngettext(
        "Till {store}/{terminal} revoked: user {users} removed.",
        "Till {store}/{terminal} revoked: users {users} removed.",
        len(users),
    ).format(store=store_id, terminal=terminal_id, users=", ".join(users)))
    return 0


def till_list(config: CentralConfig) -> int:
    try:
        tills = _registry(config).tills()
    except DatabaseUnavailable as error:
        return _fail(explain(error))
    for till in tills:
        state = (_("active") if till.revoked_at is None
                 else _("revoked {when}").format(when=f"{till.revoked_at:%Y-%m-%d %H:%M}"))
        print(f"{till.store_id}/{till.terminal_id}  {till.user}  {state}")
    return 0

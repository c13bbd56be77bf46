"""``pos-central``: migrate, provision, ingest, serve, catalog import, till add/revoke/list,
report daily.

Every command takes ``--db-url`` (else ``POS_CENTRAL_DB_URL``), ``--amqp-url`` (else
``POS_AMQP_URL``) and ``--prefix`` (else ``POS_CENTRAL_PREFIX``) for the broker names.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import FrameType

from pos_central.config import CentralConfig, ConfigError
from pos_central.ingest.settings import IngestSettings
from pos_central.logs import API_SERVICE, CLI_SERVICE, INGEST_SERVICE, configure_logging

log = logging.getLogger("pos_central.cli")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db-url", help="PostgreSQL URL (env POS_CENTRAL_DB_URL)")
    common.add_argument("--amqp-url", help="RabbitMQ URL (env POS_AMQP_URL)")
    common.add_argument(
        "--prefix", help="prefix of exchange and queue names (env POS_CENTRAL_PREFIX)"
    )
    parser = argparse.ArgumentParser(prog="pos-central", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", parents=[common], help="create or update the PostgreSQL schema")
    commands.add_parser("provision", parents=[common], help="declare exchanges and queues")
    ingest = commands.add_parser("ingest", parents=[common], help="apply events to PostgreSQL")
    ingest.add_argument("--batch-size", type=int, default=IngestSettings.batch_size)
    ingest.add_argument("--batch-wait-ms", type=int, default=50)
    ingest.add_argument("--prefetch", type=int, default=IngestSettings.prefetch)
    ingest.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="ingest processes on the same queue (one per core to use; default 1)",
    )
    ingest.add_argument(
        "--http-port",
        type=int,
        help="serve /health, /ready and /metrics of the ingest (worker n on PORT+n)",
    )
    ingest.add_argument("--http-host", default="127.0.0.1")
    ingest.add_argument(
        "--accept-unregistered",
        action="store_true",
        help="also apply events of broker users that are no registered till (a lab, or "
        "while tills move to their own users); registered tills still speak only for "
        "themselves",
    )
    serve = commands.add_parser("serve", parents=[common], help="HTTP API and web pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--open", action="store_true", help="lab machines only: /v1/* readable without a token"
    )
    serve.add_argument("--tls-cert", help="HTTPS certificate (PEM; env POS_CENTRAL_TLS_CERT)")
    serve.add_argument("--tls-key", help="HTTPS private key (PEM; env POS_CENTRAL_TLS_KEY)")
    serve.add_argument(
        "--behind-proxy",
        metavar="ADDRESSES",
        help="comma-separated addresses of a TLS reverse proxy to trust (X-Forwarded-*)",
    )
    serve.add_argument("--threads", type=_positive, default=16, help="requests at once")
    serve.add_argument(
        "--request-timeout", type=float, default=10.0, help="seconds to send a whole request"
    )
    catalog = commands.add_parser("catalog", help="product catalog").add_subparsers(
        dest="catalog_command", required=True
    )
    catalog_import = catalog.add_parser("import", parents=[common], help="import a catalog CSV")
    catalog_import.add_argument("file", type=Path)
    till = commands.add_parser("till", help="tills' own broker users").add_subparsers(
        dest="till_command", required=True
    )
    for name, text in (
        ("add", "register a till (again): its own broker user; prints the password once"),
        ("revoke", "remove a till's broker user"),
    ):
        one = till.add_parser(name, parents=[common], help=text)
        one.add_argument("--store", required=True, help="store id, e.g. S001")
        one.add_argument("--terminal", required=True, help="terminal id, e.g. T01")
        if name == "add":
            one.add_argument("--json", action="store_true", help="JSON to stdout")
    till.add_parser("list", parents=[common], help="registered tills and their users")
    report = commands.add_parser("report", help="reports").add_subparsers(
        dest="report_command", required=True
    )
    daily = report.add_parser("daily", parents=[common], help="one day: sales, refunds, cash, IVA")
    daily.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    output = daily.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON to stdout")
    output.add_argument("--pdf", type=Path, metavar="FILE", help="write a PDF")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    service = {"ingest": INGEST_SERVICE, "serve": API_SERVICE}.get(args.command, CLI_SERVICE)
    configure_logging(service)
    try:
        config = CentralConfig.resolve(
            args.db_url, args.amqp_url, args.prefix, need_db=args.command != "provision"
        )
        return _run(args, config)
    except ConfigError as error:
        print(f"pos-central: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, config: CentralConfig) -> int:
    from pos_central import commands

    if args.command == "migrate":
        return commands.migrate(config)
    if args.command == "provision":
        return commands.provision(config)
    if args.command == "ingest":
        stop = _stop_on_signals()
        return commands.ingest(
            config,
            stop,
            batch_size=args.batch_size,
            batch_wait=args.batch_wait_ms / 1000,
            prefetch=args.prefetch,
            http_port=args.http_port,
            http_host=args.http_host,
            workers=args.workers,
            accept_unregistered=args.accept_unregistered,
        )
    if args.command == "serve":
        return commands.serve(
            config,
            _stop_on_signals(),
            host=args.host,
            port=args.port,
            open_access=args.open,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            behind_proxy=args.behind_proxy,
            threads=args.threads,
            request_timeout=args.request_timeout,
        )
    if args.command == "catalog":
        return commands.catalog_import(config, args.file)
    if args.command == "till":
        if args.till_command == "add":
            return commands.till_add(config, args.store, args.terminal, as_json=args.json)
        if args.till_command == "revoke":
            return commands.till_revoke(config, args.store, args.terminal)
        return commands.till_list(config)
    if args.command == "report":
        return commands.daily_report(config, args.date, as_json=args.json, pdf=args.pdf)
    raise AssertionError(args.command)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"debe ser 1 o más: {text}")
    return value


def _stop_on_signals() -> threading.Event:
    """SIGTERM/SIGINT ask for a clean stop (finish the batch, exit 0)."""
    stop = threading.Event()

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("parada solicitada", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


if __name__ == "__main__":
    sys.exit(main())

"""``pos-central``: the head-office command line (its help text is ``DESCRIPTION``)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import Any

from pos_central import __version__
from pos_central.config import CentralConfig, ConfigError
from pos_central.ingest.settings import IngestSettings
from pos_central.logs import API_SERVICE, CLI_SERVICE, INGEST_SERVICE, configure_logging
from pos_common.argparse_i18n import translate_argparse
from pos_common.i18n import N_, _, set_language

log = logging.getLogger("pos_central.cli")


DESCRIPTION = N_("""Super POS head office: migrate, provision, ingest, serve, catalog import,
till add/revoke/list, report daily/conflicts, fiscal (ARCA: configure, CAEA request and
inform, status), scheduler.

Every command takes --db-url (else POS_CENTRAL_DB_URL, else the credential db-url),
--amqp-url (else POS_AMQP_URL, else the credential amqp-url) and --prefix (else
POS_CENTRAL_PREFIX), before or after the command. Credentials are files in
$CREDENTIALS_DIRECTORY (systemd LoadCredential=, or compose secrets).""")

EPILOG = N_(
    "Exit codes: 0 done, 1 the command failed (database or broker unreachable, a "
    "migration or import refused), 2 usage or configuration error."
)

# The top-level modules of the ``central`` extra (pyproject.toml).
CENTRAL_MODULES = ("psycopg", "prometheus_client", "fastapi", "uvicorn", "jinja2", "argon2")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The connection options; on a command's parser they default to "not given" so that
    ``pos-central --db-url U migrate`` and ``pos-central migrate --db-url U`` agree."""
    default: str | None = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db-url", metavar="URL", default=default,
        help=_("PostgreSQL URL (env POS_CENTRAL_DB_URL)"),
    )
    parser.add_argument(
        "--amqp-url", metavar="URL", default=default, help=_("RabbitMQ URL (env POS_AMQP_URL)"),
    )
    parser.add_argument(
        "--prefix",
        default=default,
        help=_("prefix of exchange and queue names (env POS_CENTRAL_PREFIX)"),
    )


def _parser() -> argparse.ArgumentParser:
    """The parser, in the language set before it is built (``set_language``)."""
    translate_argparse()
    parser = argparse.ArgumentParser(
        prog="pos-central",
        description=_(DESCRIPTION),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"Super POS central {__version__}",
        help=_("print the version and exit"),
    )
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help=_("create or update the PostgreSQL schema"))
    commands.add_parser("provision", help=_("declare exchanges and queues"))
    ingest = commands.add_parser("ingest", help=_("apply events to PostgreSQL"))
    ingest.add_argument(
        "--batch-size", type=_positive, default=IngestSettings.batch_size,
        help=_("events per PostgreSQL transaction (default %(default)s)"),
    )
    ingest.add_argument(
        "--batch-wait-ms", type=int, default=50,
        help=_("wait this long for more events after the first of a batch (default 50)"),
    )
    ingest.add_argument(
        "--prefetch", type=_positive, default=IngestSettings.prefetch,
        help=_("unacknowledged events the broker may hand over (default %(default)s)"),
    )
    ingest.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help=_("ingest processes on the same queue (one per core to use; default 1)"),
    )
    ingest.add_argument(
        "--http-port",
        type=int,
        help=_("serve /health, /ready and /metrics of the ingest (worker n on PORT+n)"),
    )
    ingest.add_argument(
        "--http-host", default="127.0.0.1", help=_("address of --http-port (default 127.0.0.1)"),
    )
    ingest.add_argument(
        "--accept-unregistered",
        action="store_true",
        help=_("also apply events of broker users that are no registered till (a lab, or "
               "while tills move to their own users); registered tills still speak only for "
               "themselves"),
    )
    ingest.add_argument(
        "--max-amount", type=_pesos, default=IngestSettings.max_amount, metavar="PESOS",
        help=_("largest sale or refund total, cash movement, float or count; beyond it an "
               "event is dead-lettered out_of_bounds (default %s)")
        % (IngestSettings.max_amount // 100),
    )
    ingest.add_argument(
        "--max-quantity", type=_milli, default=IngestSettings.max_quantity_milli,
        metavar="UNITS", help=_("largest quantity of one line, units or kg (default %s)")
        % (IngestSettings.max_quantity_milli // 1000),
    )
    ingest.add_argument(
        "--clock-margin", type=_positive, default=int(IngestSettings.clock_margin),
        metavar="SECONDS", help=_("how far a till's clock may be from head office's before "
                                  "its events are listed in the reports as filed under the "
                                  "till's wrong day (default %(default)s)"),
    )
    serve = commands.add_parser("serve", help=_("HTTP API and web pages"))
    serve.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"),
    )
    serve.add_argument("--port", type=int, default=8080, help=_("port to listen on (default 8080)"))
    serve.add_argument(
        "--open", action="store_true", help=_("lab machines only: /v1/* readable without a token"),
    )
    serve.add_argument("--tls-cert", help=_("HTTPS certificate (PEM; env POS_CENTRAL_TLS_CERT)"))
    serve.add_argument("--tls-key", help=_("HTTPS private key (PEM; env POS_CENTRAL_TLS_KEY)"))
    serve.add_argument(
        "--behind-proxy",
        metavar="ADDRESSES",
        help=_("comma-separated addresses of a TLS reverse proxy to trust (X-Forwarded-*)"),
    )
    serve.add_argument("--threads", type=_positive, default=16, help=_("requests at once"))
    serve.add_argument(
        "--request-timeout", type=float, default=10.0, help=_("seconds to send a whole request"),
    )
    users = commands.add_parser("users", help=_("head office users")).add_subparsers(
        dest="users_command", required=True
    )
    user_add = users.add_parser("add", help=_("add a user (asks the password)"))
    user_add.add_argument("name", help=_("the login name"))
    user_add.add_argument(
        "--role", choices=("admin", "manager", "viewer"), required=True,
        help=_("admin: everything; manager: only the stores given with --store; viewer: reads"),
    )
    user_add.add_argument("--store", action="append", default=[], help=_("a manager's store"))
    user_add.add_argument("--full-name", default="", help=_("the name shown on the web pages"))
    user_add.add_argument(
        "--password-stdin", action="store_true", help=_("read the password from standard input"),
    )
    user_token = users.add_parser("token", help=_("a new API token (printed once)"))
    user_token.add_argument("name", help=_("the user the token acts as"))
    user_token.add_argument(
        "--label", default="script", help=_("what the token is for, shown when tokens are listed"),
    )
    catalog = commands.add_parser("catalog", help=_("product catalog"))
    catalog_actions = catalog.add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION"
    )
    catalog_import = catalog_actions.add_parser("import", help=_("import a catalog CSV"))
    catalog_import.add_argument("file", type=Path, help=_("the CSV file (columns: see README)"))
    till = commands.add_parser("till", help=_("tills' own broker users")).add_subparsers(
        dest="till_command", required=True, metavar="ACTION"
    )
    for name, text in (
        ("add", _("register a till (again): its own broker user and API token; prints the "
                  "password and the token once")),
        ("revoke", _("remove a till's broker user and API token")),
    ):
        one = till.add_parser(name, help=text)
        one.add_argument("--store", required=True, help=_("store id, e.g. S001"))
        one.add_argument("--terminal", required=True, help=_("terminal id, e.g. T01"))
        if name == "add":
            one.add_argument("--json", action="store_true", help=_("JSON to stdout"))
            one.add_argument("--caea-pto-vta", type=_positive, metavar="N",
                             help=_("the till's CAEA point of sale (known before it sells)"))
            one.add_argument("--cuit", help=_("the CUIT the store sells for (11 digits)"))
    till.add_parser("list", help=_("registered tills and their users"))
    report = commands.add_parser("report", help=_("reports"))
    report_kinds = report.add_subparsers(dest="report_command", required=True, metavar="KIND")
    daily = report_kinds.add_parser("daily", help=_("one day: sales, refunds, cash, IVA"))
    daily.add_argument("--date", required=True, type=date.fromisoformat, help=_("YYYY-MM-DD"))
    output = daily.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=_("JSON to stdout"))
    output.add_argument("--pdf", type=Path, metavar="FILE", help=_("write a PDF"))
    conflicts = report_kinds.add_parser(
        "conflicts", help=_("alerts: contradicted facts, cloned tills"),
    )
    conflicts.add_argument("--since", type=date.fromisoformat, help=_("YYYY-MM-DD"))
    conflicts.add_argument("--json", action="store_true", help=_("JSON to stdout"))
    iva = report_kinds.add_parser(
        "iva-ventas", help=_("the month's Libro IVA Digital (ventas) for the accountant"),
    )
    iva.add_argument("--month", required=True, metavar="YYYY-MM", help=_("e.g. 2026-07"))
    iva.add_argument("--cuit", help=_("only this seller CUIT (11 digits)"))
    iva.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                     help=_("folder for the two files (default: here)"))
    iva.add_argument("--csv", action="store_true", help=_("CSV with the same columns"))
    _fiscal_parsers(commands)
    for command in _subparsers(parser):
        _common(command, top=False)
    return parser


def _fiscal_parsers(commands: Any) -> None:
    fiscal = commands.add_parser("fiscal", help=_("ARCA: the taxpayer, CAEA, status"))
    actions = fiscal.add_subparsers(dest="fiscal_command", required=True, metavar="ACTION")
    setup = actions.add_parser("configure", help=_("a CUIT's certificate, key and ARCA addresses"))
    setup.add_argument("--cuit", required=True, help=_("11 digits, no dashes"))
    setup.add_argument("--cert", type=Path, required=True, metavar="FILE",
                       help=_("the certificate ARCA issued (PEM)"))
    setup.add_argument("--key", type=Path, required=True, metavar="FILE",
                       help=_("its private key (PEM); copied to the key store, never to "
                              "PostgreSQL"))
    setup.add_argument("--env", required=True, choices=("homologacion", "produccion"),
                       help=_("ARCA's testing or production servers"))
    setup.add_argument("--wsaa-url", help=_("WSAA address (default: the environment's)"))
    setup.add_argument("--wsfe-url", help=_("WSFEv1 address (default: the environment's)"))
    setup.add_argument("--key-store", choices=("file", "keyring"), default="file",
                       help=_("file: a 0600 file in --key-dir (default); keyring: the OS keyring"))
    setup.add_argument("--key-dir", type=Path, metavar="DIR",
                       help=_("folder of key files (default /etc/super-pos/credentials/fiscal, "
                              "env POS_CENTRAL_FISCAL_KEY_DIR)"))
    store = actions.add_parser("store", help=_("the CUIT a store sells for"))
    store.add_argument("--store", required=True, help=_("store id, e.g. S001"))
    store.add_argument("--cuit", required=True, help=_("11 digits"))
    pos = actions.add_parser("point-of-sale", help=_("register a till's CAEA point of sale"))
    pos.add_argument("--store", required=True, help=_("store id"))
    pos.add_argument("--terminal", required=True, help=_("terminal id"))
    pos.add_argument("--caea-pto-vta", type=_positive, required=True, metavar="N",
                     help=_("the till's CAEA point of sale (not its CAE one)"))
    pos.add_argument("--cuit", help=_("the store's CUIT, if not known yet"))
    status = actions.add_parser("status", help=_("per CUIT and fortnight: CAEA, issued, informed"))
    status.add_argument("--cuit", help=_("only this CUIT"))
    status.add_argument("--json", action="store_true", help=_("JSON to stdout"))
    caea = actions.add_parser("caea", help=_("CAEA: request it, inform ARCA")).add_subparsers(
        dest="caea_command", required=True, metavar="ACTION")
    request = caea.add_parser("request", help=_("the fortnight's CAEA (FECAEASolicitar) and "
                                                  "caea.granted to the tills"))
    request.add_argument("--cuit", help=_("only this CUIT (default: every configured one)"))
    request.add_argument("--period", type=int, metavar="YYYYMM", help=_("with --order"))
    request.add_argument("--order", type=int, choices=(1, 2), help=_("1: days 1-15, 2: 16-end"))
    request.add_argument("--next", action="store_true",
                         help=_("the current and, from 5 days before it, the next fortnight's"))
    inform = caea.add_parser("inform", help=_("FECAEARegInformativo of the CAEA comprobantes, "
                                                "sin movimiento of idle points of sale"))
    inform.add_argument("--cuit", help=_("only this CUIT"))
    inform.add_argument("--retry-rejected", action="store_true",
                        help=_("send again the comprobantes ARCA rejected (after fixing them)"))
    scheduler = commands.add_parser(
        "scheduler", help=_("CAEA: request the next fortnight's, inform, alert (every hour)"))
    scheduler.add_argument("--once", action="store_true", help=_("one run, then exit (timers)"))
    scheduler.add_argument("--interval", type=_positive, default=3600, metavar="SECONDS",
                           help=_("between runs (default 3600)"))


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every command's parser, at any depth (``till``, ``till add``, …)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from _subparsers(child)


def _missing_extra() -> str | None:
    for name in CENTRAL_MODULES:
        try:
            if find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    set_language()  # es-AR unless the locale asks for English; the help too
    args = _parser().parse_args(argv)
    absent = _missing_extra()
    if absent:
        print(
            "pos-central: "
            + _("the central extra is missing ({module} is not installed): {command}").format(
                module=absent, command="pip install 'super-pos[central]'"),
            file=sys.stderr,
        )
        return 2
    service = {"ingest": INGEST_SERVICE, "serve": API_SERVICE}.get(args.command, CLI_SERVICE)
    configure_logging(service)
    try:
        config = CentralConfig.resolve(
            args.db_url, args.amqp_url, args.prefix, need_db=args.command != "provision"
        )
        code = _run(args, config)
        sys.stdout.flush()  # a closed pipe (| head) shows here, not as a traceback at exit
        return code
    except ConfigError as error:
        print(f"pos-central: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


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
            max_amount=args.max_amount,
            max_quantity_milli=args.max_quantity,
            clock_margin=args.clock_margin,
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
    if args.command == "users":
        from pos_central.api.user_commands import add_user, user_token

        if args.users_command == "add":
            return add_user(config, args.name, args.role, args.store, args.full_name,
                            password_stdin=args.password_stdin)
        return user_token(config, args.name, args.label)
    if args.command == "catalog":
        return commands.catalog_import(config, args.file)
    if args.command in ("fiscal", "scheduler"):
        return _fiscal(args, config)
    if args.command == "till":
        if args.till_command == "add":
            code = commands.till_add(config, args.store, args.terminal, as_json=args.json)
            if code == 0 and (args.caea_pto_vta or args.cuit):
                from pos_central.fiscal import commands as fiscal

                if args.caea_pto_vta is None:
                    return fiscal.fiscal_store(config, args.store, args.cuit, quiet=args.json)
                return fiscal.fiscal_point_of_sale(
                    config, store_id=args.store, terminal_id=args.terminal,
                    point_of_sale=args.caea_pto_vta, cuit=args.cuit, quiet=args.json)
            return code
        if args.till_command == "revoke":
            return commands.till_revoke(config, args.store, args.terminal)
        return commands.till_list(config)
    if args.command == "report" and args.report_command == "iva-ventas":
        return commands.iva_ventas(config, args.month, args.output, cuit=args.cuit,
                                   csv_format=args.csv)
    if args.command == "report" and args.report_command == "conflicts":
        return commands.conflicts_report(config, args.since, as_json=args.json)
    if args.command == "report":
        return commands.daily_report(config, args.date, as_json=args.json, pdf=args.pdf)
    raise AssertionError(args.command)


def _fiscal(args: argparse.Namespace, config: CentralConfig) -> int:
    from pos_central.fiscal import commands as fiscal

    if args.command == "scheduler":
        return fiscal.scheduler(config, _stop_on_signals(), once=args.once,
                                interval=args.interval)
    action = args.fiscal_command
    if action == "configure":
        return fiscal.fiscal_configure(
            config, cuit=args.cuit, cert=args.cert, key=args.key, env=args.env,
            wsaa_url=args.wsaa_url, wsfe_url=args.wsfe_url, key_store=args.key_store,
            key_dir=args.key_dir)
    if action == "store":
        return fiscal.fiscal_store(config, args.store, args.cuit)
    if action == "point-of-sale":
        return fiscal.fiscal_point_of_sale(config, store_id=args.store,
                                           terminal_id=args.terminal,
                                           point_of_sale=args.caea_pto_vta, cuit=args.cuit)
    if action == "status":
        return fiscal.fiscal_status_command(config, cuit=args.cuit, as_json=args.json)
    if args.caea_command == "request":
        return fiscal.caea_request(config, cuit=args.cuit, period=args.period, order=args.order,
                                   next_due=args.next)
    return fiscal.caea_inform(config, cuit=args.cuit, retry_rejected=args.retry_rejected)


def _pesos(text: str) -> int:
    """Whole pesos to centavos."""
    return 100 * _positive(text)


def _milli(text: str) -> int:
    """Whole units (or kg) to milli-units."""
    return 1000 * _positive(text)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more: {value}").format(value=text))
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

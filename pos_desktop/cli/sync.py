"""``pos-desktop sync status|push|run|configure|catalog``: head-office sync without the window.

``push`` drains the outbox once and exits (kiosks, support, benchmarks); ``run`` keeps
sending and receiving catalogue changes until stopped (a till that sells from another
program or has no screen, as a service); ``status``
prints what the window's status bar shows (``--json`` for scripts); ``configure``
stores the broker and head-office addresses (secrets go to the OS keyring);
``catalog`` fetches head office's catalog snapshot now.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

from pos_common.i18n import _, explain, ngettext
from pos_desktop.cli.common import CHECK_FAILED, OK, checked_data_dir, open_till
from pos_desktop.cli.users import add_login_args, require_manager
from pos_desktop.domain.permissions import Action


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help=_("head-office sync: status, push, configure"))
    p.add_argument("--verbose", action="store_true", help=_("also write the log to stderr"))
    actions = p.add_subparsers(dest="sync_command", required=True, metavar="ACTION")

    st = actions.add_parser("status", help=_("online/offline/error, events to send, oldest"))
    st.add_argument("--json", action="store_true", help=_("machine-readable output"))
    st.add_argument("--no-probe", action="store_true", help=_("do not contact the broker"))
    st.set_defaults(handler=run_status)

    push = actions.add_parser("push", help=_("send every pending event once, then exit"))
    push.add_argument("--timeout", type=float, default=60.0, help=_("give up after S seconds"))
    push.add_argument("--json", action="store_true", help=_("machine-readable output"))
    push.set_defaults(handler=run_push)

    run = actions.add_parser(
        "run", help=_("keep sending events and receiving the catalogue until stopped")
    )
    run.set_defaults(handler=run_forever)

    cfg = actions.add_parser("configure", help=_("store id, terminal id, broker, head office"))
    cfg.add_argument("--store-id", help=_("this shop's id at head office, e.g. S001"))
    cfg.add_argument("--terminal-id", help=_("this till's id at head office, e.g. T01"))
    cfg.add_argument("--amqp-url", help=_("broker URL; a password in it goes to the keyring"))
    cfg.add_argument("--central-url", help=_("head office's web address"))
    cfg.add_argument("--prefix", help=_("name prefix of exchanges and queues"))
    cfg.add_argument("--password-stdin", action="store_true",
                     help=_("read the broker password from standard input"))
    cfg.add_argument("--token-stdin", action="store_true",
                     help=_("read the head-office API token from standard input"))
    cfg.add_argument("--enable", dest="enabled", action="store_true", default=None,
                     help=_("send to head office"))
    cfg.add_argument("--disable", dest="enabled", action="store_false",
                     help=_("sell standalone: send nothing to head office"))
    add_login_args(cfg, approver=False)
    cfg.set_defaults(handler=run_configure)

    cat = actions.add_parser("catalog", help=_("fetch head office's catalog snapshot now"))
    cat.set_defaults(handler=run_catalog)
    for action in (st, push, run, cfg, cat):  # also after the action: sync status --verbose
        action.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                            help=_("also write the log to stderr"))


def _open(args: argparse.Namespace) -> Any:
    from pos_desktop.logs import setup_logging

    data_dir = checked_data_dir(args)
    setup_logging("pos-desktop", log_dir=data_dir / "logs", stderr=args.verbose)
    return open_till(args)


def run_status(args: argparse.Namespace) -> int:
    from pos_desktop.sync.catalog_apply import local_version
    from pos_desktop.sync.probe import probe_link
    from pos_desktop.sync.service import amqp_password
    from pos_desktop.sync.status import SyncState, read_sync_status, status_bar_text

    till = _open(args)
    try:
        sync = till.build_sync(listen_catalog=False)
        link = sync.link
        if sync.settings.configured and not args.no_probe:
            probed = probe_link(sync.settings, amqp_password)
            link = lambda: probed  # noqa: E731 - the probe's answer, read once
        status = read_sync_status(till.reader, link)
        version = local_version(till.uow)
    finally:
        till.close()
    if args.json:
        data = status.to_dict()
        data["catalog_version"] = version
        print(json.dumps(data, ensure_ascii=False))
    else:
        text, _level = status_bar_text(status)
        print(text)
        print(_("Catalogue version: {version}").format(version=version))
    # offline is a normal state of a till; error needs someone (password, TLS, refused events)
    return CHECK_FAILED if status.state is SyncState.ERROR else OK


def run_push(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        sync = till.build_sync(listen_catalog=False)
        if not sync.settings.configured:
            print(_("Sync is not configured: set sync.amqp_url (pos-desktop sync configure) "
                    "or POS_AMQP_URL."), file=sys.stderr)
            return 2
        result = sync.drain(args.timeout)
    finally:
        till.close()
    if args.json:
        print(json.dumps({"confirmed": result.confirmed, "refused": result.refused,
                          "remaining": result.remaining, "error": result.error}))
    else:
        print(ngettext("{n} event confirmed by head office's broker.",
                       "{n} events confirmed by head office's broker.",
                       result.confirmed).format(n=result.confirmed))
        if result.refused:
            print(ngettext("{n} event refused (kept; see sync status).",
                           "{n} events refused (kept; see sync status).",
                           result.refused).format(n=result.refused))
        if result.remaining:
            print(ngettext("{n} event still to send: {reason}",
                           "{n} events still to send: {reason}", result.remaining).format(
                n=result.remaining, reason=result.error or "—"))
    return 0 if result.complete else 1


def run_forever(args: argparse.Namespace) -> int:
    """The window's sync, without the window: publisher and catalogue listener, until
    SIGTERM or Ctrl+C. Offline is normal: it keeps retrying with backoff."""
    import signal
    import threading

    till = _open(args)
    try:
        if not till.build_sync(listen_catalog=False).settings.configured:
            print(_("Sync is not configured: set sync.amqp_url (pos-desktop sync configure) "
                    "or POS_AMQP_URL."), file=sys.stderr)
            return 2
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        till.start_sync()
        print(_("Sync running; Ctrl+C stops it."), flush=True)
        report_link_changes(till, stop)
        till.stop_sync()
        pending = till.sync_status().pending
    finally:
        till.close()
    print(_("Sync stopped; events still to send: {n}.").format(n=pending))
    return 0


LINK_CHECK_S = 2.0  # how often ``sync run`` looks at the link to report a change


def report_link_changes(till: Any, stop: Any) -> None:
    """Until ``stop``: one line on stderr each time the link changes (online, offline and
    why, error and why), so a service's journal says why nothing is sent."""
    last: tuple[str, str | None] | None = None
    while not stop.wait(LINK_CHECK_S):
        status = till.sync_status()
        now = (status.state.value, status.last_error)
        if now != last:
            last = now
            if status.last_error and status.state.value != "online":
                print(_("Sync {state}: {reason}").format(
                    state=_(status.state.value), reason=_(status.last_error)),
                    file=sys.stderr, flush=True)
            else:
                print(_("Sync {state}.").format(state=_(status.state.value)),
                      file=sys.stderr, flush=True)


def run_configure(args: argparse.Namespace) -> int:
    from pos_desktop.secrets import AMQP_PASSWORD, API_TOKEN, set_secret

    changes: dict[str, Any] = {}
    if args.store_id:
        changes["store.id"] = args.store_id
    if args.terminal_id:
        changes["terminal.id"] = args.terminal_id
    if args.central_url is not None:
        changes["sync.central_url"] = args.central_url.rstrip("/")
    if args.prefix is not None:
        changes["sync.prefix"] = args.prefix
    secrets: dict[str, str] = {}
    if args.amqp_url is not None:
        url, password = split_password(args.amqp_url)
        changes["sync.amqp_url"] = url
        if password:
            secrets[AMQP_PASSWORD] = password
        if args.enabled is None:
            changes["sync.enabled"] = bool(url)
    if args.enabled is not None:
        changes["sync.enabled"] = args.enabled
    if args.password_stdin:
        secrets[AMQP_PASSWORD] = sys.stdin.readline().rstrip("\r\n")
    if args.token_stdin:
        secrets[API_TOKEN] = sys.stdin.readline().rstrip("\r\n")
    till = _open(args)
    try:
        # a manager's, as in the settings dialog: these say where the sales go
        require_manager(till, args, "sync configure", Action.CHANGE_SETTINGS,
                        keys=sorted([*changes, *secrets]))
        for key, value in secrets.items():
            set_secret(key, value)  # before the table: a missing keyring changes nothing
        with till.uow() as uow:
            for key, value in changes.items():
                uow.settings.set(key, value)
            uow.commit()
    finally:
        till.close()
    logging.getLogger(__name__).info("sync settings changed", extra={"keys": sorted(changes)})
    print(_("Saved: {keys}").format(keys=", ".join(sorted([*changes, *secrets])) or "—"))
    return 0


def split_password(url: str) -> tuple[str, str | None]:
    """The URL without its password (for the table) and the password (for the keyring);
    a cluster's list, each address without it (one user, one password for all)."""
    if "," in url:
        split = [split_password(part.strip()) for part in url.split(",")]
        return ",".join(u for u, _ in split), next((p for _, p in split if p), None)
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl(), unquote(parts.password)


def run_catalog(args: argparse.Namespace) -> int:
    from pos_desktop.sync.catalog_listener import CatalogListener
    from pos_desktop.sync.service import amqp_password, api_token
    from pos_desktop.sync.snapshot import SnapshotError

    till = _open(args)
    try:
        sync = till.build_sync(listen_catalog=False)
        listener = CatalogListener(sync.settings, till.uow, password=amqp_password,
                                   token=api_token)
        before = listener.version()
        after = listener.refresh()
    except SnapshotError as exc:
        print(_("Could not update the catalogue: {reason}").format(reason=explain(exc)),
              file=sys.stderr)
        return 1
    finally:
        till.close()
    print(_("Catalogue version {before} → {after}.").format(before=before, after=after))
    return 0

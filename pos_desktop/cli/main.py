"""Entry point of ``pos-desktop``. Without a sub-command it opens the till window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pos_common.i18n import _, set_language
from pos_desktop import __version__
from pos_desktop.cli import catalog, journal, receipt, refund, report, shift, simulate, users
from pos_desktop.cli import sync as sync_cli
from pos_desktop.config import resolve_data_dir
from pos_desktop.domain.errors import PosError
from pos_desktop.logs import setup_logging

COMMANDS = (catalog, simulate, journal, receipt, sync_cli, report, shift, users, refund)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-desktop", description=_("Super POS till"))
    parser.add_argument("--version", action="version", version=f"Super POS {__version__}")
    parser.add_argument("--data-dir", help=_("data folder (default: POS_DATA_DIR or the OS's)"))
    parser.add_argument(
        "--demo", action="store_true", help=_("demo catalogue, demo users and on-screen printer")
    )
    parser.add_argument("--lang", choices=("es_AR", "en"), help=_("user interface language"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("sell one item offscreen on a temporary folder and check it"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def data_dir_of(args: argparse.Namespace) -> Path:
    return resolve_data_dir(args.data_dir)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang_pre = argparse.ArgumentParser(add_help=False)
    lang_pre.add_argument("--lang")
    lang = lang_pre.parse_known_args(argv)[0].lang
    set_language(lang)
    args = build_parser().parse_args(argv)
    if not args.self_test:
        setup_logging(
            "pos-desktop", log_dir=data_dir_of(args) / "logs", stderr_level=logging.WARNING
        )
    try:
        if args.self_test:
            from pos_desktop.selftest import run_self_test

            return int(run_self_test())
        if args.command is None:
            from pos_desktop.ui.launch import run_window

            chosen = bool(lang or os.environ.get("POS_LANG"))
            return int(run_window(data_dir_of(args), demo=args.demo, language_chosen=chosen))
        return int(args.handler(args))
    except PosError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""Entry point of ``pos-desktop``. Without a sub-command it opens the till window.

Only the standard library and our own plain modules are imported before the arguments
are parsed: ``--version`` and ``--help`` answer on a machine without the desktop extra,
and every other command says which extra to install instead of a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from importlib.util import find_spec

from pos_common.argparse_i18n import translate_argparse
from pos_common.i18n import _, describe_os_error, explain, set_language
from pos_desktop import __version__
from pos_desktop.cli.common import INTERRUPTED, USAGE_ERROR, add_global_options, checked_data_dir
from pos_desktop.domain.errors import PosError

# The top-level modules of the ``desktop`` extra (pyproject.toml).
DESKTOP_MODULES = ("PySide6", "platformdirs", "escpos", "PIL", "qrcode", "httpx", "keyring")


def build_parser() -> argparse.ArgumentParser:
    from pos_desktop.cli import catalog, journal, receipt, refund, report, shift, simulate, users
    from pos_desktop.cli import fiscal as fiscal_cli
    from pos_desktop.cli import sync as sync_cli

    translate_argparse()
    parser = argparse.ArgumentParser(
        prog="pos-desktop",
        description=_("Super POS till. Without a command it opens the till window."),
        epilog=_(
            "Options such as --data-dir may go before or after the command. Exit codes: "
            "0 done, 1 a check found a problem, 2 usage or input error, 130 stopped "
            "with Ctrl+C."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"Super POS {__version__}",
        help=_("print the version and exit"),
    )
    add_global_options(parser, top=True)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("sell one item offscreen on a temporary folder and check it"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))
    for module in (catalog, simulate, journal, receipt, sync_cli, fiscal_cli, report, shift, users,
                   refund):
        module.register(sub)
    for command in subparsers(parser):
        add_global_options(command, top=False)
    return parser


def subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every command's parser, at any depth (``sync``, ``sync status``, …)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from subparsers(child)


def missing_extra() -> str | None:
    """The first module of the desktop extra that cannot be imported, if any."""
    for name in DESKTOP_MODULES:
        try:
            if find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang_pre = argparse.ArgumentParser(add_help=False)
    lang_pre.add_argument("--lang")
    lang = lang_pre.parse_known_args(argv)[0].lang
    set_language(lang)
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        absent = missing_extra()
        if absent:
            print(_("pos-desktop needs the desktop extra ({module} is not installed): "
                    "pip install 'super-pos[desktop]'").format(module=absent), file=sys.stderr)
            return USAGE_ERROR
        code = _run(args, lang)
        sys.stdout.flush()  # a closed pipe shows here, not at exit as a traceback
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except PosError as exc:
        print(_("Error: {message}").format(message=explain(exc)), file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:  # a file the command was given or writes: say which, in words
        print(_("Error: {message}").format(message=describe_os_error(exc)), file=sys.stderr)
        return USAGE_ERROR
    except Exception as exc:  # a damaged database or a full disk met outside a unit of work
        said = _database_trouble(exc, args)
        if said is None:
            raise
        print(_("Error: {message}").format(message=explain(said)), file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return INTERRUPTED


def _run(args: argparse.Namespace, lang: str | None) -> int:
    from pos_desktop.logs import setup_logging

    if args.self_test:
        from pos_desktop.selftest import run_self_test

        return int(run_self_test())
    data_dir = checked_data_dir(args)
    setup_logging("pos-desktop", log_dir=data_dir / "logs", stderr_level=logging.WARNING)
    if args.command is None:
        from pos_desktop.app import open_till
        from pos_desktop.ui.launch import run_window

        chosen = bool(lang or os.environ.get("POS_LANG"))
        return int(run_window(data_dir, demo=args.demo, open_till=open_till,
                              language_chosen=chosen))
    return int(args.handler(args))


def _database_trouble(exc: Exception, args: argparse.Namespace | None) -> PosError | None:
    from pos_desktop.store.db import database_path
    from pos_desktop.store.integrity import explain

    return None if args is None else explain(exc, database_path(checked_data_dir(args)))


def _reader_went_away() -> int:
    """``pos-desktop journal --json | head``: the reader closed the pipe. Point stdout at
    /dev/null so the interpreter's final flush is quiet too, and exit as a Unix tool
    killed by SIGPIPE would (128 + 13)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


if __name__ == "__main__":
    sys.exit(main())

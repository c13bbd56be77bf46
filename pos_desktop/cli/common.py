"""What every ``pos-desktop`` command shares: the global options (accepted before or after
the command), where the data folder is, opening the till, and writing to stdout.

Exit codes (README "Command line"): 0 done; 1 a check found a problem (``journal
--verify`` broken, ``sync status`` in error, events left unsent); 2 a usage or input
error (a bad option, file or value; nothing was changed); 130 stopped with Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_common.i18n import N_, _
from pos_desktop.domain.errors import PosError

if TYPE_CHECKING:
    from pos_desktop.app import Till

OK = 0
CHECK_FAILED = 1
USAGE_ERROR = 2
INTERRUPTED = 130

DEMO_APP_NAME = "super-pos-demo"


class NotADemoFolder(PosError):
    message = (
        N_("--demo refuses {path}: it holds a shop's own data, and the demo would add its "
        "products, users and PINs to it. Leave out --data-dir (the demo has its own folder) "
        "or give an empty folder.")
    )


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """``--data-dir``, ``--demo`` and ``--lang``. On a command's own parser they default to
    "not given" (SUPPRESS), so ``pos-desktop journal --data-dir X`` and ``pos-desktop
    --data-dir X journal`` mean the same and neither overrides the other with a default."""
    unset: str | None = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=unset,
        help=_("data folder (default: POS_DATA_DIR or the OS's)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help=_("demo catalogue, demo users and on-screen printer, in the demo's own folder"),
    )
    parser.add_argument(
        "--lang", choices=("es_AR", "en"), default=unset, help=_("user interface language")
    )


def demo_data_dir() -> Path:
    """The demo's own folder (~/.local/share/super-pos-demo, …): a demo never writes into
    the shop's folder and never marks the shop's setup as done."""
    import platformdirs

    return Path(platformdirs.user_data_dir(DEMO_APP_NAME, appauthor=False))


def data_dir_of(args: argparse.Namespace) -> Path:
    """``--data-dir``, else ``POS_DATA_DIR``, else the OS default (the demo's own under
    ``--demo``)."""
    from pos_desktop.config import resolve_data_dir

    chosen = getattr(args, "data_dir", None)
    if getattr(args, "demo", False) and not chosen:
        import os

        if not os.environ.get("POS_DATA_DIR"):
            return demo_data_dir()
    return resolve_data_dir(chosen)


def is_demo_folder(data_dir: Path) -> bool:
    """True for a folder the demo may use: no till database yet, or the demo's own."""
    from pos_desktop.store.db import database_path

    path = database_path(data_dir)
    if not path.exists():
        return True
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'demo.seeded'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # unreadable or not a till's database: never seed a demo into it
    return row is not None and json.loads(row[0]) is True


def checked_data_dir(args: argparse.Namespace) -> Path:
    """The data folder, refused under ``--demo`` when it holds a real shop."""
    data_dir = data_dir_of(args)
    if getattr(args, "demo", False) and not is_demo_folder(data_dir):
        raise NotADemoFolder(path=str(data_dir))
    return data_dir


def open_till(args: argparse.Namespace) -> Till:
    from pos_desktop.app import Till

    return Till.open(checked_data_dir(args), demo=args.demo)


def write_json(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")

"""``pos-desktop catalog import FILE.csv``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pos_common.i18n import _
from pos_desktop.services.catalog_import import CatalogImportError, import_catalog


def register(sub: Any) -> None:
    cat = sub.add_parser("catalog", help=_("product catalogue"))
    cat_sub = cat.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    imp = cat_sub.add_parser("import", help=_("import products from a CSV file (all or nothing)"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from pos_desktop.app import Till
    from pos_desktop.cli.main import data_dir_of

    till = Till.open(data_dir_of(args), demo=args.demo)
    try:
        result = import_catalog(till.uow, args.file)
    except CatalogImportError as exc:
        print(str(exc), file=sys.stderr)
        for bad in exc.bad_rows:
            print(f"  {bad}", file=sys.stderr)
        return 1
    finally:
        till.close()
    print(
        _("{rows} products read, {changed} added or changed.").format(
            rows=result.rows, changed=result.changed
        )
    )
    return 0

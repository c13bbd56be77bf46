"""``pos-desktop catalog import FILE.csv``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pos_common.i18n import _, explain
from pos_desktop.cli.common import USAGE_ERROR, open_till
from pos_desktop.cli.users import add_login_args, require_login
from pos_desktop.services.catalog_import import CatalogImportError, import_catalog


def register(sub: Any) -> None:
    cat = sub.add_parser("catalog", help=_("product catalogue"))
    cat_sub = cat.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    imp = cat_sub.add_parser("import", help=_("import products from a CSV file (all or nothing)"))
    imp.add_argument("file", type=Path, help=_("the CSV file (columns: see README)"))
    add_login_args(imp, approver=False)
    imp.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    till = open_till(args)
    try:
        if till.people.has_users():  # the window's use case: its check, its audit row
            require_login(till, args, "catalog import")
            result = till.catalog.import_file(args.file)
        else:  # a shop being set up: its first manager is not there yet
            result = import_catalog(till.uow, args.file)
    except CatalogImportError as exc:
        print(explain(exc), file=sys.stderr)
        for bad in exc.bad_rows:
            print(f"  {bad}", file=sys.stderr)
        return USAGE_ERROR
    finally:
        till.close()
    print(
        _("Products read: {rows}; added or changed: {changed}.").format(
            rows=result.rows, changed=result.changed
        )
    )
    return 0

"""``pos-desktop simulate --sales N [--seed S]``: scripted sales for tests and benchmarks."""

from __future__ import annotations

import argparse
from typing import Any

from pos_common.i18n import _, format_money


def register(sub: Any) -> None:
    p = sub.add_parser("simulate", help=_("make N realistic sales through the service layer"))
    p.add_argument("--sales", type=int, required=True)
    p.add_argument("--seed", type=int, default=None)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pos_desktop.app import Till
    from pos_desktop.cli.main import data_dir_of
    from pos_desktop.services.simulation import simulate

    if args.sales < 0:
        raise SystemExit(_("--sales must be zero or more"))
    till = Till.open(data_dir_of(args), demo=args.demo)
    try:
        till.start_scripted_run()  # a shift must be open to sell; scripted runs open one
        with till.uow() as uow:
            skus = uow.catalog.active_skus()
            catalog = [p for p in (uow.catalog.by_sku(s) for s in skus) if p is not None]
        if not catalog:
            print(_("The catalogue is empty: import one first (pos-desktop catalog import)."))
            return 1
        sales = simulate(till.register, catalog, args.sales, seed=args.seed)
    finally:
        till.close()
    total = sum(s.payload["total"] for s in sales)
    print(
        _("{count} sales made, {total} in total.").format(
            count=len(sales), total=format_money(total)
        )
    )
    return 0

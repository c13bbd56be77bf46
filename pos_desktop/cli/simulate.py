"""``pos-desktop simulate --sales N [--seed S]``: scripted sales for tests and benchmarks."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pos_common.i18n import N_, _, format_money, ngettext
from pos_desktop.cli.common import USAGE_ERROR, checked_data_dir, is_demo_folder, open_till
from pos_desktop.cli.users import add_login_args, require_manager
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.permissions import Action


class RealShopFolder(PosError):
    message = N_("simulate refuses {path}: it holds a shop's own data, and scripted sales there "
               "are real sales (they go into the Z and to head office). Use --demo, or give "
               "--real-shop and a manager's login (--user) if that is what you want.")


def register(sub: Any) -> None:
    p = sub.add_parser("simulate", help=_("make N realistic sales through the service layer"))
    p.add_argument("--sales", type=int, required=True, help=_("how many sales to make"))
    p.add_argument("--seed", type=int, default=None,
                   help=_("random seed, to make the same sales again"))
    p.add_argument("--real-shop", action="store_true",
                   help=_("sell into a shop's own data folder (needs a manager's login)"))
    add_login_args(p, approver=False)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pos_desktop.services.simulation import simulate

    if args.sales < 0:
        print(_("--sales must be zero or more"), file=sys.stderr)
        return USAGE_ERROR
    demo_folder = is_demo_folder(checked_data_dir(args))
    if not demo_folder and not args.real_shop:
        raise RealShopFolder(path=str(checked_data_dir(args)))
    till = open_till(args)
    try:
        if not demo_folder:
            require_manager(till, args, "simulate", Action.RUN_SIMULATION, sales=args.sales)
            till.session.logout()  # the sales are the script's, not the manager's
        till.start_scripted_run()  # a shift must be open to sell; scripted runs open one
        with till.uow() as uow:
            skus = uow.catalog.active_skus()
            catalog = [p for p in (uow.catalog.by_sku(s) for s in skus) if p is not None]
        if not catalog:
            print(_("The catalogue is empty: import one first (pos-desktop catalog import)."),
                  file=sys.stderr)
            return USAGE_ERROR
        sales = simulate(till.register, catalog, args.sales, seed=args.seed)
    finally:
        till.close()
    total = sum(s.payload["total"] for s in sales)
    print(
        ngettext("{count} sale made, {total} in total.", "{count} sales made, {total} in total.",
                 len(sales)).format(count=len(sales), total=format_money(total))
    )
    return 0

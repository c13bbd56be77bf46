"""``pos-desktop journal --json``: the completed sales, for support and audits."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pos_desktop.i18n import _, format_money


def register(sub: Any) -> None:
    p = sub.add_parser("journal", help=_("print completed sales"))
    p.add_argument("--json", action="store_true", help=_("one JSON document"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pos_desktop.app import Till
    from pos_desktop.cli.main import data_dir_of

    till = Till.open(data_dir_of(args), demo=args.demo)
    try:
        with till.uow() as uow:
            sales = [_sale_view(p) for p in uow.sales.payloads()]
    finally:
        till.close()
    if args.json:
        json.dump({"sales": sales}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for s in sales:
        print(
            f"{s['ticket']}  {s['completed_at']}  {format_money(s['total']):>14}  "
            f"{len(s['lines'])} {_('lines')}"
        )
    return 0


def _sale_view(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": p["ticket_number"],
        "ticket": p["ticket"],
        "completed_at": p["completed_at"],
        "cashier": p.get("cashier"),
        "lines": p["lines"],
        "payments": p["tenders"],
        "change": p["change"],
        "discounts": sum(li["discount"] for li in p["lines"]),
        "total": p["total"],
        "iva": p["iva"],
    }

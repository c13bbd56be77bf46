"""``pos-desktop refund TICKET``: show what a ticket can still refund, or refund it.

    pos-desktop refund 0001-00000012                      # lines and what is left
    pos-desktop refund 12 --line 1=1 --line 3=0,250 --reason "Vencido" \\
        --user u-ana --approver u-sergio                  # PINs asked
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pos_common.i18n import _, format_money, format_quantity
from pos_desktop.cli.common import USAGE_ERROR, open_till, write_json
from pos_desktop.cli.users import add_login_args, guarded, login
from pos_desktop.domain.errors import InvalidQuantity
from pos_desktop.domain.money import parse_money, parse_quantity
from pos_desktop.domain.sale import Tender, TenderKind


def register(sub: Any) -> None:
    p = sub.add_parser("refund", help=_("refund (part of) a ticket"))
    p.add_argument("ticket", help=_("ticket number, or the code on the receipt"))
    p.add_argument("--line", action="append", default=[], metavar="LINE=QTY",
                   help=_("original line number and quantity, e.g. 2=1 or 3=0,250"))
    p.add_argument("--reason", help=_("why the money goes back"))
    p.add_argument("--tender", action="append", default=[], metavar="KIND[=AMOUNT]",
                   help=_("how the money goes back (default: cash, all of it)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_login_args(p)
    p.set_defaults(handler=run)


def _quantities(specs: list[str], weighed: dict[int, bool]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for spec in specs:
        line, sep, qty = spec.partition("=")
        if not sep or not line.strip().isdigit():
            raise InvalidQuantity(text=spec)
        line_no = int(line)
        wanted[line_no] = parse_quantity(qty, weighed=weighed.get(line_no, False))
    return wanted


def _tenders(specs: list[str]) -> list[Tender]:
    out = []
    for spec in specs:
        kind, sep, amount = spec.partition("=")
        out.append(Tender(TenderKind(kind.strip()), parse_money(amount) if sep else 0))
    return out


def run(args: argparse.Namespace) -> int:

    till = open_till(args)
    try:
        sale = till.refunds.find_sale(args.ticket)
        if not args.line:
            _show(sale, args.json)
            return 0
        if not args.reason:
            print(_("Say why with --reason."), file=sys.stderr)
            return USAGE_ERROR
        wanted = _quantities(args.line, {li.line_no: li.sold_by_weight for li in sale.lines})
        tenders = _tenders(args.tender)
        if len(tenders) == 1 and tenders[0].amount == 0:
            plan = till.refunds.preview(args.ticket, wanted)
            tenders = [Tender(tenders[0].kind, plan.total)]
        login(till, args)
        done = guarded(till, args, lambda: till.refunds.refund(
            args.ticket, wanted, reason=args.reason, tenders=tenders or None))
    finally:
        till.close()
    if args.json:
        write_json(done.payload)
    else:
        print(_("Refund {ticket}: {total} given back.").format(
            ticket=done.ticket, total=format_money(done.total)))
    return 0


def _show(sale: Any, as_json: bool) -> None:
    lines = [{"line_no": li.line_no, "sku": li.sku, "description": li.description,
              "sold": li.quantity_sold, "refunded": li.quantity_refunded,
              "left": li.quantity_left, "amount": li.amount_sold} for li in sale.lines]
    if as_json:
        write_json({"ticket": sale.ticket, "completed_at": sale.completed_at,
                    "total": sale.total, "lines": lines, "refunds": sale.earlier_refunds})
        return
    print(f"{sale.ticket}  {sale.completed_at}  {format_money(sale.total)}")
    for li in sale.lines:
        left = format_quantity(li.quantity_left, weighed=li.sold_by_weight)
        left_label = _("left")
        print(f"  {li.line_no:>3}  {li.description[:36]:<36} {format_money(li.amount_sold):>14}"
              f"  {left_label}: {left}")

"""``pos-desktop shift``: status, open, cash-in, cash-out and close (the Z) from a shell.

The same services as the window, with the same permissions: ``--user``/``--pin`` say who
does it, ``--approver``/``--approver-pin`` give a supervisor's override when needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pos_common.i18n import _, format_money
from pos_desktop.cli.common import open_till, write_json
from pos_desktop.cli.users import add_login_args, guarded, login
from pos_desktop.domain.denominations import parse_counts
from pos_desktop.domain.money import parse_money


def register(sub: Any) -> None:
    p = sub.add_parser("shift", help=_("open, cash in/out and close (Z) the shift"))
    s = p.add_subparsers(dest="shift_command", required=True, metavar="ACTION")
    st = s.add_parser("status", help=_("whether a shift is open, and Z closes not yet uploaded"))
    st.add_argument("--json", action="store_true", help=_("machine-readable output"))
    st.set_defaults(handler=run_status)

    op = s.add_parser("open", help=_("open the shift with the drawer's float"))
    op.add_argument("--float", dest="float_amount", help=_("float in pesos, e.g. 20.000"))
    op.add_argument("--count", help=_("float by denomination: 10000=1,1000=10,M5=4"))
    add_login_args(op)
    op.set_defaults(handler=run_open)

    for name, helptext in (("cash-in", _("put cash into the drawer")),
                           ("cash-out", _("take cash out of the drawer"))):
        mv = s.add_parser(name, help=helptext)
        mv.add_argument("--amount", required=True, help=_("pesos, e.g. 5.000"))
        mv.add_argument("--reason", required=True, help=_("why, for the Z and the audit"))
        add_login_args(mv)
        mv.set_defaults(handler=run_move, direction=name)

    close = s.add_parser("close", help=_("Z close: count the drawer and close the shift"))
    close.add_argument("--count", required=True,
                       help=_("the drawer by denomination: 20000=2,1000=13,M2=5,OTHER=50"))
    close.add_argument("--reason", help=_("why the drawer is over or short"))
    close.add_argument("--json", action="store_true", help=_("print the Z as JSON"))
    close.add_argument("--pdf", type=Path, help=_("also save the Z as an A4 PDF here"))
    add_login_args(close)
    close.set_defaults(handler=run_close)


def _open(args: argparse.Namespace) -> Any:
    return open_till(args)


def run_status(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        row = till.shifts.current()
        pending = [] if till.standalone else till.shifts.pending_uploads()
    finally:
        till.close()
    shift = None if row is None else {k: row[k] for k in (
        "shift_id", "opened_at", "opened_by_id", "opened_by_name", "float")}
    if args.json:
        write_json({"open_shift": shift, "z_pending_upload": pending})
        return 0
    if shift is None:
        print(_("No shift is open."))
    else:
        print(_("Shift open since {at} by {name}, float {float}.").format(
            at=shift["opened_at"], name=shift["opened_by_name"],
            float=format_money(shift["float"])))
    if pending:
        print(_("Z closes waiting to reach head office: {numbers}").format(
            numbers=", ".join(str(n) for n in pending)))
    return 0


def run_open(args: argparse.Namespace) -> int:
    counts = parse_counts(args.count) if args.count else None
    amount = parse_money(args.float_amount) if args.float_amount else None
    till = _open(args)
    try:
        login(till, args)
        opened = guarded(till, args, lambda: till.shifts.open_shift(amount, counts=counts))
    finally:
        till.close()
    print(_("Shift open, float {float}.").format(float=format_money(opened.float)))
    return 0


def run_move(args: argparse.Namespace) -> int:
    amount = parse_money(args.amount)
    till = _open(args)
    try:
        login(till, args)
        move = till.shifts.cash_in if args.direction == "cash-in" else till.shifts.cash_out
        guarded(till, args, lambda: move(amount, args.reason))
    finally:
        till.close()
    print(_("Done: {amount}.").format(amount=format_money(amount)))
    return 0


def run_close(args: argparse.Namespace) -> int:
    from pos_desktop.services.reports import write_pdf

    counts = parse_counts(args.count)
    till = _open(args)
    try:
        login(till, args)
        z = guarded(till, args, lambda: till.shifts.close_shift(counts, args.reason))
    finally:
        till.close()
    if args.pdf:
        write_pdf(z.report, args.pdf)
    if args.json:
        write_json(z.report)
        return 0
    over = z.payload["over_short"]
    print(_("Z {number} closed. Expected {expected}, counted {counted}, difference {diff}.")
          .format(number=z.z_number, expected=format_money(z.payload["expected_cash"]),
                  counted=format_money(z.payload["counted_cash"]), diff=format_money(over)))
    if z.pdf:
        print(_("PDF: {path}").format(path=z.pdf))
    return 0

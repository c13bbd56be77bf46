"""``pos-desktop report x [--json | --pdf FILE]`` and
``pos-desktop report z [--number N] [--json | --pdf FILE]``.

Both only read: the X is the open shift so far (nothing is reset), the Z is a close already
made (the last one unless ``--number``) with its upload state.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pos_common.i18n import _
from pos_desktop.cli.common import open_till, write_json


def register(sub: Any) -> None:
    p = sub.add_parser("report", help=_("X (shift so far) and Z (closed shift) reports"))
    s = p.add_subparsers(dest="report_kind", required=True, metavar="KIND")
    x = s.add_parser("x", help=_("the open shift so far (no reset)"))
    z = s.add_parser("z", help=_("a closed shift (the last one by default)"))
    z.add_argument("--number", type=int, help=_("Z number"))
    for cmd in (x, z):
        out = cmd.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help=_("one JSON document"))
        out.add_argument("--pdf", type=Path, help=_("save as an A4 PDF"))
        cmd.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pos_desktop.services.reports import report_document, write_pdf

    x = args.report_kind == "x"
    till = open_till(args)
    try:
        if x:
            report = till.shifts.x_data(till.shifts.figures())
            report["terminal_id"] = till.identity.terminal_id
            report.update(till.shifts.heading())
        else:
            report = till.shifts.z_report(args.number)
        standalone = till.standalone
    finally:
        till.close()
    if args.json:
        write_json(report)
        return 0
    if args.pdf:
        write_pdf(report, args.pdf, x=x)
        print(_("PDF: {path}").format(path=args.pdf))
        return 0
    doc = report_document(report, x=x)
    print(doc["title"])
    if doc["subtitle"]:
        print(doc["subtitle"])
    for row in doc["rows"]:
        if row.get("separator"):
            print("-" * 48)
        else:
            print(f"{row['label']:<30}{row['value']:>18}" if row["value"] else row["label"])
    if not x and not standalone:  # a till with no head office has nothing to send
        print(_("Upload: {state}").format(
            state=_("sent") if report["upload"] == "sent" else _("pending")))
    return 0

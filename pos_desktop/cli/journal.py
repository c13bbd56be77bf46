"""``pos-desktop journal --json``: the completed sales, for support and audits.

``pos-desktop journal --verify [--json]`` checks the tamper-evident chain and the rows it
vouches for; it exits 1 and names the first broken, missing or reordered entry, or
confirms the chain and prints its head.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pos_common.i18n import N_, _, explain, format_money, language, ngettext
from pos_desktop.cli.common import CHECK_FAILED, checked_data_dir, open_till, write_json
from pos_desktop.store.integrity import damaged

# The kinds of journal problem, as --json names them, in words for the reader.
PROBLEM_NAMES = {"broken": N_("changed"), "missing": N_("missing"),
                 "reordered": N_("out of order"), "mismatch": N_("does not agree")}


def register(sub: Any) -> None:
    p = sub.add_parser("journal", help=_("print completed sales"))
    p.add_argument("--json", action="store_true", help=_("one JSON document"))
    p.add_argument("--verify", action="store_true",
                   help=_("check the hash chain and the rows it covers (exit 1 if broken)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.verify:
        return run_verify(args)
    till = open_till(args)
    try:
        with till.uow() as uow:
            sales = [_sale_view(p) for p in uow.sales.payloads()]
    finally:
        till.close()
    if args.json:
        write_json({"sales": sales})
        return 0
    for s in sales:
        print(
            f"{s['ticket']}  {s['completed_at']}  {format_money(s['total']):>14}  "
            + ngettext("{n} line", "{n} lines", len(s["lines"])).format(n=len(s["lines"]))
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
        "discounts": sum(li["discount"] for li in p["lines"]) - p.get("rounding", 0),
        "rounding": p.get("rounding", 0),
        "total": p["total"],
        "iva": p["iva"],
    }


def _report_damaged(args: argparse.Namespace, path: Path, problem: str) -> int:
    if args.json:
        write_json({"ok": False, "damaged": problem})
    else:
        print(explain(damaged(path, problem)), file=sys.stderr)
    return CHECK_FAILED


def run_verify(args: argparse.Namespace) -> int:
    """Read-only: opens the file directly, so checking never adds to what it checks."""
    from pos_desktop.services.journal_verify import verify_engine
    from pos_desktop.store.db import database_path, open_engine
    from pos_desktop.store.integrity import explain, quick_check

    path = database_path(checked_data_dir(args))
    if not path.exists():
        print(_("No till database at {path}.").format(path=path), file=sys.stderr)
        return 2
    problem = quick_check(path)  # a damaged file is reported, not read on into a traceback
    if problem is None:
        engine = open_engine(path, writer=False)
        try:
            result = verify_engine(engine)
        except Exception as exc:
            if explain(exc, path) is None:
                raise
            problem = str(getattr(exc, "orig", exc))
        finally:
            engine.dispose()
    if problem is not None:
        return _report_damaged(args, path, problem)
    if args.json:
        write_json(result.as_dict())
    elif result.ok:
        print(_("Journal OK: {entries} entries, head #{seq} {hash}").format(
            entries=result.entries, seq=result.head_seq, hash=result.head_hash))
    else:
        first = result.first
        assert first is not None
        print(_("Journal BROKEN at entry {seq} ({kind}): {detail}").format(
            seq=first.seq, kind=_(PROBLEM_NAMES[first.kind.value]),
            detail=first.text(language())), file=sys.stderr)
        count = len(result.problems)
        print(ngettext("{count} problem in all (see --json).",
                       "{count} problems in all (see --json).", count).format(count=count),
              file=sys.stderr)
    return 0 if result.ok else 1

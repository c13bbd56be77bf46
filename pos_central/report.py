"""The daily report: sales, refunds and cash by store, terminal and tender; IVA per rate;
sequence gaps and journal breaks per terminal. All amounts are integer centavos.

"The day" is the till's local date of each sale (``business_date``), so a store in
another time zone reports its own day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pos_central.conflicts import ALERT_NAMES, HELD_NAMES, alerts, held, render_clocks, suspended
from pos_central.database import connect
from pos_central.fiscal.status import render_fortnights
from pos_central.fiscal.status import report_section as caea_section
from pos_central.fiscal_report import fiscal_section, render_fiscal_text, summarize
from pos_central.ingest.apply import database_errors
from pos_central.ingest.clocks import skewed_terminals
from pos_common.labels import rate_label, tender_label

TENDERS = ("cash", "debit", "credit", "transfer")
RATES = ("21", "10.5", "27", "5", "2.5", "0", "exempt", "not_taxed")
# The daily report is Spanish: the till's labels (pos_common.labels) in es-AR.
TENDER_NAMES = {kind: tender_label(kind, "es_AR") for kind in TENDERS}
RATE_NAMES = {rate: rate_label(rate, "es_AR") for rate in RATES}

_QUERIES = {
    "sales": """
        SELECT store_id, terminal_id, count(*), sum(total), sum(change), sum(rounding)
        FROM sales WHERE business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2""",
    "sale_tenders": """
        SELECT s.store_id, s.terminal_id, p.kind, sum(p.amount)
        FROM payments p JOIN sales s USING (sale_id)
        WHERE s.business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3""",
    "sale_iva": """
        SELECT s.store_id, s.terminal_id, i.rate, sum(i.gross), sum(i.net), sum(i.tax)
        FROM sale_iva i JOIN sales s USING (sale_id)
        WHERE s.business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3""",
    "refunds": """
        SELECT store_id, terminal_id, count(*), sum(total) FROM refunds
        WHERE business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2""",
    "refund_tenders": """
        SELECT r.store_id, r.terminal_id, t.kind, sum(t.amount)
        FROM refund_tenders t JOIN refunds r USING (refund_id)
        WHERE r.business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3""",
    "refund_iva": """
        SELECT r.store_id, r.terminal_id, i.rate, sum(i.gross), sum(i.net), sum(i.tax)
        FROM refund_iva i JOIN refunds r USING (refund_id)
        WHERE r.business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3""",
    "cash": """
        SELECT store_id, terminal_id, direction, count(*), sum(amount) FROM cash_movements
        WHERE business_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3""",
    "shifts": """
        SELECT store_id, terminal_id, z_number, closed_at::text, expected_cash, counted_cash,
            over_short
        FROM shifts WHERE business_date BETWEEN %(first)s AND %(last)s
        ORDER BY store_id, terminal_id, z_number""",
    "progress": """
        SELECT t.store_id, t.terminal_id, coalesce(p.contiguous_seq, 0), coalesce(p.max_seq, 0),
            coalesce(p.gaps, '[]'::jsonb)
        FROM terminals t LEFT JOIN terminal_progress p USING (store_id, terminal_id)""",
    "breaks": """
        SELECT store_id, terminal_id, seq, expected_prev_hash, found_prev_hash, detected_at::text
        FROM journal_breaks ORDER BY store_id, terminal_id, seq""",
}


def _terminal(store_id: str, terminal_id: str) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "terminal_id": terminal_id,
        "sales_count": 0,
        "sales_total": 0,
        "cash_rounding": 0,
        "refunds_count": 0,
        "refunds_total": 0,
        "cash_in": 0,
        "cash_out": 0,
        "cash_movements": 0,
        "by_tender": {kind: {"sales": 0, "refunds": 0} for kind in TENDERS},
        "iva": {
            rate: {
                "sales_gross": 0,
                "sales_net": 0,
                "sales_tax": 0,
                "refunds_gross": 0,
                "refunds_net": 0,
                "refunds_tax": 0,
            }
            for rate in RATES
        },
        "shifts": [],
        "contiguous_seq": 0,
        "max_seq": 0,
        "gaps": [],
        "journal_breaks": [],
    }


def build_daily_report(db_url: str, day: date) -> dict[str, Any]:
    """The report as plain data (what ``--json`` prints)."""
    return build_period_report(db_url, day, day)


def build_period_report(db_url: str, first: date, last: date) -> dict[str, Any]:
    """The same report over the days ``first`` to ``last`` (a month, for the web pages);
    its ``date`` is ``first``, or ``YYYY-MM`` for a whole calendar month."""
    span = {"first": first, "last": last}
    with database_errors(), connect(db_url) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        rows = {name: db.execute(sql, span).fetchall() for name, sql in _QUERIES.items()}
        raised = alerts(db, first, last)
        waiting = held(db)
        stopped = [s for s in suspended(db) if s["lifted_at"] is None]
        fiscal = fiscal_section(db, first, last)
        clocks = skewed_terminals(db, first, last)
        caea = caea_section(db, first, last)
    report = _assemble(first, rows)
    report["caea"] = caea  # per CUIT and fortnight: issued, informed to ARCA, rejected
    report["totals"]["caea_not_informed"] = sum(f["pending"] for f in caea)
    report["fiscal"] = fiscal  # by comprobante type; what ARCA has not authorized
    report["totals"]["unauthorized_comprobantes"] = fiscal["unauthorized_count"]
    report["alerts"] = raised  # detected in the period: what someone must look at
    report["totals"]["alerts"] = len(raised)
    report["suspended"] = stopped  # identities two tills use: nothing of theirs applied
    report["held"] = _held_summary(waiting)
    report["clocks"] = clocks  # tills whose clock filed events under a wrong day
    report["totals"]["clock_skewed_events"] = sum(c["events"] for c in clocks)
    if first != last:
        report["date"] = first.isoformat()[:7] if first.day == 1 else first.isoformat()
        report["last_date"] = last.isoformat()
    return report


def restrict_to_stores(report: dict[str, Any], stores: set[str]) -> dict[str, Any]:
    """The report with only ``stores`` (a store manager's), totals recomputed."""
    kept = [s for s in report["stores"] if s["store_id"] in stores]
    terminals = [t for s in kept for t in s["terminals"]]
    totals = _sum(terminals)
    raised = [a for a in report.get("alerts", []) if a.get("store_id") in stores]
    totals["alerts"] = len(raised)
    clocks = [c for c in report.get("clocks", []) if c["store_id"] in stores]
    totals["clock_skewed_events"] = sum(c["events"] for c in clocks)
    fiscal = summarize(report["fiscal"], stores) if "fiscal" in report else None
    if fiscal is not None:
        totals["unauthorized_comprobantes"] = fiscal["unauthorized_count"]
    return {
        **report,
        "stores": kept,
        "totals": totals,
        "alerts": raised,
        "suspended": [s for s in report.get("suspended", []) if s["store_id"] in stores],
        "held": [h for h in report.get("held", []) if h["store_id"] in stores],
        "clocks": clocks,
        "caea": [],  # per CUIT, not per store: head office's
        **({"fiscal": fiscal} if fiscal is not None else {}),
    }


def _held_summary(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events held now, per terminal and reason: how many, and the sales' total."""
    summary: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in items:
        key = (item["store_id"], item["terminal_id"], item["reason"])
        row = summary.setdefault(
            key,
            {"store_id": key[0], "terminal_id": key[1], "reason": key[2], "events": 0,
             "sales_total": 0, "refunds_total": 0},
        )
        row["events"] += 1
        if item["type"] == "sale.completed":
            row["sales_total"] += item["total"] or 0
        elif item["type"] == "sale.refunded":
            row["refunds_total"] += item["total"] or 0
    return [summary[key] for key in sorted(summary)]


def _assemble(day: date, rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    terminals: dict[tuple[str, str], dict[str, Any]] = {}

    def at(store_id: str, terminal_id: str) -> dict[str, Any]:
        return terminals.setdefault((store_id, terminal_id), _terminal(store_id, terminal_id))

    for store, terminal, count, total, change, rounding in rows["sales"]:
        t = at(store, terminal)
        t["sales_count"], t["sales_total"] = count, int(total)
        t["cash_rounding"] = int(rounding)  # let off to customers; already out of the total
        t["by_tender"]["cash"]["sales"] -= int(change)  # change goes back out in cash
    for store, terminal, kind, amount in rows["sale_tenders"]:
        at(store, terminal)["by_tender"][kind]["sales"] += int(amount)
    for store, terminal, count, total in rows["refunds"]:
        t = at(store, terminal)
        t["refunds_count"], t["refunds_total"] = count, int(total)
    for store, terminal, kind, amount in rows["refund_tenders"]:
        at(store, terminal)["by_tender"][kind]["refunds"] += int(amount)
    for source, prefix in (("sale_iva", "sales"), ("refund_iva", "refunds")):
        for store, terminal, rate, gross, net, tax in rows[source]:
            iva = at(store, terminal)["iva"][rate]
            iva[f"{prefix}_gross"], iva[f"{prefix}_net"], iva[f"{prefix}_tax"] = (
                int(gross),
                int(net),
                int(tax),
            )
    for store, terminal, direction, count, amount in rows["cash"]:
        t = at(store, terminal)
        t[f"cash_{direction}"] = int(amount)
        t["cash_movements"] += count
    for store, terminal, z_number, closed_at, expected, counted, over_short in rows["shifts"]:
        at(store, terminal)["shifts"].append(
            {
                "z_number": z_number,
                "closed_at": closed_at,
                "expected_cash": expected,
                "counted_cash": counted,
                "over_short": over_short,
            }
        )
    for store, terminal, contiguous, max_seq, gaps in rows["progress"]:
        t = at(store, terminal)
        t["contiguous_seq"], t["max_seq"], t["gaps"] = contiguous, max_seq, gaps
    for store, terminal, seq, expected, found, detected_at in rows["breaks"]:
        at(store, terminal)["journal_breaks"].append(
            {
                "seq": seq,
                "expected_prev_hash": expected,
                "found_prev_hash": found,
                "detected_at": detected_at,
            }
        )
    for t in terminals.values():
        _finish(t)
    stores: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (store, _), t in sorted(terminals.items()):
        stores[store].append(t)
    store_list = [{"store_id": store, **_sum(ts), "terminals": ts} for store, ts in stores.items()]
    return {
        "date": day.isoformat(),
        "currency": "ARS",
        "totals": _sum(list(terminals.values())),
        "stores": store_list,
    }


def _finish(t: dict[str, Any]) -> None:
    """Lists instead of dicts (stable order, only what happened) and net figures."""
    t["by_tender"] = [
        {"kind": kind, **v, "net": v["sales"] - v["refunds"]}
        for kind, v in t["by_tender"].items()
        if v["sales"] or v["refunds"]
    ]
    t["iva"] = [
        {"rate": rate, **v, "net_tax": v["sales_tax"] - v["refunds_tax"]}
        for rate, v in t["iva"].items()
        if v["sales_gross"] or v["refunds_gross"]
    ]
    t["net_sales"] = t["sales_total"] - t["refunds_total"]


def _sum(terminals: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {
        key: sum(t[key] for t in terminals)
        for key in (
            "sales_count",
            "sales_total",
            "cash_rounding",
            "refunds_count",
            "refunds_total",
            "net_sales",
            "cash_in",
            "cash_out",
        )
    }
    tenders: dict[str, dict[str, int]] = defaultdict(lambda: {"sales": 0, "refunds": 0, "net": 0})
    rates: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in terminals:
        for row in t["by_tender"]:
            for key in ("sales", "refunds", "net"):
                tenders[row["kind"]][key] += row[key]
        for row in t["iva"]:
            for key, value in row.items():
                if key != "rate":
                    rates[row["rate"]][key] += value
    total["by_tender"] = [{"kind": kind, **tenders[kind]} for kind in TENDERS if kind in tenders]
    total["iva"] = [{"rate": rate, **rates[rate]} for rate in RATES if rate in rates]
    total["terminals_with_gaps"] = sum(1 for t in terminals if t["gaps"])
    total["journal_breaks"] = sum(len(t["journal_breaks"]) for t in terminals)
    return total


def money(cents: int) -> str:
    """es-AR money, e.g. $ 1.234,50 (the till's formatter)."""
    from pos_common.i18n import format_money

    return format_money(cents, lang="es_AR")


def render_text(report: dict[str, Any]) -> str:
    """A plain-text version for the terminal."""
    lines = [f"Reporte diario {report['date']} ({report['currency']})", ""]
    for store in report["stores"]:
        lines.append(
            f"Tienda {store['store_id']}: ventas {store['sales_count']} "
            f"por {money(store['sales_total'])}, "
            f"devoluciones {store['refunds_count']} por {money(store['refunds_total'])}, "
            f"neto {money(store['net_sales'])}"
        )
        for t in store["terminals"]:
            lines.append(
                f"  Caja {t['terminal_id']}: ventas {t['sales_count']} {money(t['sales_total'])}, "
                f"devoluciones {t['refunds_count']} {money(t['refunds_total'])}, "
                f"ingresos {money(t['cash_in'])}, retiros {money(t['cash_out'])}"
            )
            for row in t["by_tender"]:
                lines.append(
                    f"    {TENDER_NAMES[row['kind']]:<13} ventas {money(row['sales']):>16}  "
                    f"devoluciones {money(row['refunds']):>14}  neto {money(row['net']):>16}"
                )
            lines.append(
                f"    seq contiguo {t['contiguous_seq']} de {t['max_seq']}"
                + (f"; faltan {t['gaps']}" if t["gaps"] else "")
                + (f"; {len(t['journal_breaks'])} cortes del diario" if t["journal_breaks"] else "")
            )
    if report.get("fiscal"):
        lines += render_fiscal_text(report["fiscal"], money)
    if report.get("alerts"):
        lines += ["", f"Alertas del día: {len(report['alerts'])} (pos-central report conflicts)"]
        for alert in report["alerts"]:
            lines.append(
                f"  {ALERT_NAMES.get(alert['kind'], alert['kind'])}: tienda {alert['store_id']}, "
                f"caja {alert['terminal_id']}, seq {alert['seq']}"
            )
    for item in report.get("suspended", []):
        lines.append(
            f"  Caja {item['store_id']}/{item['terminal_id']} SUSPENDIDA (dos cajas con esa "
            "identidad): sus ventas quedan en cuarentena"
        )
    for row in report.get("held", []):
        lines.append(
            f"  En espera, caja {row['store_id']}/{row['terminal_id']}: {row['events']} eventos "
            f"({HELD_NAMES.get(row['reason'], row['reason'])}; ventas {money(row['sales_total'])})"
        )
    lines += render_clocks(report.get("clocks", []))
    if report.get("caea"):
        lines += ["", "CAEA (comprobantes emitidos sin conexión, a informar a ARCA):"]
        lines += render_fortnights(report["caea"])
    lines += ["", "IVA por tasa:"]
    for row in report["totals"]["iva"]:
        lines.append(
            f"  {RATE_NAMES[row['rate']]:>7}: ventas bruto {money(row['sales_gross'])}, "
            f"IVA {money(row['sales_tax'])}; "
            f"devoluciones IVA {money(row['refunds_tax'])}; IVA neto {money(row['net_tax'])}"
        )
    return "\n".join(lines)

"""The comprobantes of a period, for the daily report: totals by comprobante type, and the
sales and refunds whose comprobante ARCA has not authorized (or that have none: a till in
training mode). All amounts are integer centavos."""

from __future__ import annotations

from datetime import date
from typing import Any

TYPE_NAMES = {1: "Factura A", 3: "Nota de Crédito A", 6: "Factura B",
              8: "Nota de Crédito B", 11: "Factura C", 13: "Nota de Crédito C"}
LISTED = 100  # unauthorized documents listed by name; the count is always whole

_BY_TYPE = """
SELECT d.store_id, d.cbte_tipo, count(*), sum(d.total), count(a.document_id),
    coalesce(sum(d.total) FILTER (WHERE a.document_id IS NOT NULL), 0),
    sum(d.net), sum(d.iva), sum(d.exempt), sum(d.untaxed), sum(d.other_taxes)
FROM fiscal_documents d LEFT JOIN fiscal_authorizations a USING (document_kind, document_id)
WHERE d.business_date BETWEEN %(first)s AND %(last)s
GROUP BY 1, 2 ORDER BY 1, 2"""

_UNAUTHORIZED = """
SELECT d.store_id, d.terminal_id, d.document_kind, d.document_id::text, d.cbte_tipo,
    d.total, d.business_date::text, count(*) OVER ()
FROM fiscal_documents d LEFT JOIN fiscal_authorizations a USING (document_kind, document_id)
WHERE d.business_date BETWEEN %(first)s AND %(last)s AND a.document_id IS NULL
ORDER BY d.business_date, d.store_id, d.terminal_id LIMIT %(listed)s"""

_WITHOUT_COMPROBANTE = """
SELECT s.store_id, count(*), coalesce(sum(s.total), 0) FROM sales s
WHERE s.business_date BETWEEN %(first)s AND %(last)s AND NOT EXISTS (
    SELECT FROM fiscal_documents d WHERE d.document_kind = 'sale' AND d.document_id = s.sale_id)
GROUP BY 1"""
_SUMMED = ("count", "total", "authorized_count", "authorized_total", "net", "iva", "exempt",
           "untaxed", "other_taxes")


def fiscal_section(db: Any, first: date, last: date) -> dict[str, Any]:
    span = {"first": first, "last": last, "listed": LISTED}
    by_store_type = [
        {"store_id": store, "type": kind, "name": TYPE_NAMES.get(kind, str(kind)),
         "count": count, "total": int(total), "authorized_count": authorized,
         "authorized_total": int(done), "net": int(net), "iva": int(iva),
         "exempt": int(exempt), "untaxed": int(untaxed), "other_taxes": int(other)}
        for store, kind, count, total, authorized, done, net, iva, exempt, untaxed, other
        in db.execute(_BY_TYPE, span).fetchall()]
    rows = db.execute(_UNAUTHORIZED, span).fetchall()
    unauthorized = [
        {"store_id": store, "terminal_id": terminal, "kind": kind, "document_id": doc,
         "type": cbte, "name": TYPE_NAMES.get(cbte, str(cbte)), "total": int(total),
         "business_date": day}
        for store, terminal, kind, doc, cbte, total, day, _n in rows]
    without = [{"store_id": store, "count": int(count), "total": int(total)}
               for store, count, total in db.execute(_WITHOUT_COMPROBANTE, span).fetchall()]
    return summarize({"by_store_type": by_store_type, "unauthorized": unauthorized,
                      "unauthorized_count": int(rows[0][7]) if rows else 0,
                      "without_by_store": without})


def summarize(section: dict[str, Any], stores: set[str] | None = None) -> dict[str, Any]:
    """Totals by comprobante type over ``stores`` (all when None)."""
    def kept(row: dict[str, Any]) -> bool:
        return stores is None or row["store_id"] in stores

    rows = [r for r in section["by_store_type"] if kept(r)]
    by_type: dict[int, dict[str, Any]] = {}
    for row in rows:
        total = by_type.setdefault(row["type"], {"type": row["type"], "name": row["name"],
                                                 **dict.fromkeys(_SUMMED, 0)})
        for key in _SUMMED:
            total[key] += row[key]
    unauthorized = [r for r in section["unauthorized"] if kept(r)]
    without = [r for r in section["without_by_store"] if kept(r)]
    count = section["unauthorized_count"] if stores is None else len(unauthorized)
    return {
        "by_store_type": rows, "by_type": [by_type[k] for k in sorted(by_type)],
        "unauthorized_count": count, "unauthorized": unauthorized, "without_by_store": without,
        "sales_without_comprobante": {"count": sum(r["count"] for r in without),
                                      "total": sum(r["total"] for r in without)},
    }


def render_fiscal_text(section: dict[str, Any], money: Any) -> list[str]:
    lines = ["", "Comprobantes"]
    for row in section["by_type"]:
        lines.append(f"  {row['name']:<18} {row['count']:>6}  {money(row['total']):>16}  "
                     f"autorizados {row['authorized_count']}")
    if section["unauthorized_count"]:
        lines.append(f"  SIN AUTORIZACIÓN DE ARCA: {section['unauthorized_count']}")
        for row in section["unauthorized"]:
            lines.append(f"    {row['business_date']} {row['store_id']}/{row['terminal_id']} "
                         f"{row['name']} {money(row['total'])} ({row['document_id']})")
    without = section["sales_without_comprobante"]
    if without["count"]:
        lines.append(f"  Ventas sin comprobante (modo sin facturación): {without['count']} "
                     f"por {money(without['total'])}")
    return lines

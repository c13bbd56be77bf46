"""``pos-central fiscal status`` and the daily report's CAEA part: per CUIT and fortnight,
the CAEA, what was issued in its days, informed, rejected (ARCA's message), in doubt, waiting,
the idle points of sale, and the days left before FchTopeInf.

A fortnight with comprobantes not informed when its deadline is ``ALERT_DAYS`` away or
less is an alert (``central_alerts`` kind ``caea_deadline``, once per CAEA), shown with
the others in the daily report and ``report conflicts``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg

from pos_central.database import connect
from pos_central.ingest.alerts import Alert, log_alerts, record_alerts
from pos_central.ingest.apply import database_errors
from pos_common.i18n import _

ALERT_DAYS = 3
CAEA_DEADLINE = "caea_deadline"

_FORTNIGHTS = """
SELECT c.cuit, c.period, c.orden, c.caea, c.valid_from, c.valid_to, c.report_deadline,
    c.granted_at, c.published_at,
    count(a.document_id) AS issued,
    count(*) FILTER (WHERE r.state = 'informed') AS informed,
    count(*) FILTER (WHERE r.state = 'rejected') AS rejected,
    count(*) FILTER (WHERE r.state = 'sending') AS in_doubt
FROM caeas c
LEFT JOIN (fiscal_authorizations a JOIN fiscal_documents d USING (document_kind, document_id))
    ON a.authorization_kind = 'CAEA' AND d.seller_cuit = c.cuit
    AND a.cbte_fch BETWEEN c.valid_from AND c.valid_to
LEFT JOIN caea_reports r ON (r.document_kind, r.document_id) = (a.document_kind, a.document_id)
WHERE %(cuit)s::text IS NULL OR c.cuit = %(cuit)s
GROUP BY c.grant_id ORDER BY c.cuit, c.valid_from DESC
"""
_REJECTIONS = """
SELECT r.point_of_sale, r.cbte_tipo, r.number, r.arca_message FROM caea_reports r
JOIN fiscal_authorizations a USING (document_kind, document_id)
WHERE r.cuit = %s AND a.cbte_fch BETWEEN %s AND %s AND r.state = 'rejected'
ORDER BY r.point_of_sale, r.cbte_tipo, r.number
"""
_IDLE = """
SELECT point_of_sale, state, arca_message FROM caea_idle_reports WHERE caea = %s
ORDER BY point_of_sale
"""
_FIRST_PENDING = """
SELECT a.store_id, a.terminal_id, e.seq, a.event_id::text FROM fiscal_authorizations a
JOIN fiscal_documents d USING (document_kind, document_id)
JOIN processed_events e ON e.event_id = a.event_id
LEFT JOIN caea_reports r USING (document_kind, document_id)
WHERE a.authorization_kind = 'CAEA' AND d.seller_cuit = %s
  AND a.cbte_fch BETWEEN %s AND %s AND r.state IS DISTINCT FROM 'informed'
ORDER BY a.point_of_sale, a.cbte_tipo, a.number LIMIT 1
"""


def fiscal_status(db_url: str, today: date, cuit: str | None = None, *,
                  record: bool = False) -> dict[str, Any]:
    """The status as a JSON-ready dict; ``record`` stores the deadline alerts."""
    with database_errors(), connect(db_url) as db:
        found = status_in(db, today, cuit)
        if record:
            raise_deadline_alerts(db, found)
        db.commit()
    return found


def status_in(db: psycopg.Connection[Any], today: date, cuit: str | None = None
              ) -> dict[str, Any]:
    taxpayers = [r[0] for r in db.execute(
        "SELECT cuit FROM fiscal_taxpayers WHERE %(c)s::text IS NULL OR cuit = %(c)s "
        "ORDER BY cuit", {"c": cuit})]
    points = db.execute(
        "SELECT cuit, point_of_sale, store_id, terminal_id, registered FROM caea_points_of_sale "
        "WHERE %(c)s::text IS NULL OR cuit = %(c)s ORDER BY 1, 2", {"c": cuit}).fetchall()
    fortnights = []
    for row in db.execute(_FORTNIGHTS, {"cuit": cuit}).fetchall():
        (tax_id, period, order, caea, valid_from, valid_to, deadline, granted_at, published_at,
         issued, informed, rejected, in_doubt) = row
        pending = int(issued) - int(informed)
        days_left = (deadline - today).days
        fortnights.append({
            "cuit": tax_id, "period": period, "order": order, "caea": caea,
            "valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat(),
            "report_deadline": deadline.isoformat(), "days_left": days_left,
            "granted_at": granted_at.isoformat(), "sent_to_tills": published_at is not None,
            "issued": int(issued), "informed": int(informed), "rejected": int(rejected),
            "in_doubt": int(in_doubt), "pending": pending,
            "rejections": [
                {"point_of_sale": p, "cbte_tipo": t, "number": n, "message": m}
                for p, t, n, m in db.execute(_REJECTIONS, (tax_id, valid_from, valid_to))],
            "idle_points_of_sale": [
                {"point_of_sale": p, "state": s, "message": m}
                for p, s, m in db.execute(_IDLE, (caea,))],
            "alert": pending > 0 and days_left <= ALERT_DAYS,
        })
    return {
        "date": today.isoformat(),
        "taxpayers": taxpayers,
        "points_of_sale": [{"cuit": c, "point_of_sale": p, "store_id": s, "terminal_id": t,
                            "registered": r} for c, p, s, t, r in points],
        "fortnights": fortnights,
        "alerts": sum(1 for f in fortnights if f["alert"]),
    }


def raise_deadline_alerts(db: psycopg.Connection[Any], status: dict[str, Any]) -> None:
    alerts = []
    for f in status["fortnights"]:
        if not f["alert"]:
            continue
        first = db.execute(_FIRST_PENDING, (f["cuit"], f["valid_from"], f["valid_to"])
                           ).fetchone()
        if first is None:
            continue
        store, terminal, seq, event_id = first
        alerts.append(Alert(CAEA_DEADLINE, store, terminal, int(seq), event_id,
                            f"caea-deadline|{f['cuit']}|{f['caea']}", deadline_text(f)))
    with db.cursor() as cursor:
        log_alerts(record_alerts(cursor, alerts))


def deadline_text(f: dict[str, Any]) -> str:
    return _("CAEA {caea} ({period}/{order}): {pending} comprobantes not informed to ARCA, "
             "{days} days before the deadline {deadline}").format(
                 caea=f["caea"], period=f["period"], order=f["order"], pending=f["pending"],
                 days=f["days_left"], deadline=f["report_deadline"])


def report_section(db: psycopg.Connection[Any], first: date, last: date
                   ) -> list[dict[str, Any]]:
    """The daily report's CAEA part: the fortnights that overlap the period or whose
    comprobantes may still be informed in it (days left counted from ``last``)."""
    return [f for f in status_in(db, last)["fortnights"]
            if f["valid_from"] <= last.isoformat() and f["report_deadline"] >= first.isoformat()]


def render(status: dict[str, Any]) -> str:
    """``fiscal status`` for people."""
    lines = [_("CAEA on {date}").format(date=status["date"])]
    if not status["fortnights"]:
        lines.append(_("  no CAEA yet (pos-central fiscal caea request)"))
    return "\n".join([*lines, *render_fortnights(status["fortnights"])])


def render_fortnights(fortnights: list[dict[str, Any]]) -> list[str]:
    lines = []
    for f in fortnights:
        lines.append(_(
            "  CUIT {cuit} {period}/{order}: CAEA {caea}, {valid_from} to {valid_to}, "
            "inform by {deadline} ({days} days left)").format(
                cuit=f["cuit"], period=f["period"], order=f["order"], caea=f["caea"],
                valid_from=f["valid_from"], valid_to=f["valid_to"],
                deadline=f["report_deadline"], days=f["days_left"]))
        lines.append(_(
            "    issued {issued}, informed {informed}, rejected {rejected}, in doubt "
            "{in_doubt}, pending {pending}").format(**f))
        for r in f["rejections"]:
            lines.append(_("    rejected: point of sale {point_of_sale}, type {cbte_tipo}, "
                           "number {number}: {message}").format(**r))
        for idle in f["idle_points_of_sale"]:
            lines.append(_("    point of sale {point_of_sale} sin movimiento: {state}").format(
                **idle))
        if f["alert"]:
            # Spanish opens an exclamation with "¡", English does not ("¡CAEA …!" read odd)
            lines.append("    " + _("{alert}!").format(alert=deadline_text(f)))
    return lines

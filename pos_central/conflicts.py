"""``pos-central report conflicts``: what a person at head office must look at.

Alerts (a fact contradicted, a cloned till) as the ingest recorded them, newest first.
Plain data for ``--json``, the daily report and head office's web pages; ``render_text``
for the terminal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg

from pos_central.database import connect
from pos_central.ingest.apply import database_errors

ALERT_NAMES = {
    "conflict": "Conflicto (un hecho registrado no se reescribe)",
    "clone": "Caja clonada (dos cajas con la misma identidad)",
}

_ALERTS = """
SELECT alert_id, kind, store_id, terminal_id, seq, event_id::text, detail, detected_at
FROM central_alerts
WHERE (%(since)s::date IS NULL OR detected_at >= %(since)s::date)
    AND (%(until)s::date IS NULL OR detected_at < %(until)s::date + 1)
ORDER BY detected_at DESC, alert_id DESC
"""


def alerts(
    db: psycopg.Connection[Any], since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Alerts detected from ``since`` to ``until`` (dates in the server's time zone)."""
    rows = db.execute(_ALERTS, {"since": since, "until": until}).fetchall()
    return [
        {
            "alert_id": alert_id,
            "kind": kind,
            "store_id": store_id,
            "terminal_id": terminal_id,
            "seq": seq,
            "event_id": event_id,
            "detail": detail,
            "detected_at": detected_at.isoformat(),
        }
        for alert_id, kind, store_id, terminal_id, seq, event_id, detail, detected_at in rows
    ]


def build_conflicts_report(db_url: str, since: date | None = None) -> dict[str, Any]:
    with database_errors(), connect(db_url) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return {"since": since.isoformat() if since else None, "alerts": alerts(db, since)}


def render_text(report: dict[str, Any]) -> str:
    found = report["alerts"]
    since = f" desde {report['since']}" if report["since"] else ""
    if not found:
        return f"Sin conflictos{since}."
    lines = [f"Conflictos y alertas{since}: {len(found)}", ""]
    for alert in found:
        lines.append(
            f"{alert['detected_at'][:19]}  {ALERT_NAMES.get(alert['kind'], alert['kind'])}\n"
            f"    tienda {alert['store_id']}, caja {alert['terminal_id']}, seq {alert['seq']}, "
            f"evento {alert['event_id']}\n    {alert['detail']}"
        )
    return "\n".join(lines)

"""``pos-central report conflicts``: what a person at head office must look at.

Alerts (a fact contradicted, a cloned till) as the ingest recorded them, newest first,
and the events held aside (a refund waiting for its sale), oldest first.
Plain data for ``--json``, the daily report and head office's web pages; ``render_text``
for the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg

from pos_central.database import connect
from pos_central.ingest.apply import database_errors
from pos_central.ingest.clocks import describe_offset, skewed_terminals

ALERT_NAMES = {
    "conflict": "Conflicto (un hecho registrado no se reescribe)",
    "clone": "Caja clonada (dos cajas con la misma identidad)",
    "caea_rejected": "ARCA rechazó un comprobante CAEA (su punto de venta se detiene ahí)",
    "caea_deadline": "Comprobantes CAEA sin informar cerca del vencimiento (FchTopeInf)",
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
    return ask_alerts(db, since, until)()


def ask_alerts(
    db: psycopg.Connection[Any], since: date | None = None, until: date | None = None
) -> Callable[[], list[dict[str, Any]]]:
    """``alerts`` in two steps: the statement sent now, its rows read by what it returns
    (the dashboard sends all its statements at once: ``api/sync_health.py``)."""
    found = db.execute(_ALERTS, {"since": since, "until": until})
    return lambda: _alerts_of(found.fetchall())


def _alerts_of(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
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


HELD_NAMES = {
    "refund_before_sale": "devolución en espera de su venta",
    "clone": "en cuarentena: caja clonada",
    "clone_leftover": "en cuarentena: número ya usado por la otra caja clonada",
}

_SUSPENDED = """
SELECT store_id, terminal_id, reason, detail, seq, suspended_at, lifted_at, resume_after_seq
FROM terminal_suspensions ORDER BY suspended_at DESC
"""


def suspended(db: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Identities suspended because two tills used them (and those lifted since)."""
    return [
        {
            "store_id": store_id,
            "terminal_id": terminal_id,
            "reason": reason,
            "detail": detail,
            "seq": seq,
            "suspended_at": at.isoformat(),
            "lifted_at": None if lifted is None else lifted.isoformat(),
            "resume_after_seq": resume,
        }
        for store_id, terminal_id, reason, detail, seq, at, lifted, resume in db.execute(
            _SUSPENDED
        ).fetchall()
    ]

_HELD = """
SELECT store_id, terminal_id, seq, type, event_id::text, reason, waiting_for::text, held_at,
    (body::jsonb)->'payload'->>'total'
FROM held_events ORDER BY held_at, store_id, terminal_id, seq
"""


def held(db: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every event held aside now (not applied, not lost)."""
    return [
        {
            "store_id": store_id,
            "terminal_id": terminal_id,
            "seq": seq,
            "type": event_type,
            "event_id": event_id,
            "reason": reason,
            "waiting_for": waiting,
            "held_at": held_at.isoformat(),
            "total": None if total is None else int(total),
        }
        for store_id, terminal_id, seq, event_type, event_id, reason, waiting, held_at, total
        in db.execute(_HELD).fetchall()
    ]


def build_conflicts_report(db_url: str, since: date | None = None) -> dict[str, Any]:
    with database_errors(), connect(db_url) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return {
            "since": since.isoformat() if since else None,
            "alerts": alerts(db, since),
            "suspended": suspended(db),
            "held": held(db),
            "clocks": skewed_terminals(db, since),
        }


def render_text(report: dict[str, Any]) -> str:
    found = report["alerts"]
    since = f" desde {report['since']}" if report["since"] else ""
    lines = [f"Conflictos y alertas{since}: {len(found)}" if found else f"Sin conflictos{since}."]
    for alert in found:
        lines.append(
            f"{alert['detected_at'][:19]}  {ALERT_NAMES.get(alert['kind'], alert['kind'])}\n"
            f"    tienda {alert['store_id']}, caja {alert['terminal_id']}, seq {alert['seq']}, "
            f"evento {alert['event_id']}\n    {alert['detail']}"
        )
    for item in report["suspended"]:
        state = (
            "SUSPENDIDA: no se aplica nada de esta caja hasta registrarla de nuevo "
            f"(pos-central till add --store {item['store_id']} --terminal {item['terminal_id']})"
            if item["lifted_at"] is None
            else f"registrada de nuevo {item['lifted_at'][:19]} (desde seq "
            f"{item['resume_after_seq']})"
        )
        lines += ["", f"Caja {item['store_id']}/{item['terminal_id']}: {state}",
                  f"    {item['detail']}"]
    if report["held"]:
        lines += ["", f"Eventos en espera (no aplicados, no perdidos): {len(report['held'])}"]
    for item in report["held"]:
        waiting = f" (venta {item['waiting_for']})" if item["waiting_for"] else ""
        lines.append(
            f"  {item['held_at'][:19]}  tienda {item['store_id']}, caja {item['terminal_id']}, "
            f"seq {item['seq']}: {HELD_NAMES.get(item['reason'], item['reason'])}{waiting}"
        )
    lines += render_clocks(report.get("clocks", []))
    return "\n".join(lines)


def render_clocks(terminals: list[dict[str, Any]], *, listed: bool = True) -> list[str]:
    """Each terminal whose clock was off, and (``listed``) the events it misfiled."""
    lines: list[str] = []
    for item in terminals:
        low, high = item["offset_s_min"], item["offset_s_max"]
        span = describe_offset(high if abs(high) >= abs(low) else low)
        lines += [
            "",
            f"Reloj desfasado, caja {item['store_id']}/{item['terminal_id']}: {span}; "
            f"{item['events']} eventos quedaron con la fecha de la caja (corrija la hora "
            "de la caja; los eventos no se cambian)",
        ]
        if not listed:
            continue
        for event in item["items"]:
            total = "" if event["total"] is None else f", total {event['total']} centavos"
            ticket = f" ticket {event['ticket']}" if event["ticket"] else ""
            lines.append(
                f"  seq {event['seq']} {event['type']}{ticket}: fecha de la caja "
                f"{str(event['occurred_at'])[:19]}, recibido {str(event['received_at'])[:19]}"
                f"{total}"
            )
    return lines

"""Alerts: what a person at head office must look at (a conflict, a cloned till).

An alert is recorded once per offending message (``kind`` + the digest of its body), in
the same transaction as the batch that found it, so a re-delivery does not repeat it;
the ingest counts it in ``/metrics`` (``pos_central_alerts_total{kind}``) and logs it;
the daily report and ``pos-central report conflicts`` list it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

log = logging.getLogger("pos_central.ingest")

CONFLICT = "conflict"
"""A fact contradicted: the same event_id with another body, a second Z for a closed
shift, a sale already recorded under another event."""


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    store_id: str
    terminal_id: str
    seq: int
    event_id: str
    evidence: str
    """Digest of the offending message's body: one alert per message."""
    detail: str


_RECORD = """
INSERT INTO central_alerts (kind, store_id, terminal_id, seq, event_id, evidence, detail)
SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::uuid[], %s::text[],
    %s::text[])
ON CONFLICT (kind, evidence) DO NOTHING
RETURNING kind, evidence
"""


def record_alerts(cursor: psycopg.Cursor[Any], alerts: Sequence[Alert]) -> list[Alert]:
    """Insert ``alerts``; returns those that were new (not seen in an earlier delivery)."""
    alerts = list({(a.kind, a.evidence): a for a in alerts}.values())  # one per message
    if not alerts:
        return []
    columns = list(
        zip(
            *(
                (a.kind, a.store_id, a.terminal_id, a.seq, a.event_id, a.evidence, a.detail)
                for a in alerts
            ),
            strict=True,
        )
    )
    rows = cursor.execute(_RECORD, [list(column) for column in columns])
    new = {(kind, evidence) for kind, evidence in rows}
    return [a for a in alerts if (a.kind, a.evidence) in new]


def log_alerts(alerts: Sequence[Alert]) -> None:
    for alert in alerts:
        log.error(
            "alerta: %s",
            alert.detail,
            extra={
                "alert": alert.kind,
                "store_id": alert.store_id,
                "terminal_id": alert.terminal_id,
                "seq": alert.seq,
                "event_id": alert.event_id,
            },
        )

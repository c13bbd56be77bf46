"""FECAEASinMovimientoInformar: a CAEA point of sale that issued nothing with a fortnight's
CAEA is informed idle once that fortnight is over, exactly once (the same 'sending' before
the request, answer with the state, FECAEASinMovimientoConsultar to resolve a doubt).

A point of sale is idle only when head office can tell: its till sent an event dated after
the fortnight (so no comprobante of it is still on the way), or a point of sale registered
by hand has no till, or the deadline (FchTopeInf) is two days away or less.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg

from pos_arca import ArcaError, ArcaRejected, WsfeClient
from pos_central.database import connect
from pos_central.fiscal.stores import LEARN_POINTS_OF_SALE
from pos_central.ingest.apply import database_errors

log = logging.getLogger("pos_central.fiscal")

ALREADY_IDLE = 1202
DEADLINE_MARGIN = timedelta(days=2)

_CANDIDATES = """
SELECT c.caea, p.point_of_sale, r.state
FROM caeas c
JOIN caea_points_of_sale p ON p.cuit = c.cuit
LEFT JOIN caea_idle_reports r ON (r.cuit, r.caea, r.point_of_sale) = (c.cuit, c.caea,
    p.point_of_sale)
WHERE c.cuit = %(cuit)s AND c.valid_to < %(today)s AND c.report_deadline >= %(today)s
  AND r.state IS DISTINCT FROM 'informed' AND r.state IS DISTINCT FROM 'rejected'
  AND NOT EXISTS (SELECT FROM fiscal_authorizations a WHERE a.authorization_kind = 'CAEA'
                  AND a.authorization_code = c.caea AND a.point_of_sale = p.point_of_sale)
  AND (p.terminal_id IS NULL OR c.report_deadline - %(margin)s::integer <= %(today)s
       OR EXISTS (SELECT FROM processed_events e WHERE e.store_id = p.store_id
                  AND e.terminal_id = p.terminal_id
                  AND e.occurred_at >= (c.valid_to + 1)::timestamp AT TIME ZONE
                      'America/Argentina/Buenos_Aires'))
ORDER BY c.valid_from, p.point_of_sale
"""
_SENDING = """
INSERT INTO caea_idle_reports (cuit, caea, point_of_sale, state) VALUES (%s, %s, %s, 'sending')
ON CONFLICT (cuit, caea, point_of_sale) DO UPDATE SET state = 'sending', sent_at = now()
"""
_ANSWER = """
UPDATE caea_idle_reports SET state = %s, answered_at = now(), arca_codes = %s,
    arca_message = %s WHERE cuit = %s AND caea = %s AND point_of_sale = %s
"""


@dataclass
class IdleResult:
    informed: list[tuple[str, int]] = field(default_factory=list)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    failure: str | None = None
    """ARCA did not answer, or refused the credentials or a query: the run stops there."""


def inform_idle(db_url: str, wsfe: WsfeClient, cuit: str, today: date) -> IdleResult:
    result = IdleResult()
    with database_errors(), connect(db_url) as db:
        db.execute(LEARN_POINTS_OF_SALE)
        rows = db.execute(_CANDIDATES, {"cuit": cuit, "today": today,
                                        "margin": DEADLINE_MARGIN.days}).fetchall()
        db.commit()
        try:
            for caea, pto, state in rows:
                _one(db, wsfe, result, cuit, str(caea), int(pto), doubt=state == "sending")
        except ArcaError as error:  # no answer, credentials refused: the next run tries again
            result.failure = str(error)
    return result


def _one(db: psycopg.Connection[Any], wsfe: WsfeClient, result: IdleResult, cuit: str,
         caea: str, pto: int, *, doubt: bool) -> None:
    if doubt and wsfe.consult_caea_unused(caea, pto):
        _answer(db, cuit, caea, pto, "informed", [], "FECAEASinMovimientoConsultar")
        result.informed.append((caea, pto))
        return
    db.execute(_SENDING, (cuit, caea, pto))
    db.commit()
    try:
        wsfe.inform_caea_unused(pto, caea)
    except ArcaRejected as refused:
        if ALREADY_IDLE in refused.codes:
            _answer(db, cuit, caea, pto, "informed", list(refused.codes), str(refused))
            result.informed.append((caea, pto))
            return
        _answer(db, cuit, caea, pto, "rejected", list(refused.codes), str(refused))
        result.rejected.append((caea, pto, str(refused)))
        return
    _answer(db, cuit, caea, pto, "informed", [], None)
    result.informed.append((caea, pto))
    log.info("CAEA sin movimiento informado", extra={"cuit": cuit, "point_of_sale": pto})


def _answer(db: psycopg.Connection[Any], cuit: str, caea: str, pto: int, state: str,
            codes: list[int], message: str | None) -> None:
    db.execute(_SENDING, (cuit, caea, pto))
    db.execute(_ANSWER, (state, codes, message, cuit, caea, pto))
    db.commit()

"""``pos-central fiscal caea inform``: tell ARCA of every CAEA comprobante the ingest
applied (FECAEARegInformativo), in number order per (point of sale, type), exactly once.

Exactly once across crashes: a comprobante's ``caea_reports`` row is committed as
'sending' *before* its request leaves, and ARCA's answer is committed with its state. A
row found 'sending' (the process died, or the answer was lost) is resolved with
FECompConsultar before anything is sent again: ARCA holding it under its CAEA means it
was informed. Numbers go in ARCA's order: the next one sent is ARCA's last + 1, so a
comprobante not yet at head office (a till still offline) makes its series wait.

A rejection stops its point of sale there (the following numbers cannot be informed
before it) and is recorded with ARCA's message, as an alert, until someone fixes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import psycopg

from pos_arca import ArcaError, ArcaOutcomeUnknown, ArcaRejected, WsfeClient
from pos_arca.clock import ARGENTINA
from pos_central.database import connect
from pos_central.fiscal.comprobantes import CaeaDocument, comprobante, pending_documents
from pos_central.fiscal.stores import LEARN_POINTS_OF_SALE
from pos_central.ingest.alerts import Alert, log_alerts, record_alerts
from pos_central.ingest.apply import database_errors
from pos_common.i18n import _

log = logging.getLogger("pos_central.fiscal")

CAEA_REJECTED = "caea_rejected"
"""Alert kind: ARCA refused a CAEA comprobante; its point of sale waits for a fix."""


@dataclass
class InformResult:
    cuit: str
    informed: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    """In doubt after a crash or a lost answer; FECompConsultar showed ARCA had it."""
    rejected: list[str] = field(default_factory=list)
    stopped: dict[int, str] = field(default_factory=dict)
    """Point of sale -> why it stops (a rejection, here or in an earlier run)."""
    waiting: dict[str, int] = field(default_factory=dict)
    """Series 'pto/tipo' -> the number head office does not have yet."""
    failure: str | None = None
    """ARCA did not answer, or refused the credentials or a query: the run stops there."""


_SENDING = """
INSERT INTO caea_reports (document_kind, document_id, cuit, caea, point_of_sale, cbte_tipo,
    number, state) VALUES (%s, %s, %s, %s, %s, %s, %s, 'sending')
ON CONFLICT (document_kind, document_id) DO UPDATE SET state = 'sending',
    attempts = caea_reports.attempts + 1, sent_at = now(), answered_at = NULL
"""
_ANSWER = """
WITH answered AS (
    UPDATE caea_reports SET state = %s, answered_at = now(), arca_codes = %s,
        arca_message = %s
    WHERE document_kind = %s AND document_id = %s
    RETURNING document_kind, document_id, state
)
DELETE FROM caea_unreported u USING answered a
WHERE a.state = 'informed' AND (u.document_kind, u.document_id) = (a.document_kind,
    a.document_id)
"""
"""ARCA's answer, and an informed comprobante off the dashboard's count (migration 0014)."""
_STOPPED = """
SELECT point_of_sale, number, cbte_tipo, arca_message FROM caea_reports
WHERE cuit = %s AND state = 'rejected' ORDER BY point_of_sale, cbte_tipo, number
"""


def inform(db_url: str, wsfe: WsfeClient, cuit: str, *, retry_rejected: bool = False
           ) -> InformResult:
    """Inform what is pending for ``cuit``; never raises for ARCA (see the result)."""
    result = InformResult(cuit)
    with database_errors(), connect(db_url) as db:
        db.execute(LEARN_POINTS_OF_SALE)
        if retry_rejected:  # someone fixed what ARCA refused: send those again
            db.execute("DELETE FROM caea_reports WHERE cuit = %s AND state = 'rejected'",
                       (cuit,))
        for pto, number, tipo, message in db.execute(_STOPPED, (cuit,)).fetchall():
            result.stopped.setdefault(int(pto), _rejection_text(int(tipo), int(number), message))
        docs = pending_documents(db, cuit)
        db.commit()
        series: dict[tuple[int, int], list[CaeaDocument]] = {}
        for doc in docs:
            series.setdefault((doc.point_of_sale, doc.cbte_tipo), []).append(doc)
        try:
            for (pto, tipo), queue in series.items():
                if pto not in result.stopped:
                    _inform_series(db, wsfe, result, pto, tipo, queue)
        except ArcaError as error:  # no answer, credentials refused, a pto ARCA lacks
            result.failure = str(error)
            log.warning("CAEA: se informará en la próxima corrida",
                        extra={"cuit": cuit, "error": str(error)})
    return result


def _rejection_text(tipo: int, number: int, message: str | None) -> str:
    return _("comprobante {number} (tipo {tipo}) rejected by ARCA: {message}").format(
        number=number, tipo=tipo, message=message or "")


def _inform_series(db: psycopg.Connection[Any], wsfe: WsfeClient, result: InformResult,
                   pto: int, tipo: int, queue: list[CaeaDocument]) -> None:
    try:
        last = wsfe.last_authorized(pto, tipo)
    except ArcaRejected as refused:  # e.g. 11002: ARCA has no such CAEA point of sale
        result.stopped[pto] = str(refused)
        return
    for doc in queue:
        if doc.state == "sending" or doc.number <= last:
            if not _resolve(db, wsfe, result, doc):
                return
            last = max(last, doc.number)
            continue
        if doc.number != last + 1:
            result.waiting[f"{pto}/{tipo}"] = last + 1
            log.info("CAEA: falta el comprobante siguiente", extra={
                "cuit": doc.cuit, "point_of_sale": pto, "cbte_tipo": tipo, "next": last + 1})
            return
        if not _send(db, wsfe, result, doc):
            return
        last = doc.number


def _send(db: psycopg.Connection[Any], wsfe: WsfeClient, result: InformResult,
          doc: CaeaDocument) -> bool:
    db.execute(_SENDING, (doc.document_kind, doc.document_id, doc.cuit, doc.caea,
                          doc.point_of_sale, doc.cbte_tipo, doc.number))
    db.commit()  # from here on ARCA may hold it: a restart asks before sending again
    try:
        informed = wsfe.inform_caea(comprobante(doc), caea=doc.caea,
                                    issued_at=doc.issued_at.astimezone(ARGENTINA))
    except ArcaRejected as refused:
        if refused.operation != "FECAEARegInformativo":
            raise
        _reject(db, result, doc, list(refused.codes), str(refused))
        return False
    except ArcaOutcomeUnknown:
        raise  # stays 'sending': resolved with FECompConsultar on the next run
    notes = "; ".join(str(o) for o in informed.observations) or None
    db.execute(_ANSWER, ("informed", [o.code for o in informed.observations], notes,
                         doc.document_kind, doc.document_id))
    db.commit()
    result.informed.append(doc.label)
    return True


def _resolve(db: psycopg.Connection[Any], wsfe: WsfeClient, result: InformResult,
             doc: CaeaDocument) -> bool:
    """ARCA may hold ``doc`` already: informed if it holds this very one under its CAEA; a
    free number means it can be sent; anything else there is a rejection."""
    found = wsfe.consult(doc.point_of_sale, doc.cbte_tipo, doc.number)
    if found is None:
        return _send(db, wsfe, result, doc)
    same = (found.emission_kind == "CAEA" and found.authorization_code == doc.caea
            and found.total_centavos == int(doc.amounts["total"])
            and found.date == doc.cbte_fch)
    if not same:
        _reject(db, result, doc, [], _(
            "ARCA holds another comprobante under number {number} ({kind} {code})").format(
                number=doc.number, kind=found.emission_kind, code=found.authorization_code))
        return False
    db.execute(_SENDING, (doc.document_kind, doc.document_id, doc.cuit, doc.caea,
                          doc.point_of_sale, doc.cbte_tipo, doc.number))
    db.execute(_ANSWER, ("informed", [], "FECompConsultar", doc.document_kind,
                         doc.document_id))
    db.commit()
    result.resolved.append(doc.label)
    return True


def _reject(db: psycopg.Connection[Any], result: InformResult, doc: CaeaDocument,
            codes: list[int], message: str) -> None:
    db.execute(_SENDING, (doc.document_kind, doc.document_id, doc.cuit, doc.caea,
                          doc.point_of_sale, doc.cbte_tipo, doc.number))
    db.execute(_ANSWER, ("rejected", codes, message, doc.document_kind, doc.document_id))
    text = _rejection_text(doc.cbte_tipo, doc.number, message)
    alert = Alert(CAEA_REJECTED, doc.store_id, doc.terminal_id, doc.seq, doc.event_id,
                  f"caea|{doc.cuit}|{doc.point_of_sale}|{doc.cbte_tipo}|{doc.number}",
                  _("CAEA point of sale {pto}: {text}; informing it stops there").format(
                      pto=doc.point_of_sale, text=text))
    with db.cursor() as cursor:
        log_alerts(record_alerts(cursor, [alert]))
    db.commit()
    result.rejected.append(doc.label)
    result.stopped[doc.point_of_sale] = text


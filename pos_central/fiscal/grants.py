"""``pos-central fiscal caea request``: the fortnight's CAEA from ARCA, kept, and sent to
the tills (``caea.granted`` to each till's catalogue queue; the snapshot carries it too).

Asking is idempotent end to end: a CAEA already stored is not asked again; one ARCA
granted but head office never stored (a crash after the answer, or another installation)
is recovered with FECAEAConsultar, before asking and when ARCA answers 15008 (already
granted); a lost answer is resolved the same way. The grant is stored before it is
published, and re-published until RabbitMQ confirmed it to every till's queue.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pika
import pika.exceptions
import psycopg

from pos_arca import ArcaOutcomeUnknown, ArcaRejected, Caea, Fortnight, WsfeClient
from pos_central.config import redact
from pos_central.database import connect
from pos_central.fiscal.stores import store_cuit, terminals_of
from pos_central.ingest.apply import database_errors
from pos_central.topology import Topology, declare_till_catalog_queue
from pos_common.i18n import _
from pos_contracts import CaeaGrant, build_envelope, wire

log = logging.getLogger("pos_central.fiscal")

WINDOW = 15006
ALREADY_GRANTED = 15008
_GRANT_NAMESPACE = uuid.UUID("8d0c7c8e-6d2b-4c55-9a55-2f7f0e4a0caa")


class CaeaWindowClosed(Exception):
    """ARCA does not take this fortnight's request today (error 15006)."""

    def __init__(self, fortnight: Fortnight, today: date, arca_text: str) -> None:
        first, last = fortnight.request_window
        super().__init__(_(
            "ARCA takes the CAEA of fortnight {fortnight} from {first} to {last} (5 days before "
            "it starts until its last day); today is {today}. ARCA said: {text}").format(
                fortnight=fortnight, first=first.isoformat(), last=last.isoformat(),
                today=today.isoformat(), text=arca_text))
        self.fortnight = fortnight


class CaeaPublishError(RuntimeError):
    """The CAEA is stored but not every till's queue confirmed it; sent again next run."""


@dataclass(frozen=True)
class Obtained:
    grant: CaeaGrant
    obtained_with: str  # FECAEASolicitar | FECAEAConsultar | stored
    grant_id: int


_COLUMNS = "grant_id, cuit, period, orden, caea, valid_from, valid_to, report_deadline, granted_at"


def _grant(row: tuple[Any, ...]) -> tuple[int, CaeaGrant]:
    granted_at = row[8].replace(microsecond=row[8].microsecond // 1000 * 1000)  # as sent
    return int(row[0]), CaeaGrant(str(row[1]), int(row[2]), int(row[3]), str(row[4]), row[5],
                                  row[6], row[7], granted_at)


def stored_grant(db: psycopg.Connection[Any], cuit: str, fortnight: Fortnight
                 ) -> tuple[int, CaeaGrant] | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM caeas WHERE cuit = %s AND period = %s "
                     "AND orden = %s", (cuit, fortnight.period, fortnight.order)).fetchone()
    return None if row is None else _grant(row)


def ask_arca(wsfe: WsfeClient, fortnight: Fortnight, today: date) -> tuple[Caea, str]:
    """The fortnight's CAEA from ARCA: recovered if granted already, else asked for."""
    found = wsfe.consult_caea(fortnight)
    if found is not None:
        return found, "FECAEAConsultar"
    try:
        return wsfe.request_caea(fortnight), "FECAEASolicitar"
    except ArcaRejected as refused:
        if WINDOW in refused.codes:
            text = next((m.text for m in refused.errors if m.code == WINDOW), "")
            raise CaeaWindowClosed(fortnight, today, text) from None
        if ALREADY_GRANTED not in refused.codes:
            raise
    except ArcaOutcomeUnknown:
        pass  # ARCA may have granted it: ask
    found = wsfe.consult_caea(fortnight)
    if found is None:
        raise ArcaOutcomeUnknown("ARCA said the CAEA was granted but does not show it",
                                 operation="FECAEAConsultar")
    return found, "FECAEAConsultar"


def obtain(db_url: str, wsfe: WsfeClient, cuit: str, fortnight: Fortnight, today: date
           ) -> Obtained:
    """The CUIT's CAEA for ``fortnight``: stored, recovered or asked for, then stored."""
    with database_errors(), connect(db_url) as db:
        known = stored_grant(db, cuit, fortnight)
        db.rollback()
    if known is not None:
        return Obtained(known[1], "stored", known[0])
    caea, how = ask_arca(wsfe, fortnight, today)
    with database_errors(), connect(db_url) as db:
        db.execute(
            "INSERT INTO caeas (cuit, period, orden, caea, valid_from, valid_to, "
            "report_deadline, obtained_with) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (cuit, period, orden) DO NOTHING",
            (cuit, fortnight.period, fortnight.order, caea.code, caea.valid_from, caea.valid_to,
             caea.inform_deadline, how))
        found = stored_grant(db, cuit, fortnight)
        db.commit()
    assert found is not None
    log.info("CAEA obtenido", extra={"cuit": cuit, "fortnight": str(fortnight), "how": how})
    return Obtained(found[1], how, found[0])


def _envelope(grant_id: int, grant: CaeaGrant) -> Any:
    return build_envelope(
        wire.CAEA_GRANTED, grant.to_wire(), store_id=wire.CENTRAL_STORE_ID,
        terminal_id=wire.CENTRAL_FISCAL_TERMINAL_ID, seq=grant_id,
        # The same grant is the same event, however often it is sent.
        event_id=str(uuid.uuid5(_GRANT_NAMESPACE, f"{grant.cuit}|{grant.caea}")))


def publish_pending(db_url: str, amqp_url: str, topology: Topology) -> list[tuple[str, int]]:
    """``caea.granted`` of every unpublished grant to the catalogue queue of each till of
    the CUIT's stores (declared if need be). Returns (caea, tills told) per grant."""
    with database_errors(), connect(db_url, autocommit=True) as db:
        pending = [_grant(row) for row in db.execute(
            f"SELECT {_COLUMNS} FROM caeas WHERE published_at IS NULL ORDER BY grant_id")]
        if not pending:
            return []
        told = []
        try:
            connection = pika.BlockingConnection(pika.URLParameters(amqp_url.split(",")[0]))
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CaeaPublishError(_(
                "CAEA stored but not sent to the tills: RabbitMQ does not answer ({url}: "
                "{error}); it is sent on the next run").format(
                    url=redact(amqp_url), error=repr(error))) from error
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            for grant_id, grant in pending:
                tills = terminals_of(db, grant.cuit)
                body = _envelope(grant_id, grant)
                for store_id, terminal_id in tills:
                    queue = declare_till_catalog_queue(channel, topology, store_id, terminal_id)
                    channel.basic_publish("", queue, body.to_json(), pika.BasicProperties(
                        delivery_mode=pika.DeliveryMode.Persistent,
                        content_type=wire.CONTENT_TYPE, message_id=body.event_id,
                        type=wire.CAEA_GRANTED), mandatory=True)
                db.execute("UPDATE caeas SET published_at = now() WHERE grant_id = %s",
                           (grant_id,))
                told.append((grant.caea, len(tills)))
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CaeaPublishError(_("the CAEA could not be sent to the tills: {error}; it is "
                                     "sent again on the next run").format(
                                         error=repr(error))) from error
        finally:
            if connection.is_open:
                connection.close()
    return told


def current_grants(db: psycopg.Connection[Any], cuit: str, today: date) -> list[CaeaGrant]:
    """The CAEAs a till may use from ``today`` on: the current fortnight's and the next."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM caeas WHERE cuit = %s AND valid_to >= %s "
                      "ORDER BY valid_from LIMIT 2", (cuit, today)).fetchall()
    return [_grant(row)[1] for row in rows]


def snapshot_caeas(db: psycopg.Connection[Any], store_id: str | None, today: date
                   ) -> list[dict[str, Any]]:
    """The snapshot's ``caeas`` for a till of ``store_id`` (none for an unknown store)."""
    cuit = store_cuit(db, store_id) if store_id else None
    return [] if cuit is None else [g.to_wire() for g in current_grants(db, cuit, today)]

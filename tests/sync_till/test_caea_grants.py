"""Head office's CAEAs at the till: ``caea.granted`` on the till's catalogue queue (the real
broker) and the snapshot's ``caeas`` are kept once per CUIT and fortnight; one for another
CUIT, or another code for a fortnight held, is left out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pika
import pytest
from sqlalchemy import text

from pos_central.topology import Topology
from pos_contracts import build_envelope, wire
from pos_contracts.caea import CaeaGrant
from pos_desktop.app import Till
from pos_desktop.sync.caea_apply import keep_grants
from pos_desktop.sync.catalog_listener import CatalogListener
from pos_desktop.sync.snapshot import Snapshot
from pos_desktop.sync.status import SyncState

from .helpers import sync_settings
from .test_catalog import listeners, wait_for  # noqa: F401  (the fixture)

STORE_CUIT = "30712345671"


def grant(order: int = 1, code: str = "61234567890123", cuit: str = STORE_CUIT) -> CaeaGrant:
    first, last = (date(2026, 7, 1), date(2026, 7, 15)) if order == 1 else (
        date(2026, 7, 16), date(2026, 7, 31))
    return CaeaGrant(cuit=cuit, period=202607, order=order, caea=code, valid_from=first,
                     valid_to=last, report_deadline=date(2026, 8, 8),
                     granted_at=datetime(2026, 6, 27, 10, tzinfo=UTC))


def held(till: Till) -> list[dict[str, Any]]:
    with till.reader.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(
            "SELECT cuit, period, orden, code, source FROM caeas ORDER BY period, orden"))]


def send_grant(amqp_url: str, queue: str, g: CaeaGrant, seq: int = 1) -> None:
    envelope = build_envelope(wire.CAEA_GRANTED, g.to_wire(), store_id=wire.CENTRAL_STORE_ID,
                              terminal_id="fiscal", seq=seq)
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish("", queue, envelope.to_json(), pika.BasicProperties(
            delivery_mode=2, message_id=envelope.event_id, type=wire.CAEA_GRANTED),
            mandatory=True)


def test_a_grant_is_kept_once_and_a_conflicting_or_foreign_one_is_left_out(till: Till) -> None:
    with till.uow() as uow:
        uow.settings.set("store.cuit", "30-71234567-1")
        uow.commit()
    assert keep_grants(till.uow, [grant()]) == 1
    assert keep_grants(till.uow, [grant()]) == 0  # a redelivery
    assert keep_grants(till.uow, [grant(code="69999999999999")]) == 0  # another code
    assert keep_grants(till.uow, [grant(2, cuit="20123456786")]) == 0  # another CUIT
    assert held(till) == [{"cuit": STORE_CUIT, "period": 202607, "orden": 1,
                           "code": "61234567890123", "source": "central"}]


@pytest.mark.services
def test_the_listener_keeps_caea_granted_and_the_snapshot_s_caeas(
    till: Till, amqp_url: str, topology: Topology,
    listeners: list[CatalogListener],  # noqa: F811
) -> None:
    with till.uow() as uow:
        uow.settings.set("store.cuit", "30-71234567-1")
        uow.commit()
    settings = sync_settings(till, amqp_url, topology)

    def snapshot() -> Snapshot:  # a new till: the snapshot brings the next fortnight's
        return Snapshot(1, [], caeas=[grant(2, code="62222222222222")])

    listener = CatalogListener(settings, till.uow, fetch=snapshot)
    listeners.append(listener)
    listener.start()
    wait_for(lambda: listener.link().state is SyncState.ONLINE)
    wait_for(lambda: len(held(till)) == 1)
    send_grant(amqp_url, settings.catalog_queue, grant())
    send_grant(amqp_url, settings.catalog_queue, grant(), seq=2)  # again: kept once
    wait_for(lambda: len(held(till)) == 2)
    assert [(h["orden"], h["code"]) for h in held(till)] == [
        (1, "61234567890123"), (2, "62222222222222")]

"""A catalogue message the till cannot apply is rejected with its reason and the till
catches up: it never loops on it, never stays behind."""

from __future__ import annotations

from dataclasses import replace

import pika
import pytest

from pos_central.topology import Topology
from pos_contracts import CatalogProduct, wire
from pos_desktop.app import Till
from pos_desktop.sync.catalog_apply import local_version
from pos_desktop.sync.catalog_listener import CatalogListener
from pos_desktop.sync.snapshot import Snapshot
from pos_desktop.sync.status import SyncState

from .helpers import sync_settings
from .test_catalog import (
    a_unit_product,
    catalog_change,
    price_of,
    publish_change,
    wait_for,
    wire_product,
)

pytestmark = pytest.mark.services


def change_body(version: int, products: list[CatalogProduct]) -> bytes:
    return catalog_change(version, products).to_json()


def publish_raw(amqp_url: str, topo: Topology, bodies: list[bytes]) -> None:
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(topo.catalog_exchange, wire.CATALOG_CHANGED, body,
                                  pika.BasicProperties(delivery_mode=2), mandatory=True)


def queue_depth(amqp_url: str, queue: str) -> int:
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        return int(conn.channel().queue_declare(queue, passive=True).method.message_count)


def test_poison_catalogue_messages_are_rejected_and_the_till_catches_up(
    till: Till, amqp_url: str, topology: Topology
) -> None:
    p = a_unit_product(till)
    with till.uow() as uow:  # an installed till at version 3
        uow.settings.set("catalog_version", 3)
        uow.commit()
    central = [3]  # head office's version: what its snapshot serves

    def snapshot() -> Snapshot:
        return Snapshot(central[0], [wire_product(p, price=central[0] * 101)])

    good = change_body(4, [wire_product(p, price=1)])

    def same_plu(version: int) -> bytes:  # valid JSON and schema; a PLU names one product
        two = [CatalogProduct(f"PLU-{n}", "Pesable", 100, "21", True, 400 + n, None, ())
               for n in (1, 2)]
        return change_body(version, two).replace(b'"plu":402', b'"plu":401', 1)

    poison = [
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        good.replace(b'"price":1', b'"price":' + b"9" * 5000, 1),
        good.replace(b'"currency":"ARS"', b'"currency":"\xed\xa0\x80"', 1),
        same_plu(4),
    ]
    listener = CatalogListener(sync_settings(till, amqp_url, topology), till.uow, fetch=snapshot)
    listener.start()
    queue = topology.till_catalog_queue(till.identity.store_id, till.identity.terminal_id)
    try:
        wait_for(lambda: listener.link().state is SyncState.ONLINE)
        publish_raw(amqp_url, topology, poison)
        wait_for(lambda: listener.stats.rejected == 4, timeout=30)
        assert listener.stats.unexpected == 0
        central[0] = 5
        publish_change(amqp_url, topology, 5, [wire_product(p, price=505)])
        wait_for(lambda: local_version(till.uow) == 5, timeout=30)
        assert price_of(till, p.sku) == 505
        # The change it could not apply was the last: it fetches the snapshot at once.
        central[0] = 6
        publish_raw(amqp_url, topology, [same_plu(6)])
        wait_for(lambda: local_version(till.uow) == 6, timeout=30)
        assert (listener.stats.rejected, listener.stats.unexpected) == (5, 0)
        assert price_of(till, p.sku) == 606
        assert listener.link().state is SyncState.ONLINE
        wait_for(lambda: queue_depth(amqp_url, queue) == 0)
    finally:
        listener.stop()


def test_a_snapshot_that_repeats_a_plu_is_refused_whole_and_the_status_says_why(
    till: Till, amqp_url: str, topology: Topology
) -> None:
    """Head office's snapshot names PLU 401 twice: nothing of it is written (its first
    product neither), the listener neither raises nor asks again in a loop, the status
    says the catalogue is behind and why, and the next change (a gap) brings the fixed
    snapshot. catalog.changed v2 (a product at 5 %) applies like v1."""
    from pos_desktop.sync.status import read_sync_status, status_bar_text

    p = a_unit_product(till)
    with till.uow() as uow:
        uow.settings.set("catalog_version", 3)
        uow.commit()
    scale = [CatalogProduct(f"PLU-{n}", "Pesable", 100, "21", True, 401, None, ())
             for n in (1, 2)]
    served = [Snapshot(4, [wire_product(p, price=404), *scale])]
    asked: list[int] = []

    def snapshot() -> Snapshot:
        asked.append(served[0].version)
        return served[0]

    listener = CatalogListener(sync_settings(till, amqp_url, topology), till.uow, fetch=snapshot)
    listener.start()
    try:
        wait_for(lambda: listener.link().state is SyncState.ONLINE)
        publish_change(amqp_url, topology, 5, [wire_product(p, price=505)])  # a gap: 3 → 5
        status = lambda: read_sync_status(till.reader, listener.link)  # noqa: E731
        wait_for(lambda: status().catalog_behind is not None)
        assert "PLU repetido: 401" in (status().catalog_behind or "")
        text, level = status_bar_text(status())
        assert "catalogue behind head office" in text and level == "warning"
        assert (local_version(till.uow), price_of(till, p.sku)) == (3, p.price)
        assert till.register.catalog.by_sku("PLU-1") is None
        assert listener.link().state is SyncState.ONLINE
        served[0] = Snapshot(6, [wire_product(p, price=606), scale[0]])
        bread = CatalogProduct("PAN-5", "Pan", 2100_00, "5", False, None, None, ())
        publish_raw(amqp_url, topology, [catalog_change(6, [bread]).to_json()])
        wait_for(lambda: local_version(till.uow) == 6)
        assert status().catalog_behind is None
        assert price_of(till, p.sku) == 606
        assert asked == [4, 4, 6]  # at the connection and at each change: never in a loop
        change = catalog_change(7, [replace(bread, price=2200_00)])
        assert change.schema_version == 2  # what head office sends for a product at 5 %
        publish_raw(amqp_url, topology, [change.to_json()])
        wait_for(lambda: local_version(till.uow) == 7)
        pan = till.register.catalog.by_sku("PAN-5")
        assert pan is not None and (pan.iva_rate.value, pan.price) == ("5", 2200_00)
    finally:
        listener.stop()

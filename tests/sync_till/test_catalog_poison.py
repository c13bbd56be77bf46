"""A catalogue message the till cannot apply is rejected with its reason and the till
catches up: it never loops on it, never stays behind."""

from __future__ import annotations

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

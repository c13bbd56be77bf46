"""Head office's catalog at the till: version order, idempotence, gaps, snapshots, and
new prices for new lines only."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pika
import pytest

from pos_central.topology import Topology
from pos_contracts import CatalogProduct, Envelope, build_envelope, wire
from pos_desktop.app import Till
from pos_desktop.domain.product import Product
from pos_desktop.sync.catalog_apply import CatalogGap, apply_change, apply_snapshot, local_version
from pos_desktop.sync.catalog_listener import CatalogListener
from pos_desktop.sync.snapshot import Snapshot
from pos_desktop.sync.status import SyncState

from .helpers import sync_settings


def wire_product(p: Product, **changes: object) -> CatalogProduct:
    base = CatalogProduct(p.sku, p.name, p.price, p.iva_rate.value, p.sold_by_weight, p.plu,
                          p.category, p.barcodes, p.active)
    return replace(base, **changes)  # type: ignore[arg-type]


def a_unit_product(till: Till) -> Product:
    for code in ("7790895000997", "7790001"):
        found = till.register.catalog.by_code(code)
        if found is not None and not found.sold_by_weight:
            return found
    product = next(p for p in till.register.search("a", limit=50) if not p.sold_by_weight)
    full = till.register.catalog.by_sku(product.sku)
    assert full is not None
    return full


def price_of(till: Till, sku: str) -> int:
    product = till.register.catalog.by_sku(sku)
    assert product is not None
    return product.price


def test_changes_apply_in_version_order_and_duplicates_change_nothing(till: Till) -> None:
    p = a_unit_product(till)
    first = apply_change(till.uow, 1, [wire_product(p, price=p.price + 100)])
    assert (first.version, first.changed, first.skipped) == (1, 1, False)
    again = apply_change(till.uow, 1, [wire_product(p, price=1)])  # redelivered/old
    assert again.skipped
    assert price_of(till, p.sku) == p.price + 100
    apply_change(till.uow, 2, [wire_product(p, price=p.price + 200, name="Nuevo nombre")])
    assert price_of(till, p.sku) == p.price + 200
    assert till.register.catalog.by_sku(p.sku).name == "Nuevo nombre"  # type: ignore[union-attr]
    with pytest.raises(CatalogGap):
        apply_change(till.uow, 4, [wire_product(p, price=5)])
    assert local_version(till.uow) == 2
    assert price_of(till, p.sku) == p.price + 200


def test_a_barcode_moved_to_another_product_follows_it(till: Till) -> None:
    p = a_unit_product(till)
    assert p.barcodes
    code = p.barcodes[0]
    newcomer = CatalogProduct("NEW-1", "Producto nuevo", 12345, "21", False, None, None, (code,))
    apply_change(till.uow, 1, [newcomer, wire_product(p, barcodes=())])
    assert till.register.catalog.by_code(code).sku == "NEW-1"  # type: ignore[union-attr]


def test_a_snapshot_replaces_the_catalog_and_deactivates_what_it_does_not_list(
    till: Till,
) -> None:
    p = a_unit_product(till)
    before = till.register.catalog.count()
    result = apply_snapshot(till.uow, 7, [wire_product(p, price=999)])
    assert result.version == 7 == local_version(till.uow)
    assert price_of(till, p.sku) == 999
    assert till.register.catalog.count() == before  # nothing deleted…
    assert len(till.register.search("a", limit=500)) <= 1  # …but only the listed one sells
    assert apply_snapshot(till.uow, 7, []).skipped  # same version again: nothing happens


def test_new_prices_apply_to_new_lines_only_never_to_completed_sales(till: Till) -> None:
    from pos_desktop.domain.sale import TenderKind

    p = a_unit_product(till)
    found = next(x for x in till.register.search("leche", limit=20) if x.sku != p.sku)
    q = till.register.catalog.by_sku(found.sku)
    assert q is not None
    register = till.register
    register.add_product(p)
    register.tender(TenderKind.DEBIT)
    completed = register.complete()
    register.add_product(p)  # a new sale is open with one line at the old price

    apply_change(till.uow, 1, [wire_product(p, price=p.price * 2),
                               wire_product(q, price=q.price * 3)])

    register.scan(q.sku)  # rung up after the change: the new price
    lines = register.sale.lines
    assert [line.unit_price for line in lines] == [p.price, q.price * 3]
    register.tender(TenderKind.DEBIT)
    second = register.complete()
    assert [li["unit_price"] for li in second.payload["lines"]] == [p.price, q.price * 3]
    assert price_of(till, p.sku) == p.price * 2  # the next sale gets it
    with till.uow() as uow:
        stored = uow.sales.payload_by_ticket(completed.ticket_number)
    assert stored is not None
    assert stored["lines"][0]["unit_price"] == p.price
    assert stored["total"] == completed.payload["total"]


# -- the listener on the real broker ----------------------------------------------------


def catalog_change(version: int, products: list[CatalogProduct]) -> Envelope:
    return build_envelope(
        wire.CATALOG_CHANGED,
        {"catalog_version": version, "currency": "ARS",
         "products": [p.to_wire() for p in products]},
        store_id=wire.CENTRAL_STORE_ID,
        terminal_id=wire.CENTRAL_CATALOG_TERMINAL_ID,
        seq=version,
    )


def publish_change(amqp_url: str, topo: Topology, version: int,
                   products: list[CatalogProduct]) -> None:
    envelope = catalog_change(version, products)
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(topo.catalog_exchange, wire.CATALOG_CHANGED, envelope.to_json(),
                              pika.BasicProperties(delivery_mode=2, message_id=envelope.event_id),
                              mandatory=True)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture
def listeners() -> Iterator[list[CatalogListener]]:
    started: list[CatalogListener] = []
    yield started
    for listener in started:
        listener.stop()


@pytest.mark.services
def test_listener_applies_changes_skips_duplicates_and_closes_a_gap_with_a_snapshot(
    till: Till, amqp_url: str, topology: Topology, listeners: list[CatalogListener]
) -> None:
    p = a_unit_product(till)
    with till.uow() as uow:  # an installed till, not a new one, that has head office's people
        uow.settings.set("catalog_version", 3)
        uow.settings.set("people_version", 0)
        uow.commit()
    fetched: list[int] = []

    def snapshot() -> Snapshot:
        fetched.append(1)
        return Snapshot(9, [wire_product(p, price=909)])

    listener = CatalogListener(sync_settings(till, amqp_url, topology), till.uow, fetch=snapshot)
    listeners.append(listener)
    listener.start()
    wait_for(lambda: listener.link().state is SyncState.ONLINE)
    assert fetched == []

    publish_change(amqp_url, topology, 4, [wire_product(p, price=404)])
    publish_change(amqp_url, topology, 4, [wire_product(p, price=1)])  # duplicate
    publish_change(amqp_url, topology, 3, [wire_product(p, price=2)])  # old
    wait_for(lambda: listener.stats.applied + listener.stats.duplicates == 3)
    assert (listener.stats.applied, listener.stats.duplicates) == (1, 2)
    assert price_of(till, p.sku) == 404

    publish_change(amqp_url, topology, 8, [wire_product(p, price=808)])  # 5–7 missed
    wait_for(lambda: local_version(till.uow) == 9)  # v8 is covered by snapshot v9
    assert listener.stats.snapshots == 1
    assert price_of(till, p.sku) == 909


@pytest.mark.services
def test_a_new_till_starts_from_the_snapshot_and_keeps_changes_sent_meanwhile(
    till: Till, amqp_url: str, topology: Topology, listeners: list[CatalogListener]
) -> None:
    p = a_unit_product(till)
    settings = sync_settings(till, amqp_url, topology)

    def snapshot() -> Snapshot:
        # Head office moves to v6 while the new till downloads v5.
        publish_change(amqp_url, topology, 6, [wire_product(p, price=606)])
        return Snapshot(5, [wire_product(p, price=505)])

    listener = CatalogListener(settings, till.uow, fetch=snapshot)
    listeners.append(listener)
    listener.start()
    wait_for(lambda: listener.stats.applied == 1)
    assert listener.stats.snapshots == 1
    assert local_version(till.uow) == 6
    assert price_of(till, p.sku) == 606


@pytest.mark.services
def test_a_missing_catalog_exchange_is_shown_as_an_error(
    till: Till, amqp_url: str, unique_name: str, listeners: list[CatalogListener]
) -> None:
    nowhere = Topology(prefix=f"test-nocat-{unique_name}.")
    listener = CatalogListener(sync_settings(till, amqp_url, nowhere), till.uow,
                               fetch=lambda: Snapshot(1, []))
    listeners.append(listener)
    listener.start()
    try:
        wait_for(lambda: listener.link().state is SyncState.ERROR)
        assert "404" in (listener.link().error or "")
    finally:
        listener.stop()
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
            conn.channel().queue_delete(nowhere.till_catalog_queue("S001", "T01"))

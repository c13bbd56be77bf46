"""Applying head office's catalog to the till's products, in catalog-version order.

Every change is applied in ONE local transaction together with the new
``catalog_version`` setting, so a crash leaves the till either before or after that
version — never half-way. A version at or below the till's is a duplicate and changes
nothing (idempotent); one that skips a version is a gap, answered by a snapshot.

A message that repeats a sku, a barcode or a PLU is refused whole before anything is
written (``CatalogRefused``): the till cannot tell which product a repeated code means,
so it keeps the catalogue it had and says it is behind (``catalog_behind``).

A price change only touches the ``products`` table. Lines already in the open sale keep
the price they were rung up at, and completed sales keep theirs (they store their own
prices), so new prices apply to new lines only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pos_contracts.catalog import CatalogProduct
from pos_contracts.errors import InvalidEvent
from pos_contracts.rules import check_catalog_codes
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.store.uow import UnitOfWork
from pos_desktop.sync.catalog_behind import clear_behind

VERSION_KEY = "catalog_version"
SNAPSHOT_CHUNK = 2000  # products per transaction: a 100,000-SKU snapshot never blocks a sale

UowFactory = Callable[[], UnitOfWork]


class CatalogGap(Exception):
    """The change is newer than the next version: the till must fetch a snapshot."""

    def __init__(self, have: int, got: int) -> None:
        # caught by the listener (which fetches a snapshot) and logged: English, as logs are
        super().__init__(f"local catalogue at version {have}, version {got} arrived")
        self.have = have
        self.got = got


class CatalogRefused(Exception):
    """Head office's catalogue cannot be applied as sent; nothing of it was written."""

    def __init__(self, version: int, reason: str) -> None:
        super().__init__(reason)
        self.version = version
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Applied:
    version: int  # the till's catalog version afterwards
    changed: int  # products inserted or updated
    skipped: bool = False  # a duplicate or an old version: nothing done


def to_product(item: CatalogProduct) -> Product:
    return Product(
        sku=item.sku,
        name=item.name,
        price=item.price,
        iva_rate=IvaRate(item.iva_rate),
        sold_by_weight=item.sold_by_weight,
        barcodes=item.barcodes,
        plu=item.plu,
        category=item.category,
        active=item.active,
    )


def parse_products(payload: dict[str, Any]) -> list[CatalogProduct]:
    return [CatalogProduct.from_wire(p) for p in payload["products"]]


def local_version(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return int(uow.settings.get(VERSION_KEY, 0) or 0)


def _refuse_repeats(items: Sequence[CatalogProduct], version: int) -> None:
    """What the contract's rule says of a message, for every list applied here (a
    snapshot's too): checked before the first write, so a refusal leaves nothing."""
    try:
        check_catalog_codes((i.sku for i in items), (c for i in items for c in i.barcodes),
                            (i.plu for i in items))
    except InvalidEvent as exc:
        raise CatalogRefused(version, exc.reason) from None


def _write(uow: UnitOfWork, items: Sequence[CatalogProduct], version: int) -> int:
    # A barcode or PLU that moved to another product is released first (unique keys).
    uow.catalog.release_codes((i.sku, i.barcodes, i.plu) for i in items)
    return uow.catalog.upsert([to_product(i) for i in items], catalog_version=version)


def apply_change(uow_factory: UowFactory, version: int, items: Sequence[CatalogProduct]) -> Applied:
    """Apply ``catalog.changed`` for ``version``; raises ``CatalogGap`` if one is missing."""
    with uow_factory() as uow:
        have = int(uow.settings.get(VERSION_KEY, 0) or 0)
        if version <= have:
            return Applied(have, 0, skipped=True)
        if version != have + 1:
            raise CatalogGap(have, version)
        _refuse_repeats(items, version)
        changed = _write(uow, items, version)
        uow.settings.set(VERSION_KEY, version)
        clear_behind(uow)
        uow.commit()
    return Applied(version, changed)


def apply_snapshot(
    uow_factory: UowFactory, version: int, items: Sequence[CatalogProduct]
) -> Applied:
    """Replace the catalog with head office's full one at ``version``.

    Written in chunks so the register is never locked out for long; the version is set
    in the last transaction, so a crash half-way means the snapshot is applied again.
    Products the snapshot does not list are deactivated (not deleted: old sales and
    parked sales still name them). A snapshot at or below the till's version changes no
    product; either way the till is as current as head office, so no longer behind.
    """
    have = local_version(uow_factory)
    if version <= have:
        with uow_factory() as uow:
            clear_behind(uow)
            uow.commit()
        return Applied(have, 0, skipped=True)
    _refuse_repeats(items, version)
    changed = 0
    for start in range(0, len(items), SNAPSHOT_CHUNK):
        with uow_factory() as uow:
            changed += _write(uow, items[start : start + SNAPSHOT_CHUNK], version)
            uow.commit()
    listed = {i.sku for i in items}
    with uow_factory() as uow:
        gone = [sku for sku in uow.catalog.active_skus() if sku not in listed]
        uow.catalog.deactivate(gone, catalog_version=version)
        uow.settings.set(VERSION_KEY, version)
        clear_behind(uow)
        uow.commit()
    return Applied(version, changed + len(gone))

"""Applying head office's catalog to the till's products, in catalog-version order.

Every change is applied in ONE local transaction together with the new
``catalog_version`` setting, so a crash leaves the till either before or after that
version — never half-way. A version at or below the till's is a duplicate and changes
nothing (idempotent); one that skips a version is a gap, answered by a snapshot.

A price change only touches the ``products`` table. Lines already in the open sale keep
the price they were rung up at, and completed sales keep theirs (they store their own
prices), so new prices apply to new lines only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update

from pos_contracts.catalog import CatalogProduct
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.store.tables import barcodes, products
from pos_desktop.store.uow import UnitOfWork

VERSION_KEY = "catalog_version"
SNAPSHOT_CHUNK = 2000  # products per transaction: a 100,000-SKU snapshot never blocks a sale

UowFactory = Callable[[], UnitOfWork]


class CatalogGap(Exception):
    """The change is newer than the next version: the till must fetch a snapshot."""

    def __init__(self, have: int, got: int) -> None:
        super().__init__(f"catálogo local en versión {have}, llegó la {got}")
        self.have = have
        self.got = got


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


def _free_codes(conn: Connection, items: Sequence[CatalogProduct]) -> None:
    """A barcode or PLU that moved to another product is released first (unique keys)."""
    for item in items:
        if item.barcodes:
            conn.execute(
                delete(barcodes).where(
                    barcodes.c.code.in_(bindparam("codes", expanding=True)),
                    barcodes.c.sku != item.sku,
                ),
                {"codes": list(item.barcodes)},
            )
        if item.plu is not None:
            conn.execute(
                update(products)
                .where(products.c.plu == item.plu, products.c.sku != item.sku)
                .values(plu=None)
            )


def _write(uow: UnitOfWork, items: Sequence[CatalogProduct], version: int) -> int:
    _free_codes(uow.conn, items)
    return uow.catalog.upsert([to_product(i) for i in items], catalog_version=version)


def apply_change(uow_factory: UowFactory, version: int, items: Sequence[CatalogProduct]) -> Applied:
    """Apply ``catalog.changed`` for ``version``; raises ``CatalogGap`` if one is missing."""
    with uow_factory() as uow:
        have = int(uow.settings.get(VERSION_KEY, 0) or 0)
        if version <= have:
            return Applied(have, 0, skipped=True)
        if version != have + 1:
            raise CatalogGap(have, version)
        changed = _write(uow, items, version)
        uow.settings.set(VERSION_KEY, version)
        uow.commit()
    return Applied(version, changed)


def apply_snapshot(
    uow_factory: UowFactory, version: int, items: Sequence[CatalogProduct]
) -> Applied:
    """Replace the catalog with head office's full one at ``version``.

    Written in chunks so the register is never locked out for long; the version is set
    in the last transaction, so a crash half-way means the snapshot is applied again.
    Products the snapshot does not list are deactivated (not deleted: old sales and
    parked sales still name them).
    """
    if version <= local_version(uow_factory):
        return Applied(local_version(uow_factory), 0, skipped=True)
    changed = 0
    for start in range(0, len(items), SNAPSHOT_CHUNK):
        with uow_factory() as uow:
            changed += _write(uow, items[start : start + SNAPSHOT_CHUNK], version)
            uow.commit()
    listed = {i.sku for i in items}
    with uow_factory() as uow:
        active = uow.conn.execute(select(products.c.sku).where(products.c.active == 1)).scalars()
        gone = [sku for sku in active if sku not in listed]
        for start in range(0, len(gone), 500):
            uow.conn.execute(
                update(products)
                .where(products.c.sku.in_(bindparam("skus", expanding=True)))
                .values(active=0, catalog_version=version),
                {"skus": gone[start : start + 500]},
            )
        uow.settings.set(VERSION_KEY, version)
        uow.commit()
    return Applied(version, changed + len(gone))

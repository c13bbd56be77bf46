"""Reading and writing the product catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update

from pos_desktop.domain.barcode import lookup_keys
from pos_desktop.domain.product import Product, fold
from pos_desktop.domain.tax import IvaRate
from pos_desktop.store.tables import barcodes, products

_PRODUCT_COLS = (
    products.c.sku,
    products.c.name,
    products.c.price,
    products.c.iva_rate,
    products.c.sold_by_weight,
    products.c.plu,
    products.c.category,
    products.c.active,
)
_BY_CODE = (
    select(*_PRODUCT_COLS)
    .join(barcodes, barcodes.c.sku == products.c.sku)
    .where(barcodes.c.code == text(":code"))
)
_WORD = re.compile(r"\w+")


def _row_to_product(row: object, codes: tuple[str, ...] = ()) -> Product:
    r = row._mapping  # type: ignore[attr-defined]
    return Product(
        sku=r["sku"],
        name=r["name"],
        price=r["price"],
        iva_rate=IvaRate(r["iva_rate"]),
        sold_by_weight=bool(r["sold_by_weight"]),
        barcodes=codes,
        plu=r["plu"],
        category=r["category"],
        active=bool(r["active"]),
    )


class CatalogRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- reads ---------------------------------------------------------------------------
    def by_code(self, code: str) -> Product | None:
        """The active product for a scanned or typed code: barcode, then SKU."""
        for key in lookup_keys(code):
            row = self.conn.execute(_BY_CODE, {"code": key}).first()
            if row is not None and row.active:
                return _row_to_product(row)
        row = self.conn.execute(select(*_PRODUCT_COLS).where(products.c.sku == code)).first()
        if row is not None and row.active:
            return _row_to_product(row)
        return None

    def by_plu(self, plu: int) -> Product | None:
        row = self.conn.execute(select(*_PRODUCT_COLS).where(products.c.plu == plu)).first()
        return _row_to_product(row) if row is not None and row.active else None

    def by_sku(self, sku: str) -> Product | None:
        row = self.conn.execute(select(*_PRODUCT_COLS).where(products.c.sku == sku)).first()
        if row is None:
            return None
        codes = tuple(
            self.conn.execute(select(barcodes.c.code).where(barcodes.c.sku == sku)).scalars()
        )
        return _row_to_product(row, codes)

    def search(self, query: str, limit: int = 50) -> list[Product]:
        """Products whose name has words starting with every word typed (accent-blind),
        alphabetically: a cashier scans a list by name, and bm25 ranking cost 3x (p99 28 ms
        on 100k SKUs, over budget)."""
        words = _WORD.findall(fold(query))
        if not words:
            return []
        match = " AND ".join(f'"{w}"*' for w in words)
        rows = self.conn.execute(
            text(
                "SELECT p.sku, p.name, p.price, p.iva_rate, p.sold_by_weight, p.plu, "
                "p.category, p.active FROM products_fts f JOIN products p ON p.rowid = f.rowid "
                "WHERE products_fts MATCH :m AND p.active = 1 ORDER BY p.search_name LIMIT :n"
            ),
            {"m": match, "n": limit},
        )
        return [_row_to_product(r) for r in rows]

    def count(self) -> int:
        return int(self.conn.execute(text("SELECT count(*) FROM products")).scalar_one())

    # -- the touch screen's product keys ----------------------------------------------------
    def categories(self) -> list[str]:
        """The categories of active products, alphabetically."""
        q = (select(products.c.category).distinct()
             .where(products.c.active == 1, products.c.category.is_not(None))
             .order_by(products.c.category))
        return [str(c) for c in self.conn.execute(q).scalars() if str(c).strip()]

    def in_category(self, category: str, offset: int = 0, limit: int = 24) -> list[Product]:
        q = (select(*_PRODUCT_COLS)
             .where(products.c.active == 1, products.c.category == category)
             .order_by(products.c.search_name).offset(offset).limit(limit))
        return [_row_to_product(r) for r in self.conn.execute(q)]

    def count_in_category(self, category: str) -> int:
        q = select(func.count()).select_from(products).where(
            products.c.active == 1, products.c.category == category)
        return int(self.conn.execute(q).scalar_one())

    def by_skus(self, skus: Sequence[str]) -> list[Product]:
        """Active products of ``skus``, in that order (a manager's favourites)."""
        if not skus:
            return []
        q = select(*_PRODUCT_COLS).where(products.c.sku.in_(list(skus)), products.c.active == 1)
        found = {r.sku: _row_to_product(r) for r in self.conn.execute(q)}
        return [found[s] for s in skus if s in found]

    def without_barcode(self, limit: int = 24) -> list[Product]:
        """Weighed goods and goods with no barcode: what a cashier cannot scan."""
        has_code = select(barcodes.c.sku).where(barcodes.c.sku == products.c.sku).exists()
        q = (select(*_PRODUCT_COLS)
             .where(products.c.active == 1, (products.c.sold_by_weight == 1) | ~has_code)
             .order_by(products.c.category, products.c.search_name).limit(limit))
        return [_row_to_product(r) for r in self.conn.execute(q)]

    def priced(self, category: str | None = None) -> list[Product]:
        """Active products (of one category), by name: what a price change applies to.
        Without their barcodes: never ``upsert`` these (it would drop the codes)."""
        q = select(*_PRODUCT_COLS).where(products.c.active == 1)
        if category is not None:
            q = q.where(products.c.category == category)
        return [_row_to_product(r) for r in self.conn.execute(q.order_by(products.c.search_name))]

    # -- writes --------------------------------------------------------------------------
    def set_prices(self, prices: Sequence[tuple[str, int]]) -> None:
        """New shelf prices, (sku, centavos); nothing else of the products changes."""
        if prices:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self.conn.execute(_SET_PRICE, [{"b_sku": sku, "price": price, "updated_at": now}
                                           for sku, price in prices])

    def upsert(self, items: Iterable[Product], *, catalog_version: int = 0) -> int:
        """Insert or update products and their barcodes; returns how many changed.

        Set-based: what is stored is read in chunks, compared in memory, and only what
        changed is written, with one executemany per kind of statement. Row by row, a
        100,000-product file held the till's write lock for ~100 s (no sale meanwhile).
        """
        wanted = list(items)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stored = self._stored([p.sku for p in wanted])
        inserts: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        recoded: list[dict[str, object]] = []
        codes: list[dict[str, object]] = []
        for p in wanted:
            values = {
                "name": p.name,
                "search_name": fold(p.name),
                "price": p.price,
                "iva_rate": p.iva_rate.value,
                "sold_by_weight": int(p.sold_by_weight),
                "plu": p.plu,
                "category": p.category,
                "active": int(p.active),
                "catalog_version": catalog_version,
                "updated_at": now,
            }
            before = stored.get(p.sku)
            if before is None:
                inserts.append({"sku": p.sku, **values})
            elif before[0] != _fields(p):
                updates.append({"b_sku": p.sku, **values})
            if before is None or before[1] != frozenset(p.barcodes):
                if before is not None:
                    recoded.append({"b_sku": p.sku})
                codes += [{"code": c, "sku": p.sku} for c in p.barcodes]
        if inserts:
            self.conn.execute(insert(products), inserts)
        if updates:
            self.conn.execute(_UPDATE, updates)
        if recoded:  # every delete before any insert: a code may move between products
            self.conn.execute(_DELETE_CODES, recoded)
        if codes:
            self.conn.execute(insert(barcodes), codes)
        return len(inserts) + len({row["b_sku"] for row in updates + recoded})

    def _stored(self, skus: list[str]) -> dict[str, tuple[_Fields, frozenset[str]]]:
        """What is stored for these SKUs: their compared fields and their barcodes."""
        found: dict[str, tuple[_Fields, frozenset[str]]] = {}
        codes: dict[str, set[str]] = {}
        for start in range(0, len(skus), _CHUNK):
            chunk = skus[start : start + _CHUNK]
            for row in self.conn.execute(_STORED, {"skus": chunk}):
                found[row[0]] = (tuple(row[1:]), frozenset())
            for sku, code in self.conn.execute(_STORED_CODES, {"skus": chunk}):
                codes.setdefault(sku, set()).add(code)
        return {sku: (fields, frozenset(codes.get(sku, ()))) for sku, (fields, _) in found.items()}

    def barcode_owners(self, codes: Iterable[str]) -> dict[str, str]:
        """The product that owns each of these codes now (codes nobody owns are left out)."""
        wanted = list(codes)
        owners: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            owners.update((code, sku) for code, sku in self.conn.execute(_OWNERS, {"codes": chunk}))
        return owners

    def owner_of_barcode(self, code: str) -> str | None:
        return self.barcode_owners([code]).get(code)

    def active_skus(self) -> list[str]:
        return list(self.conn.execute(select(products.c.sku).where(products.c.active == 1))
                    .scalars())

    def release_codes(self, items: Iterable[tuple[str, Sequence[str], int | None]]) -> None:
        """Barcodes and PLUs that moved to another product are released first (they are
        unique keys): ``items`` are (sku, its barcodes, its PLU) as they will be."""
        for sku, codes, plu in items:
            if codes:
                self.conn.execute(_RELEASE_CODES, {"codes": list(codes), "sku": sku})
            if plu is not None:
                self.conn.execute(
                    update(products)
                    .where(products.c.plu == plu, products.c.sku != sku)
                    .values(plu=None)
                )

    def deactivate(self, skus: Sequence[str], *, catalog_version: int) -> None:
        """No longer sold (never deleted: old sales and parked sales still name them)."""
        for start in range(0, len(skus), _CHUNK):
            self.conn.execute(_DEACTIVATE, {"skus": list(skus[start : start + _CHUNK]),
                                            "version": catalog_version})


_CHUNK = 500
"""SKUs or codes per IN (...): well under SQLite's limit on bound parameters."""
_Fields = tuple[str, int, str, int, int | None, str | None, int]
_STORED = select(*_PRODUCT_COLS).where(  # sku, then the fields _fields() gives
    products.c.sku.in_(bindparam("skus", expanding=True))
)
_STORED_CODES = select(barcodes.c.sku, barcodes.c.code).where(
    barcodes.c.sku.in_(bindparam("skus", expanding=True))
)
_OWNERS = select(barcodes.c.code, barcodes.c.sku).where(
    barcodes.c.code.in_(bindparam("codes", expanding=True))
)
_UPDATE = (
    update(products)
    .where(products.c.sku == bindparam("b_sku"))
    .values(
        {
            column: bindparam(column)
            for column in (
                "name",
                "search_name",
                "price",
                "iva_rate",
                "sold_by_weight",
                "plu",
                "category",
                "active",
                "catalog_version",
                "updated_at",
            )
        }
    )
)
_SET_PRICE = (
    update(products)
    .where(products.c.sku == bindparam("b_sku"))
    .values(price=bindparam("price"), updated_at=bindparam("updated_at"))
)
_DELETE_CODES = delete(barcodes).where(barcodes.c.sku == bindparam("b_sku"))
_RELEASE_CODES = delete(barcodes).where(
    barcodes.c.code.in_(bindparam("codes", expanding=True)), barcodes.c.sku != bindparam("sku")
)
_DEACTIVATE = (
    update(products)
    .where(products.c.sku.in_(bindparam("skus", expanding=True)))
    .values(active=0, catalog_version=bindparam("version"))
)


def _fields(p: Product) -> _Fields:
    """A product's compared fields, as stored."""
    return (
        p.name,
        p.price,
        p.iva_rate.value,
        int(p.sold_by_weight),
        p.plu,
        p.category,
        int(p.active),
    )


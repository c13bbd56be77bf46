"""The catalogue as head office edits it: search (server-side, paginated), one product,
a price change by percentage over a selection, a CSV import. Every change goes through
``pos_central.catalog`` (one new catalogue version, its ``catalog.changed`` event) in
the same transaction as its audit row, then is published to the tills."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pos_central.api.audit import audit
from pos_central.api.db import Connection
from pos_central.catalog import ImportResult, save_catalog_in
from pos_contracts import CatalogProduct

PAGE = 50
_COLUMNS = "sku, name, price, iva_rate, sold_by_weight, plu, category, barcodes, active"


@dataclass(frozen=True)
class Found:
    products: list[CatalogProduct]
    total: int
    page: int
    pages: int


def _where(query: str, category: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    text = query.strip()
    if text:
        # any part of the name (accent/case blind, trigram index), or an exact code
        clauses.append(
            "(name_folded LIKE '%%' || pos_fold(%s) || '%%' OR sku = %s "
            "OR barcodes @> ARRAY[%s]::text[])"
        )
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [like, text, text]
    if category:
        clauses.append("category = %s")
        params.append(category)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def search(
    db: Connection,
    query: str = "",
    *,
    category: str | None = None,
    page: int = 1,
    per_page: int = PAGE,
) -> Found:
    where, params = _where(query, category)
    offset = (max(1, page) - 1) * per_page
    if where:
        # One statement: the matches through the trigram and code indexes, counted, then
        # ordered. (A plan walking the name index and filtering reads the whole catalogue
        # for a rare word, so the matches are materialized first.) name_folded is stored
        # (0013): folding every candidate again for the LIKE's recheck and for the sort
        # was most of a search's time.
        rows = db.execute(
            f"WITH found AS MATERIALIZED (SELECT {_COLUMNS}, name_folded FROM products{where}) "
            f"SELECT {_COLUMNS}, (SELECT count(*) FROM found) FROM found "
            "ORDER BY name_folded, sku LIMIT %s OFFSET %s",
            [*params, per_page, offset],
        ).fetchall()
        total = int(rows[0][-1]) if rows else _count(db, where, params)
    else:  # browsing: the name index, page by page
        rows = db.execute(
            f"SELECT {_COLUMNS}, 0 FROM products ORDER BY name_folded, sku LIMIT %s OFFSET %s",
            [per_page, offset],
        ).fetchall()
        total = _count(db, "", [])
    pages = max(1, -(-total // per_page))
    return Found([_product(r[:-1]) for r in rows], total, min(max(1, page), pages), pages)


def _count(db: Connection, where: str, params: list[Any]) -> int:
    row = db.execute(f"SELECT count(*) FROM products{where}", params).fetchone()
    return int(row[0]) if row else 0


def selection(db: Connection, query: str, category: str | None) -> list[CatalogProduct]:
    where, params = _where(query, category)
    return [_product(r) for r in db.execute(f"SELECT {_COLUMNS} FROM products{where}", params)]


def categories(db: Connection) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT category FROM products WHERE category IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def product(db: Connection, sku: str) -> CatalogProduct | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM products WHERE sku = %s", (sku,)).fetchone()
    return _product(row) if row else None


def _product(row: tuple[Any, ...]) -> CatalogProduct:
    return CatalogProduct(
        row[0], row[1], int(row[2]), row[3], row[4], row[5], row[6], tuple(row[7]), row[8]
    )


def save_product(db: Connection, actor: str, changed: CatalogProduct) -> ImportResult:
    before = product(db, changed.sku)
    with db.cursor() as cursor:
        result = save_catalog_in(cursor, [changed], source=f"web: {actor}")
    if result.version is not None:
        audit(
            db,
            actor,
            "product.save",
            f"product:{changed.sku}",
            version=result.version,
            before=before.to_wire() if before else None,
            after=changed.to_wire(),
        )
    return result


def percent_change(price: int, percent: Decimal) -> int:
    """New price in centavos: ``price × (1 + percent/100)``, rounded half up to the
    centavo (the README's rounding rule), never below zero."""
    new = (Decimal(price) * (Decimal(100) + percent) / Decimal(100)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return max(0, int(new))


def bulk_percent(
    db: Connection, actor: str, percent: Decimal, *, query: str = "", category: str | None = None
) -> tuple[ImportResult, int]:
    """Change every selected product's price by ``percent`` in ONE catalogue version."""
    chosen = selection(db, query, category)
    changed = [replace(p, price=percent_change(p.price, percent)) for p in chosen]
    with db.cursor() as cursor:
        result = save_catalog_in(cursor, changed, source=f"web: {actor} ({percent} %)")
    if result.version is not None:
        audit(
            db,
            actor,
            "price.bulk",
            "products",
            version=result.version,
            percent=str(percent),
            query=query,
            category=category,
            selected=len(chosen),
            changed=result.changed,
        )
    return result, len(chosen)


def import_products(
    db: Connection, actor: str, products: list[CatalogProduct], file_name: str
) -> ImportResult:
    with db.cursor() as cursor:
        result = save_catalog_in(cursor, products, source=f"{file_name} (web: {actor})")
    audit(
        db,
        actor,
        "catalog.import",
        f"file:{file_name}",
        read=result.read,
        changed=result.changed,
        version=result.version,
    )
    return result


def versions(db: Connection, limit: int = 20) -> list[dict[str, Any]]:
    """The latest catalogue versions and, for each till, when it applied each one."""
    rows = db.execute(
        "SELECT version, created_at, source, changed_products, published_at "
        "FROM catalog_versions ORDER BY version DESC LIMIT %s",
        (limit,),
    ).fetchall()
    applied = db.execute(
        "SELECT v.version, t.store_id, t.terminal_id, min(t.applied_at) "
        "FROM catalog_versions v JOIN terminal_catalog_versions t ON t.version >= v.version "
        "WHERE v.version > (SELECT coalesce(max(version), 0) FROM catalog_versions) - %s "
        "GROUP BY 1, 2, 3",
        (limit,),
    ).fetchall()
    by_version: dict[int, list[dict[str, Any]]] = {}
    for version, store, terminal, at in applied:
        by_version.setdefault(int(version), []).append(
            {"store_id": store, "terminal_id": terminal, "applied_at": at}
        )
    return [
        {
            "version": v,
            "created_at": c,
            "source": s,
            "changed_products": n,
            "published_at": p,
            "applied": sorted(
                by_version.get(int(v), []), key=lambda a: (a["store_id"], a["terminal_id"])
            ),
        }
        for v, c, s, n, p in rows
    ]

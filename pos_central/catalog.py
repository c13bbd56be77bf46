"""The central catalog: import a CSV (the format both ends read), bump the catalog
version, publish ``catalog.changed`` to ``pos.catalog``, serve snapshots.

The version is monotonic and moves by exactly 1 per import that changes something, so a
till can tell a missed change (a gap) from the next one. The change event is stored with
its version and re-published until the broker confirms it, so a broker outage during an
import delays the change but never loses it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pika
import pika.exceptions
import psycopg
from psycopg.types.json import Jsonb

from pos_central.broker import blocking_connection
from pos_central.catalog_codes import CatalogImportFailed as CatalogImportFailed  # its home
from pos_central.catalog_codes import refuse_repeated_codes
from pos_central.config import redact
from pos_central.database import connect
from pos_central.ingest.apply import database_errors
from pos_central.topology import Topology
from pos_common.i18n import ngettext
from pos_contracts import CatalogProduct, Envelope, build_envelope, wire
from pos_contracts.catalog import catalog_changed_version
from pos_contracts.catalog_csv import CatalogFileError, decode_catalog_bytes, parse_catalog_csv

log = logging.getLogger("pos_central.catalog")

CURRENCY = "ARS"
_PRODUCT_COLUMNS = (
    "sku",
    "name",
    "price",
    "iva_rate",
    "sold_by_weight",
    "plu",
    "category",
    "barcodes",
    "active",
)


class CatalogPublishError(RuntimeError):
    """The new version is saved but RabbitMQ did not confirm it; the next import (or
    ``publish_pending``) sends it again."""


@dataclass(frozen=True)
class ImportResult:
    read: int
    changed: int
    version: int | None
    """The new version, or None when the file changed nothing."""
    current_version: int


def read_catalog_csv(path: Path) -> list[CatalogProduct]:
    """Parse with the till's own CSV format, so both ends accept exactly the same files."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogImportFailed(f"{path}: {error.strerror or error}") from None
    return parse_catalog_text(raw, str(path))


def parse_catalog_text(raw: bytes, path: str) -> list[CatalogProduct]:
    """``read_catalog_csv`` of a file's bytes (an upload); ``path`` names it in errors, in
    the language of the caller's context (the CLI's, or a web request's: ``speaking``)."""
    try:
        # the till's own decoding: UTF-8, UTF-16 with its BOM, or Windows-1252 (a Spanish
        # Excel's CSV), so both ends accept the same files
        return parse_catalog_csv(decode_catalog_bytes(raw))
    except CatalogFileError as error:
        rows = "\n".join(f"  {row}" for row in error.bad_rows)
        count = len(error.bad_rows)
        raise CatalogImportFailed(
            f"{path}: " + ngettext(
                "The file has {count} bad row; nothing was imported.",
                "The file has {count} bad rows; nothing was imported.", count,
            ).format(count=count) + f"\n{rows}"
        ) from None


def import_catalog_file(db_url: str, amqp_url: str, topology: Topology, path: Path) -> ImportResult:
    result = save_catalog(db_url, read_catalog_csv(path), source=path.name)
    publish_pending(db_url, amqp_url, topology)
    return result


def save_catalog(db_url: str, products: list[CatalogProduct], *, source: str) -> ImportResult:
    """Upsert what changed and record the new version with its event, in one transaction."""
    with database_errors(), connect(db_url) as db, db.cursor() as cursor:
        result = save_catalog_in(cursor, products, source=source)
        db.commit()
    return result


def save_catalog_in(
    cursor: psycopg.Cursor[Any], products: list[CatalogProduct], *, source: str
) -> ImportResult:
    """``save_catalog`` inside the caller's transaction (the API commits it together with
    its audit row). Nothing changed → nothing written."""
    # One import at a time: versions are handed out in commit order.
    cursor.execute("LOCK TABLE catalog_versions IN EXCLUSIVE MODE")
    current = _current_version(cursor)
    stored = _stored(cursor, [p.sku for p in products])
    changed = [p for p in products if stored.get(p.sku) != p]
    if not changed:
        return ImportResult(len(products), 0, None, current)
    refuse_repeated_codes(cursor, products)
    version = current + 1
    envelope = build_envelope(
        wire.CATALOG_CHANGED,
        {
            "catalog_version": version,
            "currency": CURRENCY,
            "products": [p.to_wire() for p in changed],
        },
        store_id=wire.CENTRAL_STORE_ID,
        terminal_id=wire.CENTRAL_CATALOG_TERMINAL_ID,
        seq=version,
        schema_version=catalog_changed_version(p.iva_rate for p in changed),
    )
    cursor.execute(
        "INSERT INTO catalog_versions (version, source, changed_products, event) "
        "VALUES (%s, %s, %s, %s)",
        (version, source, len(changed), Jsonb(envelope.to_dict())),
    )
    _upsert(cursor, changed, version)
    log.info("catálogo actualizado", extra={"catalog_version": version, "changed": len(changed)})
    return ImportResult(len(products), len(changed), version, version)


def _current_version(cursor: psycopg.Cursor[Any]) -> int:
    row = cursor.execute("SELECT coalesce(max(version), 0) FROM catalog_versions").fetchone()
    return int(row[0]) if row else 0


def _stored(cursor: psycopg.Cursor[Any], skus: list[str]) -> dict[str, CatalogProduct]:
    rows = cursor.execute(
        f"SELECT {', '.join(_PRODUCT_COLUMNS)} FROM products WHERE sku = ANY(%s)", (skus,)
    )
    return {
        sku: CatalogProduct(sku, name, price, rate, weighed, plu, category, tuple(codes), active)
        for sku, name, price, rate, weighed, plu, category, codes, active in rows
    }


def _upsert(cursor: psycopg.Cursor[Any], products: list[CatalogProduct], version: int) -> None:
    cursor.execute("CREATE TEMP TABLE incoming (LIKE products INCLUDING DEFAULTS) ON COMMIT DROP")
    with cursor.copy(
        f"COPY incoming ({', '.join(_PRODUCT_COLUMNS)}, catalog_version) FROM STDIN"
    ) as copy:
        for p in products:
            copy.write_row(
                (
                    p.sku,
                    p.name,
                    p.price,
                    p.iva_rate,
                    p.sold_by_weight,
                    p.plu,
                    p.category,
                    list(p.barcodes),
                    p.active,
                    version,
                )
            )
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_PRODUCT_COLUMNS[1:], "catalog_version"))
    cursor.execute(
        f"INSERT INTO products ({', '.join(_PRODUCT_COLUMNS)}, catalog_version) "
        f"SELECT {', '.join(_PRODUCT_COLUMNS)}, catalog_version FROM incoming "
        f"ON CONFLICT (sku) DO UPDATE SET {updates}, updated_at = now()"
    )


def publish_pending(db_url: str, amqp_url: str, topology: Topology) -> list[int]:
    """Publish, in version order, every catalog change RabbitMQ has not confirmed yet."""
    with database_errors(), connect(db_url, autocommit=True) as db:
        rows: list[tuple[Any, ...]] = db.execute(
            "SELECT version, event FROM catalog_versions WHERE published_at IS NULL "
            "ORDER BY version"
        ).fetchall()
        pending = [(int(row[0]), dict(row[1])) for row in rows]
        if not pending:
            return []
        try:
            connection = blocking_connection(amqp_url)
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CatalogPublishError(
                f"versión {pending[-1][0]} guardada pero no publicada: RabbitMQ no responde "
                f"({redact(amqp_url)}: {error!r}); se publicará en la próxima importación"
            ) from error
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            for version, event in pending:
                publish_envelope(channel, topology, Envelope(**event), wire.CATALOG_CHANGED)
                db.execute(
                    "UPDATE catalog_versions SET published_at = now() WHERE version = %s",
                    (version,),
                )
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CatalogPublishError(
                f"no se pudo publicar el catálogo: {error!r}; "
                "se reintentará en la próxima importación"
            ) from error
        finally:
            if connection.is_open:
                connection.close()
    return [version for version, _ in pending]


def publish_envelope(
    channel: Any, topology: Topology, envelope: Envelope, routing_key: str
) -> None:
    """One of head office's events on ``pos.catalog``, persistent, with its trace."""
    channel.basic_publish(
        topology.catalog_exchange,
        routing_key,
        envelope.to_json(),
        pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent,
            content_type=wire.CONTENT_TYPE,
            message_id=envelope.event_id,
            type=envelope.type,
            headers={wire.TRACEPARENT_HEADER: f"00-{envelope.trace_id}-{secrets.token_hex(8)}-01"},
        ),
    )


def catalog_snapshot(db_url: str) -> dict[str, Any] | None:
    """Every product at the current version (the catalog.changed payload shape), or None
    when there is no catalog yet. Read in one snapshot so version and rows agree."""
    with database_errors(), connect(db_url) as db:
        return read_snapshot(db)


def current_catalog_version(db: psycopg.Connection[Any]) -> int | None:
    row = db.execute("SELECT max(version) FROM catalog_versions").fetchone()
    return None if not row or row[0] is None else int(row[0])


def read_snapshot(db: psycopg.Connection[Any]) -> dict[str, Any] | None:
    """``catalog_snapshot`` on the caller's connection (outside any open transaction)."""
    db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    version = current_catalog_version(db)
    if version is None:
        db.rollback()
        return None
    rows = db.execute(f"SELECT {', '.join(_PRODUCT_COLUMNS)} FROM products ORDER BY sku").fetchall()
    db.rollback()  # read only: end the snapshot
    products = [dict(zip(_PRODUCT_COLUMNS, row, strict=True)) for row in rows]
    return {"catalog_version": version, "currency": CURRENCY, "products": products}

"""Repositories over one connection (inside a unit of work's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

# The journal's rules are the domain's; the self-test, the crash test and the benchmarks
# import them from here.
from pos_desktop.domain.journal import GENESIS_HASH as GENESIS_HASH
from pos_desktop.domain.journal import JournalEntry as JournalEntry
from pos_desktop.domain.journal import canonical_json as canonical_json
from pos_desktop.domain.journal import chain_hash as chain_hash
from pos_desktop.store.statements import driver, insert_sql, one
from pos_desktop.store.tables import (
    counters,
    journal,
    parked_sales,
    payments,
    print_jobs,
    sale_lines,
    sales,
    settings,
)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_NEXT = "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value"
_FIRST = insert_sql(counters)


class Counters:
    """Gapless numbering: the increment commits or rolls back with the sale that used it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def next(self, name: str) -> int:
        row = one(self.db, _NEXT, (name,))
        if row is not None:
            return int(row[0])
        self.db.execute(_FIRST, {"name": name, "value": 1})
        return 1

    def peek(self, name: str) -> int:
        value = self.conn.execute(
            select(counters.c.value).where(counters.c.name == name)
        ).scalar_one_or_none()
        return int(value or 0)


_SETTING = "SELECT value FROM settings WHERE key = ?"


class Settings:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def get(self, key: str, default: Any = None) -> Any:
        # Read on every sale (the fiscal policy): a plain statement, since building a
        # SQLAlchemy select per key cost more than the rest of the commit (profiled).
        row = one(self.db, _SETTING, (key,))
        return default if row is None else json.loads(row[0])

    def many(self, keys: Sequence[str]) -> dict[str, Any]:
        """``{key: value}`` for those of ``keys`` that are set, in one statement."""
        marks = ", ".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT key, value FROM settings WHERE key IN ({marks})", tuple(keys)).fetchall()
        return {str(k): json.loads(v) for k, v in rows}

    def set(self, key: str, value: Any) -> None:
        raw = json.dumps(value, ensure_ascii=False)
        done = self.conn.execute(update(settings).where(settings.c.key == key).values(value=raw))
        if done.rowcount == 0:
            self.conn.execute(insert(settings).values(key=key, value=raw))

    def all(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute(select(settings)).all()}


_HEAD = "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"
_APPEND = insert_sql(journal)


class Journal:
    """The tamper-evident chain: hash = SHA-256(previous hash ‖ canonical record)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def head(self) -> tuple[int, str]:
        row = one(self.db, _HEAD)
        return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))

    def add(self, entry: JournalEntry) -> None:
        """Append ``entry`` (chained from this journal's ``head``)."""
        self.db.execute(_APPEND, {
            "seq": entry.seq, "kind": entry.kind, "ref": entry.ref,
            "occurred_at": entry.occurred_at, "record": entry.record,
            "prev_hash": entry.prev_hash, "hash": entry.hash,
        })

    def entries(self) -> Iterator[JournalEntry]:
        for r in self.conn.execute(select(journal).order_by(journal.c.seq)):
            yield JournalEntry(*r)


_SALE, _SALE_LINE, _PAYMENT = insert_sql(sales), insert_sql(sale_lines), insert_sql(payments)


class Sales:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def add(self, row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]],
            pays: Sequence[Mapping[str, Any]]) -> None:
        """One statement per table: the sale, its lines, its payments."""
        self.db.execute(_SALE, row)
        self.db.executemany(_SALE_LINE, lines)
        self.db.executemany(_PAYMENT, pays)

    def payload_by_ticket(self, ticket_number: int) -> dict[str, Any] | None:
        raw = self.conn.execute(
            select(sales.c.payload).where(sales.c.ticket_number == ticket_number)
        ).scalar_one_or_none()
        return None if raw is None else dict(json.loads(raw))

    def payloads(self, since: str | None = None) -> Iterator[dict[str, Any]]:
        q = select(sales.c.payload).order_by(sales.c.ticket_number)
        if since:
            q = q.where(sales.c.completed_at >= since)
        for (raw,) in self.conn.execute(q):
            yield json.loads(raw)

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(sales)).scalar_one())


class Parked:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, label: str, total: int, data: dict[str, Any], cashier_id: str | None) -> int:
        result = self.conn.execute(
            insert(parked_sales).values(
                parked_at=utc_now(),
                cashier_id=cashier_id,
                label=label,
                total=total,
                data=json.dumps(data, ensure_ascii=False),
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def list(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(
                parked_sales.c.id,
                parked_sales.c.parked_at,
                parked_sales.c.label,
                parked_sales.c.total,
            ).order_by(parked_sales.c.id)
        )
        return [dict(r._mapping) for r in rows]

    def take(self, parked_id: int) -> dict[str, Any] | None:
        raw = self.conn.execute(
            select(parked_sales.c.data).where(parked_sales.c.id == parked_id)
        ).scalar_one_or_none()
        if raw is None:
            return None
        self.conn.execute(delete(parked_sales).where(parked_sales.c.id == parked_id))
        return dict(json.loads(raw))

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(parked_sales)).scalar_one())


_PRINT_JOB = insert_sql(print_jobs, ("kind", "ref", "document", "status", "created_at",
                                     "updated_at"))


class PrintJobs:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def add(self, kind: str, ref: str | None, document: Mapping[str, Any]) -> int:
        now = utc_now()
        cursor = self.db.execute(_PRINT_JOB, {
            "kind": kind, "ref": ref, "document": json.dumps(document, ensure_ascii=False),
            "status": "pending", "created_at": now, "updated_at": now,
        })
        return int(cursor.lastrowid or 0)

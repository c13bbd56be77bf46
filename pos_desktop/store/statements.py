"""The commit path's statements: SQL built once, at import, from the table definitions,
and run on the transaction's own sqlite3 connection.

Building a SQLAlchemy ``insert(...).values(...)`` per row, then its cache key, then its
parameters, cost about 70 % of a sale's commit (some ten statements a sale). Here each
statement is a fixed string (sqlite3 keeps it compiled in its statement cache) and each
table gets one ``executemany`` per sale, with named parameters so that a row and its
columns cannot drift apart. These run inside the unit of work's transaction (its
``BEGIN IMMEDIATE``); they never commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table


def driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under ``conn`` (in ``conn``'s transaction)."""
    return cast(sqlite3.Connection, conn.connection.driver_connection)


def insert_sql(table: Table, columns: Sequence[str] | None = None) -> str:
    """``INSERT INTO table (a, b) VALUES (:a, :b)``; every name is checked against the
    table's definition (a renamed column fails at import, not at the first sale)."""
    names = list(columns) if columns is not None else [c.name for c in table.columns]
    unknown = [name for name in names if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {unknown[0]}")
    return (f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + n for n in names)})")


def one(db: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
        ) -> tuple[Any, ...] | None:
    """The first row of a query (the statement is finished before returning)."""
    rows = db.execute(sql, params).fetchall()
    return None if not rows else tuple(rows[0])

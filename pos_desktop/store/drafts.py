"""The sale in progress, saved as it changes (each line, each tender), so SIGTERM, kill -9
or a power cut never loses it: one row of ``open_sale``, replaced at every change.

Each save is a short write transaction of its own on the writer engine: one statement
and, under ``synchronous=FULL``, one fsync of the WAL, so it is on disk when the scan
returns. It is never written in a sale's commit: a completed sale leaves its draft behind
and the next change replaces it; ``pending`` ignores a draft whose sale was completed
(or parked) before the till stopped.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine

from pos_desktop.store.repositories import utc_now
from pos_desktop.store.statements import driver, one

_SAVE = ("INSERT OR REPLACE INTO open_sale (slot, sale_id, saved_at, data) "
         "VALUES (1, ?, ?, ?)")
_CLEAR = "DELETE FROM open_sale"
# A draft whose sale was completed or parked before the till stopped is not pending.
_PENDING = (
    "SELECT data FROM open_sale o WHERE slot = 1 "
    "AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.sale_id = o.sale_id) "
    "AND NOT EXISTS (SELECT 1 FROM parked_sales p "
    "                WHERE json_extract(p.data, '$.sale_id') = o.sale_id)"
)


class Drafts:
    """The draft row inside a unit of work (park and recall change it with the parked
    sales, in their transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save(self, data: dict[str, Any]) -> None:
        driver(self.conn).execute(_SAVE, (data["sale_id"], utc_now(),
                                          json.dumps(data, ensure_ascii=False)))

    def clear(self) -> None:
        driver(self.conn).execute(_CLEAR)


class DraftBook:
    """The register's port (``services.register.SaleDrafts``): each call its own
    transaction, on the writer (BEGIN IMMEDIATE, see db.py)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, data: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            Drafts(conn).save(data)

    def clear(self) -> None:
        with self.engine.begin() as conn:
            Drafts(conn).clear()

    def pending(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = one(driver(conn), _PENDING)
            conn.rollback()
        return None if row is None else dict(json.loads(row[0]))

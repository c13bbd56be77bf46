"""The unit of work: one SQLite transaction that rolls back unless ``commit()`` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.repositories import (
    Counters,
    Journal,
    Outbox,
    Parked,
    PrintJobs,
    Sales,
    Settings,
)


class UnitOfWork:
    conn: Connection

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        self._tx = self.conn.begin()  # BEGIN IMMEDIATE (see db.py)
        self.counters = Counters(self.conn)
        self.settings = Settings(self.conn)
        self.catalog = CatalogRepository(self.conn)
        self.sales = Sales(self.conn)
        self.journal = Journal(self.conn)
        self.outbox = Outbox(self.conn)
        self.parked = Parked(self.conn)
        self.print_jobs = PrintJobs(self.conn)
        return self

    def commit(self) -> None:
        self._tx.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()

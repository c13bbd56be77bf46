"""The unit of work: one SQLite transaction that rolls back unless ``commit()`` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from pos_desktop.domain.errors import PosError
from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.outbox import Outbox
from pos_desktop.store.people_repo import AuditLog, Users
from pos_desktop.store.refund_repo import Refunds
from pos_desktop.store.repositories import (
    Counters,
    Journal,
    Parked,
    PrintJobs,
    Sales,
    Settings,
)
from pos_desktop.store.shift_repo import CashMoves, Shifts


class DatabaseBusy(PosError):
    message = "The till's database is busy with another task: try again in a moment."


class UnitOfWork:
    conn: Connection

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        try:
            self._tx = self.conn.begin()  # BEGIN IMMEDIATE (see db.py)
        except OperationalError as exc:
            self.conn.close()  # or the pool runs dry and every later action waits 30 s
            if "locked" in str(exc.orig):
                raise DatabaseBusy() from exc
            raise
        except BaseException:
            self.conn.close()
            raise
        self.counters = Counters(self.conn)
        self.settings = Settings(self.conn)
        self.catalog = CatalogRepository(self.conn)
        self.sales = Sales(self.conn)
        self.journal = Journal(self.conn)
        self.outbox = Outbox(self.conn)
        self.parked = Parked(self.conn)
        self.print_jobs = PrintJobs(self.conn)
        self.shifts = Shifts(self.conn)
        self.cash_moves = CashMoves(self.conn)
        self.refunds = Refunds(self.conn)
        self.users = Users(self.conn)
        self.audit_log = AuditLog(self.conn)
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

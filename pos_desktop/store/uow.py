"""The unit of work: one SQLite transaction that rolls back unless ``commit()`` is called.

Use cases read and number things through its repositories, and record what happened as
business facts (``record(SaleCompleted(...))``). ``commit()`` writes every consequence of
every recorded fact (``pos_desktop.store.books``) and then commits, all in the one
transaction; if anything fails, nothing of it is kept.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from pos_common.i18n import N_
from pos_desktop.config import Identity
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.events import E, Recorded
from pos_desktop.store.books import write_fact
from pos_desktop.store.caea_repo import Caeas
from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.drafts import Drafts
from pos_desktop.store.facts import SqliteLedger
from pos_desktop.store.fiscal_repo import FiscalDocuments
from pos_desktop.store.integrity import explain
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
    message = N_("The till's database is busy with another task: try again in a moment.")


class UnitOfWork:
    conn: Connection

    def __init__(self, engine: Engine, identity: Identity) -> None:
        self.engine = engine
        self.identity = identity

    def __enter__(self) -> UnitOfWork:
        try:
            self.conn = self.engine.connect()
        except Exception as exc:  # opening a damaged file fails at its first PRAGMA
            self._raise_explained(exc)
            raise
        try:
            self._tx = self.conn.begin()  # BEGIN IMMEDIATE (see db.py)
        except (OperationalError, sqlite3.OperationalError) as exc:
            self.conn.close()  # or the pool runs dry and every later action waits 30 s
            if "locked" in str(getattr(exc, "orig", exc)):
                raise DatabaseBusy() from exc
            self._raise_explained(exc)
            raise
        except BaseException as exc:
            self.conn.close()
            self._raise_explained(exc)
            raise
        self._facts: list[Recorded[Any]] = []
        self.counters = Counters(self.conn)
        self.settings = Settings(self.conn)
        self.catalog = CatalogRepository(self.conn)
        self.sales = Sales(self.conn)
        self.journal = Journal(self.conn)
        self.outbox = Outbox(self.conn)
        self.parked = Parked(self.conn)
        self.drafts = Drafts(self.conn)
        self.print_jobs = PrintJobs(self.conn)
        self.shifts = Shifts(self.conn)
        self.cash_moves = CashMoves(self.conn)
        self.refunds = Refunds(self.conn)
        self.fiscal = FiscalDocuments(self.conn)
        self.caeas = Caeas(self.conn)
        self.users = Users(self.conn)
        terminal = self.identity.terminal_id
        self.audit_log = AuditLog(self.conn, terminal, lambda: self.shifts.open_id(terminal))
        return self

    def record(self, event: E) -> Recorded[E]:
        """Keep ``event`` to be written, with all its consequences, by ``commit()``."""
        recorded = Recorded(event)
        self._facts.append(recorded)
        return recorded

    def commit(self) -> None:
        facts, self._facts = self._facts, []
        ledger = SqliteLedger(self)
        for recorded in facts:
            write_fact(ledger, recorded, self.identity)
        self._tx.commit()
        for recorded in facts:
            recorded.committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        except Exception:
            if exc is None:
                raise  # else the error that brought us here says more than the rollback's
        finally:
            self.conn.close()
        if exc is not None:
            self._raise_explained(exc)

    def _raise_explained(self, exc: BaseException) -> None:
        """A damaged file or a full disk, in words (``store/integrity.py``)."""
        said = explain(exc, Path(str(self.engine.url.database)))
        if said is not None:
            raise said from exc

"""The composition root: the one place that builds the till's pieces."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from pos_desktop.config import Identity
from pos_desktop.domain.barcode import DEFAULT_SCALE_PATTERN, ScaleLabelFormat
from pos_desktop.logs import bind_identity
from pos_desktop.paths import DEMO_CATALOG
from pos_desktop.services.checkout import Cashier
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import SCRIPT_USER, People, Session, StaffAdmin
from pos_desktop.services.refunds import RefundService
from pos_desktop.services.register import Register
from pos_desktop.services.shifts import ShiftService
from pos_desktop.settings_schema import declared
from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.db import database_path, open_engine
from pos_desktop.store.migrate import migrate
from pos_desktop.store.repositories import Settings
from pos_desktop.store.uow import UnitOfWork

if TYPE_CHECKING:
    from pos_desktop.sync.service import TillSync
    from pos_desktop.sync.status import SyncStatus

log = logging.getLogger(__name__)
DEMO_STORE = {
    "store.name": "Almacén Don Pepe",
    "store.cuit": "30-71234567-1",
    "store.address": "Av. Corrientes 1234, CABA",
    "store.iva_condition": "Responsable Inscripto",
    "store.footer": ["¡Gracias por su compra!"],
}
DEMO_FLOAT = 2_000_000  # $ 20.000 in the drawer when the demo opens its shift


@dataclass
class Till:
    """Everything one till needs, built from its data folder."""

    data_dir: Path
    writer: Engine
    reader: Engine
    identity: Identity
    demo: bool = False
    register: Register = field(init=False)
    people: People = field(init=False)
    session: Session = field(init=False)
    guard: TillGuard = field(init=False)
    staff: StaffAdmin = field(init=False)
    shifts: ShiftService = field(init=False)
    refunds: RefundService = field(init=False)
    sync: TillSync | None = field(default=None, init=False)
    after_commit: list[Callable[[], None]] = field(default_factory=list, init=False)

    @classmethod
    def open(cls, data_dir: Path, *, demo: bool = False) -> Till:
        data_dir.mkdir(parents=True, exist_ok=True)
        db = database_path(data_dir)
        writer = open_engine(db)
        migrate(writer, db)
        reader = open_engine(db, writer=False)
        till = cls(data_dir, writer, reader, Identity(), demo)
        if demo:
            till.seed_demo()
        till.identity = till._load_identity()
        bind_identity(till.identity.store_id, till.identity.terminal_id)
        till._build_people_and_shifts()
        till.register = till.new_register()
        till.people.adopt_setup_manager()
        if demo:
            till.start_demo()
        return till

    def _build_people_and_shifts(self) -> None:
        self.people = People(self.uow, self.identity, reads=self.read_uow)
        self.session = Session(self.people, on_change=self._session_changed)
        self.guard = TillGuard(self.session, self.people, self.uow, self.identity)
        self.staff = StaffAdmin(self.people, self.guard)
        self.shifts = ShiftService(
            self.uow,
            self.identity,
            self.guard,
            has_open_sale=lambda: bool(self.register.sale.lines),
            reports_dir=self.data_dir / "reports",
            reads=self.read_uow,
        )
        self.refunds = RefundService(self.uow, self.identity, self.guard)

    def _session_changed(self, session: Session) -> None:
        """Keep the register's cashier (what the window shows) in step with the session;
        approvals given for the previous user are dropped."""
        self.guard.withdraw()
        user = session.user
        if hasattr(self, "register"):
            self.register.cashier = None if user is None else Cashier(user.user_id, user.name)

    def start_demo(self) -> None:
        """Demo users, a shift open with a float, and the demo cashier logged in."""
        self.people.seed_demo()
        if self.shifts.current_id() is None:
            marta = self.people.get("u-marta")
            assert marta is not None
            self.session.start_without_pin(marta)
            self.shifts.open_shift(DEMO_FLOAT)
        ana = self.people.get("u-ana")
        assert ana is not None
        self.session.start_without_pin(ana)

    def start_scripted_run(self) -> None:
        """For ``simulate``: sell as the script user, opening a shift if none is open."""
        if self.session.user is None:
            self.session.start_without_pin(SCRIPT_USER)
        if self.shifts.current_id() is None:
            self.shifts.open_shift(0)

    def read_uow(self) -> UnitOfWork:
        """Repositories on a read connection (plain BEGIN): for reads that must not take,
        or wait for, the write lock. Never commit through it."""
        return UnitOfWork(self.reader, self.identity)

    def uow(self) -> UnitOfWork:
        if not self.after_commit:
            return UnitOfWork(self.writer, self.identity)
        return _NotifyingUnitOfWork(self.writer, self.identity, self.after_commit)

    # -- head office sync (pos_desktop/sync): built here so services never import it ------------
    def build_sync(self, **options: object) -> TillSync:
        from pos_desktop.sync.service import TillSync

        with self.reader.connect() as conn:  # a read: never the write lock
            stored = Settings(conn).all()
        return TillSync.from_stored(stored, self.reader, self.writer, self.uow, **options)

    def start_sync(self) -> TillSync:
        """Start the outbox publisher and the catalog listener (if sync is configured).

        After every local commit the publisher is woken, so a sale reaches the broker at
        once instead of at the next poll.
        """
        if self.sync is None:
            self.sync = self.build_sync()
        if self.sync.wake not in self.after_commit:
            self.after_commit.append(self.sync.wake)
        self.sync.start()
        return self.sync

    def stop_sync(self) -> None:
        if self.sync is not None:
            self.sync.stop()

    def restart_sync(self) -> TillSync:
        """Rebuild sync from the settings as they are now (after the settings dialog)."""
        if self.sync is not None:
            self.sync.stop()
            if self.sync.wake in self.after_commit:
                self.after_commit.remove(self.sync.wake)
            self.sync = None
        return self.start_sync()

    def sync_status(self) -> SyncStatus:
        """Online/offline/error, pending count, oldest unsent age (the window polls this
        on a timer: two short reads, no write lock, no network)."""
        sync = self.sync or self.build_sync()
        return sync.status()

    def settings(self, *keys: str) -> dict[str, Any]:
        """Stored values of ``keys`` (None when unset), read without the write lock: a
        read must never wait for the publisher or the print queue to finish writing."""
        with self.reader.connect() as conn:
            stored = Settings(conn)
            return {key: stored.get(key) for key in keys}

    def new_register(self) -> Register:
        catalog = CatalogRepository(self.reader.connect())
        user = self.session.user
        cashier = None if user is None else Cashier(user.user_id, user.name)
        prefs = self.settings("scale.pattern", "ui.print_receipts", "cash.rounding_unit")
        pattern = prefs["scale.pattern"] or DEFAULT_SCALE_PATTERN
        print_receipts = prefs["ui.print_receipts"] is not False
        try:
            scale = ScaleLabelFormat(pattern)
        except ValueError:  # a bad pattern must not stop the till; plain codes still sell
            log.error("invalid scale.pattern, using the default", extra={"pattern": pattern})
            scale = ScaleLabelFormat(DEFAULT_SCALE_PATTERN)
        return Register(
            self.uow, catalog, self.identity, cashier=cashier, guard=self.guard,
            session=self.session, scale=scale, print_receipts=print_receipts,
            cash_unit=int(prefs["cash.rounding_unit"] or declared("cash.rounding_unit").default),
        )

    def _load_identity(self) -> Identity:
        with self.uow() as uow:
            s = uow.settings
            # POS_STORE_ID / POS_TERMINAL_ID win, as for sync (pos_desktop/sync/settings.py).
            return Identity(
                store_id=os.environ.get("POS_STORE_ID") or s.get("store.id", "S001"),
                terminal_id=os.environ.get("POS_TERMINAL_ID") or s.get("terminal.id", "T01"),
                terminal_number=int(s.get("terminal.number", 1)),
            )

    def seed_demo(self) -> None:
        """Load the demo catalogue and store details, once."""
        from pos_desktop.services.catalog_import import import_catalog

        with self.uow() as uow:
            if uow.settings.get("demo.seeded"):
                return
        result = import_catalog(self.uow, DEMO_CATALOG)
        with self.uow() as uow:
            for key, value in DEMO_STORE.items():
                uow.settings.set(key, value)
            uow.settings.set("demo.seeded", True)
            uow.commit()
        log.info("demo catalogue loaded", extra={"products": result.rows})

    def close(self) -> None:
        self.stop_sync()
        self.register.catalog.conn.close()
        self.reader.dispose()
        self.writer.dispose()


class _NotifyingUnitOfWork(UnitOfWork):
    """A unit of work that tells listeners (the sync publisher) after each commit."""

    def __init__(self, engine: Engine, identity: Identity,
                 after_commit: list[Callable[[], None]]) -> None:
        super().__init__(engine, identity)
        self._after_commit = after_commit

    def commit(self) -> None:
        super().commit()
        for callback in self._after_commit:
            try:
                callback()
            except Exception:  # a wake-up must never undo or fail a committed sale
                log.exception("after-commit callback failed")

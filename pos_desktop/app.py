"""The composition root: the one place that builds the till's pieces.

``bootstrap(data_dir)`` opens (and migrates) the database and builds every service, the
print queue and head-office sync, each once, in dependency order; the ``Till`` it returns
is complete (nothing is filled in later). ``Till.window_deps()`` hands the window its
typed dependencies (``ui.deps.TillDeps``): the window never sees the database, the engine
or this object. Nothing starts a thread here: the print queue starts when the window
listens to it, sync when ``start_sync`` is called.
"""

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
from pos_desktop.domain.sale import TenderKind
from pos_desktop.logs import bind_identity
from pos_desktop.paths import DEMO_CATALOG
from pos_desktop.printing import PrintControl
from pos_desktop.services.catalog_admin import CatalogAdmin
from pos_desktop.services.checkout import Cashier
from pos_desktop.services.fiscal import FiscalPolicy
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import SCRIPT_USER, People, Session, StaffAdmin
from pos_desktop.services.refunds import RefundService
from pos_desktop.services.register import Register
from pos_desktop.services.settings import SettingsService
from pos_desktop.services.shifts import ShiftService
from pos_desktop.settings_schema import KeyringSecrets, SecretStore, declared
from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.db import database_path, open_engine
from pos_desktop.store.drafts import DraftBook
from pos_desktop.store.integrity import check_at_start, explain
from pos_desktop.store.migrate import migrate
from pos_desktop.store.repositories import Settings
from pos_desktop.store.uow import UnitOfWork

if TYPE_CHECKING:
    from pos_arca import Clock
    from pos_desktop.domain.sale import Sale
    from pos_desktop.fiscal.caea_duties import CaeaDuties
    from pos_desktop.fiscal.contingency import Contingency
    from pos_desktop.fiscal.demo import DemoArca
    from pos_desktop.fiscal.worker import FiscalOutcome, FiscalWorker
    from pos_desktop.sync.service import TillSync
    from pos_desktop.sync.status import SyncStatus
    from pos_desktop.ui.deps import TillDeps

log = logging.getLogger(__name__)
DEMO_STORE = {
    "store.name": "Almacén Don Pepe",
    "store.legal_name": "Almacén Don Pepe S.R.L.",
    "store.cuit": "30-71234567-1",
    "store.iibb": "901-712345-6",
    "store.activities_start": "2019-03-01",
    "store.address": "Av. Corrientes 1234, CABA",
    "store.iva_condition": "Responsable Inscripto",
    "store.footer": ["¡Gracias por su compra!"],
}
DEMO_FLOAT = 2_000_000  # $ 20.000 in the drawer when the demo opens its shift
AfterCommit = list[Callable[[], None]]


@dataclass(frozen=True)
class Database:
    """The till's SQLite file: a writer and a reader engine, and who is writing."""

    writer: Engine
    reader: Engine
    identity: Identity
    after_commit: AfterCommit = field(default_factory=list)

    def uow(self) -> UnitOfWork:
        if not self.after_commit:
            return UnitOfWork(self.writer, self.identity)
        return _NotifyingUnitOfWork(self.writer, self.identity, self.after_commit)

    def read_uow(self) -> UnitOfWork:
        """Repositories on a read connection (plain BEGIN): for reads that must not take,
        or wait for, the write lock. Never commit through it."""
        return UnitOfWork(self.reader, self.identity)

    def settings(self, *keys: str) -> dict[str, Any]:
        """Stored values of ``keys`` (None when unset), read without the write lock."""
        with self.reader.connect() as conn:
            stored = Settings(conn)
            return {key: stored.get(key) for key in keys}


@dataclass
class Till:
    """Everything one till needs, built from its data folder by ``bootstrap``."""

    data_dir: Path
    db: Database
    demo: bool
    people: People
    session: Session
    guard: TillGuard
    staff: StaffAdmin
    shifts: ShiftService
    refunds: RefundService
    register: Register
    config: SettingsService
    catalog: CatalogAdmin
    printing: PrintControl
    sync: TillSync | None = None
    """Head-office sync once started (``start_sync``); None for a till not syncing."""
    fiscal: FiscalWorker | None = None
    """The fiscal worker once started (``start_fiscal``); None in fiscal mode none."""
    demo_arca: DemoArca | None = None
    """``--demo``: ARCA's stand-in inside the till (``start_fiscal(demo=True)``)."""
    recovered: Sale | None = None
    """The sale left in progress when the till last stopped, back on the register."""

    @classmethod
    def open(cls, data_dir: Path, *, demo: bool = False) -> Till:
        return bootstrap(data_dir, demo=demo)

    # -- the database ----------------------------------------------------------------------
    @property
    def identity(self) -> Identity:
        return self.db.identity

    @property
    def writer(self) -> Engine:
        return self.db.writer

    @property
    def reader(self) -> Engine:
        return self.db.reader

    @property
    def after_commit(self) -> AfterCommit:
        return self.db.after_commit

    def uow(self) -> UnitOfWork:
        return self.db.uow()

    def read_uow(self) -> UnitOfWork:
        return self.db.read_uow()

    def settings(self, *keys: str) -> dict[str, Any]:
        """Stored values of ``keys`` (None when unset), read without the write lock: a
        read must never wait for the publisher or the print queue to finish writing."""
        return self.db.settings(*keys)

    # -- the window's view of the till -----------------------------------------------------
    def window_deps(self) -> TillDeps:
        from pos_desktop.ui.deps import TillDeps

        return TillDeps(
            identity=self.identity,
            register=self.register,
            session=self.session,
            people=self.people,
            guard=self.guard,
            staff=self.staff,
            shifts=self.shifts,
            refunds=self.refunds,
            settings=self.config,
            catalog=self.catalog,
            printing=self.printing,
            sync=_SyncPort(self),
            fiscal=_FiscalPort(self) if self.register.fiscal is not None else None,
            store_name=str(self.settings("store.name")["store.name"] or ""),
            demo=self.demo,
            recovered=self.recovered,
            standalone=self.standalone,
        )

    @property
    def standalone(self) -> bool:
        """No head office configured: nothing waits to be sent, so nothing says it does."""
        return not (self.settings("sync.amqp_url")["sync.amqp_url"]
                    or os.environ.get("POS_AMQP_URL"))

    # -- runs ------------------------------------------------------------------------------
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
        """For ``simulate``: sell as the script user, opening a shift if none is open. A
        sale recovered from a stop is put on hold first: the script never sells it."""
        from pos_common.i18n import _

        if self.session.user is None:
            self.session.start_without_pin(SCRIPT_USER)
        if self.register.sale.lines:
            if any(t.kind is not TenderKind.CASH for t in self.register.sale.tenders):
                # The script's own card payment (nobody was charged): a sale with a card
                # taken cannot be held, and the script never sells a recovered sale.
                self.register.clear_tenders()
            self.register.park(_("Recovered after the till stopped"))
        if self.shifts.current_id() is None:
            self.shifts.open_shift(0)

    # -- head office sync (pos_desktop/sync): built here so services never import it --------
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

    # -- ARCA (pos_desktop/fiscal): the worker that gets every comprobante its CAE ----------
    def build_fiscal(self) -> FiscalWorker:
        from pos_desktop.fiscal.client import check_cuit, open_session
        from pos_desktop.fiscal.status import caea_queues_of, queues_of, read_settings
        from pos_desktop.fiscal.worker import ArcaSession, FiscalWorker
        from pos_desktop.services.fiscal import SqliteFiscalBook

        def connect() -> ArcaSession:
            settings = read_settings(self.reader)  # as saved now: a reconnection sees changes
            session = open_session(settings, self.data_dir)
            check_cuit(settings, session)
            return session

        def print_receipts() -> bool:
            return self.settings("ui.print_receipts")["ui.print_receipts"] is not False

        contingency = self.contingency()
        return FiscalWorker(SqliteFiscalBook(self.uow, print_receipts=print_receipts), connect,
                            queues=lambda: queues_of(read_settings(self.reader)),
                            caea_queues=lambda: caea_queues_of(read_settings(self.reader)),
                            clock=contingency.clock, contingency=contingency,
                            duties=self.caea_duties(contingency.clock))

    def caea_duties(self, clock: Clock | None = None) -> CaeaDuties:
        from pos_arca import SystemClock
        from pos_desktop.fiscal.caea_duties import CaeaDuties
        from pos_desktop.fiscal.status import read_settings
        from pos_desktop.services.caea import SqliteCaeaBook

        def cuit() -> str:
            return read_settings(self.reader).cuit

        return CaeaDuties(SqliteCaeaBook(self.uow, cuit), clock or SystemClock(), cuit,
                          lambda: read_settings(self.reader).caea_point_of_sale,
                          lambda: self.standalone)  # no head office: it informs ARCA itself

    def contingency(self) -> Contingency:
        """The one the worker sets and the register reads (sales go CAEA while it is on)."""
        from pos_desktop.fiscal.contingency import Contingency

        if self.register.contingency is None:
            self.register.contingency = Contingency()
        return self.register.contingency

    def refresh_fiscal_policy(self) -> None:
        """The register issues the comprobantes the fiscal settings say (after they change)."""
        self.register.fiscal = _fiscal_policy(self.db)
        if self.fiscal is not None:
            self.fiscal.retry_now()  # a refused login may be fixed now (a new certificate)

    def start_fiscal(self, *, demo: bool = False) -> FiscalWorker | None:
        """In fiscal mode ARCA, start the fiscal worker; every commit wakes it (the CAE is
        asked after the sale's commit, never on the cashier's thread). ``demo``: against
        ARCA's stand-in started inside the till first."""
        if demo:
            self.start_demo_arca()
        self.refresh_fiscal_policy()
        if self.register.fiscal is None:
            return None
        if self.fiscal is None:
            self.fiscal = self.build_fiscal()
        if self.fiscal.wake not in self.after_commit:
            self.after_commit.append(self.fiscal.wake)
        self.fiscal.start()
        return self.fiscal

    def stop_fiscal(self) -> None:
        if self.fiscal is not None:
            if self.fiscal.wake in self.after_commit:
                self.after_commit.remove(self.fiscal.wake)
            self.fiscal.stop()
            self.fiscal = None

    def start_demo_arca(self) -> None:
        """``--demo``: ARCA's stand-in in-process, the fiscal settings pointing at it."""
        from pos_desktop.fiscal.demo import start_demo_arca

        if self.demo_arca is not None:
            return
        cuit = int("".join(c for c in DEMO_STORE["store.cuit"] if c.isdigit()))
        self.demo_arca = start_demo_arca(self.data_dir, cuit)
        with self.uow() as uow:
            for key, value in self.demo_arca.settings().items():
                uow.settings.set(key, value)
            uow.commit()

    def fiscal_status(self) -> dict[str, Any]:
        """What the status bar shows of ARCA (short reads; never asks ARCA)."""
        from pos_desktop.fiscal.status import fiscal_status

        return fiscal_status(self, probe_arca=False)

    def close(self) -> None:
        self.stop_fiscal()
        if self.demo_arca is not None:
            self.demo_arca.stop()
            self.demo_arca = None
        self.printing.stop()
        self.stop_sync()
        if self.register.drafts is not None:
            self.register.drafts.close()
        self.register.catalog.conn.close()
        self.reader.dispose()
        self.writer.dispose()


@dataclass(frozen=True)
class _SyncPort:
    """What the window may do with sync (``ui.deps.SyncPort``)."""

    till: Till

    def status(self) -> SyncStatus:
        return self.till.sync_status()

    def restart(self) -> None:
        self.till.restart_sync()


@dataclass(frozen=True)
class _FiscalPort:
    """What the window may do with the fiscal worker (``ui.deps.FiscalPort``)."""

    till: Till

    def status(self) -> dict[str, Any]:
        return self.till.fiscal_status()

    def listen(self, listener: Callable[[FiscalOutcome], None]) -> None:
        """``listener`` is called from the worker's thread with each comprobante's outcome."""
        if self.till.fiscal is not None:
            self.till.fiscal.listeners.append(listener)

    def reload(self) -> None:
        self.till.refresh_fiscal_policy()


def bootstrap(
    data_dir: Path, *, demo: bool = False, secrets: SecretStore | None = None
) -> Till:
    """Open the data folder's database (migrating it first) and build the whole till.

    A damaged file is refused before anything is written to it (``PRAGMA quick_check`` at
    every start, so after a crash too), and a damaged file or a full disk met on the way
    is said in words (``DamagedDatabase``, ``DiskFull``), never as a traceback."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = database_path(data_dir)
    check_at_start(path)
    try:
        return _build(data_dir, path, demo=demo, secrets=secrets)
    except Exception as exc:
        said = explain(exc, path)
        if said is None:
            raise
        raise said from exc


def _build(data_dir: Path, path: Path, *, demo: bool, secrets: SecretStore | None) -> Till:
    writer = open_engine(path)
    migrate(writer, path)
    reader = open_engine(path, writer=False)
    if demo:
        seed_demo(Database(writer, reader, Identity()))
    db = Database(writer, reader, Identity())
    db = Database(writer, reader, _load_identity(db))
    bind_identity(db.identity.store_id, db.identity.terminal_id)

    people = People(db.uow, db.identity, reads=db.read_uow)

    def session_changed(session: Session) -> None:
        """Approvals given for one user are dropped when another logs in (or the till
        locks); the register's cashier (what the window shows) follows the session."""
        guard.withdraw()
        user = session.user
        register.cashier = None if user is None else Cashier(user.user_id, user.name)

    session = Session(people, on_change=session_changed)
    guard = TillGuard(session, people, db.uow, db.identity)
    register = _register(db, guard, session, shift_open=lambda: shifts.current_id() is not None)
    shifts = ShiftService(
        db.uow, db.identity, guard,
        has_open_sale=lambda: bool(register.sale.lines),
        reports_dir=data_dir / "reports",
        reads=db.read_uow,
    )
    till = Till(
        data_dir=data_dir,
        db=db,
        demo=demo,
        people=people,
        session=session,
        guard=guard,
        staff=StaffAdmin(people, guard),
        shifts=shifts,
        refunds=RefundService(db.uow, db.identity, guard),
        register=register,
        config=SettingsService(db.uow, secrets or KeyringSecrets(), guard, reads=db.read_uow),
        catalog=CatalogAdmin(db.uow, guard),
        printing=PrintControl(writer, reader, db.identity, db.after_commit, demo=demo),
    )
    people.adopt_setup_manager()
    if demo:
        till.start_demo()
    till.recovered = register.recover()
    if till.recovered is not None:
        log.warning("a sale left in progress was recovered",
                    extra={"sale_id": till.recovered.sale_id,
                           "lines": len(till.recovered.lines)})
    return till


def open_till(data_dir: Path, demo: bool = False) -> Till:
    """``bootstrap`` as the window's launcher calls it."""
    return bootstrap(data_dir, demo=demo)


def _register(
    db: Database, guard: TillGuard, session: Session, *, shift_open: Callable[[], bool]
) -> Register:
    catalog = CatalogRepository(db.reader.connect())
    prefs = db.settings("scale.pattern", "ui.print_receipts", "cash.rounding_unit")
    pattern = prefs["scale.pattern"] or DEFAULT_SCALE_PATTERN
    try:
        scale = ScaleLabelFormat(pattern)
    except ValueError:  # a bad pattern must not stop the till; plain codes still sell
        log.error("invalid scale.pattern, using the default", extra={"pattern": pattern})
        scale = ScaleLabelFormat(DEFAULT_SCALE_PATTERN)
    return Register(
        db.uow, catalog, db.identity, guard=guard, session=session, scale=scale,
        print_receipts=prefs["ui.print_receipts"] is not False, shift_open=shift_open,
        cash_unit=int(prefs["cash.rounding_unit"] or declared("cash.rounding_unit").default),
        fiscal=_fiscal_policy(db), drafts=DraftBook(db.writer),
    )


def _fiscal_policy(db: Database) -> FiscalPolicy | None:
    """The comprobantes the till issues (None: fiscal mode none, training)."""
    from pos_desktop.fiscal.status import read_settings
    from pos_desktop.services.fiscal import policy_of

    return policy_of(read_settings(db.reader))


def _load_identity(db: Database) -> Identity:
    with db.uow() as uow:
        s = uow.settings
        # POS_STORE_ID / POS_TERMINAL_ID win, as for sync (pos_desktop/sync/settings.py).
        return Identity(
            store_id=os.environ.get("POS_STORE_ID") or s.get("store.id", "S001"),
            terminal_id=os.environ.get("POS_TERMINAL_ID") or s.get("terminal.id", "T01"),
            terminal_number=int(s.get("terminal.number", 1)),
        )


def seed_demo(db: Database) -> None:
    """Load the demo catalogue and store details, once."""
    from pos_desktop.services.catalog_import import import_catalog

    with db.uow() as uow:
        if uow.settings.get("demo.seeded"):
            return
    result = import_catalog(db.uow, DEMO_CATALOG)
    with db.uow() as uow:
        for key, value in DEMO_STORE.items():
            uow.settings.set(key, value)
        uow.settings.set("demo.seeded", True)
        uow.commit()
    log.info("demo catalogue loaded", extra={"products": result.rows})


class _NotifyingUnitOfWork(UnitOfWork):
    """A unit of work that tells listeners (the sync publisher) after each commit."""

    def __init__(self, engine: Engine, identity: Identity,
                 after_commit: AfterCommit) -> None:
        super().__init__(engine, identity)
        self._after_commit = after_commit

    def commit(self) -> None:
        super().commit()
        for callback in self._after_commit:
            try:
                callback()
            except Exception:  # a wake-up must never undo or fail a committed sale
                log.exception("after-commit callback failed")

"""The composition root: the one place that builds the till's pieces."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from pos_desktop.config import Identity
from pos_desktop.i18n import resources_dir
from pos_desktop.services.checkout import Cashier
from pos_desktop.services.register import Register
from pos_desktop.store.catalog_repo import CatalogRepository
from pos_desktop.store.db import database_path, open_engine
from pos_desktop.store.migrate import migrate
from pos_desktop.store.uow import UnitOfWork

log = logging.getLogger(__name__)
DEMO_CATALOG = resources_dir() / "demo" / "catalog.csv"
DEMO_STORE = {
    "store.name": "Almacén Don Pepe",
    "store.cuit": "30-71234567-1",
    "store.address": "Av. Corrientes 1234, CABA",
    "store.iva_condition": "Responsable Inscripto",
    "store.footer": ["¡Gracias por su compra!"],
}


@dataclass
class Till:
    """Everything one till needs, built from its data folder."""

    data_dir: Path
    writer: Engine
    reader: Engine
    identity: Identity
    demo: bool = False
    register: Register = field(init=False)

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
        till.register = till.new_register()
        return till

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.writer)

    def new_register(self) -> Register:
        catalog = CatalogRepository(self.reader.connect())
        cashier = Cashier("demo", "Demo") if self.demo else None
        return Register(self.uow, catalog, self.identity, cashier=cashier)

    def _load_identity(self) -> Identity:
        with self.uow() as uow:
            s = uow.settings
            return Identity(
                store_id=s.get("store.id", "S001"),
                terminal_id=s.get("terminal.id", "T01"),
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
        self.register.catalog.conn.close()
        self.reader.dispose()
        self.writer.dispose()

"""Opening the local database: WAL, synchronous=FULL, and BEGIN IMMEDIATE.

``synchronous=FULL`` makes a committed sale survive a power cut in WAL mode (NORMAL may
lose the last transactions). ``BEGIN IMMEDIATE`` takes the write lock at the start of a
transaction, so two writers (the window and the sync publisher) never deadlock on a lock
upgrade and counters stay gapless.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from pos_desktop.store.integrity import refuse_if_damaged

DB_FILENAME = "pos.sqlite3"


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def open_engine(path: Path, *, writer: bool = True) -> Engine:
    """An engine on the till's file. Readers (catalog lookups) never take the write lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 10},
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    if writer:

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            refuse_if_damaged(path)  # nothing more is written to a file found damaged
            # On the driver's connection: at every sale, and SQLAlchemy's statement
            # machinery costs more than the BEGIN (a busy file raises sqlite3's error).
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE")

    return engine

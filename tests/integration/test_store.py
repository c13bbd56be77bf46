"""The local database: schema from Alembic, pragmas, backups before migrating."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pos_desktop.store.db import database_path, open_engine
from pos_desktop.store.migrate import _config, head_revision, migrate
from pos_desktop.store.tables import metadata


def test_migrations_build_exactly_the_declared_tables(tmp_path: Path) -> None:
    path = tmp_path / "pos.sqlite3"
    engine = open_engine(path)
    migrate(engine, path)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # The FTS5 index and its shadow tables are made by raw SQL on purpose (not in metadata).
    diff = [
        d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("products_fts"))
    ]
    assert diff == []


def test_database_is_durable_wal(tmp_path: Path) -> None:
    path = tmp_path / "pos.sqlite3"
    engine = open_engine(path)
    migrate(engine, path)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_an_old_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    engine = open_engine(path)
    revisions = list(ScriptDirectory.from_config(_config()).walk_revisions())
    base = revisions[-1].revision
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, base)
        conn.execute(text("INSERT INTO settings VALUES ('marker', '\"kept\"')"))
    made = migrate(engine, path)
    if base == head_revision():
        assert made is None  # nothing to migrate, no backup needed
        return
    assert made is not None and Path(made).exists()
    backup = open_engine(Path(made))
    with backup.connect() as conn:
        assert conn.execute(text("SELECT value FROM settings WHERE key='marker'")).scalar()
    assert migrate(engine, path) is None  # already at head


def test_the_start_up_shortcut_knows_the_newest_migration() -> None:
    """HEAD_REVISION lets start-up skip importing Alembic; it must match the scripts."""
    from pos_desktop.store.migrate import HEAD_REVISION

    assert head_revision() == HEAD_REVISION

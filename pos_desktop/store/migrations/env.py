"""Alembic environment for the till's local SQLite (run programmatically, see migrate.py)."""

from __future__ import annotations

from alembic import context

from pos_desktop.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

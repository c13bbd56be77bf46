"""Alembic environment for the central PostgreSQL database.

Run through ``pos_central.database.migrate`` (``pos-central migrate``): the URL comes in
``config.attributes["db_url"]``; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

url = str(
    context.config.attributes.get("db_url") or context.config.get_main_option("sqlalchemy.url")
)
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

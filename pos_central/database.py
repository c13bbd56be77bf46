"""PostgreSQL: connections and schema migrations (Alembic, run programmatically)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config

from pos_central.config import psycopg_conninfo, sqlalchemy_url
from pos_common.messages import N_, TranslatableError

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseUnavailable(TranslatableError, RuntimeError):
    """PostgreSQL cannot be reached (or dropped the connection). Retry later; never
    dead-letter a message because of this."""

    message = N_("PostgreSQL unavailable: {error}")


def connect(
    db_url: str, *, autocommit: bool = False, timeout: float = 5.0
) -> psycopg.Connection[tuple[Any, ...]]:
    """A connection, or ``DatabaseUnavailable`` naming what failed.

    TCP keepalives and a user timeout make a silently vanished server (a cut cable, a
    firewall dropping packets) an error within about 30 s instead of a hang forever.
    """
    try:
        return psycopg.connect(
            psycopg_conninfo(db_url),
            autocommit=autocommit,
            connect_timeout=max(1, int(timeout)),
            application_name="pos-central",
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
            tcp_user_timeout=30_000,
        )
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(
            N_("cannot connect to PostgreSQL: {error}"), error=str(error).strip()
        ) from error


def alembic_config(db_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["db_url"] = sqlalchemy_url(db_url)
    return config


def migrate(db_url: str, revision: str = "head") -> None:
    """Bring the central schema to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(db_url), revision)

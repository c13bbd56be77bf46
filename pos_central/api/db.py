"""PostgreSQL for the API: a bounded connection pool, opened at start-up (never at import),
with a statement timeout so that no request holds a connection for ever."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from pos_central.config import psycopg_conninfo
from pos_central.database import DatabaseUnavailable

Connection = psycopg.Connection[tuple[Any, ...]]


class Database:
    def __init__(self, db_url: str, *, size: int, statement_timeout_ms: int) -> None:
        self.db_url = db_url
        options = f"-c statement_timeout={int(statement_timeout_ms)}"
        self.pool = ConnectionPool(
            psycopg_conninfo(db_url),
            min_size=1,
            max_size=max(1, size),
            kwargs={"application_name": "pos-central-api", "options": options},
            timeout=10.0,
            open=False,
        )

    def open(self) -> None:
        self.pool.open(wait=False)  # an unreachable PostgreSQL must not stop the start

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends normally, rolled back otherwise."""
        try:
            with self.pool.connection() as db:
                yield db
        except PoolTimeout as error:
            raise DatabaseUnavailable(error=str(error)) from error
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            raise DatabaseUnavailable(error=str(error).strip()) from error

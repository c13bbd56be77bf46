"""The till's catalogue is behind head office's, and why: a change or a snapshot it
refused (invalid, or repeating a code), kept in the till's settings until a change or a
snapshot is applied after it. The status bar and ``sync status`` show it; a restart
keeps it, and the listener fetches the snapshot again at its next connection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from pos_desktop.store.repositories import Settings
from pos_desktop.store.uow import UnitOfWork

BEHIND_KEY = "catalog_behind"


def mark_behind(uow_factory: Callable[[], UnitOfWork], reason: str, version: int | None) -> None:
    """Head office's ``version`` (None: unknown, the message was unreadable) was refused
    for ``reason``; the till keeps the catalogue it had."""
    with uow_factory() as uow:
        uow.settings.set(BEHIND_KEY, {
            "reason": reason[:1000],
            "version": version,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        })
        uow.commit()


def clear_behind(uow: UnitOfWork) -> None:
    """In the transaction that applies a change or a snapshot: caught up."""
    if uow.settings.get(BEHIND_KEY) is not None:
        uow.settings.set(BEHIND_KEY, None)


def behind(conn: Connection) -> dict[str, Any] | None:
    """The refusal the till has not caught up from (``reason``, ``version``, ``since``)."""
    found = Settings(conn).get(BEHIND_KEY)
    return found if isinstance(found, dict) else None


def is_behind(uow_factory: Callable[[], UnitOfWork]) -> bool:
    with uow_factory() as uow:
        return uow.settings.get(BEHIND_KEY) is not None

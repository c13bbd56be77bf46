"""The audit log: every write of the API, in the same transaction as the write."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from pos_central.api.db import Connection


def audit(
    db: Connection,
    actor: str,
    action: str,
    subject: str,
    *,
    store_id: str | None = None,
    **details: Any,
) -> None:
    db.execute(
        "INSERT INTO audit_log (actor, action, subject, store_id, details) "
        "VALUES (%s, %s, %s, %s, %s)",
        (actor, action, subject, store_id, Jsonb(details)),
    )

"""Registering a till: its own broker user (``pos_central.tills``) and its own API token,
audited. The one function behind ``pos-central till add`` and the Terminals page, so a
till registered either way gets the same two credentials."""

from __future__ import annotations

from typing import Any

from pos_central.api.audit import audit
from pos_central.api.db import Connection
from pos_central.api.users import issue_token
from pos_central.tills import TillRegistry, describe_credentials


def register_till(
    registry: TillRegistry, db: Connection, store_id: str, terminal_id: str, *, actor: str
) -> dict[str, Any]:
    """Register (or register again) ``store_id/terminal_id``: a new broker user and
    password, and a new API token (the till's previous tokens are revoked). Returns what
    is shown once: ``describe_credentials`` plus ``api_token``. The token and its audit
    rows are written on ``db``; the caller commits."""
    credentials = registry.register(store_id, terminal_id)
    revoke_tokens(db, store_id, terminal_id)
    token = issue_token(db, actor=actor, label="till", terminal=(store_id, terminal_id))
    audit(
        db,
        actor,
        "terminal.register",
        f"terminal:{store_id}/{terminal_id}",
        store_id=store_id,
        broker_user=credentials.user,
        generation=credentials.generation,
    )
    return {**describe_credentials(credentials), "api_token": token}


def revoke_tokens(db: Connection, store_id: str, terminal_id: str) -> None:
    """The till's API tokens stop working (a new registration, or its revocation)."""
    db.execute(
        "UPDATE api_tokens SET revoked_at = now() WHERE store_id = %s AND terminal_id = %s "
        "AND revoked_at IS NULL",
        (store_id, terminal_id),
    )

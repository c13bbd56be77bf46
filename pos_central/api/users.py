"""Head office users: create, list, change; sessions and API tokens. Used by the API and
by ``pos-central users`` (no web framework here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_central.api.audit import audit
from pos_central.api.db import Connection
from pos_central.api.security import digest, hash_password, needs_rehash, new_token, verify_password
from pos_common.messages import N_, TranslatableError

ROLES = ("admin", "manager", "viewer")
LOCK_AFTER = 5  # wrong passwords in a row
LOCK_MINUTES = 15


class UserError(TranslatableError, ValueError):
    """A user could not be created or changed; the message says why, translated where it
    is shown (the page's, the command's language)."""


@dataclass(frozen=True)
class OfficeUser:
    user_id: int
    name: str
    full_name: str
    role: str
    active: bool
    language: str
    stores: tuple[str, ...]
    created_at: datetime | None = None


_SELECT = """
SELECT u.user_id, u.name, u.full_name, u.role, u.active, u.language,
       coalesce(array_agg(s.store_id ORDER BY s.store_id) FILTER (WHERE s.store_id IS NOT NULL),
                '{}'),
       u.created_at
FROM office_users u LEFT JOIN office_user_stores s USING (user_id)
"""


def _user(row: tuple[Any, ...]) -> OfficeUser:
    return OfficeUser(row[0], row[1], row[2], row[3], row[4], row[5], tuple(row[6]), row[7])


def list_users(db: Connection) -> list[OfficeUser]:
    rows = db.execute(_SELECT + " GROUP BY u.user_id ORDER BY u.name").fetchall()
    return [_user(r) for r in rows]


def find_user(db: Connection, user_id: int) -> OfficeUser | None:
    row = db.execute(_SELECT + " WHERE u.user_id = %s GROUP BY u.user_id", (user_id,)).fetchone()
    return _user(row) if row else None


def _check(name: str, role: str, stores: list[str]) -> None:
    if not name.strip() or len(name) > 64:
        raise UserError(N_("the user name is missing"))
    if role not in ROLES:
        raise UserError(N_("unknown role {role}: admin, manager or viewer"), role=repr(role))
    if role == "manager" and not stores:
        raise UserError(N_("a store manager needs at least one store"))


def create_user(
    db: Connection,
    *,
    actor: str,
    name: str,
    password: str,
    role: str,
    full_name: str = "",
    stores: list[str] | None = None,
    language: str = "es_AR",
) -> int:
    stores = sorted(set(stores or []))
    _check(name, role, stores)
    taken = db.execute("SELECT 1 FROM office_users WHERE name = %s", (name,)).fetchone()
    if taken:
        raise UserError(N_("the user {name} already exists"), name=repr(name))
    row = db.execute(
        "INSERT INTO office_users (name, full_name, role, password_hash, language) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING user_id",
        (name, full_name, role, hash_password(password), language),
    ).fetchone()
    assert row is not None
    user_id = int(row[0])
    _set_stores(db, user_id, stores)
    audit(db, actor, "user.create", f"user:{name}", role=role, stores=stores)
    return user_id


def update_user(
    db: Connection,
    user_id: int,
    *,
    actor: str,
    role: str,
    full_name: str,
    stores: list[str],
    active: bool,
    password: str | None = None,
) -> None:
    found = find_user(db, user_id)
    if found is None:
        raise UserError(N_("no such user"))
    stores = sorted(set(stores))
    _check(found.name, role, stores)
    db.execute(
        "UPDATE office_users SET role = %s, full_name = %s, active = %s WHERE user_id = %s",
        (role, full_name, active, user_id),
    )
    if password:
        db.execute(
            "UPDATE office_users SET password_hash = %s, failed_logins = 0, locked_until = NULL "
            "WHERE user_id = %s",
            (hash_password(password), user_id),
        )
    if not active:
        db.execute("DELETE FROM office_sessions WHERE user_id = %s", (user_id,))
    _set_stores(db, user_id, stores)
    audit(
        db,
        actor,
        "user.update",
        f"user:{found.name}",
        role=role,
        stores=stores,
        active=active,
        password_changed=bool(password),
    )


def _set_stores(db: Connection, user_id: int, stores: list[str]) -> None:
    db.execute("DELETE FROM office_user_stores WHERE user_id = %s", (user_id,))
    for store in stores:
        db.execute(
            "INSERT INTO office_user_stores (user_id, store_id) VALUES (%s, %s)", (user_id, store)
        )


def check_login(db: Connection, name: str, password: str) -> OfficeUser | None:
    """The user when the password is right and the account usable; counts failures and
    locks the account for a while after ``LOCK_AFTER`` in a row. Audited either way."""
    row = db.execute(
        "SELECT user_id, password_hash, active, locked_until > now() FROM office_users "
        "WHERE name = %s FOR UPDATE",
        (name,),
    ).fetchone()
    ok = verify_password(row[1] if row else None, password)
    if row is None:
        audit(db, name, "login.failed", f"user:{name}", reason="unknown user")
        return None
    user_id, stored, active, locked = row
    if not ok or not active or locked:
        if not ok:
            db.execute(
                "UPDATE office_users SET failed_logins = failed_logins + 1, locked_until = "
                "CASE WHEN failed_logins + 1 >= %s THEN now() + make_interval(mins => %s) "
                "ELSE locked_until END WHERE user_id = %s",
                (LOCK_AFTER, LOCK_MINUTES, user_id),
            )
        reason = "locked" if locked else ("inactive" if not active else "wrong password")
        audit(db, name, "login.failed", f"user:{name}", reason=reason)
        return None
    db.execute(
        "UPDATE office_users SET failed_logins = 0, locked_until = NULL WHERE user_id = %s",
        (user_id,),
    )
    if needs_rehash(stored):
        db.execute(
            "UPDATE office_users SET password_hash = %s WHERE user_id = %s",
            (hash_password(password), user_id),
        )
    audit(db, name, "login", f"user:{name}")
    return find_user(db, int(user_id))


def start_session(db: Connection, user_id: int, hours: int) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = new_token("s"), new_token("c")
    db.execute(
        "INSERT INTO office_sessions (token_hash, user_id, csrf_token, expires_at) "
        "VALUES (%s, %s, %s, now() + make_interval(hours => %s))",
        (digest(token), user_id, csrf, hours),
    )
    db.execute("DELETE FROM office_sessions WHERE expires_at < now()")
    return token, csrf


def end_session(db: Connection, token: str) -> None:
    db.execute("DELETE FROM office_sessions WHERE token_hash = %s", (digest(token),))


def session_user(db: Connection, token: str) -> tuple[OfficeUser, str] | None:
    row = db.execute(
        "SELECT s.user_id, s.csrf_token FROM office_sessions s JOIN office_users u "
        "USING (user_id) WHERE s.token_hash = %s AND s.expires_at > now() AND u.active",
        (digest(token),),
    ).fetchone()
    if row is None:
        return None
    user = find_user(db, int(row[0]))
    return (user, str(row[1])) if user else None


def issue_token(
    db: Connection,
    *,
    actor: str,
    label: str,
    user_id: int | None = None,
    terminal: tuple[str, str] | None = None,
) -> str:
    """A new API token (shown once): a user's for scripts, or a till's own."""
    token = new_token("pos")
    store, till = terminal if terminal else (None, None)
    db.execute(
        "INSERT INTO api_tokens (token_hash, label, user_id, store_id, terminal_id) "
        "VALUES (%s, %s, %s, %s, %s)",
        (digest(token), label, user_id, store, till),
    )
    subject = f"terminal:{store}/{till}" if terminal else f"user_id:{user_id}"
    audit(db, actor, "token.issue", subject, store_id=store, label=label)
    return token


def token_owner(db: Connection, token: str) -> tuple[OfficeUser | None, tuple[str, str] | None]:
    row = db.execute(
        "SELECT user_id, store_id, terminal_id FROM api_tokens "
        "WHERE token_hash = %s AND revoked_at IS NULL",
        (digest(token),),
    ).fetchone()
    if row is None:
        return None, None
    if row[0] is not None:
        user = find_user(db, int(row[0]))
        return (user if user and user.active else None), None
    return None, (str(row[1]), str(row[2]))

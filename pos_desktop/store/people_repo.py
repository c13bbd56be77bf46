"""Users and the audit log, over one connection (inside a unit of work's transaction)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.people import LoginState, User
from pos_desktop.domain.permissions import Role
from pos_desktop.store.repositories import utc_now
from pos_desktop.store.statements import driver, insert_sql
from pos_desktop.store.tables import audit_log, users


def _user(row: Any) -> User:
    return User(row.user_id, row.name, Role(row.role), bool(row.active))


class Users:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, user: User, pin_hash: str) -> None:
        now = utc_now()
        self.conn.execute(
            insert(users).values(
                user_id=user.user_id,
                name=user.name,
                role=user.role.value,
                pin_hash=pin_hash,
                active=int(user.active),
                created_at=now,
                updated_at=now,
            )
        )

    def get(self, user_id: str) -> User | None:
        row = self.conn.execute(select(users).where(users.c.user_id == user_id)).first()
        return None if row is None else _user(row)

    def credentials(self, user_id: str) -> tuple[User, str, LoginState] | None:
        row = self.conn.execute(select(users).where(users.c.user_id == user_id)).first()
        if row is None:
            return None
        locked = datetime.fromisoformat(row.locked_until) if row.locked_until else None
        return _user(row), row.pin_hash, LoginState(row.failed_attempts, locked)

    def list(self, *, active_only: bool = True) -> list[User]:
        q = select(users).order_by(users.c.name, users.c.user_id)
        if active_only:
            q = q.where(users.c.active == 1)
        return [_user(r) for r in self.conn.execute(q)]

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(users)).scalar_one())

    def save_login_state(self, user_id: str, state: LoginState) -> None:
        self.conn.execute(
            update(users)
            .where(users.c.user_id == user_id)
            .values(
                failed_attempts=state.failed,
                locked_until=state.locked_until.isoformat() if state.locked_until else None,
                updated_at=utc_now(),
            )
        )

    def replace_from_head_office(self, people: Iterable[tuple[User, str]]) -> int:
        """Head office's people (with their PIN hashes), inserted or overwritten by
        user_id; wrong tries and lockouts stay as the till counted them. Returns how
        many rows changed."""
        now = utc_now()
        changed = 0
        for user, pin_hash in people:
            values = {"name": user.name, "role": user.role.value, "pin_hash": pin_hash,
                      "active": int(user.active)}
            stmt = sqlite_insert(users).values(
                user_id=user.user_id, created_at=now, updated_at=now, **values
            )
            differs = or_(*(users.c[key] != stmt.excluded[key] for key in values))
            result = self.conn.execute(stmt.on_conflict_do_update(
                index_elements=[users.c.user_id],
                set_={**{key: stmt.excluded[key] for key in values}, "updated_at": now},
                where=differs,
            ))
            changed += result.rowcount
        return changed

    def update(self, user_id: str, **values: Any) -> None:
        self.conn.execute(
            update(users).where(users.c.user_id == user_id).values(**values, updated_at=utc_now())
        )


_AUDIT = insert_sql(audit_log, ("at", "terminal_id", "shift_id", "action", "user_id",
                                "user_name", "approver_id", "approver_name", "details"))


class AuditLog:
    """The audit trail of one till: each row is tagged with the shift open when written."""

    def __init__(self, conn: Connection, terminal_id: str,
                 open_shift: Callable[[], str | None]) -> None:
        self.conn = conn
        self.db = driver(conn)
        self.terminal_id = terminal_id
        self.open_shift = open_shift

    def add(self, record: AuditRecord) -> None:
        actor, approver = record.actor, record.approver
        self.db.execute(_AUDIT, {
            "at": utc_now(),
            "terminal_id": self.terminal_id,
            "shift_id": self.open_shift(),
            "action": record.action,
            "user_id": actor.user_id if actor else None,
            "user_name": actor.name if actor else None,
            "approver_id": approver.user_id if approver else None,
            "approver_name": approver.name if approver else None,
            "details": json.dumps(dict(record.details), ensure_ascii=False, sort_keys=True),
        })

    def entries(self, shift_id: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        q = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if shift_id is not None:
            q = q.where(audit_log.c.shift_id == shift_id)
        rows = [dict(r._mapping) for r in self.conn.execute(q)]
        for row in rows:
            row["details"] = json.loads(row["details"])
        return rows

    def counts(self, shift_id: str) -> dict[str, int]:
        return audit_counts(self.conn, shift_id)


def audit_counts(conn: Connection, shift_id: str) -> dict[str, int]:
    """Per action, how many times it happened in the shift; ``overrides`` counts PINs."""
    out: dict[str, int] = {}
    q = (
        select(audit_log.c.action, func.count(), func.count(audit_log.c.approver_id))
        .where(audit_log.c.shift_id == shift_id)
        .group_by(audit_log.c.action)
    )
    overrides = 0
    for action, n, approved in conn.execute(q):
        out[str(action)] = int(n)
        overrides += int(approved)
    out["overrides"] = overrides
    return out

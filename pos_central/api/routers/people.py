"""``/v1/users``: head office's users (admins only), their API tokens, and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pos_central.api import users
from pos_central.api.auth import Admin, Api, User
from pos_central.api.models import NewUser, UserChange
from pos_central.api.refusals import refused
from pos_central.api.security import WeakPassword
from pos_common.messages import N_, TranslatableError

router = APIRouter(prefix="/v1", tags=["people"])


@router.get("/me", summary="Who the token or session belongs to")
def me(who: User) -> dict[str, Any]:
    return {"name": who.name, "role": who.role, "stores": sorted(who.stores)}


@router.get("/users")
def list_users(_who: Admin, api: Api) -> list[dict[str, Any]]:
    with api.db.connection() as db:
        return [u.__dict__ for u in users.list_users(db)]


@router.post("/users", status_code=201)
def create_user(body: NewUser, who: Admin, api: Api) -> dict[str, Any]:
    try:
        with api.db.connection() as db:
            user_id = users.create_user(db, actor=who.name, **body.model_dump())
    except (users.UserError, WeakPassword) as error:
        raise refused(422, error) from None
    return {"user_id": user_id}


@router.put("/users/{user_id}")
def change_user(user_id: int, body: UserChange, who: Admin, api: Api) -> dict[str, str]:
    try:
        with api.db.connection() as db:
            users.update_user(db, user_id, actor=who.name, **body.model_dump())
    except (users.UserError, WeakPassword) as error:
        raise refused(422, error) from None
    return {"status": "ok"}


@router.post("/users/{user_id}/tokens", status_code=201, summary="An API token (shown once)")
def new_token(user_id: int, who: Admin, api: Api, label: str = "script") -> dict[str, str]:
    with api.db.connection() as db:
        if users.find_user(db, user_id) is None:
            raise refused(404, TranslatableError(N_("no such user")))
        token = users.issue_token(db, actor=who.name, label=label, user_id=user_id)
    return {"token": token}


@router.get("/audit", summary="The latest writes: who, when, what")
def audit_log(_who: Admin, api: Api, limit: int = 100) -> list[dict[str, Any]]:
    with api.db.connection() as db:
        rows = db.execute(
            "SELECT at, actor, action, subject, store_id, details FROM audit_log "
            "ORDER BY audit_id DESC LIMIT %s",
            (min(max(limit, 1), 1000),),
        ).fetchall()
    keys = ("at", "actor", "action", "subject", "store_id", "details")
    return [dict(zip(keys, r, strict=True)) for r in rows]

"""Who is asking: a head office user (session cookie or bearer token), a till (the shared
tills' token or its own), or nobody. ``/v1/*`` needs one of the first two unless the
server runs ``--open`` (reads only: a write always needs a user, for the audit log).

Roles: ``admin`` (everything), ``manager`` (a store manager: their stores' terminals,
reports and dashboard; no catalogue, users or dead letters), ``viewer`` (reads only).
A manager or a viewer with stores sees only those stores. Forms posted with a session
carry its CSRF token (field ``csrf_token`` or header ``X-CSRF-Token``); bearer requests
need none (no browser sends a bearer token by itself).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request

from pos_central.api.context import Services, services
from pos_central.api.refusals import Refusal
from pos_central.api.users import OfficeUser, session_user, token_owner
from pos_common.messages import N_, TranslatableError

ADMIN, MANAGER, VIEWER, TILL, ANONYMOUS = "admin", "manager", "viewer", "till", "anonymous"
SESSION_COOKIE = "pos_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Principal:
    kind: str  # "user", "till" or "anonymous"
    name: str
    role: str
    user_id: int | None = None
    stores: frozenset[str] = field(default_factory=frozenset)
    """The stores a store manager (or a restricted viewer) may see; empty = all."""
    terminal: tuple[str, str] | None = None
    """A till's own (store, terminal), when it identified itself with its own token."""
    csrf: str | None = None
    """The session's CSRF token (None for bearer tokens)."""
    language: str = "es_AR"

    def sees_store(self, store_id: str) -> bool:
        return self.role == ADMIN or not self.stores or store_id in self.stores

    def visible(self, store_ids: list[str]) -> list[str]:
        return [s for s in store_ids if self.sees_store(s)]

    @property
    def is_user(self) -> bool:
        return self.kind == "user"


def _from_user(user: OfficeUser, csrf: str | None = None) -> Principal:
    return Principal(
        "user",
        user.name,
        user.role,
        user.user_id,
        frozenset(user.stores),
        csrf=csrf,
        language=user.language,
    )


class Unauthorized(Refusal):
    """401 with ``WWW-Authenticate: Bearer``, its text in the reader's language."""

    def __init__(self, message: str = N_("the access token is missing or not valid"),
                 **params: object) -> None:
        super().__init__(401, TranslatableError(message, **params),
                         headers={"WWW-Authenticate": "Bearer"})


class Forbidden(Refusal):
    def __init__(self, message: str = N_("you are not allowed to do this"),
                 **params: object) -> None:
        super().__init__(403, TranslatableError(message, **params))


def bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def identify(request: Request, api: Services) -> Principal | None:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    found = _identify(request, api)
    request.state.principal = found
    return found


def _identify(request: Request, api: Services) -> Principal | None:
    token = bearer(request)
    if token is not None:
        till = api.settings.till_token
        if till and hmac.compare_digest(token.encode(), till.encode()):
            return Principal("till", "till", TILL)
        with api.db.connection() as db:
            user, terminal = token_owner(db, token)
        if user is not None:
            return _from_user(user)
        if terminal is not None:
            return Principal("till", f"till {terminal[0]}/{terminal[1]}", TILL, terminal=terminal)
        return None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with api.db.connection() as db:
            found = session_user(db, cookie)
        if found is not None:
            return _from_user(*found)
    return None


def reader(request: Request, api: Annotated[Services, Depends(services)]) -> Principal:
    """Anyone identified may read; on an ``--open`` lab server, anybody."""
    found = identify(request, api)
    if found is not None:
        return found
    if request.headers.get("Authorization"):
        raise Unauthorized()
    if api.settings.open_access:
        return Principal("anonymous", "anonymous", ANONYMOUS)
    raise Unauthorized()


async def _csrf_ok(request: Request, who: Principal) -> bool:
    if request.method in SAFE_METHODS or who.csrf is None:
        return True
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given.encode(), who.csrf.encode())


async def office_user(request: Request, api: Annotated[Services, Depends(services)]) -> Principal:
    """A head office user (any role), with a valid CSRF token on a form post. The session or
    token is looked up in PostgreSQL on a worker thread: this dependency is async (it may
    read the form), and a query here would hold the event loop, every request with it."""
    found = await anyio.to_thread.run_sync(identify, request, api)
    if found is None or not found.is_user:
        raise Unauthorized(N_("log in, or use the token of a head office user"))
    if not await _csrf_ok(request, found):
        raise Forbidden(N_("the form has expired or is not from this page: reload it"))
    return found


async def writer(who: Annotated[Principal, Depends(office_user)]) -> Principal:
    """Someone who may change things (admin, or a manager within their stores)."""
    if who.role not in (ADMIN, MANAGER):
        raise Forbidden(N_("your role may only look (viewer)"))
    return who


async def admin(who: Annotated[Principal, Depends(office_user)]) -> Principal:
    if who.role != ADMIN:
        raise Forbidden(N_("only an administrator may do this"))
    return who


def need_store(who: Principal, store_id: str) -> None:
    if not who.sees_store(store_id):
        raise Forbidden(N_("store {store} is not one of yours"), store=store_id)


Reader = Annotated[Principal, Depends(reader)]
User = Annotated[Principal, Depends(office_user)]
Writer = Annotated[Principal, Depends(writer)]
Admin = Annotated[Principal, Depends(admin)]
Api = Annotated[Services, Depends(services)]

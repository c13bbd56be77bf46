"""Who is asking: a head office user (session cookie or bearer token), a till (its token),
or nobody. ``/v1/*`` needs one of the first two unless the server runs ``--open``."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from pos_central.api.context import Services, services

ADMIN, MANAGER, VIEWER, TILL, ANONYMOUS = "admin", "manager", "viewer", "till", "anonymous"
ROLES = (ADMIN, MANAGER, VIEWER)


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

    def sees_store(self, store_id: str) -> bool:
        return self.role == ADMIN or not self.stores or store_id in self.stores


class Unauthorized(HTTPException):
    def __init__(self, detail: str = "falta el token de acceso o no es válido") -> None:
        super().__init__(401, detail, headers={"WWW-Authenticate": "Bearer"})


def bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def identify(request: Request, api: Services) -> Principal | None:
    token = bearer(request)
    if token is not None:
        till = api.settings.till_token
        if till and hmac.compare_digest(token.encode(), till.encode()):
            return Principal("till", "till", TILL)
        resolver = api.extras.get("token_resolver")
        return resolver(token) if resolver is not None else None
    session = api.extras.get("session_resolver")
    return session(request) if session is not None else None


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

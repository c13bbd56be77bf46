"""Applying head office's people (``people.changed``, or the snapshot's ``people``) to
the till's users.

The message is the store's whole list at ``people_version``: one above the till's is
applied in ONE local transaction together with the new version; one at or below it is a
repeat or a late arrival and changes nothing. Versions count every store's changes, so a
till sees gaps and that is fine: each list is complete.

Only PIN hashes arrive (the till's own format). What the till counted itself — wrong
PINs in a row and a lockout — is kept: head office cannot unlock a till by resending a
list. People the till made itself (the first-run manager) are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pos_desktop.domain.people import User
from pos_desktop.domain.permissions import Role
from pos_desktop.store.uow import UnitOfWork

PEOPLE_VERSION_KEY = "people_version"

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class PeopleApplied:
    version: int  # the till's people_version afterwards
    changed: int  # users inserted or changed
    skipped: bool = False  # a repeat, an old list, or another store's


def people_version(uow_factory: UowFactory) -> int | None:
    """The version last applied; None when this till never heard from head office."""
    with uow_factory() as uow:
        found = uow.settings.get(PEOPLE_VERSION_KEY, None)
    return None if found is None else int(found)


def apply_people(uow_factory: UowFactory, store_id: str, payload: dict[str, Any]) -> PeopleApplied:
    """Apply one store's list (the schema has been checked by the caller)."""
    version = int(payload["people_version"])
    with uow_factory() as uow:
        have = int(uow.settings.get(PEOPLE_VERSION_KEY, -1))
        # version 0 is "head office keeps nobody for this store" (a snapshot's answer)
        if payload["store_id"] != store_id or version < have or 0 < version == have:
            return PeopleApplied(max(have, 0), 0, skipped=True)
        people = [
            (User(p["user_id"], p["name"], Role(p["role"]), bool(p["active"])), p["pin_hash"])
            for p in payload["people"]
        ]
        changed = uow.users.replace_from_head_office(people)
        uow.settings.set(PEOPLE_VERSION_KEY, version)
        uow.commit()
    return PeopleApplied(version, changed)

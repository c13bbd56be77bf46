"""``/v1/stores/{store}/people``: the tills' cashiers, supervisors and managers of a store
(``pos_central.people``), sent to that store's tills on every change. Store managers
manage their own stores' people; viewers read; nobody reads a PIN or its hash."""

from __future__ import annotations

from fastapi import APIRouter

from pos_central.api.audit import audit
from pos_central.api.auth import ADMIN, Api, Principal, Reader, Writer, need_store
from pos_central.api.models import PeopleChange, TillPerson, TillPersonChange
from pos_central.api.refusals import refused
from pos_central.catalog import CatalogPublishError
from pos_central.database import DatabaseUnavailable
from pos_central.people import (
    PeopleError,
    PersonChange,
    list_people,
    publish_pending_people,
    save_person,
)

router = APIRouter(prefix="/v1", tags=["people"])


def visible_stores(who: Principal) -> list[str] | None:
    """None: every store (an admin, or a user with no store list)."""
    return None if who.role == ADMIN or not who.stores else sorted(who.stores)


@router.get("/till-people", response_model=list[TillPerson], summary="The tills' people")
def all_people(who: Reader, api: Api) -> list[TillPerson]:
    with api.db.connection() as db:
        found = list_people(db, visible_stores(who))
    return [TillPerson.model_validate(p, from_attributes=True) for p in found]


@router.get("/stores/{store_id}/people", response_model=list[TillPerson])
def store_people(store_id: str, who: Reader, api: Api) -> list[TillPerson]:
    need_store(who, store_id)
    with api.db.connection() as db:
        found = list_people(db, [store_id])
    return [TillPerson.model_validate(p, from_attributes=True) for p in found]


@router.put(
    "/stores/{store_id}/people/{user_id}",
    response_model=PeopleChange,
    summary="Create or change a till person (sent to the store's tills)",
)
def put_person(
    store_id: str, user_id: str, body: TillPersonChange, who: Writer, api: Api
) -> PeopleChange:
    need_store(who, store_id)
    change = PersonChange(store_id, user_id, body.name, body.role, body.active, body.pin)
    return save_and_send(api, who, change)


def save_and_send(api: Api, who: Principal, change: PersonChange) -> PeopleChange:
    """Save with its audit row in one transaction, then send it (the page uses it too)."""
    try:
        with api.db.connection() as db:
            version = save_person(db, change)
            if version is not None:
                audit(
                    db, who.name, "person.save", f"person:{change.store_id}/{change.user_id}",
                    store_id=change.store_id, name=change.name.strip(), role=change.role,
                    active=change.active, pin_changed=change.pin is not None,
                    people_version=version,
                )
    except PeopleError as error:
        raise refused(422, error) from None
    if version is None:
        return PeopleChange(people_version=None, published=True)
    try:
        publish_pending_people(api.settings.db_url, api.settings.amqp_url, api.settings.topology)
    except (CatalogPublishError, DatabaseUnavailable) as error:
        return PeopleChange(people_version=version, published=False, warning=str(error))
    return PeopleChange(people_version=version, published=True)

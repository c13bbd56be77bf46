"""``/v1/dead-letters``: list with reason, inspect, replay after a fix, discard with a
note (admins act; each action audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pos_central.api import dead_letters as letters
from pos_central.api.auth import ADMIN, Admin, Api, Forbidden, Reader, need_store
from pos_central.api.models import Note
from pos_central.api.refusals import refused
from pos_common.messages import N_, TranslatableError

router = APIRouter(prefix="/v1/dead-letters", tags=["dead letters"])


@router.get("", summary="Dead letters, newest first")
def list_dead_letters(who: Reader, api: Api, status: str | None = "open") -> list[dict[str, Any]]:
    scope = None if who.role == ADMIN or not who.stores else sorted(who.stores)
    with api.db.connection() as db:
        return letters.listing(db, status or None, scope)


@router.get("/{dead_letter_id}", summary="One dead letter with its body and headers")
def get_dead_letter(dead_letter_id: int, who: Reader, api: Api) -> dict[str, Any]:
    with api.db.connection() as db:
        found = letters.one(db, dead_letter_id)
    if found is None:
        raise refused(404, TranslatableError(N_("no such dead letter")))
    if found["store_id"]:
        need_store(who, found["store_id"])
    elif who.role != ADMIN and who.stores:
        raise Forbidden(N_("that message does not say which store it is from"))
    return found


@router.post("/{dead_letter_id}/replay", summary="Publish it again, as it was")
def replay(dead_letter_id: int, body: Note, who: Admin, api: Api) -> dict[str, str]:
    try:
        with api.db.connection() as db:
            letters.replay(
                db,
                api.settings.amqp_url,
                api.settings.topology,
                dead_letter_id,
                who.name,
                body.note,
            )
    except letters.DeadLetterError as error:
        raise refused(409, error) from None
    return {"status": "replayed"}


@router.post("/{dead_letter_id}/discard", summary="Discard it, saying why")
def discard(dead_letter_id: int, body: Note, who: Admin, api: Api) -> dict[str, str]:
    try:
        with api.db.connection() as db:
            letters.discard(db, dead_letter_id, who.name, body.note)
    except letters.DeadLetterError as error:
        raise refused(409, error) from None
    return {"status": "discarded"}

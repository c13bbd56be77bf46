"""``/v1/fiscal/caea``: the CAEA of each fortnight, what was issued with it and what is
still to inform to ARCA — ``pos-central fiscal status --json``'s figures (one function,
``fiscal.status.status_in``), for a reader of the API or the back office's fiscal page.

A store manager sees the taxpayers (CUITs) their stores sell for, and only their stores'
CAEA points of sale; an admin or an unrestricted viewer sees every CUIT."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
from fastapi import APIRouter

from pos_central.api.auth import ADMIN, Api, Principal, Reader
from pos_central.api.sync_health import today
from pos_central.fiscal.status import status_in
from pos_central.fiscal.stores import STORE_CUITS

router = APIRouter(prefix="/v1/fiscal", tags=["fiscal"])


def caea_status(db: psycopg.Connection[Any], who: Principal, zone: str) -> dict[str, Any]:
    found = status_in(db, today(zone, datetime.now(UTC)))
    if who.role == ADMIN or not who.stores:
        return found
    cuits = {str(cuit) for (cuit,) in db.execute(
        f"SELECT DISTINCT cuit FROM ({STORE_CUITS}) c WHERE store_id = ANY(%s) "
        "AND cuit IS NOT NULL", (sorted(who.stores),))}
    return {
        **found,
        "taxpayers": [c for c in found["taxpayers"] if c in cuits],
        "points_of_sale": [p for p in found["points_of_sale"]
                           if p["cuit"] in cuits and who.sees_store(p["store_id"] or "")],
        "fortnights": (mine := [f for f in found["fortnights"] if f["cuit"] in cuits]),
        "alerts": sum(1 for f in mine if f["alert"]),
    }


@router.get("/caea", summary="CAEA per fortnight: issued, informed, rejected, pending")
def caea(who: Reader, api: Api) -> dict[str, Any]:
    with api.db.connection() as db:
        return caea_status(db, who, api.settings.timezone)

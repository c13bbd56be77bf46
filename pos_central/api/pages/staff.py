"""The page of the tills' people (``/staff``): each store's cashiers, supervisors and
managers, their roles, and a new PIN when one is forgotten. Saved through the same
function as ``PUT /v1/stores/{store}/people/{user}`` (audited, sent to the store's
tills); a store manager sees and changes only their stores, a viewer only reads."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pos_central.api.auth import Api, Forbidden, Principal, office_user, writer
from pos_central.api.pages import language_of, render
from pos_central.api.refusals import worded
from pos_central.api.routers.till_people import save_and_send, visible_stores
from pos_central.people import PersonChange, list_people
from pos_common.messages import N_

router = APIRouter(include_in_schema=False)
Page = Annotated[Principal, Depends(office_user)]
PageWriter = Annotated[Principal, Depends(writer)]


@router.get("/staff")
def staff(
    request: Request, who: Page, api: Api, store: str = "", error: str = "", saved: str = ""
) -> Response:
    scope = visible_stores(who)
    with api.db.connection() as db:
        known = [str(r[0]) for r in db.execute(
            "SELECT store_id FROM stores UNION SELECT store_id FROM store_people ORDER BY 1")]
        stores = known if scope is None else list(scope)
        chosen = [store] if store and who.sees_store(store) else scope
        people = list_people(db, chosen)
    return render(request, "staff.html", who, people=people, stores=stores, store=store,
                  error=error, saved=saved)


@router.post("/staff")
def save_staff(
    request: Request,
    who: PageWriter,
    api: Api,
    store_id: Annotated[str, Form()],
    user_id: Annotated[str, Form()],
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    active: Annotated[str | None, Form()] = None,
    pin: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
) -> Response:
    store_id, user_id = store_id.strip(), user_id.strip().lower()
    back = {"store": store_id}
    try:
        if not who.sees_store(store_id):
            raise Forbidden(N_("store {store} is not one of yours"), store=store_id)
        change = PersonChange(store_id, user_id, name, role, new == "1" or active is not None,
                              pin.strip() or None)
        result = save_and_send(api, who, change)
    except HTTPException as error:  # shown on the page, in its reader's language
        said = worded(error, language_of(request, who.language))
        return RedirectResponse("/staff?" + urlencode({**back, "error": said}), 303)
    back["saved"] = f"{store_id}/{user_id}" + ("" if result.published else " (pending)")
    return RedirectResponse("/staff?" + urlencode(back), 303)

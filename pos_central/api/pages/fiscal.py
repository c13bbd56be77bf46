"""The back office's fiscal page (``/fiscal``): each fortnight's CAEA, what the tills
issued with it, what is informed to ARCA and what is still to inform before its deadline
(FchTopeInf), the rejections with ARCA's message, and the CAEA points of sale. The same
figures as ``pos-central fiscal status`` and ``GET /v1/fiscal/caea``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pos_central.api.auth import Api, Principal, office_user
from pos_central.api.pages import render
from pos_central.api.routers.fiscal import caea_status

router = APIRouter(include_in_schema=False)
Page = Annotated[Principal, Depends(office_user)]


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


@router.get("/fiscal")
def fiscal(request: Request, who: Page, api: Api) -> Response:
    with api.db.connection() as db:
        status = caea_status(db, who, api.settings.timezone)
    return render(request, "fiscal.html", who, status=status, day=_day)

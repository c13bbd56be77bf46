"""``/v1/dashboard``: today's sales per store and terminal and by hour, the tills' sync
state, and the alerts (what the dashboard page shows)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from pos_central.api import sync_health as health
from pos_central.api.auth import ADMIN, Api, Principal, Reader

router = APIRouter(prefix="/v1", tags=["dashboard"])


def dashboard_data(api: Api, who: Principal, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    scope = None if who.role == ADMIN or not who.stores else sorted(who.stores)
    day = health.today(api.settings.timezone, now)
    # Every statement is sent before any is read: one round trip (sync_health.py says why)
    with api.db.connection() as db, db.pipeline():
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        read_tills = health.ask_terminals(db, scope)
        read_sales = health.ask_sales_today(db, day, api.settings.timezone, scope)
        read_alerts = health.ask_alerts(db)
        tills = read_tills(now)
        sales = read_sales()
        alerts = read_alerts(tills)
    return {
        "sales": sales,
        "terminals": tills,
        "alerts": alerts,
        "online": sum(1 for t in tills if t.online),
        "now": now,
    }


@router.get("/dashboard")
def dashboard(who: Reader, api: Api) -> dict[str, Any]:
    data = dashboard_data(api, who)
    return {
        **data,
        "terminals": [t.to_dict() for t in data["terminals"]],
        "alerts": [asdict(a) for a in data["alerts"]],
    }

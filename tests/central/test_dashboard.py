"""The dashboard's sales of the day come from the ingest's hourly summary: the same
figures as the sales themselves, by store, terminal and hour, and a store manager sees
only their stores."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.api.settings import DEFAULT_TIMEZONE
from pos_central.api.sync_health import today
from pos_contracts.testing import SimulatedTerminal

from .api_support import settings_for
from .conftest import Broker, running_ingest, scalar, wait_until
from .test_api_office import add_user, token_for

pytestmark = pytest.mark.services


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker))) as c:
        yield c


def test_todays_sales_by_store_terminal_and_hour_are_the_ingested_sales(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    day = today(DEFAULT_TIMEZONE, datetime.now(UTC)).isoformat()
    tills = [SimulatedTerminal(s, t, seed=n, day=day)
             for n, (s, t) in enumerate([("S001", "T01"), ("S001", "T02"), ("S002", "T01")])]
    events = [till.sale() for _ in range(300) for till in tills]  # 8:00 to past 9:00
    yesterday = SimulatedTerminal("S001", "T09", seed=9, day="2026-01-02").sale()
    broker.publish([*events, yesterday])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == len(events) + 1,
                   what="every sale ingested")

    admin = {"Authorization": "Bearer " + token_for(central_db, add_user(central_db, "a", "admin"))}
    answer = client.get("/v1/dashboard", headers=admin)
    assert answer.headers["server-timing"].startswith("app;dur=")  # what bench_api reads
    sales = answer.json()["sales"]
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    hours: Counter[int] = Counter()
    for e in events:
        hours[datetime.fromisoformat(e.payload["completed_at"]).astimezone(zone).hour] += 1
    assert len(hours) > 1
    assert (sales["count"], sales["total"]) == (len(events), sum(e.payload["total"] for e in events))
    assert {h["hour"]: h["count"] for h in sales["by_hour"] if h["count"]} == dict(hours)
    assert [(s["store_id"], [t["terminal_id"] for t in s["terminals"]]) for s in sales["stores"]] \
        == [("S001", ["T01", "T02"]), ("S002", ["T01"])]
    t02 = sum(e.payload["total"] for e in events if e.terminal_id == "T02")
    assert sales["stores"][0]["terminals"][1] == {"terminal_id": "T02", "count": 300, "total": t02}

    manager = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "m", "manager", ["S002"]))}
    theirs = client.get("/v1/dashboard", headers=manager).json()["sales"]
    assert [s["store_id"] for s in theirs["stores"]] == ["S002"] and theirs["count"] == 300

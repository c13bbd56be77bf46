"""The tills' people at head office (``/v1/stores/{store}/people``, ``/staff``): PIN
hashes the till verifies, one ``people.changed`` per change to that store's tills only,
audited without the PIN; permissions; the snapshot unchanged unless asked for people."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.catalog import save_catalog
from pos_central.topology import declare_till_catalog_queue
from pos_contracts import default_registry, parse_envelope, wire
from pos_contracts.registry import SCHEMA_DIR
from pos_desktop.domain.people import verify_pin

from .api_support import settings_for
from .conftest import Broker, query, scalar
from .test_api_office import TEA, add_user, login, till_auth, token_for

pytestmark = pytest.mark.services
LUCIA = {"name": "Lucía Gómez", "role": "cashier", "pin": "4321"}


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker, till_token="tills"))) as c:
        yield c


def till_queues(broker: Broker) -> tuple[str, str]:
    """The catalogue queues of S001/T01 and S002/T01, as registration declares them."""
    names = tuple(
        declare_till_catalog_queue(broker.channel, broker.topology, store, "T01")
        for store in ("S001", "S002")
    )
    broker.till_queues.extend(names)
    return names  # type: ignore[return-value]


def messages(broker: Broker, queue: str) -> list[dict[str, object]]:
    found = []
    while True:
        method, _props, body = broker.channel.basic_get(queue, auto_ack=True)
        if method is None:
            return found
        found.append(parse_envelope(body).to_dict())


def admin_auth(central_db: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(central_db, add_user(central_db, 'ana', 'admin'))}"}


def test_a_cashier_made_at_head_office_reaches_their_stores_tills_with_a_pin_the_till_checks(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    s001, s002 = till_queues(broker)
    auth = admin_auth(central_db)
    answer = client.put("/v1/stores/S001/people/u-lucia", headers=auth, json=LUCIA)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"people_version": 1, "published": True, "warning": None}

    sent = messages(broker, s001)
    assert [m["type"] for m in sent] == [wire.PEOPLE_CHANGED]
    assert messages(broker, s002) == []  # another store's tills never see them
    payload = sent[0]["payload"]
    assert isinstance(payload, dict)
    assert (payload["people_version"], payload["store_id"]) == (1, "S001")
    person = payload["people"][0]
    assert (person["user_id"], person["name"], person["role"]) == ("u-lucia", "Lucía Gómez",
                                                                    "cashier")
    assert verify_pin("4321", person["pin_hash"]) and not verify_pin("1234", person["pin_hash"])

    listed = client.get("/v1/stores/S001/people", headers=auth).json()
    assert listed == [{"store_id": "S001", "user_id": "u-lucia", "name": "Lucía Gómez",
                       "role": "cashier", "active": True}]  # no hash, no PIN
    (details,) = query(central_db, "SELECT details FROM audit_log WHERE action = 'person.save'")
    assert details[0]["pin_changed"] is True
    assert "4321" not in json.dumps(details[0])

    # Same again: nothing changed, nothing sent. A new role: the whole list again, v2.
    assert client.put("/v1/stores/S001/people/u-lucia", headers=auth,
                      json={**LUCIA, "pin": None}).json()["people_version"] is None
    again = client.put("/v1/stores/S001/people/u-lucia", headers=auth,
                       json={"name": "Lucía Gómez", "role": "supervisor"})
    assert again.json()["people_version"] == 2
    (second,) = messages(broker, s001)
    kept = second["payload"]["people"][0]  # type: ignore[index]
    assert kept["role"] == "supervisor" and kept["pin_hash"] == person["pin_hash"]


def test_bad_people_are_refused_with_a_reason_and_nothing_is_sent(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    s001, _ = till_queues(broker)
    auth = admin_auth(central_db)
    for body, reason in (
        ({"name": "Sin PIN", "role": "cashier"}, "PIN"),
        ({**LUCIA, "pin": "12a4"}, "pin"),
        ({**LUCIA, "role": "owner"}, "role"),
        ({**LUCIA, "name": ""}, "name"),
    ):
        answer = client.put("/v1/stores/S001/people/u-x", headers=auth, json=body)
        assert answer.status_code == 422 and reason in answer.text, answer.text
    assert client.put("/v1/stores/S001/people/Bad%20Id", headers=auth,
                      json=LUCIA).status_code == 422
    assert messages(broker, s001) == []
    assert scalar(central_db, "SELECT count(*) FROM people_versions") == 0


def test_a_manager_manages_only_their_stores_people_and_a_viewer_only_reads(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    till_queues(broker)
    admin = admin_auth(central_db)
    for store in ("S001", "S002"):
        client.put(f"/v1/stores/{store}/people/u-lucia", headers=admin, json=LUCIA)
    manager = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "sergio", "manager", ["S001"]))}
    viewer = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "vero", "viewer", ["S002"]))}
    assert {p["store_id"] for p in client.get("/v1/till-people", headers=manager).json()} == {
        "S001"}
    assert client.get("/v1/stores/S002/people", headers=manager).status_code == 403
    assert client.put("/v1/stores/S002/people/u-x", headers=manager,
                      json=LUCIA).status_code == 403
    assert client.put("/v1/stores/S001/people/u-x", headers=manager,
                      json=LUCIA).status_code == 200
    assert client.get("/v1/stores/S002/people", headers=viewer).status_code == 200
    assert client.put("/v1/stores/S002/people/u-y", headers=viewer,
                      json=LUCIA).status_code == 403
    assert scalar(central_db, "SELECT count(*) FROM store_people") == 3


def test_the_snapshot_is_unchanged_unless_a_till_asks_for_its_people(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    till_queues(broker)
    save_catalog(central_db, [TEA], source="t")
    client.put("/v1/stores/S001/people/u-lucia", headers=admin_auth(central_db), json=LUCIA)
    till = till_auth(central_db)  # S001/T01's own token

    plain = client.get(wire.SNAPSHOT_PATH, headers=till)
    assert set(plain.json()) == {"catalog_version", "currency", "products"}
    assert plain.headers["ETag"] == '"catalog-1"'
    both = client.get(wire.SNAPSHOT_PATH, headers=till, params={"with": "people"})
    body = both.json()
    people = body.pop("people")
    assert body == plain.json()
    assert both.headers["ETag"] == '"catalog-1-people-1"'
    envelope = {**json.loads(_example().read_text(encoding="utf-8")), "payload": people}
    default_registry().reference_validate(envelope)  # the people.changed payload, exactly
    assert [p["user_id"] for p in people["people"]] == ["u-lucia"]
    combined = client.get(wire.SNAPSHOT_PATH, headers=till,
                          params={"with": "caeas,people"}).json()  # what a till asks now
    assert combined["people"] == people and combined["caeas"] == []
    # A till asks for its own store; S002's people are not its business.
    other = client.get(wire.SNAPSHOT_PATH, headers=till,
                       params={"with": "people", "store": "S002"}).json()
    assert other["people"]["store_id"] == "S001"
    viewer = {"Authorization": "Bearer " + token_for(
        central_db, add_user(central_db, "vero", "viewer"))}
    assert client.get(wire.SNAPSHOT_PATH, headers=viewer,
                      params={"with": "people", "store": "S001"}).status_code == 403


def _example() -> Path:
    return SCHEMA_DIR.parent / "examples" / "people.changed.v1.json"


def test_the_staff_page_adds_a_person_and_shows_them(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    s001, _ = till_queues(broker)
    add_user(central_db, "marta", "manager", ["S001"])
    csrf = login(client, "marta")
    page = client.post("/staff", data={"csrf_token": csrf, "new": "1", "store_id": "S001",
                                       "user_id": "u-lucia", "name": "Lucía", "role": "cashier",
                                       "pin": "4321"})
    assert page.status_code == 200 and "u-lucia" in page.text and "Guardado" in page.text
    assert [m["type"] for m in messages(broker, s001)] == [wire.PEOPLE_CHANGED]
    refused = client.post("/staff", data={"csrf_token": csrf, "new": "1", "store_id": "S002",
                                          "user_id": "u-x", "name": "X", "role": "cashier",
                                          "pin": "4321"})
    assert "S002" in refused.text and "no es de las suyas" in refused.text
    assert client.post("/staff", data={"store_id": "S001", "user_id": "u-z", "name": "Z",
                                       "role": "cashier", "pin": "1234"}).status_code == 403


def test_the_person_model_is_the_wires_person() -> None:
    from pos_central.api.models import TillPerson, TillPersonChange

    schema = default_registry().schema("people.changed", 1)
    person = schema["properties"]["people"]["items"]["properties"]
    model = TillPerson.model_json_schema()["properties"]
    assert set(model) - {"store_id"} == set(person) - {"pin_hash"}
    assert model["user_id"]["pattern"] == person["user_id"]["pattern"]
    assert model["name"]["maxLength"] == person["name"]["maxLength"]
    change = TillPersonChange.model_json_schema()["properties"]
    roles = change["role"].get("enum") or change["role"]["anyOf"][0]["enum"]
    assert sorted(roles) == sorted(person["role"]["enum"])


def test_a_refusal_is_in_the_users_own_language_only(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    till_queues(broker)
    spanish = admin_auth(central_db)
    english_id = add_user(central_db, "bob", "admin")
    query(central_db, "UPDATE office_users SET language = 'en' WHERE user_id = %s RETURNING 1",
          (english_id,))
    english = {"Authorization": f"Bearer {token_for(central_db, english_id)}"}
    no_pin = {"name": "Sin PIN", "role": "cashier"}
    told = [client.put("/v1/stores/S001/people/u-x", headers=auth, json=no_pin).json()["error"]
            for auth in (spanish, english)]
    assert told == ["una persona nueva necesita su PIN", "a new person needs a PIN"]

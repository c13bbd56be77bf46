"""Head office's REST API and pages with FastAPI's test client, on a real PostgreSQL and
RabbitMQ: users and sessions, permissions, the catalogue reaching the broker, the tills'
reports, dead letters, reports; the API's product model against the wire's schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pika
import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.api.db import Database
from pos_central.api.users import create_user, issue_token
from pos_central.catalog import save_catalog
from pos_contracts import CatalogProduct, default_registry, wire

from .api_support import settings_for
from .conftest import Broker, scalar

pytestmark = pytest.mark.services
PASSWORD = "una clave larga"
TEA = CatalogProduct("A1", "Té negro", 100_00, "21", False, None, "Almacén", ("7790001000017",))
CAFE = CatalogProduct("B2", "Café molido", 4_599_00, "21", False, None, "Almacén", ())


def add_user(db_url: str, name: str, role: str, stores: list[str] | None = None) -> int:
    db = Database(db_url, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    try:
        with db.connection() as conn:
            return create_user(conn, actor="test", name=name, password=PASSWORD, role=role,
                               stores=stores or [])
    finally:
        db.close()


def token_for(db_url: str, user_id: int) -> str:
    db = Database(db_url, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    try:
        with db.connection() as conn:
            return issue_token(conn, actor="test", label="t", user_id=user_id)
    finally:
        db.close()


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker, till_token="tills"))) as c:
        yield c


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (from a page)."""
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    answer = client.post("/login", data={"name": name, "password": password,
                                         "csrf_token": csrf.group(1)}, follow_redirects=False)
    assert answer.status_code == 303
    home = client.get("/")
    found = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert found is not None, home.text[:500]
    return found.group(1)


def test_login_session_and_csrf(client: TestClient, central_db: str) -> None:
    add_user(central_db, "marta", "admin")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login")
    assert "Iniciar sesión" in page.text  # Spanish first
    csrf = login(client, "marta")
    save_catalog(central_db, [TEA], source="t")
    form = {"sku": "A1", "name": "Té negro", "price": "1.234,50", "iva_rate": "21",
            "category": "Almacén", "barcodes": "7790001000017", "active": "on"}
    refused = client.post("/catalog/edit", data=form, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token: refused
    saved = client.post("/catalog/edit", data={**form, "csrf_token": csrf},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert scalar(central_db, "SELECT price FROM products WHERE sku = 'A1'") == 123_450
    audit = scalar(central_db, "SELECT count(*) FROM audit_log WHERE action = 'product.save' "
                               "AND actor = 'marta'")
    assert audit == 1
    assert "$ 1.234,50" in client.get("/catalog?q=te").text


def test_wrong_passwords_lock_the_account_and_are_audited(
    client: TestClient, central_db: str
) -> None:
    add_user(central_db, "ana", "viewer")
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    for _ in range(5):
        client.post("/login", data={"name": "ana", "password": "mala clave 1",
                                    "csrf_token": csrf}, follow_redirects=False)
    right = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                         "csrf_token": csrf}, follow_redirects=False)
    assert right.headers["location"] == "/login?error=wrong"  # locked for a while
    assert scalar(central_db, "SELECT count(*) FROM audit_log WHERE action = 'login.failed'") == 6


def test_a_price_change_is_one_catalogue_version_published_to_the_tills(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    save_catalog(central_db, [TEA, CAFE], source="t")
    queue = broker.channel.queue_declare("", exclusive=True).method.queue
    broker.channel.queue_bind(queue, broker.topology.catalog_exchange, wire.CATALOG_CHANGED)
    token = token_for(central_db, add_user(central_db, "marta", "admin"))
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.post("/v1/prices/bulk", json={"percent": "10", "category": "Almacén"},
                         headers=auth)
    assert answer.json() == {"version": 2, "changed": 2, "published": True, "warning": None}
    versions = []
    while True:  # the import's version 1, then the change's version 2
        method, _properties, body = broker.channel.basic_get(queue, auto_ack=True)
        assert method is not None
        event = json.loads(body)
        default_registry().validate(event)
        versions.append(event["payload"]["catalog_version"])
        if versions[-1] == 2:
            break
    assert versions == [1, 2]
    prices = {p["sku"]: p["price"] for p in event["payload"]["products"]}
    assert prices == {"A1": 110_00, "B2": 5_058_90}  # 4.599 × 1,10 = 5.058,90
    found = client.get("/v1/products", params={"q": "cafe"}, headers=auth).json()
    assert [p["sku"] for p in found["products"]] == ["B2"]  # accent-blind


def test_permissions_a_manager_sees_only_their_stores_and_a_viewer_cannot_write(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    save_catalog(central_db, [TEA], source="t")
    manager = token_for(central_db, add_user(central_db, "sergio", "manager", ["S001"]))
    viewer = token_for(central_db, add_user(central_db, "vero", "viewer"))
    for store, terminal in (("S001", "T01"), ("S002", "T01")):
        answer = client.post(f"/v1/terminals/{store}/{terminal}/report",
                             headers={"Authorization": "Bearer tills"}, json=report(1))
        assert answer.status_code == 204
    as_manager = {"Authorization": f"Bearer {manager}"}
    seen = client.get("/v1/terminals", headers=as_manager).json()
    assert {t["store_id"] for t in seen} == {"S001"}
    assert client.delete("/v1/terminals/S002/T01", headers=as_manager).status_code == 403
    assert client.get("/v1/users", headers=as_manager).status_code == 403
    as_viewer = {"Authorization": f"Bearer {viewer}"}
    assert len(client.get("/v1/terminals", headers=as_viewer).json()) == 2
    assert client.put("/v1/products/A1", headers=as_viewer,
                      json={**TEA.to_wire(), "price": 1}).status_code == 403
    assert client.post("/v1/prices/bulk", headers=as_viewer,
                       json={"percent": "5"}).status_code == 403
    assert scalar(central_db, "SELECT price FROM products WHERE sku = 'A1'") == TEA.price


_TILL_TOKENS: dict[str, str] = {}


def till_auth(central_db: str) -> dict[str, str]:
    if central_db not in _TILL_TOKENS:
        db = Database(central_db, size=1, statement_timeout_ms=10_000)
        db.pool.open(wait=True)
        with db.connection() as conn:
            _TILL_TOKENS[central_db] = issue_token(conn, actor="t", label="till",
                                                   terminal=("S001", "T01"))
        db.close()
    return {"Authorization": f"Bearer {_TILL_TOKENS[central_db]}"}


def report(version: int, **changes: object) -> dict[str, object]:
    return {"till_time": "2026-12-02T10:00:00-03:00", "sync_state": "online",
            "pending_events": 0, "catalog_version": version, **changes}


def test_a_till_reports_for_itself_only_and_its_catalogue_version_is_recorded(
    client: TestClient, central_db: str
) -> None:
    auth = till_auth(central_db)
    assert client.post("/v1/terminals/S001/T01/report", headers=auth,
                       json=report(3, pending_events=4)).status_code == 204
    assert client.post("/v1/terminals/S002/T01/report", headers=auth,
                       json=report(3)).status_code == 403
    assert scalar(central_db, "SELECT pending_events FROM terminal_reports") == 4
    assert scalar(central_db, "SELECT version FROM terminal_catalog_versions") == 3


def test_dead_letters_are_kept_replayed_and_discarded_with_a_note(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    from pos_central.api.dead_letters import BackgroundWork

    for body in (b"not json", b'{"store_id": "S001", "terminal_id": "T01"}'):
        broker.channel.basic_publish(
            broker.topology.dead_letter_exchange, "sale.completed", body,
            pika.BasicProperties(headers={wire.REJECT_REASON_HEADER: "not_json: x",
                                          "x-pos-original-routing-key": "sale.completed"}))
    db = Database(central_db, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    keeper = BackgroundWork(db, broker.url, broker.topology, lambda: None)
    assert keeper.drain() == 2
    db.close()
    assert broker.depth(broker.topology.dead_letter_queue) == 0  # acked after the commit
    token = token_for(central_db, add_user(central_db, "marta", "admin"))
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/v1/dead-letters", headers=auth).json()
    assert {d["reason"] for d in listed} == {"not_json: x"}
    first, second = sorted(d["id"] for d in listed)
    assert client.get(f"/v1/dead-letters/{first}", headers=auth).json()["body"] == "not json"
    assert client.post(f"/v1/dead-letters/{first}/discard", headers=auth,
                       json={"note": ""}).status_code == 409  # a note is required
    assert client.post(f"/v1/dead-letters/{first}/discard", headers=auth,
                       json={"note": "prueba"}).json() == {"status": "discarded"}
    assert broker.depth(broker.topology.ingest_queue) == 0
    assert client.post(f"/v1/dead-letters/{second}/replay", headers=auth,
                       json={"note": "arreglado"}).json() == {"status": "replayed"}
    assert broker.depth(broker.topology.ingest_queue) == 1  # back on pos.events
    actions = scalar(central_db, "SELECT string_agg(action, ',' ORDER BY audit_id) FROM "
                                 "audit_log WHERE action IN ('dead_letter.discard', 'dead_letter.replay')")
    assert actions == "dead_letter.discard,dead_letter.replay"


def test_reports_in_json_and_pdf(client: TestClient, central_db: str) -> None:
    token = token_for(central_db, add_user(central_db, "marta", "admin"))
    auth = {"Authorization": f"Bearer {token}"}
    daily = client.get("/v1/reports/daily", params={"day": "2026-11-28"}, headers=auth)
    assert daily.json()["date"] == "2026-11-28"
    pdf = client.get("/v1/reports/monthly", params={"month": "2026-11", "format": "pdf"},
                     headers=auth)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_product_model_is_the_wires_product() -> None:
    from pos_central.api.models import Product

    schema = default_registry().schema("catalog.changed", 1)
    wire_product = schema["properties"]["products"]["items"]
    model = Product.model_json_schema()
    assert set(model["properties"]) == set(wire_product["properties"])
    assert set(wire_product["required"]) >= set(model.get("required", []))
    for product in (TEA, CAFE):
        assert Product.of(product).to_catalog() == product

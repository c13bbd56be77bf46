"""Head office never saves, so never sends, a catalogue in which a sku, a barcode or a PLU
names two products: the API, the CSV import and the price change refuse it whole, with
every conflict listed in the reader's language; and a change at a rate ``catalog.changed``
v1 cannot carry goes to the tills as v2, the others as v1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.catalog import import_catalog_file, save_catalog
from pos_central.catalog_codes import CatalogImportFailed, RepeatedCodes
from pos_central.config import psycopg_conninfo
from pos_common.i18n import translations
from pos_contracts import CatalogProduct, default_registry, parse_envelope, wire

from .api_support import settings_for
from .conftest import Broker, scalar
from .test_api_office import token_for

pytestmark = pytest.mark.services
SCALE = CatalogProduct("P1", "Queso por kilo", 9_000_00, "21", True, 401, "Fiambres", ())
TEA = CatalogProduct("A1", "Té negro", 100_00, "21", False, None, "Almacén", ("7790001000019",))


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker))) as c:
        yield c


def admin(central_db: str, name: str, language: str = "es_AR") -> dict[str, str]:
    from pos_central.api.db import Database
    from pos_central.api.users import create_user

    db = Database(central_db, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    try:
        with db.connection() as conn:
            user = create_user(conn, actor="test", name=name, password="una clave larga",
                               role="admin", stores=[], language=language)
    finally:
        db.close()
    return {"Authorization": f"Bearer {token_for(central_db, user)}"}


def wire_of(product: CatalogProduct, **changes: object) -> dict[str, object]:
    return {**product.to_wire(), **changes}


def test_a_plu_or_barcode_another_product_has_is_refused_in_the_readers_language(
    client: TestClient, central_db: str
) -> None:
    save_catalog(central_db, [SCALE, TEA], source="t")
    marta, john = admin(central_db, "marta"), admin(central_db, "john", "en")
    other = wire_of(SCALE, sku="P2", name="Salame por kilo")
    answer = client.put("/v1/products/P2", json=other, headers=marta)
    assert answer.status_code == 409
    assert answer.json()["error"] == (
        "No se guardó nada: 1 código nombraría a dos productos.\n"
        "  el PLU 401 ya pertenece al producto P1")
    stolen = wire_of(TEA, sku="A2", name="Té verde", plu=None)
    answer = client.put("/v1/products/A2", json=stolen, headers=john)
    assert answer.status_code == 409
    assert answer.json()["error"] == (
        "Nothing was saved: 1 code would name two products.\n"
        "  barcode 7790001000019 already belongs to product A1")
    assert scalar(central_db, "SELECT count(*) FROM products") == 2
    assert scalar(central_db, "SELECT max(version) FROM catalog_versions") == 1
    moved = client.put("/v1/products/P1", json=wire_of(SCALE, plu=402), headers=marta)
    assert moved.status_code == 200  # its own PLU may change; then 401 is free
    assert client.put("/v1/products/P2", json=other, headers=marta).status_code == 200


def test_a_file_whose_codes_stored_products_have_imports_nothing_and_lists_them_all(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    save_catalog(central_db, [SCALE, TEA], source="t")
    path = tmp_path / "catalogo.csv"
    path.write_text(
        "sku,name,price,iva_rate,unit,barcodes,plu,category\n"
        "P2,Salame,8000.00,21,kg,,401,Fiambres\n"
        "A2,Té verde,120.00,21,unit,7790001000019,,Almacén\n"
        "A3,Mate cocido,90.00,21,unit,7790001000026,,Almacén\n", encoding="utf-8")
    with pytest.raises(CatalogImportFailed) as refused:
        import_catalog_file(central_db, broker.url, broker.topology, path)
    assert isinstance(refused.value, RepeatedCodes)
    assert refused.value.text(translations("en")).splitlines() == [
        "Nothing was saved: 2 codes would name two products.",
        "  barcode 7790001000019 already belongs to product A1",
        "  PLU 401 already belongs to product P1",
    ]
    assert scalar(central_db, "SELECT count(*) FROM products") == 2  # not even A3


def test_a_price_change_over_stored_products_that_repeat_a_plu_changes_none(
    client: TestClient, central_db: str
) -> None:
    """Rows written before head office refused repeats (or by hand): the change would
    send both to the tills, which cannot apply them; it is refused until fixed."""
    save_catalog(central_db, [SCALE, TEA], source="t")
    with psycopg.connect(psycopg_conninfo(central_db)) as db:
        db.execute("UPDATE products SET plu = 401 WHERE sku = 'A1'")
    answer = client.post("/v1/prices/bulk", json={"percent": "10"},
                         headers=admin(central_db, "marta"))
    assert answer.status_code == 409
    assert "PLU 401 está en los productos A1, P1" in answer.json()["error"]
    assert scalar(central_db, "SELECT max(version) FROM catalog_versions") == 1


def test_a_change_at_a_new_arca_rate_goes_as_v2_and_the_others_as_v1(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    queue = broker.channel.queue_declare("", exclusive=True).method.queue
    broker.channel.queue_bind(queue, broker.topology.catalog_exchange, wire.CATALOG_CHANGED)
    marta = admin(central_db, "marta")
    bread = wire_of(TEA, sku="PAN", name="Pan de molde", iva_rate="5", barcodes=[])
    for body in (wire_of(TEA), bread):
        assert client.put(f"/v1/products/{body['sku']}", json=body,
                          headers=marta).status_code == 200
    events = []
    while len(events) < 2:
        method, _properties, raw = broker.channel.basic_get(queue, auto_ack=True)
        assert method is not None
        events.append(parse_envelope(raw))
    assert [(e.schema_version, e.payload["catalog_version"]) for e in events] == [(1, 1), (2, 2)]
    assert events[1].payload["products"][0]["iva_rate"] == "5"
    # The snapshot: every product for a till that reads v2; v1's rates for one that does not.
    upgraded = client.get(wire.SNAPSHOT_PATH, params={"with": wire.SNAPSHOT_WITH_V2},
                          headers=marta)
    older = client.get(wire.SNAPSHOT_PATH, headers=marta)
    assert [p["sku"] for p in upgraded.json()["products"]] == ["A1", "PAN"]
    assert [p["sku"] for p in older.json()["products"]] == ["A1"]
    assert upgraded.headers["ETag"] != older.headers["ETag"]
    for body, version in ((upgraded, 2), (older, 1)):
        default_registry().validate({
            "event_id": "00000000-0000-4000-8000-000000000000", "type": wire.CATALOG_CHANGED,
            "schema_version": version, "occurred_at": "2026-12-02T10:00:00.000-03:00",
            "store_id": "central", "terminal_id": "catalog", "seq": 2, "trace_id": "0" * 32,
            "payload": json.loads(body.content)})

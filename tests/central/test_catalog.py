"""A catalog import bumps the version and reaches every till's queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pos_central.catalog import (
    CatalogImportFailed,
    CatalogPublishError,
    import_catalog_file,
    publish_pending,
)
from pos_central.cli import main
from pos_central.topology import declare_till_catalog_queue
from pos_common.i18n import explain, translations
from pos_contracts import CatalogProduct, parse_envelope

from .conftest import Broker, query, scalar

pytestmark = pytest.mark.services

HEADER = "sku,name,price,iva_rate,unit,barcodes,plu,category\n"
ROWS = [
    "7790001,Yerba Mate Playadito 1 kg,4500.00,21,unit,7790895000997,,Almacén\n",
    "2000123,Manzana roja,2599.00,10.5,kg,,123,Verdulería\n",
    "7790002,Aceite de girasol 1.5 l,3299.00,21,unit,7790070012340|7790070012357,,Almacén\n",
]


def write(tmp_path: Path, rows: list[str], name: str = "catalogo.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def till_messages(broker: Broker, queue: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        method, properties, body = broker.channel.basic_get(queue, auto_ack=True)
        if method is None:
            return found
        envelope = parse_envelope(body)  # valid against the contract
        assert properties.message_id == envelope.event_id
        found.append(envelope.payload)


def test_an_import_bumps_the_version_and_reaches_each_till_queue(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    queues = [
        declare_till_catalog_queue(broker.channel, broker.topology, "S001", terminal)
        for terminal in ("T01", "T02")
    ]
    broker.till_queues += queues
    result = import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, ROWS))
    assert (result.read, result.changed, result.version) == (3, 3, 1)
    for queue in queues:
        [payload] = till_messages(broker, queue)
        assert payload["catalog_version"] == 1
        assert payload["currency"] == "ARS"
        products = {p["sku"]: CatalogProduct.from_wire(p) for p in payload["products"]}
        assert products["2000123"] == CatalogProduct(
            "2000123", "Manzana roja", 259_900, "10.5", True, 123, "Verdulería", ()
        )
        assert products["7790002"].barcodes == ("7790070012340", "7790070012357")
    assert (
        scalar(central_db, "SELECT count(*) FROM catalog_versions WHERE published_at IS NOT NULL")
        == 1
    )

    again = import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, ROWS))
    assert (again.changed, again.version, again.current_version) == (0, None, 1)
    assert till_messages(broker, queues[0]) == []

    cheaper = [ROWS[0].replace("4500.00", "4399.99"), *ROWS[1:]]
    result = import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, cheaper))
    assert (result.changed, result.version) == (1, 2)
    [payload] = till_messages(broker, queues[1])
    assert payload["catalog_version"] == 2
    assert [(p["sku"], p["price"]) for p in payload["products"]] == [("7790001", 439_999)]
    assert query(central_db, "SELECT sku, price, catalog_version FROM products ORDER BY sku") == [
        ("2000123", 259_900, 1),
        ("7790001", 439_999, 2),
        ("7790002", 329_900, 1),
    ]


def test_a_bad_file_changes_nothing_and_lists_every_bad_line(
    central_db: str, broker: Broker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [ROWS[0], "X1,Sin precio,45,99,21,unit,,,\n", "X2,Tasa rara,100.00,19,unit,,,\n"]
    with pytest.raises(CatalogImportFailed) as error:
        import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, bad))
    assert "3" in str(error.value) and "4" in str(error.value)  # both bad lines are named
    code = main(
        [
            "catalog",
            "import",
            str(write(tmp_path, bad)),
            "--db-url",
            central_db,
            "--amqp-url",
            broker.url,
            "--prefix",
            broker.topology.prefix,
        ]
    )
    assert code == 1
    assert "catalogo.csv" in capsys.readouterr().err
    assert scalar(central_db, "SELECT count(*) FROM catalog_versions") == 0
    assert scalar(central_db, "SELECT count(*) FROM products") == 0


def test_a_barcode_owned_by_another_product_is_refused(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, ROWS))
    thief = ["9990001,Yerba genérica,100.00,21,unit,7790895000997,,\n"]
    with pytest.raises(CatalogImportFailed) as refused:
        import_catalog_file(central_db, broker.url, broker.topology, write(tmp_path, thief))
    # in the reader's language, whatever the process's (an earlier test may have set it)
    said = explain(refused.value, translations("es_AR"))
    assert "el código de barras 7790895000997 ya pertenece al producto 7790001" in said
    assert scalar(central_db, "SELECT max(version) FROM catalog_versions") == 1


def test_a_change_saved_while_the_broker_is_unreachable_is_published_later(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    queue = declare_till_catalog_queue(broker.channel, broker.topology, "S001", "T01")
    broker.till_queues.append(queue)
    with pytest.raises(CatalogPublishError, match="versión 1 guardada pero no publicada"):
        import_catalog_file(
            central_db, "amqp://guest:guest@127.0.0.1:9/%2F", broker.topology, write(tmp_path, ROWS)
        )
    assert (
        scalar(central_db, "SELECT count(*) FROM catalog_versions WHERE published_at IS NULL") == 1
    )
    assert publish_pending(central_db, broker.url, broker.topology) == [1]
    [payload] = till_messages(broker, queue)
    assert payload["catalog_version"] == 1
    assert publish_pending(central_db, broker.url, broker.topology) == []


def test_the_catalog_command_prints_the_new_version(
    central_db: str, broker: Broker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db-url", central_db, "--amqp-url", broker.url, "--prefix", broker.topology.prefix]
    assert main(["catalog", "import", str(write(tmp_path, ROWS)), *args]) == 0
    assert "catálogo versión 1 publicado" in capsys.readouterr().out
    stored = json.loads(json.dumps(scalar(central_db, "SELECT event FROM catalog_versions")))
    assert stored["type"] == "catalog.changed"
    assert stored["seq"] == 1

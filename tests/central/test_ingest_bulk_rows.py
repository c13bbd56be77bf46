"""The ingest's fast paths must store exactly what the plain paths store.

- sale.completed rows built by PostgreSQL from the message bodies (writers.BULK_WRITERS)
  must equal the rows built in Python (writers.sale_completed_v1), column by column.
- the compiled validators with our rewrites of fastjsonschema's code must accept and
  refuse exactly what the library's own compile does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import fastjsonschema
import psycopg
import pytest

from sync.central.config import psycopg_conninfo
from sync.central.ingest.apply import APPLIED, DUPLICATE, BatchApplier
from sync.contracts import Envelope, parse_envelope
from sync.contracts.envelope import decode_body
from sync.contracts.registry import _inline_refs, _merge_nullable, default_registry
from sync.contracts.testing import SimulatedTerminal, iva_breakdown

TABLES = {
    "processed_events": "event_id",
    "sales": "sale_id",
    "sale_lines": "sale_id, line_no",
    "payments": "sale_id, tender_no",
    "sale_iva": "sale_id, rate",
}


def varied_sales() -> list[Envelope]:
    """Sales that exercise nulls, non-ASCII text, several tenders and references."""
    till = SimulatedTerminal("S009", "T03", seed=41)
    out = [till.sale(line_count=n) for n in (1, 3, 12)]
    sale = till.sale(line_count=2)
    payload = copy.deepcopy(sale.payload)
    payload["shift_id"] = None
    payload["cashier"] = None
    payload["lines"][0]["barcode"] = None
    payload["lines"][1]["description"] = 'Té "ñandú" \\ ½ kg \u00e9\u4e2d'
    total = payload["total"]
    payload["tenders"] = [
        {"kind": "debit", "amount": total - 100, "reference": "AUT 123\ttab"},
        {"kind": "cash", "amount": 500, "reference": None},
    ]
    payload["change"] = 400
    payload["iva"] = iva_breakdown(payload["lines"])
    out.append(Envelope(**{**sale.to_dict(), "payload": payload}))
    return out


def dump(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(psycopg_conninfo(db_url)) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in TABLES.items()
        }


def without_processed_at(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    return {**rows, "processed_events": [row[:-1] for row in rows["processed_events"]]}


def test_sales_built_by_postgresql_from_the_bodies_equal_the_python_rows(central_db: str) -> None:
    envelopes = varied_sales()
    bodies = [
        envelopes[0].to_json(),
        b"\xef\xbb\xbf" + envelopes[1].to_json(),  # UTF-8 with BOM
        envelopes[2].to_json().decode().encode("utf-16"),
        envelopes[3].to_json(),
    ]
    texts = [decode_body(body) for body in bodies]
    assert [parse_envelope(text) for text in texts] == envelopes
    with psycopg.connect(psycopg_conninfo(central_db)) as db:
        applier = BatchApplier(db)
        assert applier.apply(envelopes, texts).outcomes == [APPLIED] * 4
        from_bodies = dump(central_db)
        db.execute("TRUNCATE " + ", ".join(TABLES))
        db.commit()
        assert applier.apply(envelopes).outcomes == [APPLIED] * 4
        from_python = dump(central_db)
        # and a redelivery through the fast path is a duplicate that changes nothing
        assert applier.apply(envelopes, texts).outcomes == [DUPLICATE] * 4
    assert sum(len(rows) for rows in from_bodies.values()) > 4 * 4
    assert without_processed_at(from_bodies) == without_processed_at(from_python)
    assert dump(central_db)["sale_lines"] == from_python["sale_lines"]


def test_apply_wants_one_body_per_envelope(central_db: str) -> None:
    with (
        psycopg.connect(psycopg_conninfo(central_db)) as db,
        pytest.raises(ValueError, match="one body per envelope"),
    ):
        BatchApplier(db).apply(varied_sales(), [])


def _library_compiled(name: str) -> Any:
    registry = default_registry()
    schema = registry.schema(name, 1)
    by_uri = {s["$id"]: s for s in (registry.schema(n, v) for n, v in registry.event_types())}
    for support in ("common", "envelope"):
        support_schema = registry.schema(support, 1)
        by_uri[support_schema["$id"]] = support_schema
    inlined = _merge_nullable(_inline_refs(schema, schema["$id"], by_uri))
    inlined.pop("$defs", None)
    return fastjsonschema.compile(inlined)


def _verdict(validator: Any, document: Any) -> str:
    try:
        validator(document)
    except fastjsonschema.JsonSchemaValueException as error:
        return f"refused: {error.message}"
    return "accepted"


MUTATIONS: list[tuple[str, Any]] = [
    ("ticket_number", 0),
    ("ticket_number", True),
    ("ticket_number", 3.0),
    ("ticket_number", 3.5),
    ("ticket_number", "3"),
    ("total", -1),
    ("total", 9007199254740992),
    ("total", None),
    ("change", False),
    ("lines.0.quantity_milli", 0),
    ("lines.0.quantity_milli", 1.0),
    ("lines.0.quantity_milli", 1000000001),
    ("lines.0.line_no", True),
    ("lines.0.amount", 2**70),
    ("lines.0.unit_price", [1]),
    ("tenders.0.amount", 0),
    ("journal.seq", "1"),
    ("cashier", {"user_id": "u"}),
    ("lines.0", {"line_no": 1}),
]


def _mutated(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(payload))
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(("path", "value"), MUTATIONS)
def test_rewritten_validator_agrees_with_the_library(path: str, value: Any) -> None:
    ours = default_registry()._payloads[("sale.completed", 1)]
    library = _library_compiled("sale.completed")
    payload = SimulatedTerminal(seed=5).sale(line_count=3).payload
    assert _verdict(ours, payload) == _verdict(library, payload) == "accepted"
    document = _mutated(payload, path, value)
    assert _verdict(ours, document) == _verdict(library, document)

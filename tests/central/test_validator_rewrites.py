"""The compiled validators with our rewrites of fastjsonschema's generated code (the
ingest hot path) must accept and refuse exactly what the library's own compile does."""

from __future__ import annotations

import json
from typing import Any

import fastjsonschema
import pytest

from pos_contracts.registry import _inline_refs, _merge_nullable, _speed_up, default_registry
from pos_contracts.testing import SimulatedTerminal

SALE = 3  # the version the till writes (SimulatedTerminal's sales)


def _library_compiled(name: str, version: int = SALE) -> Any:
    registry = default_registry()
    schema = registry.schema(name, version)
    by_uri = {s["$id"]: s for s in (registry.schema(n, v) for n, v in registry.event_types())}
    for support, support_version in (("common", 1), ("common", 2), ("envelope", 1)):
        support_schema = registry.schema(support, support_version)
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
    ours = default_registry()._payloads[("sale.completed", SALE)]
    library = _library_compiled("sale.completed")
    payload = SimulatedTerminal(seed=5).sale(line_count=3).payload
    assert _verdict(ours, payload) == _verdict(library, payload) == "accepted"
    document = _mutated(payload, path, value)
    assert _verdict(ours, document) == _verdict(library, document)


def test_the_rewrites_apply_to_the_generated_code() -> None:
    """If fastjsonschema changes its code layout the rewrites silently stop matching (still
    correct, only slower): this says so."""
    registry = default_registry()
    schema = registry.schema("sale.completed", SALE)
    by_uri = {
        registry.schema(n, v)["$id"]: registry.schema(n, v)
        for n, v in [*registry.event_types(), ("common", 1), ("common", 2), ("envelope", 1)]
    }
    inlined = _merge_nullable(_inline_refs(schema, schema["$id"], by_uri))
    inlined.pop("$defs", None)
    source = fastjsonschema.compile_to_code(inlined)
    faster = _speed_up(source)
    assert faster.count(".__class__ is not int and (") >= 10
    assert faster.count(".__class__ is int or isinstance(") >= 10
    assert "frozenset([" in faster

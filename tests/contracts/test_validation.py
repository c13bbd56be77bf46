"""What each validator rejects, and that the compiled and the reference validator agree."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_contracts import InvalidEvent, default_registry, parse_envelope

EXAMPLES = Path(__file__).parents[2] / "pos_contracts" / "examples"


def example(event_type: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (EXAMPLES / f"{event_type}.v1.json").read_text(encoding="utf-8")
    )
    return data


def both_reject(data: dict[str, Any]) -> tuple[InvalidEvent, InvalidEvent]:
    registry = default_registry()
    with pytest.raises(InvalidEvent) as compiled:
        registry.validate(data)
    with pytest.raises(InvalidEvent) as reference:
        registry.reference_validate(data)
    assert compiled.value.code == reference.value.code
    return compiled.value, reference.value


Mutation = Callable[[dict[str, Any]], None]

CASES: list[tuple[str, str, Mutation, str]] = [
    ("sale.completed", "missing payload field", lambda e: e["payload"].pop("tenders"), "payload"),
    (
        "sale.completed",
        "unknown payload field",
        lambda e: e["payload"].update(ventaId=1),
        "payload",
    ),
    (
        "sale.completed",
        "amount as string",
        lambda e: e["payload"].update(total="1224875"),
        "payload",
    ),
    (
        "sale.completed",
        "negative amount",
        lambda e: e["payload"]["lines"][0].update(discount=-1),
        "payload",
    ),
    (
        "sale.completed",
        "unknown IVA rate",
        lambda e: e["payload"]["lines"][0].update(iva_rate="19"),
        "payload",
    ),
    ("sale.completed", "no lines", lambda e: e["payload"].update(lines=[]), "payload"),
    (
        "sale.completed",
        "bad tender kind",
        lambda e: e["payload"]["tenders"][0].update(kind="cheque"),
        "payload",
    ),
    (
        "sale.completed",
        "timestamp without offset",
        lambda e: e["payload"].update(completed_at="2026-11-28T10:31:05"),
        "payload",
    ),
    ("sale.completed", "bad event id", lambda e: e.update(event_id="42"), "envelope"),
    ("sale.completed", "seq zero", lambda e: e.update(seq=0), "envelope"),
    ("sale.completed", "bad trace id", lambda e: e.update(trace_id="XYZ"), "envelope"),
    ("sale.completed", "extra envelope field", lambda e: e.update(tenant="x"), "envelope"),
    ("sale.completed", "unknown version", lambda e: e.update(schema_version=9), "unknown_type"),
    ("sale.completed", "unknown type", lambda e: e.update(type="sale.voided"), "unknown_type"),
    (
        "sale.completed",
        "total is not the sum of the lines",
        lambda e: e["payload"].update(total=e["payload"]["total"] + 1),
        "amounts",
    ),
    (
        "sale.completed",
        "change does not balance the tenders",
        lambda e: e["payload"].update(change=e["payload"]["change"] + 1),
        "amounts",
    ),
    (
        "sale.completed",
        "IVA tax off by a centavo",
        lambda e: e["payload"]["iva"][0].update(
            tax=e["payload"]["iva"][0]["tax"] + 1, net=e["payload"]["iva"][0]["net"] - 1
        ),
        "amounts",
    ),
    (
        "sale.completed",
        "IVA rate missing for a line",
        lambda e: e["payload"]["iva"].pop(),
        "amounts",
    ),
    (
        "sale.completed",
        "change without cash",
        lambda e: e["payload"]["tenders"][1].update(kind="credit"),
        "amounts",
    ),
    (
        "sale.refunded",
        "tenders differ from the total",
        lambda e: e["payload"]["tenders"][0].update(amount=1),
        "amounts",
    ),
    ("sale.refunded", "no approving manager", lambda e: e["payload"].pop("approved_by"), "payload"),
    ("cash.moved", "zero amount", lambda e: e["payload"].update(amount=0), "payload"),
    (
        "cash.moved",
        "sideways direction",
        lambda e: e["payload"].update(direction="sideways"),
        "payload",
    ),
    (
        "shift.closed",
        "over/short not counted - expected",
        lambda e: e["payload"].update(over_short=0),
        "amounts",
    ),
    (
        "shift.closed",
        "expected cash ignores the float",
        lambda e: e["payload"].update(float=0),
        "amounts",
    ),
    (
        "catalog.changed",
        "the same barcode on two products",
        lambda e: e["payload"]["products"][1]["barcodes"].append("7790895000997"),
        "amounts",
    ),
    (
        "catalog.changed",
        "price with decimals in a string",
        lambda e: e["payload"]["products"][0].update(price="4500.00"),
        "payload",
    ),
]


@pytest.mark.parametrize(("event_type", "what", "mutate", "code"), CASES, ids=[c[1] for c in CASES])
def test_invalid_events_are_rejected_with_their_reason(
    event_type: str, what: str, mutate: Mutation, code: str
) -> None:
    data = example(event_type)
    mutate(data)
    compiled, _ = both_reject(data)
    assert compiled.code == code
    assert compiled.reason


def test_a_float_anywhere_in_the_body_is_rejected_before_the_schema() -> None:
    body = json.dumps(example("sale.completed")).replace('"total": 1524875', '"total": 1524875.0')
    assert "1524875.0" in body
    with pytest.raises(InvalidEvent) as error:
        parse_envelope(body.encode())
    assert error.value.code == "payload"
    assert "centavos" in error.value.reason


@pytest.mark.parametrize("body", [b"", b"not json", b"\xff\xfe", b"[1, 2]", b"NaN"])
def test_bodies_that_are_not_an_object_are_rejected(body: bytes) -> None:
    with pytest.raises(InvalidEvent) as error:
        parse_envelope(body)
    assert error.value.code in {"not_json", "envelope"}


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def _agree(data: dict[str, Any]) -> None:
    registry = default_registry()
    outcomes = []
    for check in (registry.validate, registry.reference_validate):
        try:
            check(data)
            outcomes.append("valid")
        except InvalidEvent as error:
            outcomes.append(error.code)
    assert outcomes[0] == outcomes[1], data


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_compiled_and_reference_validators_agree_on_every_single_field_change(path: Path) -> None:
    """The compiled validator inlines $refs and rewrites nullable anyOfs for speed; this
    replaces every leaf of every example by values of other JSON types and by null."""
    original = json.loads(path.read_text(encoding="utf-8"))
    for leaf in _leaves(original):
        replacements: tuple[Any, ...] = (None, "x", -1, True, {})
        for replacement in replacements:
            data = copy.deepcopy(original)
            target = data
            for key in leaf[:-1]:
                target = target[key]
            target[leaf[-1]] = replacement
            _agree(data)
        data = copy.deepcopy(original)
        target = data
        for key in leaf[:-1]:
            target = target[key]
        if isinstance(target, dict):
            del target[leaf[-1]]
            _agree(data)


def test_v2_lines_carry_their_own_discount_and_exactly_the_spread_rest() -> None:
    v2 = json.loads((EXAMPLES / "sale.completed.v2.json").read_text(encoding="utf-8"))
    default_registry().validate(v2)
    own_above = copy.deepcopy(v2)
    own_above["payload"]["lines"][0]["line_discount"] = 1  # its discount is 0
    assert both_reject(own_above)[0].code == "amounts"
    unexplained = copy.deepcopy(v2)
    unexplained["payload"]["lines"][2]["line_discount"] -= 1  # 1 centavo spread from nowhere
    problem, _ = both_reject(unexplained)
    assert problem.code == "amounts" and "repartido" in str(problem)

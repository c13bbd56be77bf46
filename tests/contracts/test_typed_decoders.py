"""The typed decoders (the payload Structs of ``pos_contracts.payloads``, the ingest's fast
acceptance test) are never looser than the schemas.

Whatever they accept, the compiled validator and the ``jsonschema`` reference accept too,
and the fast path returns exactly what the full path returns: the same envelope, or the
same refusal. Checked on every example and on thousands of mutations of real events.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_contracts import Envelope, InvalidEvent, default_registry, parse_envelope
from pos_contracts.envelope import _parse_typed, decode_json
from pos_contracts.testing import SimulatedTerminal

EXAMPLES = Path(__file__).parents[2] / "pos_contracts" / "examples"
INGESTED = ["sale.completed", "sale.refunded", "shift.opened", "shift.closed", "cash.moved"]

WRONG_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    1.0,
    1.5,
    2**53,
    2**64,
    -(2**63) - 1,
    "",
    "x",
    "21",
    "y" * 300,
    "１２３",  # fullwidth digits: Python's \\d would take them, [0-9] does not
    "2026-11-28T10:31:05-03:00",
    "2026-13-45T99:99:99Z",
    "2026-11-28 10:31:05",
    "0123abcd-0000-4000-8000-00000000000G",
    "0001-00000001\n",
    [],
    [1],
    {},
    {"a": 1},
]


def full_path(body: bytes) -> Envelope | InvalidEvent:
    """What the ingest did before the typed decoders: decode, validate, build."""
    try:
        data = decode_json(body)
        if not isinstance(data, dict):
            raise InvalidEvent("envelope", "el mensaje no es un objeto JSON")
        default_registry().validate(data)
        return Envelope(**data)
    except InvalidEvent as refused:
        return refused
    except (TypeError, KeyError) as broken:  # a shape the schema allowed and Envelope not
        return InvalidEvent("envelope", repr(broken))


def fast_path(body: bytes) -> Envelope | InvalidEvent | None:
    try:
        return _parse_typed(body)
    except InvalidEvent as refused:
        return refused


def events() -> list[Envelope]:
    till = SimulatedTerminal("S001", "T01", seed=41)
    opened = till.open_shift()
    sold = [till.sale(n) for n in (1, 3, 12)]
    sold.append(till.sale(2, tender="debit"))
    refund = till.refund(sold[1])
    moved = till.move_cash("out", 150_000, "Retiro")
    closed = till.close_shift(counted_difference=-700)
    examples = [
        Envelope(**json.loads((EXAMPLES / f"{name}.v1.json").read_text(encoding="utf-8")))
        for name in INGESTED
    ]
    return [opened, *sold, refund, moved, closed, *examples]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    result = copy.deepcopy(document)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return result


def mutations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in paths(document):
        if not path:
            continue
        for value in WRONG_VALUES:
            yield replaced(document, path, value)
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict):
            removed = copy.deepcopy(document)
            target = removed
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
            yield removed
        node = parent[path[-1]]
        if isinstance(node, dict):
            yield replaced(document, path, {**node, "extra_field": 1})
        if isinstance(node, list) and node:
            yield replaced(document, path, [*node, node[-1]])
            yield replaced(document, path, [])


def test_every_ingested_type_and_the_envelope_have_a_typed_decoder() -> None:
    registry = default_registry()
    assert registry.typed_envelope is not None
    for name in INGESTED:
        assert registry.typed_payload(name, 1) is not None, name


@pytest.mark.parametrize("event", events(), ids=lambda e: f"{e.type}-{e.seq}")
def test_the_fast_path_accepts_every_valid_event_and_returns_what_the_full_path_does(
    event: Envelope,
) -> None:
    body = event.to_json()
    fast = fast_path(body)
    assert isinstance(fast, Envelope)
    assert fast == full_path(body) == parse_envelope(body)


@pytest.mark.parametrize("event", events()[:9], ids=lambda e: f"{e.type}-{e.seq}")
def test_on_mutations_the_fast_path_is_never_looser_than_the_schemas(event: Envelope) -> None:
    registry = default_registry()
    accepted = refused = 0
    for mutant in mutations(event.to_dict()):
        body = json.dumps(mutant, ensure_ascii=False).encode("utf-8")
        fast = fast_path(body)
        if fast is None:
            refused += 1
            continue
        accepted += 1
        full = full_path(body)
        if isinstance(fast, InvalidEvent):
            assert isinstance(full, InvalidEvent), mutant
            assert (fast.code, str(fast)) == (full.code, str(full))
        else:
            assert fast == full, mutant
            registry.reference_validate(mutant)  # jsonschema agrees it is valid
    assert refused > accepted  # most mutations break the schema: the fast path said no


def test_floats_anywhere_are_left_to_the_full_path() -> None:
    till = SimulatedTerminal(seed=5)
    body = till.sale(2).to_json().replace(b'"seq":1,', b'"seq":1.0,', 1)
    assert b'"seq":1.0' in body
    assert fast_path(body) is None
    with pytest.raises(InvalidEvent) as refused:
        parse_envelope(body)
    assert refused.value.code in {"payload", "not_json"}


def test_bytes_that_are_not_utf8_are_refused_not_crashed_on() -> None:
    """A bad byte in a string must be an invalid message (dead-lettered), never an
    exception that stops the ingest and makes the broker redeliver it forever."""
    till = SimulatedTerminal(seed=6)
    for bad in (b"\xff", b"\xed\xa0\x80"):  # not UTF-8; a UTF-8-encoded surrogate
        body = till.sale(2).to_json().replace(b'"description":"', b'"description":"' + bad, 1)
        assert fast_path(body) is None
        outcome = full_path(body)
        assert isinstance(outcome, InvalidEvent) or outcome == parse_envelope(body)
        if isinstance(outcome, InvalidEvent):
            with pytest.raises(InvalidEvent):
                parse_envelope(body)


def test_a_repeated_payload_key_is_judged_by_the_full_path() -> None:
    event = SimulatedTerminal(seed=7).sale(2)
    good = json.dumps(event.payload, separators=(",", ":"))
    body = event.to_json().replace(b'"payload":', b'"payload":{"x":1.5},"payload":', 1)
    assert body.count(b'"payload"') == 2 and good.encode() in body
    assert fast_path(body) is None  # it would check only the last one
    with pytest.raises(InvalidEvent):
        parse_envelope(body)  # the float in the dropped one is still a producer bug


def test_a_timestamp_must_be_a_real_date_time_and_carry_its_offset() -> None:
    import msgspec

    from pos_contracts.payloads.common import Timestamp

    stamp = msgspec.json.Decoder(Timestamp)
    for good in (b'"2026-11-28T10:31:05-03:00"', b'"2028-02-29T00:00:00.123456789Z"'):
        assert stamp.decode(good) == good.decode()[1:-1]
    for wrong in (b'"2026-11-28T10:31:05"', b'"2026-02-29T10:31:05Z"', b'"x2026-11-28T10:31:05Z"',
                  b'"2026-11-28T10:31:05.1234567890Z"', b'"2026-11-28 10:31:05Z"',
                  b'"2026-11-28T10:31:05Z\\n"'):
        with pytest.raises(msgspec.ValidationError):
            stamp.decode(wrong)

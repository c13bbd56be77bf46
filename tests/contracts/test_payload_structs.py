"""The payload Structs and the JSON Schema files say the same thing.

Every example and every event produced round-trips through its Struct unchanged; on
thousands of mutations of them, the Struct accepts exactly what the schema accepts within
the wire limits (the wire refuses floats and what ``limits.py`` bounds before any schema).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastjsonschema
import msgspec
import pytest

from pos_contracts import Envelope, InvalidEvent, default_registry
from pos_contracts.envelope import decode_json
from pos_contracts.limits import check_document, limits_for
from pos_contracts.payloads import PAYLOADS, decoder
from pos_contracts.testing import SimulatedTerminal

from .test_typed_decoders import mutations

EXAMPLES = sorted((Path(__file__).parents[2] / "pos_contracts" / "examples").glob("*.json"))


def assert_round_trips(event_type: str, version: int, payload: dict[str, Any]) -> None:
    typed = decoder(event_type, version)
    assert typed is not None, f"no Struct for {event_type} v{version}"
    decoded = typed.decode(json.dumps(payload).encode())
    assert isinstance(decoded, PAYLOADS[(event_type, version)])
    assert json.loads(msgspec.json.encode(decoded)) == payload


def produced() -> list[Envelope]:
    till = SimulatedTerminal("S001", "T01", seed=43)
    opened = till.open_shift()
    sold = [till.sale(n) for n in (1, 3, 12)] + [till.sale(2, tender="debit")]
    return [opened, *sold, till.refund(sold[1]), till.move_cash("in", 50_000, "Cambio"),
            till.close_shift(counted_difference=300)]


def example(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_every_event_schema_has_its_struct_and_every_struct_its_schema() -> None:
    assert sorted(PAYLOADS) == default_registry().event_types()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_round_trips_through_its_struct(path: Path) -> None:
    envelope = example(path)
    assert_round_trips(envelope["type"], envelope["schema_version"], envelope["payload"])


@pytest.mark.parametrize("event", produced(), ids=lambda e: f"{e.type}-{e.seq}")
def test_every_produced_event_round_trips_through_its_struct(event: Envelope) -> None:
    assert_round_trips(event.type, event.schema_version, event.payload)


def schema_accepts(event_type: str, version: int, body: bytes) -> bool:
    """The wire's verdict on a payload: integers only, within the limits, and the schema."""
    validator = default_registry().payload_validator(event_type, version)
    assert validator is not None
    try:
        document = decode_json(body)
        check_document(document, limits_for(event_type))
        validator(document)
    except (InvalidEvent, fastjsonschema.JsonSchemaValueException):
        return False
    return True


def struct_accepts(event_type: str, version: int, body: bytes) -> bool:
    typed = decoder(event_type, version)
    assert typed is not None
    try:
        typed.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return False
    return True


MUTATED = [*produced()[:6], *(Envelope(**example(path)) for path in EXAMPLES)]


@pytest.mark.parametrize("event", MUTATED, ids=lambda e: f"{e.type}-v{e.schema_version}-{e.seq}")
def test_on_mutations_struct_and_schema_accept_and_refuse_the_same(event: Envelope) -> None:
    refused = 0
    for mutant in mutations(event.to_dict()["payload"]):
        body = json.dumps(mutant, ensure_ascii=False).encode("utf-8")
        verdict = schema_accepts(event.type, event.schema_version, body)
        assert struct_accepts(event.type, event.schema_version, body) == verdict, mutant
        refused += not verdict
    assert refused  # the mutations do break the schema


def test_a_producer_builds_its_envelope_from_the_struct_of_its_type() -> None:
    from pos_contracts import build_envelope
    from pos_contracts.payloads.notices import TillSuspendedV1

    notice = TillSuspendedV1(store_id="S001", terminal_id="T01", reason="clone",
                             detail="dos cajas", suspended_at="2026-12-02T06:00:00.000Z", seq=7)
    typed = build_envelope("till.suspended", notice, store_id="central",
                           terminal_id="ingest", seq=7)
    assert typed.payload == json.loads(msgspec.json.encode(notice))
    assert_round_trips("till.suspended", 1, typed.payload)
    with pytest.raises(InvalidEvent) as refused:
        build_envelope("cash.moved", notice, store_id="central", terminal_id="ingest", seq=7)
    assert refused.value.code == "payload"

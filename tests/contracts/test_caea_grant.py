"""caea.granted v1 and the snapshot's caeas: what the till reads from head office."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pos_contracts import CaeaGrant, InvalidEvent, default_registry, parse_envelope
from pos_contracts.caea import grant_envelope_dict, split_snapshot

EXAMPLE = Path(__file__).parents[2] / "pos_contracts" / "examples" / "caea.granted.v1.json"


def payload() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8"))["payload"])


def test_the_example_round_trips_through_the_typed_helper() -> None:
    grant = CaeaGrant.from_wire(parse_envelope(EXAMPLE.read_bytes()).payload)
    assert grant.caea == "61234567890123" and grant.order == 2
    assert grant.report_deadline == date(2027, 1, 8)
    assert grant.covers(date(2026, 12, 16)) and grant.covers(date(2026, 12, 31))
    assert not grant.covers(date(2026, 12, 15)) and not grant.covers(date(2027, 1, 1))
    assert grant.to_wire() == payload()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"valid_from": "2026-12-01"}, "amounts"),  # the first fortnight's day, order 2
        ({"valid_to": "2027-01-01"}, "amounts"),
        ({"report_deadline": "2026-12-30"}, "amounts"),
        ({"order": 3}, "payload"),
        ({"cuit": "3071234567"}, "payload"),
        ({"caea": "6123456789012A"}, "payload"),
        ({"period": 202613}, "payload"),
        ({"valid_to": "2026-02-30"}, "payload"),
    ],
)
def test_a_wrong_grant_is_refused_by_both_validators(change: dict[str, Any], code: str) -> None:
    envelope = grant_envelope_dict(payload() | change)
    with pytest.raises(InvalidEvent) as compiled:
        default_registry().validate(envelope)
    assert compiled.value.code == code
    with pytest.raises(InvalidEvent):
        default_registry().reference_validate(envelope)


def test_a_snapshot_without_caeas_is_left_as_it_was() -> None:
    body = {"catalog_version": 3, "currency": "ARS", "products": []}
    rest, grants = split_snapshot(body)
    assert rest == body and grants == []


def test_the_snapshot_caeas_are_split_off_and_checked() -> None:
    body = {"catalog_version": 3, "currency": "ARS", "products": [], "caeas": [payload()]}
    rest, grants = split_snapshot(body)
    assert "caeas" not in rest and grants == [CaeaGrant.from_wire(payload())]
    with pytest.raises(InvalidEvent):
        split_snapshot(body | {"caeas": [payload() | {"caea": "1"}]})
    with pytest.raises(InvalidEvent):
        split_snapshot(body | {"caeas": {"caea": "1"}})

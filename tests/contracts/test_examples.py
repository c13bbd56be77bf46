"""Every example event is valid for both validators, and every event type has one."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pos_contracts import default_registry, parse_envelope
from pos_contracts.testing import SimulatedTerminal

EXAMPLES = sorted((Path(__file__).parents[2] / "pos_contracts" / "examples").glob("*.json"))


def test_every_event_type_has_an_example() -> None:
    names = {path.name for path in EXAMPLES}
    for event_type, version in default_registry().event_types():
        assert f"{event_type}.v{version}.json" in names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid_for_the_reference_and_the_compiled_validator(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == f"{data['type']}.v{data['schema_version']}.json"
    default_registry().reference_validate(data)
    assert parse_envelope(path.read_bytes()).to_dict() == data


def test_a_simulated_terminal_day_is_valid_for_the_reference_validator() -> None:
    till = SimulatedTerminal(seed=7)
    events = [till.open_shift()]
    events += [till.sale() for _ in range(30)]
    events += [
        till.refund(events[3]),
        till.move_cash("in", 50_000, "Cambio"),
        till.move_cash("out", 90_000),
    ]
    events.append(till.close_shift(counted_difference=-1_500))
    for event in events:
        default_registry().reference_validate(event.to_dict())
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    journal = [event.payload["journal"] for event in events]
    assert all(
        entry["prev_hash"] == before["hash"] for before, entry in itertools.pairwise(journal)
    )

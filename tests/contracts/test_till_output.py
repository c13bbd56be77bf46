"""What the till really writes to its outbox is valid for the contract (CI fails otherwise)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pos_contracts import default_registry

from .test_payload_structs import assert_round_trips

ROOT = Path(__file__).parents[2]
DEMO_CATALOG = ROOT / "pos_desktop" / "resources" / "demo" / "catalog.csv"


@pytest.mark.slow
def test_every_event_the_till_simulator_writes_validates(tmp_path: Path) -> None:
    till = [sys.executable, "-m", "pos_desktop", "--data-dir", str(tmp_path)]
    subprocess.run(
        [*till, "catalog", "import", str(DEMO_CATALOG)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [*till, "simulate", "--sales", "80", "--seed", "11", "--real-shop"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with sqlite3.connect(tmp_path / "pos.sqlite3") as db:
        envelopes = [
            json.loads(row[0]) for row in db.execute("SELECT envelope FROM outbox ORDER BY seq")
        ]
    assert len(envelopes) >= 80
    registry = default_registry()
    for envelope in envelopes:
        registry.validate(envelope)
        registry.reference_validate(envelope)
        assert_round_trips(envelope["type"], envelope["schema_version"], envelope["payload"])

"""``pos-desktop --self-test`` sells one item through the window and checks the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_sells_one_item_and_checks_every_record() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "POS_LANG": "es_AR"}
    done = subprocess.run(
        [sys.executable, "-m", "pos_desktop", "--self-test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for check in (
        "scanned item is on the sale",
        "one sale saved",
        "sale line saved",
        "cash payment saved",
        "journal entry chained",
        "outbox event pending",
        "receipt print job queued",
    ):
        assert f"[OK] {check}" in out
    assert "[FAIL]" not in out
    assert out.rstrip().endswith("Self-test passed.")

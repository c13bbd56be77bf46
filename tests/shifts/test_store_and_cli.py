"""The migration and the table definitions agree; the support commands work end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from pos_desktop.app import Till
from pos_desktop.paths import DEMO_CATALOG
from pos_desktop.store.db import DB_FILENAME
from pos_desktop.store.tables import metadata

TILL = [sys.executable, "-m", "pos_desktop", "--lang", "en"]


def test_migration_0002_builds_exactly_the_declared_tables(till: Till) -> None:
    engine = create_engine(f"sqlite:///{till.data_dir / DB_FILENAME}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    ours = {"users", "audit_log", "shifts", "cash_moves", "refunds", "refund_lines",
            "refund_payments"}
    about_ours = [d for d in diff if any(name in repr(d) for name in ours)
                  or "ix_sales_journal_seq" in repr(d)]
    assert about_ours == []


def test_the_database_refuses_a_second_open_shift(till: Till) -> None:
    with till.uow() as uow, pytest.raises(IntegrityError):
        uow.conn.execute(text(
            "INSERT INTO shifts (shift_id, terminal_id, status, opened_at, opened_by_id, "
            "opened_by_name, float, opened_journal_seq) "
            "VALUES ('x', 'T01', 'open', 'now', 'u', 'U', 0, 0)"))


def run(data: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*TILL, "--data-dir", str(data), *args], capture_output=True,
                          text=True)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_a_new_till_from_the_command_line(tmp_path: Path) -> None:
    """First manager, a cashier, open with a counted float, sell by script, close."""
    data = tmp_path / "till"
    run(data, "users", "add", "Marta", "--role", "manager", "--new-pin", "2580")
    refused = run(data, "users", "add", "Ana", "--role", "cashier", "--new-pin", "1470",
                  "--user", "u-ana", "--pin", "1470", ok=False)
    assert refused.returncode == 2  # nobody called u-ana yet
    run(data, "users", "add", "Ana", "--role", "cajera", "--new-pin", "1470",
        "--user", "u-marta", "--pin", "2580")
    users = json.loads(run(data, "users", "list", "--json").stdout)["users"]
    assert [(u["user_id"], u["role"]) for u in users] == [("u-ana", "cashier"),
                                                          ("u-marta", "manager")]
    run(data, "shift", "open", "--count", "1000=10,M5=4", "--user", "u-ana", "--pin", "1470")
    status = json.loads(run(data, "shift", "status", "--json").stdout)
    assert status["open_shift"]["float"] == 1_002_000
    run(data, "catalog", "import", str(DEMO_CATALOG), "--user", "u-marta", "--pin", "2580")
    run(data, "simulate", "--sales", "5", "--seed", "1", "--real-shop", "--user", "u-marta",
        "--pin", "2580")
    x = json.loads(run(data, "report", "x", "--json").stdout)
    assert x["sales_count"] == 5 and [c["name"] for c in x["by_cashier"]] == ["Simulación"]
    short = run(data, "shift", "close", "--count", "1000=10,M5=4", "--user", "u-ana",
                "--pin", "1470", ok=False)
    assert short.returncode == 2 and "supervisor" in short.stderr
    z = json.loads(run(data, "shift", "close", "--count", "1000=10,M5=4", "--reason",
                       "prueba", "--user", "u-marta", "--pin", "2580", "--json").stdout)
    assert z["z_number"] == 1 and z["float"] == 1_002_000
    assert z["over_short"] == -(x["expected_cash"] - 1_002_000)
    assert run(data, "journal", "--verify").returncode == 0


@pytest.mark.slow
def test_wrong_pins_lock_a_user_from_the_command_line_too(tmp_path: Path) -> None:
    data = tmp_path / "till"
    run(data, "users", "add", "Marta", "--role", "manager", "--new-pin", "2580")
    for _ in range(5):
        run(data, "shift", "open", "--float", "0", "--user", "u-marta", "--pin", "0000",
            ok=False)
    locked = run(data, "shift", "open", "--float", "0", "--user", "u-marta", "--pin", "2580",
                 ok=False)
    assert locked.returncode == 2 and "locked" in locked.stderr

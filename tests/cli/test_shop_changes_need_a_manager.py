"""Commands that change the shop (its prices, where its sales go, sales themselves) need a
manager's login, as every other such command does; ``simulate`` refuses a shop's own
folder unless told ``--real-shop``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pos_desktop.cli.main import main
from pos_desktop.paths import DEMO_CATALOG


def pos(*argv: str) -> int:
    return main(["--lang", "en", *argv])


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shop set up from the command line: Marta the manager, Ana a cashier, the
    demo catalogue (imported before the first manager, as a new shop does)."""
    folder = tmp_path_factory.mktemp("real") / "till"
    data = ["--data-dir", str(folder)]
    assert pos(*data, "catalog", "import", str(DEMO_CATALOG)) == 0  # no users yet
    assert pos(*data, "users", "add", "Marta", "--role", "manager", "--new-pin", "2580") == 0
    assert pos(*data, "users", "add", "Ana", "--role", "cashier", "--new-pin", "1470",
               "--user", "u-marta", "--pin", "2580") == 0
    return folder


def price_file(tmp_path: Path, price: str) -> Path:
    csv = tmp_path / "prices.csv"
    csv.write_text(f"sku,name,price,iva_rate,barcodes\nX1,Yerba cara,{price},21,\n",
                   encoding="utf-8")
    return csv


def query(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "pos.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_catalog_import_needs_a_managers_login(
        shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(shop)]
    cheap = price_file(tmp_path, "0.01")
    assert pos(*data, "catalog", "import", str(cheap)) == 2
    assert "manager" in capsys.readouterr().err
    assert pos(*data, "catalog", "import", str(cheap), "--user", "u-ana", "--pin", "1470") == 2
    assert "manager" in capsys.readouterr().err
    assert query(shop, "SELECT count(*) FROM products WHERE sku = 'X1'") == [(0,)]
    assert pos(*data, "catalog", "import", str(cheap), "--user", "u-marta", "--pin", "2580") == 0
    assert query(shop, "SELECT price FROM products WHERE sku = 'X1'") == [(1,)]
    assert query(shop, "SELECT user_id FROM audit_log WHERE action = 'manage_catalog'") == [
        ("u-marta",)]
    # The window's use case (services.catalog_admin): the row says what the import did.
    [(details,)] = query(shop, "SELECT details FROM audit_log WHERE action = 'manage_catalog'")
    assert json.loads(str(details)) == {"change": "import", "file": "prices.csv", "rows": 1,
                                        "changed": 1}


def test_sync_configure_needs_a_managers_login(
        shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POS_PIN", raising=False)
    data = ["--data-dir", str(shop)]
    elsewhere = ["sync", "configure", "--store-id", "S999", "--central-url", "http://evil.test"]
    assert pos(*data, *elsewhere) == 2
    assert "--user" in capsys.readouterr().err
    assert query(shop, "SELECT count(*) FROM settings WHERE key = 'store.id'") == [(0,)]
    monkeypatch.setenv("POS_PIN", "2580")
    assert pos(*data, *elsewhere, "--user", "u-marta") == 0
    assert query(shop, "SELECT value FROM settings WHERE key = 'store.id'") == [('"S999"',)]


def test_simulate_refuses_a_shops_own_folder_unless_told(
        shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(shop)]
    assert pos(*data, "simulate", "--sales", "2") == 2
    assert "--real-shop" in capsys.readouterr().err
    assert pos(*data, "simulate", "--sales", "2", "--real-shop") == 2
    assert "manager" in capsys.readouterr().err
    assert pos(*data, "simulate", "--sales", "2", "--real-shop", "--user", "u-ana",
               "--pin", "1470") == 2
    assert query(shop, "SELECT count(*) FROM sales") == [(0,)]
    assert pos(*data, "simulate", "--sales", "2", "--real-shop", "--user", "u-marta",
               "--pin", "2580", "--seed", "3") == 0
    assert query(shop, "SELECT count(*) FROM sales") == [(2,)]


def test_simulate_in_the_demos_folder_needs_nothing_more(tmp_path: Path) -> None:
    assert pos("--demo", "--data-dir", str(tmp_path / "demo"), "simulate", "--sales", "1") == 0

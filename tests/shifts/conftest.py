"""A demo till (shift open, Ana the cashier logged in) on a copy of a template database.

Building the demo database (catalogue import, three scrypt PIN hashes, the opening of the
shift) takes about a second, so it is built once and its file copied for each test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.store.db import DB_FILENAME

YERBA = "7791234643615"  # Yerba Mate Playadito 1 kg, $ 5.290,00, IVA 21
HARINA = "7790060446995"  # Harina 000 Blancaflor 1 kg, $ 1.190,00, IVA 10.5
LECHE = "7790742627650"  # Leche La Serenísima 1 l, $ 1.990,00, exempt
PAN_KG = "A0339"  # Pan Francés, $ 4.290,00 per kg, exempt, sold by weight
DEMO_FLOAT = 2_000_000


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shifts-demo")
    Till.open(folder, demo=True).close()
    return folder / DB_FILENAME


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")  # tests/conftest.py puts the language back after each test


@pytest.fixture
def data_dir(tmp_path: Path, demo_db: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_db, data / DB_FILENAME)
    return data


@pytest.fixture
def till(data_dir: Path) -> Iterator[Till]:
    t = Till.open(data_dir, demo=True)
    yield t
    t.close()


def sell(till: Till, *entries: str, tenders: list[Tender] | None = None) -> CompletedSale:
    """Scan ``entries`` and pay (cash for the exact total unless ``tenders``)."""
    reg = till.register
    for entry in entries:
        reg.scan(entry)
    return reg.pay_and_complete(tenders or [Tender(TenderKind.CASH, reg.sale.total)])


def login_supervisor(till: Till, action: str) -> None:
    """Sergio (supervisor, PIN 2222) approves one ``action`` for the cashier."""
    till.guard.approve(action, "u-sergio", "2222")


def count(till: Till, table: str, where: str = "1=1") -> int:
    with till.uow() as uow:
        return int(uow.conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one())


def audit(till: Till) -> list[dict[str, object]]:
    with till.uow() as uow:
        rows = uow.conn.execute(text(
            "SELECT action, user_id, approver_id, details FROM audit_log ORDER BY id")).all()
    return [dict(r._mapping) for r in rows]

"""The dependency rule (ARCHITECTURE.md): arrows point inward, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path} imports {name}"
        for path, names in imports_of(folder).items()
        for name in sorted(names)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("pos_desktop/domain", ("PySide6", "sqlalchemy", "alembic", "pika", "httpx", "psycopg",
                                "pos_desktop.store", "pos_desktop.services", "pos_desktop.ui",
                                "printers", "sync")),
        ("pos_desktop/services", ("PySide6", "pika", "psycopg", "pos_desktop.ui")),
        ("pos_desktop/ui", ("sqlalchemy", "sqlite3", "psycopg", "pika")),
        ("pos_desktop", ("psycopg",)),  # invariant 4: the till never writes to PostgreSQL
        ("printers", ("PySide6", "pos_desktop.ui", "pika", "psycopg")),
        ("sync/contracts", ("PySide6", "sqlalchemy", "pika", "psycopg", "pos_desktop")),
        ("sync/central", ("PySide6", "pos_desktop.ui")),
        ("sync/till", ("PySide6", "psycopg", "pos_desktop.ui")),
    ],
)
def test_layers_do_not_reach_outward(folder: str, forbidden: tuple[str, ...]) -> None:
    if not (ROOT / folder).exists():
        pytest.skip(f"{folder} not present")
    assert offenders(folder, forbidden) == []

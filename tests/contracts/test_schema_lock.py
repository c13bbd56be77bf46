"""A published schema never changes: its hash is locked per (type, version)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pos_contracts.lock import LOCK_FILE, add_new, lock_problems
from pos_contracts.registry import SCHEMA_DIR


def test_every_schema_file_matches_its_locked_hash() -> None:
    assert lock_problems() == []


def _copy_schemas(tmp_path: Path) -> tuple[Path, Path]:
    directory = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, directory)
    return directory, directory / LOCK_FILE.name


def test_editing_a_published_schema_is_detected(tmp_path: Path) -> None:
    directory, lock = _copy_schemas(tmp_path)
    path = directory / "sale.completed.v1.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["lines"]["maxItems"] = 2000
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert lock_problems(directory, lock) == [
        "sale.completed.v1: changed without a version bump (add a new version file instead)"
    ]


def test_reformatting_a_schema_is_not_a_change(tmp_path: Path) -> None:
    directory, lock = _copy_schemas(tmp_path)
    path = directory / "cash.moved.v1.json"
    path.write_text(
        json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=7), encoding="utf-8"
    )
    assert lock_problems(directory, lock) == []


def test_removing_a_published_version_is_detected(tmp_path: Path) -> None:
    directory, lock = _copy_schemas(tmp_path)
    (directory / "shift.opened.v1.json").unlink()
    assert lock_problems(directory, lock) == [
        "shift.opened.v1: locked but its file is gone (published versions must stay readable)"
    ]


def test_a_new_version_is_locked_without_touching_existing_entries(tmp_path: Path) -> None:
    directory, lock = _copy_schemas(tmp_path)
    schema = json.loads((directory / "cash.moved.v1.json").read_text(encoding="utf-8"))
    schema["$id"] = schema["$id"].replace(".v1.", ".v2.")
    schema["properties"]["approved_by"] = {"$ref": "common.v1.json#/$defs/person"}
    (directory / "cash.moved.v2.json").write_text(json.dumps(schema), encoding="utf-8")
    assert lock_problems(directory, lock) == [
        "cash.moved.v2: not in schemas.lock.json (run python -m pos_contracts.lock --add)"
    ]
    before = json.loads(lock.read_text(encoding="utf-8"))
    assert add_new(directory, lock) == ["cash.moved.v2"]
    after = json.loads(lock.read_text(encoding="utf-8"))
    assert {k: v for k, v in after.items() if k != "cash.moved.v2"} == before
    assert lock_problems(directory, lock) == []


def test_schema_ids_match_their_file_names() -> None:
    for path in SCHEMA_DIR.glob("*.v*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"].endswith("/" + path.name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

"""Published schemas are immutable: a lock file records the hash of every (name, version).

Changing a schema means adding ``<type>.v<N+1>.json`` (consumers keep reading vN), never
editing ``vN``. ``python -m pos_contracts.lock --add`` records new files; it refuses to
touch an existing entry, and the contract tests fail on any mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from pos_contracts.registry import SCHEMA_DIR, schema_files

LOCK_FILE = SCHEMA_DIR / "schemas.lock.json"


def schema_hash(path: Path) -> str:
    """sha256 of the schema's canonical JSON, so re-indenting a file is not a change."""
    canonical = json.dumps(
        json.loads(path.read_text(encoding="utf-8")),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_hashes(directory: Path = SCHEMA_DIR) -> dict[str, str]:
    return {
        f"{name}.v{version}": schema_hash(path)
        for (name, version), path in sorted(schema_files(directory).items())
    }


def read_lock(lock_file: Path = LOCK_FILE) -> dict[str, str]:
    if not lock_file.exists():
        return {}
    data: dict[str, str] = json.loads(lock_file.read_text(encoding="utf-8"))
    return data


def lock_problems(directory: Path = SCHEMA_DIR, lock_file: Path = LOCK_FILE) -> list[str]:
    """Everything that breaks the rule 'a published schema never changes'."""
    locked, current = read_lock(lock_file), current_hashes(directory)
    problems = [
        f"{key}: changed without a version bump (add a new version file instead)"
        for key, digest in current.items()
        if key in locked and locked[key] != digest
    ]
    problems += [
        f"{key}: locked but its file is gone (published versions must stay readable)"
        for key in locked
        if key not in current
    ]
    problems += [
        f"{key}: not in {lock_file.name} (run python -m pos_contracts.lock --add)"
        for key in current
        if key not in locked
    ]
    return problems


def add_new(directory: Path = SCHEMA_DIR, lock_file: Path = LOCK_FILE) -> list[str]:
    """Lock schema files that are not locked yet; never rewrites an existing entry."""
    locked, current = read_lock(lock_file), current_hashes(directory)
    added = [key for key in current if key not in locked]
    merged = dict(sorted({**{k: current[k] for k in added}, **locked}.items()))
    lock_file.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--add", action="store_true", help="lock new schema files")
    args = parser.parse_args(argv)
    if args.add:
        for key in add_new():
            print(f"locked {key}")
    problems = lock_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

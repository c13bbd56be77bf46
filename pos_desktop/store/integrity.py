"""A damaged or full database, told in words a shop can act on, and never sold on.

SQLite says a file is damaged with SQLITE_CORRUPT or SQLITE_NOTADB, and a full disk with
SQLITE_FULL; they come up as ``sqlite3.DatabaseError`` (wrapped by SQLAlchemy) from any
statement. ``explain`` turns them into ``DamagedDatabase`` and ``DiskFull``. The till
checks its file at every start (``PRAGMA quick_check``, so after a crash too) and
refuses to open a damaged one; a file found damaged while running is marked, and every
later write transaction on it is refused (``refuse_if_damaged``, at BEGIN): nothing more
is sold on it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pos_common.i18n import N_
from pos_desktop.domain.errors import PosError

SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
_DAMAGED_CODES = {SQLITE_CORRUPT, SQLITE_NOTADB}
_damaged: set[str] = set()
"""Files found damaged by this process (by path): writes to them are refused."""


class DamagedDatabase(PosError):
    message = N_(
        "The till's database {path} is damaged ({detail}). The till does not sell on a "
        "damaged file, so nothing more is lost. Close it, keep the damaged file for support, "
        "and put back the latest copy from {backups} (delete pos.sqlite3-wal and "
        "pos.sqlite3-shm beside it), or call support. Sales made since that copy must be "
        "entered again; head office keeps those it received."
    )


class DiskFull(PosError):
    message = N_(
        "The disk is full: the last change was not saved. Nothing saved before is lost "
        "and the sale stays on screen. Free space on the disk of {folder} (old copies in "
        "its backups folder can move to another disk), then try again."
    )


def _code(exc: BaseException) -> int | None:
    inner = getattr(exc, "orig", exc)  # SQLAlchemy wraps the driver's error
    if isinstance(inner, sqlite3.Error):
        code = getattr(inner, "sqlite_errorcode", None)
        if code is not None:
            return int(code) & 0xFF  # the primary code of an extended one
        text = str(inner)
        if "malformed" in text or "not a database" in text:
            return SQLITE_CORRUPT
        if "disk is full" in text:
            return SQLITE_FULL
    return None


def damaged(path: Path, detail: str) -> DamagedDatabase:
    _damaged.add(str(path))
    return DamagedDatabase(path=str(path), detail=detail,
                           backups=str(path.parent / "backups"))


def explain(exc: BaseException, path: Path) -> PosError | None:
    """``DamagedDatabase`` or ``DiskFull`` for what ``exc`` says of ``path``; else None."""
    code = _code(exc)
    if code in _DAMAGED_CODES:
        return damaged(path, str(getattr(exc, "orig", exc)))
    if code == SQLITE_FULL:
        return DiskFull(folder=str(path.parent))
    return None


def refuse_if_damaged(path: Path) -> None:
    if str(path) in _damaged:
        raise DamagedDatabase(path=str(path), detail="found damaged earlier",
                              backups=str(path.parent / "backups"))


def quick_check(path: Path) -> str | None:
    """What is wrong with the file at ``path`` (``PRAGMA quick_check``'s first finding),
    or None if it is sound. Nothing is written (a read-only open would fail on a WAL
    file whose -shm went missing in a crash, and call a sound file damaged)."""
    try:
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    findings = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return "; ".join(findings[:3]) or None


def check_at_start(path: Path) -> None:
    """Refuse to open a damaged database (raises ``DamagedDatabase``)."""
    if not path.exists():
        return
    problem = quick_check(path)
    if problem is not None:
        raise damaged(path, problem)

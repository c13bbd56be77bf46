"""Files only their owner may read (a taxpayer's private key): written with mode 0600 from
the start, and refused when the group or others may read them, as ``ssh`` refuses such a
key, so a key copied with the wrong mode is noticed at once instead of leaking.

Shared by the till (``pos_desktop.fiscal.credentials``) and head office
(``pos_central.fiscal.keys``); each says it in its own words.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class PrivateFileError(OSError):
    """The file is missing, unreadable or readable by others; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_private_file(path: Path) -> None:
    """Refuse a file that others may read (POSIX; Windows relies on the folder's ACL)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise PrivateFileError(f"{path}: {exc.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PrivateFileError(f"{path} may be read by other users (chmod 600 it)")


def read_private_file(path: Path) -> bytes:
    check_private_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PrivateFileError(f"{path}: {exc.strerror}") from None


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` with mode 0600 from the start (created beside, then renamed: never
    readable by others, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

"""The taxpayer's private key: in the OS keyring, or in a file only the till's user reads.

Never in the SQLite file, never in a log line or an error's text (tests look for it). The
key is read when the ARCA client is built (at the worker's first connection), kept in
memory by ``pos_arca.WsaaClient`` to sign login requests, and nowhere else.

- Keyring: service ``super-pos``, key ``fiscal.private_key`` (PEM text). A machine with
  no keyring uses the environment variable ``POS_FISCAL_PRIVATE_KEY`` (the documented
  fallback of ``pos_desktop.secrets``) or a key file.
- Key file: its path in ``fiscal.key_file``; refused when the group or others may read
  it (as ``ssh`` refuses such a key), so a key copied with the wrong mode is noticed at
  once instead of leaking.
"""

from __future__ import annotations

from pathlib import Path

from pos_common import private_file
from pos_common.i18n import N_
from pos_desktop import secrets
from pos_desktop.domain.errors import PosError

KEY_SECRET = "fiscal.private_key"


class FiscalKeyError(PosError):
    message = N_("The fiscal private key cannot be used: {reason}")


def check_private_file(path: Path) -> None:
    """Refuse a key file that others may read (POSIX; Windows relies on the folder's ACL)."""
    try:
        private_file.check_private_file(path)
    except private_file.PrivateFileError as exc:
        raise FiscalKeyError(reason=exc.reason) from None


def read_private_key(key_file: str) -> bytes:
    """The key's bytes from ``key_file`` when set, else from the keyring (or its variable)."""
    if key_file:
        path = Path(key_file).expanduser()
        check_private_file(path)
        return path.read_bytes()
    stored = secrets.get_secret(KEY_SECRET, required=True)
    if not stored:
        raise FiscalKeyError(reason="no key is stored (pos-desktop fiscal configure --key FILE)")
    return stored.encode("ascii")


def store_private_key(key_pem: bytes, *, key_file: Path | None = None) -> None:
    """Keep the key in the keyring, or write it to ``key_file`` with mode 0600 from the
    start (created beside, then renamed: never readable by others, even briefly)."""
    if key_file is None:
        secrets.set_secret(KEY_SECRET, key_pem.decode("ascii"))
        return
    private_file.write_private_file(key_file, key_pem)

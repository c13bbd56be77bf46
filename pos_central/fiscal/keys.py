"""The taxpayer's private key at head office: in the keyring, or in a file only the service
user reads. Never in PostgreSQL (which records only *where* it is), a log or an error.

- ``file`` (the default): ``<key dir>/<cuit>.key``, mode 0600, written by ``pos-central
  fiscal configure`` (as root, into ``/etc/super-pos/credentials/fiscal``). The systemd
  units hand that folder to the service alone (``LoadCredential=fiscal:…``): the service
  reads ``$CREDENTIALS_DIRECTORY/fiscal_<cuit>.key`` and needs no read access to /etc.
- ``keyring``: service ``super-pos-central``, entry ``fiscal.<cuit>.private_key`` (a head
  office on a desktop session; needs the ``keyring`` package).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pos_central.config import CREDENTIALS_ENV
from pos_common.i18n import _
from pos_common.private_file import PrivateFileError, read_private_file, write_private_file

KEYRING = "keyring"
KEYRING_SERVICE = "super-pos-central"
KEY_CREDENTIAL = "fiscal"
"""systemd credential id of the key folder: its files arrive as ``fiscal_<file name>``."""
DEFAULT_KEY_DIR = Path("/etc/super-pos/credentials/fiscal")
KEY_DIR_ENV = "POS_CENTRAL_FISCAL_KEY_DIR"


class FiscalKeyError(ValueError):
    """The key cannot be stored or read; the message says what to do."""


def key_entry(cuit: str) -> str:
    return f"fiscal.{cuit}.private_key"


def default_key_dir() -> Path:
    return Path(os.environ.get(KEY_DIR_ENV) or DEFAULT_KEY_DIR)


def store_key(cuit: str, key_pem: bytes, *, key_store: str, key_dir: Path | None = None) -> str:
    """Keep the key; returns its location for ``fiscal_taxpayers.key_location``."""
    if key_store == KEYRING:
        keyring = _keyring()
        keyring.set_password(KEYRING_SERVICE, key_entry(cuit), key_pem.decode("ascii"))
        return KEYRING
    path = (key_dir or default_key_dir()).expanduser().absolute() / f"{cuit}.key"
    try:
        write_private_file(path, key_pem)
    except OSError as error:
        raise FiscalKeyError(_("cannot write the key to {path}: {reason}").format(
            path=path, reason=error.strerror or error)) from None
    return str(path)


def read_key(cuit: str, location: str) -> bytes:
    """The key's bytes: the service's credential first, then where ``configure`` put it."""
    folder = os.environ.get(CREDENTIALS_ENV)
    if folder:
        handed = Path(folder) / f"{KEY_CREDENTIAL}_{cuit}.key"
        if handed.exists():
            return handed.read_bytes()  # systemd made it readable by this service alone
    if location == KEYRING:
        stored: str | None = _keyring().get_password(KEYRING_SERVICE, key_entry(cuit))
        if not stored:
            raise FiscalKeyError(_("the keyring holds no key for CUIT {cuit}: run pos-central "
                                   "fiscal configure again").format(cuit=cuit))
        return stored.encode("ascii")
    try:
        return read_private_file(Path(location))
    except PrivateFileError as error:
        raise FiscalKeyError(_("the private key of CUIT {cuit} cannot be used: {reason}").format(
            cuit=cuit, reason=error.reason)) from None


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        raise FiscalKeyError(_("the keyring package is not installed: use --key-store file"
                               )) from None
    return keyring

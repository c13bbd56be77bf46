"""PIN hashes as the till stores and checks them, made the same way at head office.

Head office sets a cashier's PIN and sends the tills only its hash (people.changed), so
both ends must agree on one format; it lives here, in the kernel both may import.

    scrypt$N$r$p$salt$key   (hex; N = 2**14, r = 8, p = 1, 16-byte salt, 32-byte key)

The parameters are recorded in every hash so they can be raised later without
invalidating old PINs (``needs_rehash``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32

PIN_HASH_PATTERN = (
    r"^scrypt\$[0-9]{1,10}\$[0-9]{1,3}\$[0-9]{1,3}\$[0-9a-f]{16,128}\$[0-9a-f]{32,128}$"
)
"""A well-formed hash (the people.changed schema carries the same pattern)."""
_WELL_FORMED = re.compile(PIN_HASH_PATTERN)


def scrypt_pin_hash(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """The stored form of ``pin`` (the caller has checked it is a PIN)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Constant-time check of ``pin`` against a stored hash; malformed hashes never match."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(key)
        got = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def well_formed(stored: str) -> bool:
    return bool(_WELL_FORMED.match(stored))


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=128 * r * n * p + 1024 * 1024)

"""Secrets of head office: password hashes (Argon2id), random tokens and their digests.

Argon2id (argon2-cffi) rather than the till's scrypt: it is the first choice of current
guidance for passwords, and its hash string carries its own parameters, so they can be
raised later and a user's hash upgraded at their next login (``needs_rehash``). A
password is typed by a person at a desk, so ~50 ms per login is affordable.
Session and API tokens are 256-bit random secrets: a fast SHA-256 is enough to store
them (a slow hash only protects guessable secrets).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pos_common.messages import N_, TranslatableError

_hasher = PasswordHasher()  # argon2id, the library's current defaults (RFC 9106 low-memory)
# Verifying against this keeps an unknown user name as slow as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 10


class WeakPassword(TranslatableError, ValueError):
    """A password too short to protect head office."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(
            N_("the password needs at least {count} characters"), count=MIN_PASSWORD
        )
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

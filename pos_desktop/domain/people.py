"""People at the till: users, their PINs and the lockout after wrong tries.

PINs are stored only as salted scrypt hashes (invariant 9). Parameters, recorded in every
stored hash so they can be raised later without invalidating old PINs:

    scrypt, N = 2**14, r = 8, p = 1, 16-byte random salt per hash, 32-byte key
    (16 MiB of memory and about 70 ms per check on a till-class CPU).

A 4-8 digit PIN has at most 10**8 values, so no hash makes a stolen database safe on its
own; the slow hash makes each guess cost, and at the till the lockout (5 wrong tries, then
locked for a while) is what stops guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pos_common.i18n import N_
from pos_common.messages import Language
from pos_common.pins import SCRYPT_N, SCRYPT_P, SCRYPT_R, pin_matches, scrypt_pin_hash
from pos_common.pins import needs_rehash as needs_rehash
from pos_desktop.domain.errors import PermissionDenied, PosError
from pos_desktop.domain.permissions import Role

MAX_WRONG_TRIES = 5
DEFAULT_LOCKOUT_MINUTES = 5
DEFAULT_IDLE_LOCK_MINUTES = 5

_PIN = re.compile(r"^[0-9]{4,8}$")


class InvalidPin(PosError):
    message = N_("A PIN is 4 to 8 digits.")


class WrongPin(PermissionDenied):
    message = "Wrong PIN. {left} tries left before the user is locked."  # see text()

    def text(self, language: Language) -> str:
        left = int(str(self.params["left"]))
        return language.ngettext("Wrong PIN. {left} try left before the user is locked.",
                                 "Wrong PIN. {left} tries left before the user is locked.",
                                 left).format(left=left)


class UserLocked(PermissionDenied):
    message = "{name} is locked after too many wrong PINs: try again in {minutes} minutes."

    def text(self, language: Language) -> str:
        minutes = int(str(self.params["minutes"]))
        return language.ngettext(
            "{name} is locked after too many wrong PINs: try again in {minutes} minute.",
            "{name} is locked after too many wrong PINs: try again in {minutes} minutes.",
            minutes).format(name=self.params["name"], minutes=minutes)


class UnknownUser(PermissionDenied):
    message = N_("There is no active user «{user}».")


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    name: str
    role: Role
    active: bool = True

    def may(self, required: Role) -> bool:
        return self.active and self.role.at_least(required)


def validate_pin(pin: str) -> str:
    if not _PIN.match(pin):
        raise InvalidPin()
    return pin


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$N$r$p$salt$key`` (hex): everything needed to check the PIN later.

    Same format as the first-run setup's manager record (``services/setup.py``) and as
    head office's (``pos_common.pins``), so a manager created there logs in here."""
    validate_pin(pin)
    return scrypt_pin_hash(pin, n=n, r=r, p=p)


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check of ``pin`` against a stored hash; malformed hashes never match."""
    return pin_matches(pin, stored)


@dataclass(frozen=True, slots=True)
class LoginState:
    """Wrong tries in a row and, once they reach the limit, until when the user is locked."""

    failed: int = 0
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def minutes_left(self, now: datetime) -> int:
        if self.locked_until is None:
            return 0
        seconds = (self.locked_until - now).total_seconds()
        return max(1, -(-int(seconds) // 60))

    def after_failure(self, now: datetime, lockout_minutes: int) -> LoginState:
        failed = self.failed + 1
        if failed >= MAX_WRONG_TRIES:
            return LoginState(0, now + timedelta(minutes=lockout_minutes))
        return LoginState(failed, None)

    @property
    def tries_left(self) -> int:
        return MAX_WRONG_TRIES - self.failed


def idle_expired(last_activity: datetime, now: datetime, idle_minutes: int) -> bool:
    """Whether the till should lock itself; 0 minutes switches auto-lock off."""
    return idle_minutes > 0 and now - last_activity >= timedelta(minutes=idle_minutes)


@dataclass(frozen=True, slots=True)
class Person:
    """Who did something, as events and reports name them."""

    user_id: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"user_id": self.user_id, "name": self.name}

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(user.user_id, user.name)

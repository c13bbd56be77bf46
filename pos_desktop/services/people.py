"""Logging in by PIN, the session at the till, and managing users.

``People`` checks PINs (with the lockout) and stores users; ``Session`` is who is at the
till right now (login, user switch, lock, idle auto-lock); ``StaffAdmin`` is what a manager
does to users and to the security settings, through the guard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pos_common.i18n import N_
from pos_desktop.config import Identity
from pos_desktop.domain.audit import LOGIN, LOGIN_FAILED, USER_LOCKED, AuditRecord
from pos_desktop.domain.errors import PermissionDenied, PosError
from pos_desktop.domain.people import (
    DEFAULT_IDLE_LOCK_MINUTES,
    DEFAULT_LOCKOUT_MINUTES,
    LoginState,
    Person,
    UnknownUser,
    User,
    UserLocked,
    WrongPin,
    hash_pin,
    idle_expired,
    needs_rehash,
    validate_pin,
    verify_pin,
)
from pos_desktop.domain.permissions import Action, NotLoggedIn, Role
from pos_desktop.services.checkout import Cashier
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.services.register import Guard

Clock = Callable[[], datetime]
UowFactory = Callable[[], UnitOfWork]

IDLE_KEY = "security.idle_lock_minutes"
LOCKOUT_KEY = "security.lockout_minutes"
DISCOUNT_LIMIT_KEY = "security.discount_limit_bp"
TOLERANCE_KEY = "shift.over_short_tolerance"

# The actor of scripted runs (``pos-desktop simulate``): a cashier, so it can do no more
# than a cashier could, and every audit row it leaves says it was the script.
SCRIPT_USER = User("script", "Simulación", Role.CASHIER)

# The first-run wizard (services/setup.py) keeps its manager here, PIN already hashed.
SETUP_MANAGER_KEY = "users.first_manager"

# Demo users (README): (user_id, name, role, PIN).
DEMO_PEOPLE = (
    ("u-ana", "Ana", Role.CASHIER, "1111"),
    ("u-sergio", "Sergio", Role.SUPERVISOR, "2222"),
    ("u-marta", "Marta", Role.MANAGER, "9999"),
)


def system_now() -> datetime:
    return datetime.now(UTC)


class SessionLocked(PermissionDenied):
    message = N_("The till is locked: {name}, type your PIN to go on.")


class DuplicateUser(PosError):
    message = N_("There is already a user «{user}».")


class LastManager(PosError):
    message = N_("{name} is the last active manager: add another manager first.")


def audit_now(uow: UnitOfWork, record: AuditRecord) -> None:
    """Write ``record`` in ``uow``'s transaction, tagged with the open shift (if any)."""
    uow.audit_log.add(record)


class People:
    """Users and PIN checks. Knows nothing of who is logged in."""

    def __init__(self, uow_factory: UowFactory, identity: Identity, *,
                 clock: Clock = system_now, reads: UowFactory | None = None) -> None:
        self.uow_factory = uow_factory
        self.reads = reads or uow_factory
        """For pure reads: a read connection, so asking never waits for the write lock."""
        self.identity = identity
        self.clock = clock

    def users(self, *, active_only: bool = True) -> list[User]:
        with self.uow_factory() as uow:
            return uow.users.list(active_only=active_only)

    def get(self, user_id: str) -> User | None:
        with self.uow_factory() as uow:
            return uow.users.get(user_id)

    def has_users(self) -> bool:
        with self.uow_factory() as uow:
            return uow.users.count() > 0

    def setting(self, key: str, default: int) -> int:
        with self.reads() as uow:
            return int(uow.settings.get(key, default))

    def authenticate(self, user_id: str, pin: str, *, purpose: str = LOGIN) -> User:
        """The user if ``pin`` is theirs; counts wrong tries and locks after five.

        The try is counted before the PIN is compared, in one write transaction that
        checks the lock first (``_count_try``): thirty PINs typed at once are thirty tries
        in a row, so at most five are ever compared. The slow hash runs outside any
        transaction, so a PIN check never holds the database's write lock.
        """
        now = self.clock()
        lockout = self.setting(LOCKOUT_KEY, DEFAULT_LOCKOUT_MINUTES)
        user, stored, after = self._count_try(user_id, now, lockout)
        if verify_pin(pin, stored):
            self._succeeded(user, pin, stored, purpose)
            return user
        with self.uow_factory() as uow:
            actor = Person.of(user)
            audit_now(uow, AuditRecord(LOGIN_FAILED, actor, details={"purpose": purpose}))
            if after.locked_until is not None:
                audit_now(uow, AuditRecord(
                    USER_LOCKED, actor, details={"until": after.locked_until.isoformat()}))
            uow.commit()
        if after.locked_until is not None:
            raise UserLocked(name=user.name, minutes=after.minutes_left(now))
        raise WrongPin(left=after.tries_left)

    def _count_try(self, user_id: str, now: datetime,
                   lockout: int) -> tuple[User, str, LoginState]:
        """Refuse a locked user, else count this try as a wrong one (a right PIN clears
        it): the check and the count under the one write lock (BEGIN IMMEDIATE)."""
        with self.uow_factory() as uow:
            found = uow.users.credentials(user_id)
            if found is None or not found[0].active:
                raise UnknownUser(user=user_id)
            user, stored, state = found
            if state.locked_at(now):
                raise UserLocked(name=user.name, minutes=state.minutes_left(now))
            after = state.after_failure(now, lockout)
            uow.users.save_login_state(user.user_id, after)
            uow.commit()
        return user, stored, after

    def _succeeded(self, user: User, pin: str, stored: str, purpose: str) -> None:
        with self.uow_factory() as uow:
            users = uow.users
            users.save_login_state(user.user_id, LoginState())  # the try counted is cleared
            if needs_rehash(stored):
                users.update(user.user_id, pin_hash=hash_pin(pin))
            audit_now(uow, AuditRecord(LOGIN, Person.of(user), details={"purpose": purpose}))
            uow.commit()

    def add(self, name: str, role: Role, pin: str, *, user_id: str | None = None) -> User:
        """Store a new user (no permission check: callers are ``StaffAdmin`` and seeding)."""
        validate_pin(pin)
        name = name.strip()
        if not name:
            raise PosError(N_("The user needs a name."))
        user = User(user_id or new_user_id(name), name, role)
        pin_hash = hash_pin(pin)
        with self.uow_factory() as uow:
            users = uow.users
            if users.get(user.user_id) is not None:
                raise DuplicateUser(user=user.user_id)
            users.add(user, pin_hash)
            uow.commit()
        return user


    def adopt_setup_manager(self) -> User | None:
        """Turn the first-run wizard's manager record into a user (once)."""
        with self.uow_factory() as uow:
            record = uow.settings.get(SETUP_MANAGER_KEY)
            users = uow.users
            if not record or users.get(str(record["user_id"])) is not None:
                return None
            user = User(str(record["user_id"]), str(record["name"]), Role.MANAGER)
            users.add(user, str(record["pin_hash"]))
            uow.commit()
        return user

    def seed_demo(self) -> None:
        """The demo users, if missing (PINs in README)."""
        for user_id, name, role, pin in DEMO_PEOPLE:
            if self.get(user_id) is None:
                self.add(name, role, pin, user_id=user_id)


def new_user_id(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "usuario"
    return f"u-{slug}"[:64]


@dataclass
class Session:
    """Who is at the till now. The window asks it; the services trust only it."""

    people: People
    clock: Clock = system_now
    user: User | None = None
    locked: bool = False
    last_activity: datetime | None = None
    idle_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    on_change: Callable[[Session], None] | None = None

    def login(self, user_id: str, pin: str) -> User:
        """Log in, or switch user: the new user replaces the old one."""
        user = self.people.authenticate(user_id, pin)
        self._start(user)
        return user

    def start_without_pin(self, user: User) -> None:
        """Demo mode and scripted runs only (the composition root decides)."""
        self._start(user)

    def _start(self, user: User) -> None:
        self.user, self.locked = user, False
        self.idle_minutes = self.people.setting(IDLE_KEY, DEFAULT_IDLE_LOCK_MINUTES)
        self.touch()
        self._changed()

    def logout(self) -> None:
        self.user, self.locked = None, False
        self._changed()

    def lock(self) -> None:
        if self.user is not None and not self.locked:
            self.locked = True
            self._changed()

    def unlock(self, pin: str) -> User:
        if self.user is None:
            raise NotLoggedIn()
        user = self.people.authenticate(self.user.user_id, pin, purpose="unlock")
        self._start(user)
        return user

    def touch(self) -> None:
        self.last_activity = self.clock()

    def check_idle(self) -> bool:
        """Lock if nobody touched the till for the manager's idle time; True if locked."""
        if self.user is not None and not self.locked and self.last_activity is not None and \
                idle_expired(self.last_activity, self.clock(), self.idle_minutes):
            self.lock()
        return self.locked

    def current(self) -> User:
        if self.user is None:
            raise NotLoggedIn()
        if self.locked:
            raise SessionLocked(name=self.user.name)
        return self.user

    def cashier(self) -> Cashier:
        user = self.current()
        return Cashier(user.user_id, user.name)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)


class StaffAdmin:
    """Users and security settings: a manager's job, checked by the guard."""

    def __init__(self, people: People, guard: Guard) -> None:
        self.people = people
        self.guard = guard

    def add_user(self, name: str, role: Role, pin: str, *, user_id: str | None = None) -> User:
        validate_pin(pin)
        self.guard.check(Action.MANAGE_USERS, change="add", name=name, role=role.value)
        return self.people.add(name, role, pin, user_id=user_id)

    def change_pin(self, user_id: str, pin: str) -> None:
        validate_pin(pin)
        self._require(user_id)
        self.guard.check(Action.MANAGE_USERS, change="pin", user_id=user_id)
        with self.people.uow_factory() as uow:
            users = uow.users
            users.update(user_id, pin_hash=hash_pin(pin), failed_attempts=0, locked_until=None)
            uow.commit()

    def set_role(self, user_id: str, role: Role) -> None:
        user = self._require(user_id)
        if user.role is Role.MANAGER and role is not Role.MANAGER:
            self._keep_a_manager(user)
        self.guard.check(Action.MANAGE_USERS, change="role", user_id=user_id, role=role.value)
        with self.people.uow_factory() as uow:
            uow.users.update(user_id, role=role.value)
            uow.commit()

    def deactivate(self, user_id: str) -> None:
        user = self._require(user_id)
        if user.role is Role.MANAGER:
            self._keep_a_manager(user)
        self.guard.check(Action.MANAGE_USERS, change="deactivate", user_id=user_id)
        with self.people.uow_factory() as uow:
            uow.users.update(user_id, active=0)
            uow.commit()

    def unlock_user(self, user_id: str) -> None:
        self._require(user_id)
        self.guard.check(Action.MANAGE_USERS, change="unlock", user_id=user_id)
        with self.people.uow_factory() as uow:
            uow.users.save_login_state(user_id, LoginState())
            uow.commit()

    def set_security(self, **values: int) -> None:
        """``idle_lock_minutes``, ``lockout_minutes``, ``discount_limit_bp``,
        ``over_short_tolerance`` (centavos)."""
        keys = {"idle_lock_minutes": IDLE_KEY, "lockout_minutes": LOCKOUT_KEY,
                "discount_limit_bp": DISCOUNT_LIMIT_KEY, "over_short_tolerance": TOLERANCE_KEY}
        unknown = set(values) - set(keys)
        if unknown:
            raise PosError(N_("Unknown setting: {name}"), name=sorted(unknown)[0])
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PosError(N_("Invalid value for {name}."), name=name)
        self.guard.check(Action.CHANGE_SETTINGS, **values)
        with self.people.uow_factory() as uow:
            for name, value in values.items():
                uow.settings.set(keys[name], value)
            uow.commit()

    def _require(self, user_id: str) -> User:
        user = self.people.get(user_id)
        if user is None:
            raise UnknownUser(user=user_id)
        return user

    def _keep_a_manager(self, user: User) -> None:
        managers = [u for u in self.people.users() if u.role is Role.MANAGER]
        if [u.user_id for u in managers] == [user.user_id]:
            raise LastManager(name=user.name)

"""The guard: every sensitive action asks it first, from the service layer.

Flow of an override (the till asks a supervisor's PIN on the spot):

1. a service calls ``guard.check(action, **details)`` (or ``authorize``); the cashier's role
   is too low, so it raises ``ApprovalRequired(action, role)`` before anything changed;
2. the window asks a supervisor or manager for their PIN and calls
   ``guard.approve(action, user_id, pin)``: the PIN is checked (with the lockout), the
   approver's role is checked, and a one-time ``Approval`` is kept for this cashier;
3. the window calls the same service again; the check consumes the approval and writes an
   audit row naming the cashier and the approver.

An approval is good for one action of that kind, by the cashier who was logged in when it
was given, within ``APPROVAL_TTL``, and for the details it was asked for: the refusal
carries them (line, percent, amount...) and the approval is bound to them, so a
supervisor who approved 20 % off line 1 has not approved 100 % off line 2. Details given
at a multi-step action's first step (``ensure``) are a subset of the final ones; every
detail the approval names must match when it is used. Every authorised action,
overridden or not, is written to the audit log: who, who approved, when, what.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pos_desktop.config import Identity
from pos_desktop.domain.audit import APPROVAL_FAILED, AuditRecord
from pos_desktop.domain.people import Person
from pos_desktop.domain.permissions import (
    DEFAULT_DISCOUNT_LIMIT_BP,
    ApprovalRequired,
    NotAllowed,
    Policy,
    Role,
)
from pos_desktop.services.people import DISCOUNT_LIMIT_KEY, People, Session, audit_now
from pos_desktop.services.ports import UnitOfWork

APPROVAL_TTL = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Approval:
    token: str
    action: str
    approver: Person
    for_user_id: str
    expires_at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)
    """What was approved; empty: any use of the action (an approval asked for in advance)."""

    def covers(self, details: Mapping[str, Any]) -> bool:
        return all(key in details and details[key] == value for key, value in self.details.items())


@dataclass(frozen=True, slots=True)
class Authorization:
    """Permission granted for one action; ``record`` writes its audit row."""

    action: str
    actor: Person
    approver: Person | None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def approved_by(self) -> Person:
        """Who answers for the action: the approver, or the actor when allowed alone."""
        return self.approver or self.actor

    def audit_record(self) -> AuditRecord:
        return AuditRecord(self.action, self.actor, self.approver, dict(self.details))


class TillGuard:
    def __init__(
        self,
        session: Session,
        people: People,
        uow_factory: Callable[[], UnitOfWork],
        identity: Identity,
        *,
        policy: Policy | None = None,
    ) -> None:
        self.session = session
        self.people = people
        self.uow_factory = uow_factory
        self.identity = identity
        self._policy = policy
        self._pending: dict[str, Approval] = {}

    @property
    def policy(self) -> Policy:
        if self._policy is not None:
            return self._policy
        limit = self.people.setting(DISCOUNT_LIMIT_KEY, DEFAULT_DISCOUNT_LIMIT_BP)
        return Policy(discount_limit_bp=limit)

    # -- the Register's port -------------------------------------------------------------
    def check(self, action: str, **details: Any) -> None:
        """Allow ``action`` now or raise; writes the audit row in its own transaction."""
        auth = self.authorize(action, **details)
        with self.uow_factory() as uow:
            self.record(auth, uow)
            uow.commit()

    # -- for services that write the action in their own transaction ----------------------
    def authorize(self, action: str, **details: Any) -> Authorization:
        """Allow ``action`` (consuming a matching approval) or raise ``ApprovalRequired``.

        Nothing is written: the caller records the audit row in the same transaction as
        the action (``record``), so a failed action leaves no audit row behind.
        """
        user = self.session.current()
        self.session.touch()
        required = self.policy.required_role(action, details)
        actor = Person.of(user)
        if user.may(required):
            return Authorization(action, actor, None, details)
        approval = self._take(action, user.user_id, details)
        if approval is None:
            raise ApprovalRequired(action, required, details)
        return Authorization(action, actor, approval.approver, details)

    def ensure(self, action: str, **details: Any) -> None:
        """Like ``authorize`` but keeps the approval (for a multi-step dialog's first step)."""
        user = self.session.current()
        required = self.policy.required_role(action, details)
        if user.may(required):
            return
        pending = self._pending.get(action)
        if pending is None or not self._valid(pending, user.user_id, details):
            raise ApprovalRequired(action, required, details)

    def record(self, auth: Authorization, uow: UnitOfWork) -> None:
        """The audit row of an action that writes nothing else (a facts' use case puts
        ``auth.audit_record()`` in its fact instead)."""
        audit_now(uow, auth.audit_record())

    def required_role(self, action: str, **details: Any) -> Role:
        return self.policy.required_role(action, details)

    # -- overrides -----------------------------------------------------------------------
    def approve(
        self, action: str, user_id: str, pin: str, details: Mapping[str, Any] | None = None
    ) -> Approval:
        """A supervisor's PIN approves one ``action`` by the cashier logged in now, with
        these ``details`` (pass ``ApprovalRequired.details``: what was refused)."""
        cashier = self.session.current()
        required = self.policy.required_role(action, {})  # strictest form of the action
        approver = self.people.authenticate(user_id, pin, purpose=f"approve:{action}")
        if not approver.may(required):
            with self.uow_factory() as uow:
                audit_now(uow, AuditRecord(
                    APPROVAL_FAILED, Person.of(cashier), Person.of(approver),
                    {"action": action, "reason": "role"}))
                uow.commit()
            raise NotAllowed(approver.name, required)
        approval = Approval(
            token=secrets.token_hex(8),
            action=action,
            approver=Person.of(approver),
            for_user_id=cashier.user_id,
            expires_at=self.people.clock() + APPROVAL_TTL,
            details=dict(details or {}),
        )
        self._pending[action] = approval
        return approval

    def withdraw(self, action: str | None = None) -> None:
        """Drop pending approvals (the cashier cancelled the dialog, or logged out)."""
        if action is None:
            self._pending.clear()
        else:
            self._pending.pop(action, None)

    def pending(self, action: str) -> Approval | None:
        return self._pending.get(action)

    def _take(self, action: str, user_id: str, details: Mapping[str, Any]) -> Approval | None:
        """The approval for exactly this, used up; one for something else stays pending."""
        approval = self._pending.get(action)
        if approval is None or not self._valid(approval, user_id, details):
            return None
        del self._pending[action]
        return approval

    def _valid(self, approval: Approval, user_id: str, details: Mapping[str, Any]) -> bool:
        return (
            approval.for_user_id == user_id
            and self.people.clock() < approval.expires_at
            and approval.covers(details)
        )

"""The audit trail: who did a sensitive thing, who approved it, when, and what exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pos_desktop.domain.people import Person

# Audit actions that are not permission checks (logins and lockouts).
LOGIN = "login"
LOGIN_FAILED = "login_failed"
USER_LOCKED = "user_locked"
APPROVAL_FAILED = "approval_failed"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    action: str
    actor: Person | None  # None when nobody is logged in (a failed login)
    approver: Person | None = None  # set when a supervisor's PIN overrode the actor's role
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_override(self) -> bool:
        return self.approver is not None

"""The till's settings as a service: read them, save a manager's changes, finish first-run
setup. The permission check and the audit row live here, not in the dialog, so a script or
the command line saving settings obeys the same rule as the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.permissions import Action
from pos_desktop.services.fiscal_setup import FiscalSetup
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.services.setup import (
    SetupAnswers,
    apply_demo_setup,
    complete_setup,
    is_setup_done,
)
from pos_desktop.settings_schema import SECRET_KEYS, SecretStore, load_settings, save_settings

UowFactory = Callable[[], UnitOfWork]


class SettingsService:
    def __init__(
        self, uow_factory: UowFactory, secrets: SecretStore, guard: TillGuard | None = None,
        *, reads: UowFactory | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.reads = reads or uow_factory
        self.secrets = secrets
        self.guard = guard

    def load(self) -> dict[str, Any]:
        """Every declared setting (secrets left out: the dialog never shows them)."""
        with self.reads() as uow:
            return load_settings(uow.settings)

    def stored_secrets(self) -> list[str]:
        """Which secrets are stored (their fields say "stored", never the value)."""
        return [key for key in sorted(SECRET_KEYS) if self.secrets.get(key)]

    def save(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Check the manager's right, validate, store and audit ``changes`` in one
        transaction; returns the cleaned values. Raises ``InvalidSettings`` naming every
        bad field, ``ApprovalRequired`` for a cashier, ``NoKeyring`` for a secret with no
        keyring to keep it."""
        if self.guard is None:
            raise AssertionError("settings are saved through a till with a guard")
        keys = sorted(changes)
        auth = self.guard.authorize(Action.CHANGE_SETTINGS, keys=keys)
        with self.uow_factory() as uow:
            cleaned = save_settings(uow.settings, self.secrets, changes)
            shown = {k: v for k, v in cleaned.items() if k not in SECRET_KEYS}
            uow.audit_log.add(AuditRecord(auth.action, auth.actor, auth.approver,
                                          {"keys": keys, "values": shown}))
            uow.commit()
        return cleaned

    # -- first run -------------------------------------------------------------------------
    def setup_done(self) -> bool:
        return is_setup_done(self.reads)

    def complete_setup(self, answers: SetupAnswers) -> dict[str, Any]:
        """The wizard's answers, stored at once with the first manager. Only before setup:
        afterwards settings change through ``save`` and its manager's check."""
        if self.setup_done():
            raise AssertionError("this till is set up already")
        return complete_setup(self.uow_factory, self.secrets, answers)

    def apply_demo_setup(self) -> bool:
        """``--demo``: the demo's answers, without asking (True if stored now)."""
        return apply_demo_setup(self.uow_factory, self.secrets)

    def configure_fiscal(self, setup: FiscalSetup) -> dict[str, Any]:
        """ARCA's certificate, key, point of sale and environment (the wizard's fiscal page;
        ``pos-desktop fiscal configure`` calls the same use case)."""
        from pos_desktop.services.fiscal_setup import configure_fiscal

        return configure_fiscal(self.uow_factory, self.secrets, setup)

"""Who may do what at the till.

Roles are ordered: a supervisor may do everything a cashier may, a manager everything a
supervisor may. Each sensitive action names the lowest role that may do it alone; below
that role the till asks a supervisor or manager for their PIN on the spot (an override).
Unknown actions need a manager: a permission check fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pos_common.i18n import N_, _
from pos_common.messages import Language
from pos_desktop.domain.errors import PermissionDenied


class Role(StrEnum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank

    @property
    def label(self) -> str:
        return _(_ROLE_LABELS[self])

    @classmethod
    def parse(cls, text: str) -> Role:
        key = text.strip().lower()
        key = {"cajero": "cashier", "cajera": "cashier", "encargado": "manager",
               "encargada": "manager", "gerente": "manager"}.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise InvalidRole(text=text) from None


_RANKS = {Role.CASHIER: 1, Role.SUPERVISOR: 2, Role.MANAGER: 3}
_ROLE_LABELS = {
    Role.CASHIER: N_("cashier"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.MANAGER: N_("manager"),
}


class Action(StrEnum):
    """Actions the service layer checks. Values are what the audit log stores."""

    VOID_LINE = "void_line"
    CANCEL_SALE = "cancel_sale"  # voiding the whole sale in progress
    DISCOUNT = "discount"
    PRICE_OVERRIDE = "price_override"
    REFUND = "refund"
    OPEN_DRAWER = "open_drawer"  # without a sale
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"
    OPEN_SHIFT = "open_shift"
    CLOSE_SHIFT = "close_shift"  # the Z
    X_REPORT = "x_report"
    MANAGE_USERS = "manage_users"
    CHANGE_SETTINGS = "change_settings"
    MANAGE_CATALOG = "manage_catalog"  # products and prices (catalog import)
    RUN_SIMULATION = "run_simulation"  # scripted sales (``simulate``) into a real shop

    @property
    def label(self) -> str:
        return _(_ACTION_LABELS[self])

    @classmethod
    def parse(cls, value: str) -> Action | None:
        try:
            return cls(value)
        except ValueError:
            return None


_ACTION_LABELS = {
    Action.VOID_LINE: N_("Voiding a line"),
    Action.CANCEL_SALE: N_("Voiding the sale"),
    Action.DISCOUNT: N_("This discount"),
    Action.PRICE_OVERRIDE: N_("Changing a price"),
    Action.REFUND: N_("A refund"),
    Action.OPEN_DRAWER: N_("Opening the drawer without a sale"),
    Action.CASH_IN: N_("Cash in"),
    Action.CASH_OUT: N_("Cash out"),
    Action.OPEN_SHIFT: N_("Opening the shift"),
    Action.CLOSE_SHIFT: N_("The Z close"),
    Action.X_REPORT: N_("The X report"),
    Action.MANAGE_USERS: N_("Managing users"),
    Action.CHANGE_SETTINGS: N_("Changing settings"),
    Action.MANAGE_CATALOG: N_("Changing the catalogue"),
    Action.RUN_SIMULATION: N_("Making scripted sales"),
}

DEFAULT_REQUIRED: Mapping[Action, Role] = {
    Action.VOID_LINE: Role.SUPERVISOR,  # a line, or units of it (a lower quantity)
    Action.CANCEL_SALE: Role.SUPERVISOR,
    Action.DISCOUNT: Role.CASHIER,  # up to the limit; above it, SUPERVISOR (see Policy)
    Action.PRICE_OVERRIDE: Role.SUPERVISOR,
    Action.REFUND: Role.SUPERVISOR,
    Action.OPEN_DRAWER: Role.SUPERVISOR,
    Action.CASH_IN: Role.CASHIER,
    Action.CASH_OUT: Role.SUPERVISOR,
    Action.OPEN_SHIFT: Role.CASHIER,
    Action.CLOSE_SHIFT: Role.SUPERVISOR,
    Action.X_REPORT: Role.CASHIER,
    Action.MANAGE_USERS: Role.MANAGER,
    Action.CHANGE_SETTINGS: Role.MANAGER,
    Action.MANAGE_CATALOG: Role.MANAGER,
    Action.RUN_SIMULATION: Role.MANAGER,
}

DEFAULT_DISCOUNT_LIMIT_BP = 1500  # 15 %: a cashier may give up to this alone (manager setting)


@dataclass(frozen=True, slots=True)
class Policy:
    """The lowest role for each action; discounts above ``discount_limit_bp`` need more."""

    discount_limit_bp: int = DEFAULT_DISCOUNT_LIMIT_BP
    required: Mapping[Action, Role] = field(default_factory=lambda: dict(DEFAULT_REQUIRED))

    def required_role(self, action: str, details: Mapping[str, Any]) -> Role:
        known = Action.parse(action)
        if known is None:
            return Role.MANAGER  # fail closed on an action nobody classified
        if known is Action.DISCOUNT:
            percent_bp = int(details.get("percent_bp", 10_000))
            if percent_bp > self.discount_limit_bp:
                return Role.SUPERVISOR
        return self.required.get(known, Role.MANAGER)


def action_label(action: str) -> str:
    known = Action.parse(action)
    return known.label if known else action


class InvalidRole(PermissionDenied):
    message = N_("Unknown role «{text}»: use cashier, supervisor or manager.")


class NotLoggedIn(PermissionDenied):
    message = N_("Nobody is logged in at this till: log in with your PIN.")


class ApprovalRequired(PermissionDenied):
    """Raised by the guard: the UI asks a supervisor's PIN and calls the service again."""

    message = N_("{action} needs the PIN of a {role}.")

    def __init__(
        self, action: str, required: Role, details: Mapping[str, Any] | None = None
    ) -> None:
        self.action = action
        self.required = required
        self.details: dict[str, Any] = dict(details or {})
        """What exactly is to be approved (line, percent, amount...): the approval given
        for this refusal is good for these details only."""
        super().__init__(action=action, role=required.value)

    def values(self, language: Language) -> dict[str, object]:
        known = Action.parse(self.action)
        action = language.gettext(_ACTION_LABELS[known]) if known else self.action
        return {"action": action, "role": language.gettext(_ROLE_LABELS[self.required])}


class NotAllowed(PermissionDenied):
    """A PIN was right but its owner's role is too low to approve this action."""

    message = N_("{name} cannot approve this: it needs a {role}.")

    def __init__(self, name: str, required: Role) -> None:
        self.required = required
        super().__init__(name=name, role=required.value)

    def values(self, language: Language) -> dict[str, object]:
        return {"name": self.params["name"],
                "role": language.gettext(_ROLE_LABELS[self.required])}

"""Errors a cashier or manager can act on.

Each error carries an English source message (translated when shown) and the values to
put in it, so the same error reads correctly in Spanish and English.
"""

from __future__ import annotations

from typing import Any

from pos_common.i18n import N_, _


class PosError(Exception):
    """Base of every error the till explains to its user."""

    message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.template = message or self.message
        self.params = params
        super().__init__(self.template.format(**params) if params else self.template)

    def __str__(self) -> str:
        text = _(self.template)
        if not self.params:
            return text
        # Reasons passed as parameters are English source strings too (marked with N_).
        params = {k: _(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return text.format(**params)


class DomainError(PosError):
    """A business rule said no."""


class UnknownProduct(DomainError):
    message = N_("Unknown code: {code}")


class InvalidQuantity(DomainError):
    message = N_("Invalid quantity: {text}")


class InvalidAmount(DomainError):
    message = N_("Invalid amount: {text}")


class InvalidDiscount(DomainError):
    message = N_("Invalid discount: {reason}")


class EmptySale(DomainError):
    message = N_("The sale has no items.")


class PaymentError(DomainError):
    message = N_("Payment not accepted: {reason}")


class NoSuchLine(DomainError):
    message = N_("There is no line {line_no}.")


class SaleNotOpen(DomainError):
    message = N_("The sale is already closed.")


class CatalogError(PosError):
    message = N_("Catalog error: {reason}")


class PermissionDenied(PosError):
    message = N_("{action} needs a supervisor or manager.")


class ShiftError(DomainError):
    message = N_("{reason}")

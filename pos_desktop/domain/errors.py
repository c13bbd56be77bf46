"""Errors a cashier or manager can act on.

Each error carries its message id (English, marked with ``N_``) and the values to put in
it; the window and the commands translate it where they show it
(``pos_common.i18n.explain``), so the domain never asks which language the run speaks.
``str()`` of one is the English, for logs.
"""

from __future__ import annotations

from pos_common.messages import N_, TranslatableError


class PosError(TranslatableError):
    """Base of every error the till explains to its user."""

    message = N_("Something went wrong.")


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

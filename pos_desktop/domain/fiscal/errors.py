"""What the fiscal rules refuse, in words a cashier or manager can act on."""

from __future__ import annotations

from pos_common.i18n import N_
from pos_desktop.domain.errors import DomainError


class FiscalError(DomainError):
    message = N_("The comprobante cannot be issued: {reason}")


class InvalidBuyer(FiscalError):
    message = N_("The buyer's details are not valid: {reason}")


class IdentificationRequired(FiscalError):
    message = (
        N_("From {threshold} the buyer must be identified with DNI, CUIT or CUIL (RG 5700): "
        "this comprobante is {total}. Identify the buyer to continue.")
    )


class BuyerDoesNotFit(FiscalError):
    message = N_("{comprobante} cannot be issued to this buyer: {reason}")


class InvalidNumbering(FiscalError):
    message = N_("Invalid comprobante number: {reason}")


class InvalidAuthorization(FiscalError):
    message = N_("Invalid ARCA authorization: {reason}")

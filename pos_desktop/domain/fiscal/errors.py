"""What the fiscal rules refuse, in words a cashier or manager can act on."""

from __future__ import annotations

from pos_desktop.domain.errors import DomainError


class FiscalError(DomainError):
    message = "The comprobante cannot be issued: {reason}"


class InvalidBuyer(FiscalError):
    message = "The buyer's details are not valid: {reason}"


class IdentificationRequired(FiscalError):
    message = (
        "From {threshold} the buyer must be identified with DNI, CUIT or CUIL (RG 5700): "
        "this comprobante is {total}. Identify the buyer to continue."
    )


class BuyerDoesNotFit(FiscalError):
    message = "{comprobante} cannot be issued to this buyer: {reason}"


class InvalidNumbering(FiscalError):
    message = "Invalid comprobante number: {reason}"


class InvalidAuthorization(FiscalError):
    message = "Invalid ARCA authorization: {reason}"

"""A comprobante: type, point of sale, number, moment, seller, buyer, amounts, authorization.

A ``Comprobante`` can only hold what ARCA would accept together (checked when it is made):
the seller issues its class, the buyer fits the class (10243, 10013), the amounts are of
that class, a Nota de Crédito carries the comprobante it cancels (``CbtesAsoc``, same
class, not dated after it: 10040) and a Factura carries none. ``authorization`` is None
while it is pending (committed locally, not yet authorized by ARCA); a CAEA comprobante is
born authorized.

``issue_invoice`` and ``issue_credit_note`` choose the type and compute the amounts, and
apply RG 5700 (identification from the threshold), so the till never sends what ARCA
rejects for those reasons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from pos_common.i18n import N_
from pos_desktop.domain.cuit import normalize_cuit
from pos_desktop.domain.fiscal.amounts import ArcaAmounts, TaxedAmount, arca_amounts
from pos_desktop.domain.fiscal.authorization import Authorization
from pos_desktop.domain.fiscal.buyer import (
    ANONYMOUS,
    DEFAULT_IDENTIFICATION_THRESHOLD,
    Buyer,
    require_identification,
)
from pos_desktop.domain.fiscal.dates import argentine_date, in_argentina
from pos_desktop.domain.fiscal.errors import FiscalError
from pos_desktop.domain.fiscal.kinds import (
    ComprobanteType,
    check_buyer_fits,
    check_seller_issues,
    credit_note_type,
    invoice_type,
)
from pos_desktop.domain.fiscal.numbering import ComprobanteNumber, PointOfSale, printed_number
from pos_desktop.domain.fiscal.parties import Seller


@dataclass(frozen=True, slots=True)
class AssociatedComprobante:
    """``CbteAsoc``: the comprobante a Nota de Crédito cancels (``cuit``: its issuer's)."""

    kind: ComprobanteType
    point_of_sale: PointOfSale
    number: ComprobanteNumber
    cuit: str
    issued_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "cuit", normalize_cuit(self.cuit).replace("-", ""))


@dataclass(frozen=True, slots=True)
class Comprobante:
    kind: ComprobanteType  # CbteTipo
    point_of_sale: PointOfSale
    number: ComprobanteNumber
    issued_at: datetime  # aware; CbteFch is its Argentine date
    seller: Seller
    buyer: Buyer
    amounts: ArcaAmounts
    authorization: Authorization | None = None
    associated: AssociatedComprobante | None = None

    def __post_init__(self) -> None:
        in_argentina(self.issued_at)  # refuses a naive moment
        check_seller_issues(self.seller.condition, self.kind)
        check_buyer_fits(self.kind, self.buyer)
        if self.amounts.comprobante_class is not self.kind.letter:
            raise FiscalError(reason=N_("the amounts are not computed for this class"))
        if self.amounts.total <= 0:
            raise FiscalError(reason=N_("the total must be greater than zero"))
        self._check_associated()

    def _check_associated(self) -> None:
        original = self.associated
        if not self.kind.is_credit_note:
            if original is not None:
                raise FiscalError(reason=N_("only a credit note refers to another comprobante"))
            return
        if original is None:
            raise FiscalError(reason=N_("a credit note needs the comprobante it refunds"))
        if original.kind.is_credit_note or original.kind.letter is not self.kind.letter:
            raise FiscalError(reason=N_("a credit note refunds an invoice of its own class"))
        if original.issued_on > self.issued_on:
            raise FiscalError(reason=N_("a credit note cannot be dated before its invoice"))

    @property
    def issued_on(self) -> date:
        """``CbteFch``: the date in Argentina when it was issued."""
        return argentine_date(self.issued_at)

    @property
    def total(self) -> int:
        return self.amounts.total

    @property
    def is_pending(self) -> bool:
        return self.authorization is None

    @property
    def printed_number(self) -> str:
        return printed_number(self.point_of_sale, self.number)

    def authorized(self, authorization: Authorization) -> Comprobante:
        if self.authorization is not None:
            raise FiscalError(reason=N_("this comprobante is already authorized"))
        return dataclasses.replace(self, authorization=authorization)

    def renumbered(self, number: ComprobanteNumber) -> Comprobante:
        """The same comprobante under another number (ARCA rejected it: the number stays
        free, or the numbers were reconciled). Never once it is authorized."""
        if self.authorization is not None:
            raise FiscalError(reason=N_("an authorized comprobante keeps its number"))
        return dataclasses.replace(self, number=number)

    def as_associated(self) -> AssociatedComprobante:
        """How a Nota de Crédito refers to this comprobante."""
        return AssociatedComprobante(self.kind, self.point_of_sale, self.number,
                                     self.seller.cuit, self.issued_on)


def issue_invoice(
    *,
    seller: Seller,
    point_of_sale: PointOfSale,
    number: ComprobanteNumber,
    issued_at: datetime,
    lines: Iterable[TaxedAmount],
    buyer: Buyer = ANONYMOUS,
    authorization: Authorization | None = None,
    identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD,
) -> Comprobante:
    """The Factura of a sale: its type from seller and buyer, its amounts from ``lines``."""
    kind = invoice_type(seller.condition, buyer.condition)
    amounts = arca_amounts(lines, kind.letter)
    require_identification(buyer, amounts.total, threshold=identification_threshold)
    return Comprobante(kind, point_of_sale, number, issued_at, seller, buyer, amounts,
                       authorization)


def issue_credit_note(
    *,
    original: AssociatedComprobante,
    seller: Seller,
    point_of_sale: PointOfSale,
    number: ComprobanteNumber,
    issued_at: datetime,
    lines: Iterable[TaxedAmount],
    buyer: Buyer = ANONYMOUS,
    authorization: Authorization | None = None,
    identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD,
) -> Comprobante:
    """The Nota de Crédito of a refund: the original's class, whoever the buyer is now
    (the original's buyer, normally; a class A note needs their CUIT again)."""
    kind = credit_note_type(original.kind)
    amounts = arca_amounts(lines, kind.letter)
    require_identification(buyer, amounts.total, threshold=identification_threshold)
    return Comprobante(kind, point_of_sale, number, issued_at, seller, buyer, amounts,
                       authorization, original)

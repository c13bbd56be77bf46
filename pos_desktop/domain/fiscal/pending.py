"""A comprobante decided at the sale's commit and not yet numbered: its type, point of sale,
seller, buyer and amounts are facts of the sale; its number and authorization come later.

Under CAE the number is ARCA's last authorized + 1 *at the moment of the request* (a
rejected request uses none up), so the sale commits with a ``PendingComprobante``; the
fiscal worker asks ARCA and the authorization turns it into a ``Comprobante``
(``issued``). Under CAEA (issue 12) the till numbers it itself at once and it is issued in
the sale's own transaction. The checks are those of ``Comprobante``: what ARCA would
reject for these reasons is refused before the sale commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pos_common.i18n import N_
from pos_desktop.domain.fiscal.amounts import ArcaAmounts, TaxedAmount, arca_amounts
from pos_desktop.domain.fiscal.authorization import Authorization
from pos_desktop.domain.fiscal.buyer import (
    ANONYMOUS,
    DEFAULT_IDENTIFICATION_THRESHOLD,
    Buyer,
    require_identification,
)
from pos_desktop.domain.fiscal.comprobante import AssociatedComprobante, Comprobante
from pos_desktop.domain.fiscal.errors import FiscalError
from pos_desktop.domain.fiscal.kinds import (
    ComprobanteType,
    check_buyer_fits,
    check_seller_issues,
    credit_note_type,
    invoice_type,
)
from pos_desktop.domain.fiscal.numbering import ComprobanteNumber, PointOfSale
from pos_desktop.domain.fiscal.parties import Seller


@dataclass(frozen=True, slots=True)
class PendingComprobante:
    kind: ComprobanteType
    point_of_sale: PointOfSale
    seller: Seller
    buyer: Buyer
    amounts: ArcaAmounts

    def __post_init__(self) -> None:
        check_seller_issues(self.seller.condition, self.kind)
        check_buyer_fits(self.kind, self.buyer)
        if self.amounts.comprobante_class is not self.kind.letter:
            raise FiscalError(reason=N_("the amounts are not computed for this class"))
        if self.amounts.total <= 0:
            raise FiscalError(reason=N_("the total must be greater than zero"))

    @property
    def total(self) -> int:
        return self.amounts.total

    def with_buyer(self, buyer: Buyer, *,
                   identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD
                   ) -> PendingComprobante:
        """The same sale's comprobante for another buyer (ARCA rejected the first one): the
        type follows the buyer again; the amounts are the same for A and B, and a seller
        of class C issues C to anyone."""
        require_identification(buyer, self.total, threshold=identification_threshold)
        if self.kind.is_credit_note:
            kind = self.kind  # a credit note keeps its original's class
        else:
            kind = invoice_type(self.seller.condition, buyer.condition)
        return PendingComprobante(kind, self.point_of_sale, self.seller, buyer,
                                  _reclassed(self.amounts, kind))

    def issued(self, *, number: int, issued_at: datetime, authorization: Authorization,
               associated: AssociatedComprobante | None = None) -> Comprobante:
        """The comprobante as ARCA authorized it (number, date, CAE or CAEA)."""
        return Comprobante(self.kind, self.point_of_sale, ComprobanteNumber(number), issued_at,
                           self.seller, self.buyer, self.amounts, authorization, associated)


def _reclassed(amounts: ArcaAmounts, kind: ComprobanteType) -> ArcaAmounts:
    if amounts.comprobante_class is kind.letter:
        return amounts
    if "C" in (kind.letter, amounts.comprobante_class):
        raise FiscalError(reason=N_("the amounts are not computed for this class"))
    # A and B discriminate IVA alike: the same figures under the other letter.
    return ArcaAmounts(kind.letter, amounts.net, amounts.iva, amounts.exempt,
                       amounts.not_taxed, amounts.tributes, amounts.alic_iva, amounts.tributos)


def pending_invoice(*, seller: Seller, point_of_sale: PointOfSale, lines: Iterable[TaxedAmount],
                    buyer: Buyer = ANONYMOUS,
                    identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD
                    ) -> PendingComprobante:
    """The Factura a sale calls for, as ``issue_invoice`` decides it, without its number."""
    kind = invoice_type(seller.condition, buyer.condition)
    amounts = arca_amounts(lines, kind.letter)
    require_identification(buyer, amounts.total, threshold=identification_threshold)
    return PendingComprobante(kind, point_of_sale, seller, buyer, amounts)


def pending_credit_note(*, original: ComprobanteType, seller: Seller,
                        point_of_sale: PointOfSale, lines: Iterable[TaxedAmount],
                        buyer: Buyer = ANONYMOUS,
                        identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD
                        ) -> PendingComprobante:
    """The Nota de Crédito of a refund of a sale whose comprobante is of type ``original``."""
    kind = credit_note_type(original)
    amounts = arca_amounts(lines, kind.letter)
    require_identification(buyer, amounts.total, threshold=identification_threshold)
    return PendingComprobante(kind, point_of_sale, seller, buyer, amounts)

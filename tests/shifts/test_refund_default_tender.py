"""A refund goes back, by default, the way the customer mostly paid."""

from __future__ import annotations

from pos_desktop.domain.sale import TenderKind
from pos_desktop.services.refunds import SaleForRefund
from pos_desktop.ui.refund_dialog import paid_mostly_with


def sale(total: int, *tenders: tuple[str, int]) -> SaleForRefund:
    return SaleForRefund("id", "0001-00000001", 1, "2026-11-28T10:00:00-03:00", total,
                         [{"kind": k, "amount": a, "reference": None} for k, a in tenders],
                         [], [])


def test_a_debit_sale_is_refunded_to_debit() -> None:
    assert paid_mostly_with(sale(529000, ("debit", 529000))) is TenderKind.DEBIT


def test_cash_counts_net_of_the_change_it_gave() -> None:
    # $ 2.000 on debit, then a $ 20.000 note for the $ 3.290 left: cash really paid $ 3.290.
    mixed = sale(529000, ("debit", 200000), ("cash", 2000000))
    assert paid_mostly_with(mixed) is TenderKind.CASH
    mostly_card = sale(529000, ("credit", 429000), ("cash", 200000))
    assert paid_mostly_with(mostly_card) is TenderKind.CREDIT

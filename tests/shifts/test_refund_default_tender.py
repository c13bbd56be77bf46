"""A refund goes back, by default, the way the customer mostly paid."""

from __future__ import annotations

from typing import Any

from pos_desktop.app import Till
from pos_desktop.domain.refund import paid_mostly_with
from pos_desktop.domain.sale import Tender, TenderKind
from tests.shifts.conftest import YERBA, login_supervisor, sell


def tenders(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"kind": k, "amount": a, "reference": None} for k, a in pairs]


def test_a_debit_sale_is_refunded_to_debit() -> None:
    assert paid_mostly_with(tenders(("debit", 529000)), 529000) is TenderKind.DEBIT


def test_cash_counts_net_of_the_change_it_gave() -> None:
    # $ 2.000 on debit, then a $ 20.000 note for the $ 3.290 left: cash really paid $ 3.290.
    mixed = tenders(("debit", 200000), ("cash", 2000000))
    assert paid_mostly_with(mixed, 529000) is TenderKind.CASH
    mostly_card = tenders(("credit", 429000), ("cash", 200000))
    assert paid_mostly_with(mostly_card, 529000) is TenderKind.CREDIT


def test_the_service_itself_defaults_to_how_the_customer_paid(till: Till) -> None:
    sale = sell(till, YERBA, tenders=[Tender(TenderKind.DEBIT, 529000)])
    login_supervisor(till, "refund")
    done = till.refunds.refund(sale.ticket, {1: 1000}, reason="Vencido")
    assert done.payload["tenders"] == [{"kind": "debit", "amount": 529000, "reference": None}]

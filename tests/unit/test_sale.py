"""The sale aggregate: lines, discounts, IVA and tenders, to the centavo."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.errors import (
    EmptySale,
    InvalidDiscount,
    InvalidQuantity,
    PaymentError,
    SaleNotOpen,
)
from pos_desktop.domain.product import Product, fold
from pos_desktop.domain.sale import Discount, Sale, SaleStatus, Tender, TenderKind, spread
from pos_desktop.domain.tax import IvaRate

YERBA = Product("Y1", "Yerba Mate 1 kg", 529000, IvaRate.GENERAL, barcodes=("7790001000011",))
PAN = Product("P1", "Pan Francés", 320000, IvaRate.EXEMPT, sold_by_weight=True, plu=101)
BANANA = Product("B1", "Bananas", 199900, IvaRate.REDUCED, sold_by_weight=True, plu=201)


def test_repeated_scan_adds_to_the_last_line() -> None:
    sale = Sale()
    sale.add(YERBA)
    sale.add(YERBA)
    assert len(sale.lines) == 1
    assert sale.lines[0].quantity_milli == 2000
    assert sale.total == 1058000


def test_weighed_line_rounds_half_up_once() -> None:
    sale = Sale()
    line = sale.add(BANANA, 333)  # 1999.00 $/kg × 0.333 kg = 665.667 → 665.67
    assert line.gross == 66567
    assert sale.total == 66567


def test_units_must_be_whole() -> None:
    with pytest.raises(InvalidQuantity):
        Sale().add(YERBA, 1500)


def test_line_and_ticket_discounts_add_up_and_split_iva() -> None:
    sale = Sale()
    sale.add(YERBA, 2000)  # 10.580,00 at 21 %
    sale.add(PAN, 500)  # 1.600,00 exempt
    sale.set_line_discount(1, Discount(percent_bp=1000))  # -1.058,00
    sale.set_ticket_discount(Discount(amount=1000))  # -10,00 spread over both lines
    t = sale.totals()
    assert t.gross == 1058000 + 160000
    assert t.line_discounts == 105800
    assert t.ticket_discount == 1000
    assert t.total == t.gross - t.line_discounts - t.ticket_discount
    assert sum(t.line_amounts.values()) == t.total
    assert sum(v.gross for v in t.iva) == t.total
    general = next(v for v in t.iva if v.rate is IvaRate.GENERAL)
    assert general.tax == round(general.gross * 21 / 121)


def test_discount_cannot_exceed_the_amount() -> None:
    sale = Sale()
    sale.add(YERBA)
    with pytest.raises(InvalidDiscount):
        sale.set_line_discount(1, Discount(amount=600000))
    with pytest.raises(InvalidDiscount):
        Discount(percent_bp=100, amount=1)


def test_split_payment_with_change_from_cash() -> None:
    sale = Sale()
    sale.add(YERBA)  # 5.290,00
    sale.add_tender(Tender(TenderKind.DEBIT, 290000))
    sale.add_tender(Tender(TenderKind.CASH, 300000))
    assert sale.change == 61000
    sale.complete()
    assert sale.status is SaleStatus.COMPLETED
    with pytest.raises(SaleNotOpen):
        sale.add(YERBA)


def test_cards_cannot_exceed_what_is_due() -> None:
    sale = Sale()
    sale.add(YERBA)
    with pytest.raises(PaymentError):
        sale.add_tender(Tender(TenderKind.CREDIT, 600000))


def test_empty_or_short_payment_is_refused() -> None:
    with pytest.raises(EmptySale):
        Sale().add_tender(Tender(TenderKind.CASH, 100))
    sale = Sale()
    sale.add(YERBA)
    with pytest.raises(PaymentError):
        sale.add_tender(Tender(TenderKind.CASH, 0))
    sale.add_tender(Tender(TenderKind.CASH, 100))
    with pytest.raises(PaymentError):
        sale.complete()


def test_voiding_a_line_drops_the_tenders() -> None:
    sale = Sale()
    sale.add(YERBA)
    sale.add(PAN, 250)
    sale.add_tender(Tender(TenderKind.CASH, 100))
    sale.void_line(1)
    assert [li.product.sku for li in sale.lines] == ["P1"]
    assert sale.tenders == []
    assert sale.voided_lines == 1


def test_fold_ignores_accents_and_case() -> None:
    assert fold("Café ÑANDÚ") == "cafe nandu"


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_spread_is_exact_and_proportional(amount: int, weights: list[int]) -> None:
    shares = spread(amount, weights)
    if sum(weights) == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == amount
    for s, w in zip(shares, weights, strict=True):
        assert abs(s - amount * w / sum(weights)) < 1


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 2_000_000),
            st.integers(1, 5000),
            st.sampled_from(list(IvaRate)),
            st.booleans(),
            st.integers(0, 5000),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 5000),
)
def test_totals_always_add_up(
    lines: list[tuple[int, int, IvaRate, bool, int]], ticket_bp: int
) -> None:
    sale = Sale()
    for i, (price, qty, rate, weighed, disc_bp) in enumerate(lines):
        product = Product(f"S{i}", f"P{i}", price, rate, sold_by_weight=weighed)
        line = sale.add(product, qty if weighed else 1000 * (qty % 7 + 1))
        sale.set_line_discount(line.line_no, Discount(percent_bp=disc_bp))
    sale.set_ticket_discount(Discount(percent_bp=ticket_bp))
    t = sale.totals()
    assert t.total == t.gross - t.line_discounts - t.ticket_discount
    assert sum(t.line_amounts.values()) == t.total
    assert sum(v.gross for v in t.iva) == t.total
    assert all(v.net + v.tax == v.gross and v.tax >= 0 for v in t.iva)

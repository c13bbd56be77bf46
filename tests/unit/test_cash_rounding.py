"""Cash rounding: what is paid in cash is rounded down to the till's cash unit, in the
customer's favour; cards pay to the centavo; the lines, IVA and change stay exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.product import Product
from pos_desktop.domain.sale import Sale, Tender, TenderKind
from pos_desktop.domain.tax import IvaRate

YERBA = Product("Y1", "Yerba Mate 1 kg", 529000, IvaRate.GENERAL)
BANANA = Product("B1", "Bananas", 199900, IvaRate.REDUCED, sold_by_weight=True, plu=201)
CASH, DEBIT = TenderKind.CASH, TenderKind.DEBIT


def sale_of(*grams: int, unit: int = 100) -> Sale:
    sale = Sale(cash_unit=unit)
    sale.add(YERBA)
    for weight in grams:
        sale.add(BANANA, weight)
    return sale


def test_cash_that_settles_the_sale_is_rounded_down_and_spread_over_the_lines() -> None:
    sale = sale_of(333)  # 5.290,00 + 665,67 = 5.955,67
    assert sale.total == 595_567 and sale.due_in_cash == 595_500
    sale.add_tender(Tender(CASH, 600_000))
    totals = sale.totals()
    assert (totals.rounding, totals.total, sale.change) == (67, 595_500, 4_500)
    assert sum(totals.line_amounts.values()) == 595_500  # the lines carry the 0,67
    assert sum(v.gross for v in totals.iva) == 595_500  # IVA on what was charged
    sale.complete()


def test_nothing_is_due_in_cash_once_rounded_cash_settled_the_sale() -> None:
    sale = sale_of(333)
    sale.add_tender(Tender(CASH, sale.due_in_cash))
    assert (sale.due, sale.due_in_cash, sale.change) == (0, 0, 0)


def test_a_card_pays_to_the_centavo() -> None:
    sale = sale_of(333)
    sale.add_tender(Tender(DEBIT, sale.due))
    assert (sale.totals().rounding, sale.total, sale.due) == (0, 595_567, 0)


def test_card_first_then_cash_rounds_only_the_cash_part() -> None:
    sale = sale_of(333)
    sale.add_tender(Tender(DEBIT, 500_000))
    assert sale.due_in_cash == 95_500  # 955,67 left, in cash 955,00
    sale.add_tender(Tender(CASH, sale.due_in_cash))
    assert (sale.totals().rounding, sale.total, sale.due, sale.change) == (67, 595_500, 0, 0)
    sale.complete()


def test_part_in_cash_then_a_card_is_not_rounded() -> None:
    sale = sale_of(333)
    sale.add_tender(Tender(CASH, 300_000))
    assert sale.totals().rounding == 0 and sale.due == 295_567
    sale.add_tender(Tender(DEBIT, sale.due))
    assert (sale.totals().rounding, sale.total, sale.change) == (0, 595_567, 0)
    sale.complete()


def test_no_rounding_with_centavo_coins_or_below_one_unit() -> None:
    exact = sale_of(333, unit=1)
    exact.add_tender(Tender(CASH, 600_000))
    assert (exact.total, exact.change) == (595_567, 4_433)
    tiny = Sale(cash_unit=100)
    tiny.add(Product("C1", "Caramelo", 45, IvaRate.GENERAL))  # $ 0,45: not rounded to nothing
    tiny.add_tender(Tender(CASH, 100))
    assert (tiny.total, tiny.change) == (45, 55)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 5000), min_size=0, max_size=6),
    st.sampled_from([1, 10, 100, 1000]),
    st.integers(0, 3),
)
def test_whatever_the_mix_the_sale_balances_and_never_charges_more(
    grams: list[int], unit: int, card_first: int
) -> None:
    sale = sale_of(*grams, unit=unit)
    exact = sale.total
    if card_first:
        sale.add_tender(Tender(DEBIT, exact // (card_first + 1)))
    sale.add_tender(Tender(CASH, sale.due_in_cash))
    t = sale.totals()
    assert 0 <= t.rounding < unit and sale.total == exact - t.rounding
    assert sale.tendered - sale.change == sale.total == sum(t.line_amounts.values())
    sale.complete()

"""ARCA amounts from the sale's centavos: they add up to the sale's total to the centavo,
each AlicIva passes ARCA's check, and a Factura C discriminates no IVA."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.fiscal.amounts import (
    INTERNAL_TAXES,
    AlicIva,
    ArcaAmounts,
    TaxedAmount,
    arca_amounts,
    iva_fits_rate,
    refund_lines,
    sale_lines,
)
from pos_desktop.domain.fiscal.kinds import ComprobanteClass
from pos_desktop.domain.product import Product
from pos_desktop.domain.refund import RefundableLine, plan_refund
from pos_desktop.domain.sale import Discount, Sale, Tender, TenderKind
from pos_desktop.domain.tax import InternalTax, IvaKind, IvaRate

A, B, C = ComprobanteClass.A, ComprobanteClass.B, ComprobanteClass.C


def field_sum(amounts: ArcaAmounts) -> int:
    return (amounts.not_taxed + amounts.net + amounts.exempt + amounts.tributes
            + amounts.iva)


def test_the_arca_example_request() -> None:
    # examples/FECAESolicitar.ok.xml: 100 net at 21 % -> 21 IVA (ImpTrib aside).
    amounts = arca_amounts([TaxedAmount(IvaRate.GENERAL, 12100)], A)
    assert (amounts.net, amounts.iva, amounts.total) == (10000, 2100, 12100)
    assert amounts.alic_iva == (AlicIva(IvaRate.GENERAL, 10000, 2100),)
    assert amounts.alic_iva[0].arca_id == 5


def test_exento_no_gravado_and_zero_go_where_arca_wants_them() -> None:
    amounts = arca_amounts([
        TaxedAmount(IvaRate.EXEMPT, 1000),
        TaxedAmount(IvaRate.NOT_TAXED, 700),
        TaxedAmount(IvaRate.ZERO, 500),
        TaxedAmount(IvaRate.FIVE, 1050),
        TaxedAmount(IvaRate.TWO_AND_A_HALF, 1025),
    ], B)
    assert (amounts.exempt, amounts.not_taxed) == (1000, 700)
    assert [(a.arca_id, a.base, a.amount) for a in amounts.alic_iva] == [
        (8, 1000, 50), (9, 1000, 25), (3, 500, 0)]
    assert amounts.net == 2500 and amounts.iva == 75
    assert amounts.total == 4275


def test_only_exempt_goods_send_no_iva_array() -> None:
    amounts = arca_amounts([TaxedAmount(IvaRate.EXEMPT, 1000)], B)
    assert amounts.alic_iva == () and amounts.iva == 0 and amounts.net == 0


def test_factura_c_has_no_iva_and_everything_in_imp_neto() -> None:
    lines = [TaxedAmount(IvaRate.GENERAL, 12100), TaxedAmount(IvaRate.EXEMPT, 1000),
             TaxedAmount(IvaRate.NOT_TAXED, 5)]
    amounts = arca_amounts(lines, C)
    assert amounts.alic_iva == ()
    assert (amounts.iva, amounts.exempt, amounts.not_taxed) == (0, 0, 0)
    assert amounts.net == amounts.total == 13105


def test_internal_taxes_go_to_imp_trib_and_out_of_the_iva_base() -> None:
    # A 10.000 centavo line with 17 % internal taxes inside: 1.700 tax, 8.300 at 21 %.
    amounts = arca_amounts([TaxedAmount(IvaRate.GENERAL, 10000, 1700, 1700),
                            TaxedAmount(IvaRate.GENERAL, 2000, 300, 0)], A)
    assert amounts.tributes == 2000
    assert [(t.tributo_id, t.rate_bp, t.base, t.amount) for t in amounts.tributos] == [
        (INTERNAL_TAXES, 0, 2000, 300), (INTERNAL_TAXES, 1700, 10000, 1700)]
    assert amounts.alic_iva[0].base + amounts.alic_iva[0].amount == 10000
    assert amounts.total == 12000
    c = arca_amounts([TaxedAmount(IvaRate.GENERAL, 10000, 1700, 1700)], C)
    assert (c.net, c.tributes, c.total) == (8300, 1700, 10000)


def test_amounts_that_do_not_add_up_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        ArcaAmounts(B, net=100, iva=21, exempt=0, not_taxed=0, tributes=0,
                    alic_iva=(AlicIva(IvaRate.GENERAL, 100, 20),))
    with pytest.raises(ValueError):
        ArcaAmounts(C, net=100, iva=21, exempt=0, not_taxed=0, tributes=0)
    with pytest.raises(ValueError):
        TaxedAmount(IvaRate.GENERAL, 100, 101)


def test_arca_tolerance_check_refuses_a_wrong_iva() -> None:
    assert iva_fits_rate(AlicIva(IvaRate.GENERAL, 10000, 2100))
    assert iva_fits_rate(AlicIva(IvaRate.GENERAL, 10003, 2100))  # 2100,63: under a centavo
    assert not iva_fits_rate(AlicIva(IvaRate.GENERAL, 10000, 2101))  # a whole centavo off
    assert not iva_fits_rate(AlicIva(IvaRate.GENERAL, 10000, 2099))
    assert not iva_fits_rate(AlicIva(IvaRate.ZERO, 10000, 2))


@pytest.mark.parametrize("rate", [r for r in IvaRate if r.kind is IvaKind.TAXED])
def test_base_times_rate_is_the_iva_for_every_gross_up_to_a_thousand_pesos(rate: IvaRate) -> None:
    for gross in range(1, 100_001):
        (alic,) = arca_amounts([TaxedAmount(rate, gross)], B).alic_iva
        assert alic.base + alic.amount == gross
        # 0,635 centavos at most (27 %), the proof in amounts.py: always inside ARCA's margin.
        assert abs(alic.base * rate.per_thousand - alic.amount * 1000) <= 635, gross


RATE_MIXES = [mix for n in range(1, len(IvaRate) + 1) for mix in combinations(IvaRate, n)]


@pytest.mark.parametrize("mix", RATE_MIXES, ids=lambda m: "+".join(r.value for r in m))
def test_every_rate_mix_adds_up_through_a_real_sale(mix: tuple[IvaRate, ...]) -> None:
    sale = Sale(cash_unit=100)
    for i, rate in enumerate(mix):
        line = sale.add(Product(f"S{i}", f"P{i}", 123_457 + 9_731 * i, rate), 1000 * (i % 3 + 1))
        sale.set_line_discount(line.line_no, Discount(percent_bp=500 * (i % 2)))
    sale.set_ticket_discount(Discount(percent_bp=750))
    sale.add_tender(Tender(TenderKind.CASH, sale.due_in_cash))
    sale.complete()
    check_against_sale(sale)


def check_against_sale(sale: Sale, taxes: dict[str, InternalTax] | None = None) -> None:
    totals = sale.totals()
    lines = sale_lines(sale, taxes)
    assert sum(line.amount for line in lines) == totals.total
    for cls in (A, B):
        amounts = arca_amounts(lines, cls)
        assert amounts.total == field_sum(amounts) == totals.total
        assert amounts.net == sum(a.base for a in amounts.alic_iva)
        assert amounts.iva == sum(a.amount for a in amounts.alic_iva)
        assert all(a.base > 0 and iva_fits_rate(a) for a in amounts.alic_iva)
        assert len({a.arca_id for a in amounts.alic_iva}) == len(amounts.alic_iva)
        if not taxes:
            # The receipt's "IVA contenido" and ARCA's AlicIva are the same figures.
            receipt = {v.rate: v for v in totals.iva}
            assert {a.rate: (a.base, a.amount) for a in amounts.alic_iva} == {
                r: (v.net, v.tax) for r, v in receipt.items() if r.kind is IvaKind.TAXED}
            assert amounts.exempt == getattr(receipt.get(IvaRate.EXEMPT), "gross", 0)
            assert amounts.not_taxed == getattr(receipt.get(IvaRate.NOT_TAXED), "gross", 0)
    c = arca_amounts(lines, C)
    assert c.alic_iva == () and c.iva == c.exempt == c.not_taxed == 0
    assert c.total == c.net + c.tributes == totals.total


line_strategy = st.tuples(
    st.integers(1, 5_000_000),  # unit price, centavos
    st.integers(1, 5_000),  # quantity (grams when weighed)
    st.sampled_from(list(IvaRate)),
    st.booleans(),  # weighed
    st.one_of(st.integers(0, 10_000).map(lambda bp: Discount(percent_bp=bp)),
              st.integers(1, 50_000).map(lambda cents: Discount(amount=cents))),
    st.one_of(st.none(), st.integers(1, 3_000).map(lambda c: InternalTax(per_unit=c)),
              st.integers(1, 9_999).map(lambda bp: InternalTax(percent_bp=bp))),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(line_strategy, min_size=1, max_size=12),
    st.integers(0, 9_000),  # ticket discount, basis points
    st.sampled_from([1, 10, 100, 1000]),  # the till's cash unit
    st.sampled_from(["cash", "card", "cash over", "part cash"]),
)
def test_amounts_add_up_for_any_sale(
    lines: list[tuple[int, int, IvaRate, bool, Discount, InternalTax | None]],
    ticket_bp: int, cash_unit: int, payment: str,
) -> None:
    sale = Sale(cash_unit=cash_unit)
    taxes: dict[str, InternalTax] = {}
    for i, (price, qty, rate, weighed, discount, tax) in enumerate(lines):
        product = Product(f"S{i}", f"P{i}", price, rate, sold_by_weight=weighed)
        line = sale.add(product, qty if weighed else 1000 * (qty % 7 + 1))
        if discount.of(line.gross) <= line.gross:
            sale.set_line_discount(line.line_no, discount)
        if tax is not None:
            taxes[product.sku] = tax
    base = sum(line.after_line_discount for line in sale.lines)
    if base <= 0:
        return  # a sale given away entirely is never completed
    sale.set_ticket_discount(Discount(percent_bp=ticket_bp))
    if sale.total <= 0:
        return
    pay(sale, payment)
    sale.complete()
    check_against_sale(sale)
    check_against_sale(sale, taxes)
    with_taxes = arca_amounts(sale_lines(sale, taxes), A)
    assert with_taxes.tributes == sum(line.internal_tax for line in sale_lines(sale, taxes))


def pay(sale: Sale, how: str) -> None:
    if how == "card":
        sale.add_tender(Tender(TenderKind.DEBIT, sale.due))
    elif how == "cash":
        sale.add_tender(Tender(TenderKind.CASH, sale.due_in_cash))
    elif how == "cash over":
        sale.add_tender(Tender(TenderKind.CASH, sale.due_in_cash + 50_000))
    else:
        if sale.due > 1:
            sale.add_tender(Tender(TenderKind.CASH, sale.due // 2))
        sale.add_tender(Tender(TenderKind.CREDIT, sale.due))


def test_cash_rounding_is_in_the_amounts() -> None:
    # README: pan at $ 4.290/kg x 0,347 kg = $ 1.488,63; in cash the customer pays $ 1.488.
    sale = Sale(cash_unit=100)
    sale.add(Product("P", "Pan", 429_000, IvaRate.REDUCED, sold_by_weight=True), 347)
    sale.add_tender(Tender(TenderKind.CASH, 200_000))
    sale.complete()
    amounts = arca_amounts(sale_lines(sale), B)
    assert amounts.total == sale.total == 148_800
    assert amounts.alic_iva == (AlicIva(IvaRate.REDUCED, 134_661, 14_139),)


def test_credit_note_amounts_from_a_refund() -> None:
    sold = [
        RefundableLine(1, "Y1", "Yerba", False, 2000, 1_058_000, "21"),
        RefundableLine(2, "L1", "Libro", False, 1000, 990_000, "exempt"),
    ]
    plan = plan_refund(sold, {1: 1000, 2: 1000})
    amounts = arca_amounts(refund_lines(plan), B)
    assert amounts.total == plan.total == 529_000 + 990_000
    assert amounts.exempt == 990_000
    assert [(a.rate, a.base + a.amount) for a in amounts.alic_iva] == [(IvaRate.GENERAL, 529_000)]
    assert [v.tax for v in plan.iva if v.rate is IvaRate.GENERAL] == [amounts.iva]


def test_refund_lines_carry_internal_taxes_by_sku() -> None:
    sold = [RefundableLine(1, "CIG", "Cigarrillos", False, 2000, 600_000, "21")]
    plan = plan_refund(sold, {1: 1000})
    lines = refund_lines(plan, {"CIG": InternalTax(per_unit=70_000)})
    assert lines == [TaxedAmount(IvaRate.GENERAL, 300_000, 70_000, 0)]

"""IVA rates as ARCA knows them: 0 %, 2,5 % and 5 % beside 21, 10,5 and 27; exento and no
gravado are not rates, and 0 % is not exento."""

from __future__ import annotations

import pytest

from pos_desktop.domain.tax import (
    WIRE_V1_RATES,
    InternalTax,
    IvaKind,
    IvaRate,
    iva_breakdown,
    iva_contained,
)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("0", IvaRate.ZERO),
        ("0%", IvaRate.ZERO),
        ("0,00", IvaRate.ZERO),
        ("2,5", IvaRate.TWO_AND_A_HALF),
        ("2.50 %", IvaRate.TWO_AND_A_HALF),
        ("5", IvaRate.FIVE),
        ("5.0", IvaRate.FIVE),
        ("10,5", IvaRate.REDUCED),
        ("10.50", IvaRate.REDUCED),
        ("21", IvaRate.GENERAL),
        (" 21 % ", IvaRate.GENERAL),
        ("21.00", IvaRate.GENERAL),
        ("27", IvaRate.INCREASED),
        ("exempt", IvaRate.EXEMPT),
        ("Exento", IvaRate.EXEMPT),
        ("exenta", IvaRate.EXEMPT),
        ("no gravado", IvaRate.NOT_TAXED),
        ("No  Gravado", IvaRate.NOT_TAXED),
        ("not_taxed", IvaRate.NOT_TAXED),
    ],
)
def test_rates_parse_to_what_they_say(text: str, rate: IvaRate) -> None:
    assert IvaRate.parse(text) is rate


def test_zero_percent_is_taxed_at_zero_not_exempt() -> None:
    assert IvaRate.parse("0") is IvaRate.ZERO
    assert IvaRate.ZERO.kind is IvaKind.TAXED and IvaRate.ZERO.arca_id == 3
    assert IvaRate.EXEMPT.kind is IvaKind.EXEMPT and IvaRate.EXEMPT.arca_id is None


@pytest.mark.parametrize("text", ["", "20", "10", "12,5", "abc", "nan", "sNaN", "-21", "inf"])
def test_unknown_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="unknown IVA rate"):
        IvaRate.parse(text)


def test_wire_values_of_existing_rates_are_unchanged_and_new_ones_are_stable() -> None:
    assert {r.name: r.value for r in IvaRate} == {
        "GENERAL": "21",
        "REDUCED": "10.5",
        "INCREASED": "27",
        "FIVE": "5",
        "TWO_AND_A_HALF": "2.5",
        "ZERO": "0",
        "EXEMPT": "exempt",
        "NOT_TAXED": "not_taxed",
    }
    assert all(IvaRate(r.value) is r for r in IvaRate)


def test_arca_ids_are_arca_table() -> None:
    assert {r.arca_id: r.per_thousand for r in IvaRate if r.arca_id is not None} == {
        3: 0, 4: 105, 5: 210, 6: 270, 8: 50, 9: 25,
    }
    assert IvaRate.NOT_TAXED.arca_id is None


def test_legacy_parse_keeps_the_old_reading_for_old_wire_consumers() -> None:
    assert IvaRate.parse_legacy("0") is IvaRate.EXEMPT
    assert IvaRate.parse_legacy("10,5") is IvaRate.REDUCED
    assert IvaRate.parse_legacy("exento") is IvaRate.EXEMPT
    for text in ("5", "2,5", "no gravado"):
        with pytest.raises(ValueError):
            IvaRate.parse_legacy(text)
    assert {r.value for r in WIRE_V1_RATES} == {"21", "10.5", "27", "exempt"}


def test_iva_contained_in_the_new_rates() -> None:
    assert iva_contained(10500, IvaRate.FIVE) == 500
    assert iva_contained(10250, IvaRate.TWO_AND_A_HALF) == 250
    assert iva_contained(10000, IvaRate.ZERO) == 0
    assert iva_contained(10000, IvaRate.NOT_TAXED) == 0


def test_breakdown_keeps_the_old_order_and_places_new_rates_after_27() -> None:
    lines = iva_breakdown(dict.fromkeys(IvaRate, 1000))
    assert [v.rate for v in lines] == list(IvaRate)
    old = [v.rate for v in lines if v.rate in WIRE_V1_RATES]
    assert old == [IvaRate.GENERAL, IvaRate.REDUCED, IvaRate.INCREASED, IvaRate.EXEMPT]
    assert all(v.net + v.tax == v.gross for v in lines)


def test_internal_tax_fixed_per_unit_or_share_of_the_amount() -> None:
    assert InternalTax(per_unit=150).of(amount=5000, quantity_milli=3000) == 450
    assert InternalTax(per_unit=150).of(amount=100, quantity_milli=3000) == 100  # never more
    assert InternalTax(percent_bp=1700).of(amount=10001, quantity_milli=1000) == 1700
    with pytest.raises(ValueError):
        InternalTax(per_unit=1, percent_bp=1)
    with pytest.raises(ValueError):
        InternalTax(percent_bp=10_000)

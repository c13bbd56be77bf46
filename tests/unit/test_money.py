"""Money is integer centavos; what a cashier types is parsed exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_common.i18n import format_money, format_quantity
from pos_desktop.domain.errors import InvalidAmount, InvalidQuantity
from pos_desktop.domain.money import (
    div_round,
    parse_decimal_pesos,
    parse_money,
    parse_percent,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (5, 10, 1),
        (4, 10, 0),
        (15, 10, 2),
        (-5, 10, -1),
        (-4, 10, 0),
        (0, 7, 0),
        (1, 3, 0),
        (2, 3, 1),
    ],
)
def test_div_round_is_half_up(num: int, den: int, expected: int) -> None:
    assert div_round(num, den) == expected


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**6))
def test_div_round_is_within_half(num: int, den: int) -> None:
    q = div_round(num, den)
    assert abs(q * den - num) * 2 <= den


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1234", 123400),
        ("1234,5", 123450),
        ("1.234,50", 123450),
        ("$ 1.234,50", 123450),
        ("1234.50", 123450),
        ("1.234", 123400),  # a dot and three digits is a thousands separator (es-AR)
        ("0,01", 1),
        ("12.345.678,90", 1234567890),
    ],
)
def test_parse_money_reads_what_cashiers_type(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,234,5", "1.23.4", "12,345"])
def test_parse_money_rejects_garbage(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_money(text)


def test_file_prices_are_exact() -> None:
    assert parse_decimal_pesos("4599.00") == 459900
    assert parse_decimal_pesos("0.10") == 10
    with pytest.raises(InvalidAmount):
        parse_decimal_pesos("1.005")


def test_quantities() -> None:
    assert parse_quantity("3", weighed=False) == 3000
    assert parse_quantity("0,350", weighed=True) == 350
    assert parse_quantity("1.5", weighed=True) == 1500
    for bad in ("0", "-1", "1,5", "abc", "99999"):
        with pytest.raises(InvalidQuantity):
            parse_quantity(bad, weighed=False)
    with pytest.raises(InvalidQuantity):
        parse_quantity("0,0005", weighed=True)


def test_percent_in_basis_points() -> None:
    assert parse_percent("10") == 1000
    assert parse_percent("12,5%") == 1250
    with pytest.raises(InvalidAmount):
        parse_percent("150")


def test_money_shows_as_in_argentina() -> None:
    assert format_money(123450, lang="es_AR") == "$ 1.234,50"
    assert format_money(-5, lang="es_AR") == "-$ 0,05"
    assert format_money(123456789, lang="en") == "$1,234,567.89"
    assert format_quantity(350, weighed=True, lang="es_AR") == "0,350 kg"
    assert format_quantity(3000, weighed=False) == "3"

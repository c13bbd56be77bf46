"""Prices by a percentage: the rounding rule the manager is shown."""

from __future__ import annotations

import pytest

from pos_desktop.domain.pricing import InvalidPercent, parse_percent, raised_price


def test_a_price_goes_up_and_rounds_half_up_to_the_step() -> None:
    assert raised_price(123_400, 750, 100) == 132_700  # 1.326,55 → 1.327 (the README's)
    assert raised_price(123_400, 750, 1) == 132_655
    assert raised_price(100_000, 50, 1_000) == 101_000  # 1.005 → 1.010 (half up)
    assert raised_price(529_000, -1_000, 100) == 476_100  # 10 % off
    assert raised_price(10, -9_000, 100) == 100  # never below one step


@pytest.mark.parametrize(("typed", "bp"), [("7,5", 750), ("7.5 %", 750), ("+10", 1000),
                                           ("-10", -1000), ("0,25", 25)])
def test_a_percentage_as_typed(typed: str, bp: int) -> None:
    assert parse_percent(typed) == bp


@pytest.mark.parametrize("typed", ["", "0", "abc", "-95", "2000", "0,001", "NaN", "inf"])
def test_a_bad_percentage_is_refused(typed: str) -> None:
    with pytest.raises(InvalidPercent):
        parse_percent(typed)

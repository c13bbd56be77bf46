from __future__ import annotations

import pytest

from pos_common.i18n import set_language
from pos_desktop.domain.cuit import InvalidCuit, check_digit, is_valid_cuit, normalize_cuit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33-69345023-9", "33-69345023-9"),  # AFIP's own CUIT
        ("30500010912", "30-50001091-2"),
        (" 20 12345678 6 ", "20-12345678-6"),
        ("30.71234567.1", "30-71234567-1"),
    ],
)
def test_valid_cuits_are_normalised_to_the_printed_form(text: str, expected: str) -> None:
    assert normalize_cuit(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("30-7123456-1", "11 digits"),
        ("30-71234567-2", "check digit"),
        ("21-12345678-0", "start with"),
        ("3O-71234567-1", "only digits"),
    ],
)
def test_invalid_cuits_say_what_is_wrong(text: str, reason: str) -> None:
    set_language("en")
    with pytest.raises(InvalidCuit, match=reason):
        normalize_cuit(text)


def test_check_digit_eleven_is_zero_and_ten_is_never_valid() -> None:
    # 20-00000001: sum = 2*5 + 1*2 = 12 -> 11 - 1 = 10: no valid CUIT has these ten digits.
    assert check_digit("2000000001") is None
    assert not any(is_valid_cuit(f"2000000001{d}") for d in range(10))
    # 20-00000004: sum = 10 + 8 = 18 -> 11 - 7 = 4
    assert check_digit("2000000004") == 4
    # A weighted sum that is a multiple of 11 gives 11, printed as 0.
    tens = [f"{p}{n:08d}" for p in ("20", "30") for n in range(200)]
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    zero = next(t for t in tens
                if sum(int(d) * w for d, w in zip(t, weights, strict=True)) % 11 == 0)
    assert check_digit(zero) == 0
    assert is_valid_cuit(zero + "0")


def test_every_single_digit_typo_is_caught() -> None:
    good = "30712345671"
    for i in range(11):
        for d in "0123456789":
            if d != good[i]:
                typo = good[:i] + d + good[i + 1:]
                assert not is_valid_cuit(typo), typo

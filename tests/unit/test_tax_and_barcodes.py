"""IVA contained per rate, and barcodes (GTIN check digits, Argentine scale labels)."""

from __future__ import annotations

import pytest

from pos_desktop.domain.barcode import (
    ScaleLabelFormat,
    gtin_check_digit,
    is_valid_gtin,
    lookup_keys,
    make_scale_label,
)
from pos_desktop.domain.tax import IvaRate, iva_breakdown, iva_contained


def test_iva_contained_in_inclusive_prices() -> None:
    assert iva_contained(12100, IvaRate.GENERAL) == 2100
    assert iva_contained(11050, IvaRate.REDUCED) == 1050
    assert iva_contained(12700, IvaRate.INCREASED) == 2700
    assert iva_contained(10000, IvaRate.EXEMPT) == 0
    # 1000 * 21/121 = 173.55… → 174 (half up, once per rate group)
    assert iva_contained(1000, IvaRate.GENERAL) == 174


def test_breakdown_orders_rates_and_nets_add_up() -> None:
    lines = iva_breakdown({IvaRate.EXEMPT: 500, IvaRate.GENERAL: 1000, IvaRate.REDUCED: 0})
    assert [v.rate for v in lines] == [IvaRate.GENERAL, IvaRate.EXEMPT]
    assert all(v.net + v.tax == v.gross for v in lines)


@pytest.mark.parametrize("text", ["21", "10,5", "10.5", "27", "exempt", "exento", "0", "21%"])
def test_rates_parse(text: str) -> None:
    IvaRate.parse(text)


@pytest.mark.parametrize("code", ["7790895000997", "4006381333931", "96385074", "036000291452"])
def test_valid_gtins(code: str) -> None:
    assert is_valid_gtin(code)


def test_wrong_check_digit_is_invalid() -> None:
    assert not is_valid_gtin("7790895000990")
    assert gtin_check_digit("779089500099") == 7


def test_upc_a_finds_its_ean13_twin() -> None:
    assert lookup_keys("036000291452") == ["036000291452", "0036000291452"]
    assert lookup_keys("0036000291452") == ["0036000291452", "036000291452"]


def test_default_scale_label_carries_plu_and_grams() -> None:
    code = make_scale_label(123, 1250)
    assert code.startswith("2000123012500"[:12])
    reading = ScaleLabelFormat().read(code)
    assert reading is not None
    assert (reading.plu, reading.grams, reading.price) == (123, 1250, None)


def test_price_embedded_label() -> None:
    fmt = ScaleLabelFormat("21PPPPNNNNNNC")
    body = "214567001234"
    code = body + str(gtin_check_digit(body))
    reading = fmt.read(code)
    assert reading is not None
    assert (reading.plu, reading.price) == (4567, 123400)


def test_non_scale_codes_and_bad_check_digits_are_not_labels() -> None:
    fmt = ScaleLabelFormat()
    assert fmt.read("7790895000997") is None
    good = make_scale_label(5, 300)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert fmt.read(bad) is None


@pytest.mark.parametrize("pattern", ["2DPPPPP", "2DPPPPPWWWWW$", "XDPPPPPWWWWWC", "2DWWWWWWWWWWC"])
def test_bad_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern"):
        ScaleLabelFormat(pattern)

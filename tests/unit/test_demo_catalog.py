"""The demo catalog shipped in pos_desktop/resources/demo must be importable as-is.

It doubles as the reference example of the `pos-desktop catalog import` CSV format, so
these tests pin the format rules (unique keys, valid GS1 check digits, per-kg goods with
PLU and no barcode) and the variety the demo needs (every IVA rate, weighed goods, Spanish
names with accents). The check-digit logic is written here on purpose, independently of
the till's own barcode code, so a bug there cannot hide a bad catalog.
"""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "pos_desktop" / "resources" / "demo" / "catalog.csv"
HEADER = ["sku", "name", "price", "iva_rate", "unit", "barcodes", "plu", "category"]
IVA_RATES = {"21", "10.5", "27", "exempt"}
ACCENTED = set("áéíóúñÁÉÍÓÚÑü")


def gs1_check_digit(body: str) -> int:
    """Mod-10 check digit shared by EAN-8, UPC-A and EAN-13 (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gs1(code: str) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in (8, 12, 13)
        and gs1_check_digit(code[:-1]) == int(code[-1])
    )


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CATALOG.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADER
        return list(reader)


def barcodes_of(row: dict[str, str]) -> list[str]:
    return row["barcodes"].split("|") if row["barcodes"] else []


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("7790895000997", True),  # Coca-Cola AR, EAN-13
        ("7790895000998", False),
        ("96385074", True),  # EAN-8 example from GS1
        ("96385075", False),
        ("036000291452", True),  # UPC-A example from GS1
        ("036000291453", False),
        ("779089500099", False),  # 12 digits but not a valid UPC-A
        ("77908950009", False),  # unsupported length
    ],
)
def test_check_digit_helper_accepts_real_codes_and_rejects_typos(code: str, valid: bool) -> None:
    assert is_valid_gs1(code) is valid


def test_catalog_is_large_enough_for_a_realistic_demo(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 300


def test_every_row_has_all_columns_filled_where_required(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert None not in row, f"extra columns in {row}"
        for column in ("sku", "name", "price", "iva_rate", "unit", "category"):
            assert row[column].strip() == row[column] != "", f"{column} empty/padded: {row}"


def test_skus_names_and_barcodes_are_unique(rows: list[dict[str, str]]) -> None:
    for column in ("sku", "name"):
        dupes = [v for v, n in Counter(r[column] for r in rows).items() if n > 1]
        assert dupes == [], f"duplicate {column}: {dupes}"
    codes = Counter(code for row in rows for code in barcodes_of(row))
    assert [c for c, n in codes.items() if n > 1] == []


def test_every_barcode_has_a_valid_check_digit(rows: list[dict[str, str]]) -> None:
    bad = [(r["sku"], c) for r in rows for c in barcodes_of(r) if not is_valid_gs1(c)]
    assert bad == []


def test_barcode_variety_covers_ean13_ean8_upca_and_multiple_codes(
    rows: list[dict[str, str]],
) -> None:
    lengths = Counter(len(c) for r in rows for c in barcodes_of(r))
    assert lengths[13] >= 200
    assert lengths[8] >= 3
    assert lengths[12] >= 3
    assert sum(1 for r in rows if len(barcodes_of(r)) > 1) >= 5


def test_prices_are_positive_with_exactly_two_decimals(rows: list[dict[str, str]]) -> None:
    for row in rows:
        try:
            price = Decimal(row["price"])
        except InvalidOperation:
            pytest.fail(f"{row['sku']}: price {row['price']!r} is not a number")
        assert price > 0, row
        assert price.as_tuple().exponent == -2, f"{row['sku']}: {row['price']!r} needs 2 decimals"
        assert "," not in row["price"]


def test_iva_rates_are_known_and_each_is_used_at_least_five_times(
    rows: list[dict[str, str]],
) -> None:
    rates = Counter(r["iva_rate"] for r in rows)
    assert set(rates) <= IVA_RATES
    for rate in IVA_RATES:
        assert rates[rate] >= 5, f"only {rates[rate]} items at IVA {rate}"


def test_weighed_items_have_a_plu_and_no_barcode(rows: list[dict[str, str]]) -> None:
    assert {r["unit"] for r in rows} <= {"unit", "kg"}
    weighed = [r for r in rows if r["unit"] == "kg"]
    assert len(weighed) >= 10
    for row in weighed:
        assert row["barcodes"] == "", row
        assert row["plu"].isdigit(), row
        assert 1 <= int(row["plu"]) <= 99999, row
    plus = Counter(r["plu"] for r in weighed)
    assert [p for p, n in plus.items() if n > 1] == []


def test_unit_items_have_a_barcode_and_no_plu(rows: list[dict[str, str]]) -> None:
    for row in (r for r in rows if r["unit"] == "unit"):
        assert barcodes_of(row), row
        assert row["plu"] == "", row


def test_names_are_spanish_with_accents(rows: list[dict[str, str]]) -> None:
    accented = [r["name"] for r in rows if ACCENTED & set(r["name"])]
    assert len(accented) >= 20

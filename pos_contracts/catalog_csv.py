"""The catalogue file both ends read: the till's ``catalog import`` and head office's.

One parser, so a file the till accepts is exactly a file head office accepts. Columns
(UTF-8, header row): ``sku,name,price,iva_rate,unit,barcodes,plu,category``

- ``price``: IVA-inclusive, pesos with a dot decimal (``4599.00``); per kg when ``unit=kg``
- ``iva_rate``: ``21``, ``10.5``, ``27`` or ``exempt`` (``0``/``exento`` accepted)
- ``unit``: ``unit`` or ``kg``
- ``barcodes``: zero or more codes separated by ``|`` (EAN-13, EAN-8, UPC-A are checked;
  other codes are taken as internal codes)
- ``plu``: scale PLU for weighed goods (optional); ``category`` optional

A file with any bad row yields nothing: :class:`CatalogFileError` lists every bad row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pos_common.i18n import _
from pos_contracts.catalog import CatalogProduct

COLUMNS = ("sku", "name", "price", "iva_rate", "unit", "barcodes", "plu", "category")
REQUIRED = ("sku", "name", "price", "iva_rate")
IVA_RATES = ("21", "10.5", "27", "exempt")
"""The wire values of ``iva_rate`` (``common.v1.json``)."""
_RATE_ALIASES = {
    "0": "exempt",
    "exento": "exempt",
    "exenta": "exempt",
    "10.50": "10.5",
    "21.0": "21",
    "27.0": "27",
    "21.00": "21",
    "27.00": "27",
}


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


class CatalogFileError(Exception):
    """The file has bad rows; nothing may be imported from it."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        super().__init__(f"{len(bad_rows)} bad rows")


def parse_catalog_csv(text: str) -> list[CatalogProduct]:
    """Parse and check a whole file; raises CatalogFileError listing every bad row."""
    if text.startswith("\ufeff"):
        text = text[1:]  # Excel writes a BOM
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogFileError(
            [BadRow(1, _("missing columns: {cols}").format(cols=", ".join(missing)))]
        )
    products: list[CatalogProduct] = []
    bad: list[BadRow] = []
    seen_sku: dict[str, int] = {}
    seen_code: dict[str, int] = {}
    seen_plu: dict[int, int] = {}
    for row in reader:
        line = reader.line_num
        try:
            product = _parse_row(row)
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
            continue
        if product.sku in seen_sku:
            bad.append(BadRow(line, _("{label} {key} repeats line {other}").format(
                label="sku", key=product.sku, other=seen_sku[product.sku])))
        seen_sku[product.sku] = line
        for code in product.barcodes:
            if code in seen_code:
                bad.append(BadRow(line, _("barcode {code} repeats line {other}").format(
                    code=code, other=seen_code[code])))
            seen_code[code] = line
        if product.plu is not None:
            if product.plu in seen_plu:
                bad.append(BadRow(line, _("PLU {plu} repeats line {other}").format(
                    plu=product.plu, other=seen_plu[product.plu])))
            seen_plu[product.plu] = line
        products.append(product)
    if bad:
        raise CatalogFileError(bad)
    return products


def is_valid_gtin(code: str) -> bool:
    """EAN-8, UPC-A, EAN-13 or GTIN-14 with a right check digit."""
    if len(code) not in (8, 12, 13, 14) or not (code.isdigit() and code.isascii()):
        return False
    weighted = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(code[:-1])))
    return (10 - weighted % 10) % 10 == int(code[-1])


def parse_price(text: str) -> int:
    """A file's price (``4599.00``, dot decimal) into centavos, exactly; ValueError if not."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def parse_iva_rate(text: str) -> str:
    """The wire value of a rate as a file writes it (``21``, ``10,5 %``, ``exento``)."""
    key = text.strip().lower().replace(",", ".").rstrip("%").strip()
    key = _RATE_ALIASES.get(key, key)
    if key not in IVA_RATES:
        raise ValueError(text)
    return key


def _parse_row(row: dict[str, str | None]) -> CatalogProduct:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    sku, name = cell("sku"), cell("name")
    if not sku:
        raise ValueError(_("empty sku"))
    if not name:
        raise ValueError(_("empty name"))
    try:
        price = parse_price(cell("price"))
    except ValueError:
        raise ValueError(_("bad price {price!r}").format(price=cell("price"))) from None
    if price <= 0:
        raise ValueError(_("price must be greater than zero"))
    try:
        rate = parse_iva_rate(cell("iva_rate"))
    except ValueError:
        raise ValueError(_("bad IVA rate {rate!r}").format(rate=cell("iva_rate"))) from None
    unit = cell("unit").lower() or "unit"
    if unit not in ("unit", "kg"):
        raise ValueError(_("unit must be 'unit' or 'kg', not {unit!r}").format(unit=unit))
    codes = tuple(c.strip() for c in cell("barcodes").split("|") if c.strip())
    for code in codes:
        if code.isdigit() and len(code) in (8, 12, 13) and not is_valid_gtin(code):
            raise ValueError(_("barcode {code} has a wrong check digit").format(code=code))
        if any(ch.isspace() for ch in code):
            raise ValueError(_("barcode {code!r} has spaces").format(code=code))
    plu_text = cell("plu")
    plu = None
    if plu_text:
        if not plu_text.isdigit() or not 0 < int(plu_text) <= 99999:
            raise ValueError(_("bad PLU {plu!r}").format(plu=plu_text))
        plu = int(plu_text)
    return CatalogProduct(
        sku, name, price, rate, unit == "kg", plu, cell("category") or None, codes
    )

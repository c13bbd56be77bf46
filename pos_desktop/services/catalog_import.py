"""Importing the product catalogue from CSV: all rows or none.

Columns (UTF-8, header row): ``sku,name,price,iva_rate,unit,barcodes,plu,category``

- ``price``: IVA-inclusive, pesos with a dot decimal (``4599.00``); per kg when ``unit=kg``
- ``iva_rate``: ``21``, ``10.5``, ``27`` or ``exempt`` (``0``/``exento`` accepted)
- ``unit``: ``unit`` or ``kg``
- ``barcodes``: zero or more codes separated by ``|`` (EAN-13, EAN-8, UPC-A are checked;
  other codes are taken as internal codes)
- ``plu``: scale PLU for weighed goods (optional); ``category`` optional
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pos_desktop.domain.barcode import is_valid_gtin
from pos_desktop.domain.errors import CatalogError, InvalidAmount
from pos_desktop.domain.money import parse_decimal_pesos
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.i18n import _
from pos_desktop.store.uow import UnitOfWork

COLUMNS = ("sku", "name", "price", "iva_rate", "unit", "barcodes", "plu", "category")
REQUIRED = ("sku", "name", "price", "iva_rate")


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


class CatalogImportError(CatalogError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        super().__init__(
            "The file has {count} bad rows; nothing was imported.", count=len(bad_rows)
        )


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    changed: int


def parse_catalog(text: str) -> list[Product]:
    """Parse and check a whole file; raises CatalogImportError listing every bad row."""
    if text.startswith("\ufeff"):
        text = text[1:]  # Excel writes a BOM
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogImportError(
            [BadRow(1, _("missing columns: {cols}").format(cols=", ".join(missing)))]
        )
    products: list[Product] = []
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
        for key, seen, label in ((product.sku, seen_sku, "sku"),):
            if key in seen:
                bad.append(
                    BadRow(
                        line,
                        _("{label} {key} repeats line {other}").format(
                            label=label, key=key, other=seen[key]
                        ),
                    )
                )
            seen[key] = line
        for code in product.barcodes:
            if code in seen_code:
                bad.append(
                    BadRow(
                        line,
                        _("barcode {code} repeats line {other}").format(
                            code=code, other=seen_code[code]
                        ),
                    )
                )
            seen_code[code] = line
        if product.plu is not None:
            if product.plu in seen_plu:
                bad.append(
                    BadRow(
                        line,
                        _("PLU {plu} repeats line {other}").format(
                            plu=product.plu, other=seen_plu[product.plu]
                        ),
                    )
                )
            seen_plu[product.plu] = line
        products.append(product)
    if bad:
        raise CatalogImportError(bad)
    return products


def _parse_row(row: dict[str, str | None]) -> Product:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    sku, name = cell("sku"), cell("name")
    if not sku:
        raise ValueError(_("empty sku"))
    if not name:
        raise ValueError(_("empty name"))
    try:
        price = parse_decimal_pesos(cell("price"))
    except InvalidAmount:
        raise ValueError(_("bad price {price!r}").format(price=cell("price"))) from None
    if price <= 0:
        raise ValueError(_("price must be greater than zero"))
    try:
        rate = IvaRate.parse(cell("iva_rate"))
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
    return Product(sku, name, price, rate, unit == "kg", codes, plu, cell("category") or None)


def import_catalog(uow_factory: Callable[[], UnitOfWork], path: Path) -> ImportResult:
    """Import a CSV file in one transaction. Importing the same file again changes nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            reason=_("the file is not UTF-8 (byte {pos})").format(pos=exc.start)
        ) from None
    except OSError as exc:
        raise CatalogError(reason=str(exc)) from None
    products = parse_catalog(text)
    with uow_factory() as uow:
        owners = uow.catalog.barcode_owners(c for p in products for c in p.barcodes)
        bad = [
            BadRow(0, _("barcode {code} belongs to product {sku}").format(code=c, sku=owner))
            for p in products
            for c in p.barcodes
            if (owner := owners.get(c, p.sku)) != p.sku
        ]
        if bad:
            raise CatalogImportError(bad)
        changed = uow.catalog.upsert(products)
        uow.commit()
    return ImportResult(len(products), changed)

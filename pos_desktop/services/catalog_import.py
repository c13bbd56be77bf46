"""Importing the product catalogue from CSV: all rows or none.

The file format is the one head office reads too (``pos_contracts.catalog_csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pos_common.i18n import _, describe_os_error
from pos_common.messages import Language
from pos_contracts.catalog_csv import (
    TILL_IVA_RATES,
    BadRow,
    CatalogFileError,
    parse_catalog_csv,
    read_catalog_file,
)
from pos_desktop.domain.errors import CatalogError
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.services.ports import UnitOfWork


class CatalogImportError(CatalogError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        super().__init__(
            "The file has {count} bad rows; nothing was imported.", count=len(bad_rows)
        )

    def text(self, language: Language) -> str:
        count = len(self.bad_rows)
        return language.ngettext("The file has {count} bad row; nothing was imported.",
                                 "The file has {count} bad rows; nothing was imported.",
                                 count).format(count=count)


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    changed: int


def parse_catalog(text: str) -> list[Product]:
    """Parse and check a whole file; raises CatalogImportError listing every bad row."""
    try:
        rows = parse_catalog_csv(text, rates=TILL_IVA_RATES)
    except CatalogFileError as exc:
        raise CatalogImportError(exc.bad_rows) from None
    return [
        Product(
            r.sku, r.name, r.price, IvaRate(r.iva_rate), r.sold_by_weight, r.barcodes, r.plu,
            r.category,
        )
        for r in rows
    ]


def read_catalog(path: Path) -> list[Product]:
    """Read and check a whole file (nothing stored): ``CatalogImportError`` lists every bad
    row, ``CatalogError`` says why the file cannot be read."""
    try:
        text = read_catalog_file(path)  # refuses a huge file before reading it
    except CatalogFileError as exc:
        raise CatalogError(reason=exc.bad_rows[0].reason) from None
    except OSError as exc:
        raise CatalogError(reason=describe_os_error(exc)) from None
    return parse_catalog(text)


def barcode_conflicts(uow: UnitOfWork, products: list[Product]) -> list[BadRow]:
    """Codes in the file that another product of the till owns."""
    owners = uow.catalog.barcode_owners(c for p in products for c in p.barcodes)
    return [
        BadRow(0, _("barcode {code} belongs to product {sku}").format(code=c, sku=owner))
        for p in products
        for c in p.barcodes
        if (owner := owners.get(c, p.sku)) != p.sku
    ]


def import_catalog(uow_factory: Callable[[], UnitOfWork], path: Path) -> ImportResult:
    """Import a CSV file in one transaction. Importing the same file again changes nothing."""
    products = read_catalog(path)
    with uow_factory() as uow:
        bad = barcode_conflicts(uow, products)
        if bad:
            raise CatalogImportError(bad)
        changed = uow.catalog.upsert(products)
        uow.commit()
    return ImportResult(len(products), changed)

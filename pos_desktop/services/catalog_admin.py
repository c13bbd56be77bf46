"""What a manager does to the catalogue from the till: import a file, add or edit a
product, change prices by a percentage. Every change is checked by the guard
(``manage_catalog``, a manager's) and audited in the same transaction as the change.

A product typed in the window obeys exactly the rules of a catalogue file's row: it is
checked by the same parser (``pos_contracts.catalog_csv``), as a one-row file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pos_common.i18n import N_, _
from pos_contracts.catalog_csv import (
    COLUMNS,
    TILL_IVA_RATES,
    CatalogFileError,
    parse_catalog_csv,
)
from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.errors import CatalogError
from pos_desktop.domain.permissions import Action
from pos_desktop.domain.pricing import PriceChange, check_percent, raised_price
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaRate
from pos_desktop.services.catalog_import import (
    CatalogImportError,
    ImportResult,
    barcode_conflicts,
    read_catalog,
)
from pos_desktop.services.guard import Authorization, TillGuard
from pos_desktop.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
FAVOURITES_KEY = "ui.favourites"


class BadProduct(CatalogError):
    message = N_("{reason}")


class CodeTaken(CatalogError):
    message = N_("The code {code} belongs to «{name}» ({sku}).")


@dataclass(frozen=True, slots=True)
class ProductEntry:
    """A product as the manager typed it (the price in centavos already)."""

    sku: str
    name: str
    price: int
    iva_rate: IvaRate
    barcodes: tuple[str, ...] = ()
    sold_by_weight: bool = False
    plu: int | None = None
    category: str = ""
    favourite: bool = False


@dataclass(frozen=True, slots=True)
class Reprice:
    percent_bp: int
    step: int  # centavos: the rounding step (domain.pricing.ROUNDING_STEPS)
    category: str | None = None  # None: every active product


class CatalogAdmin:
    def __init__(self, uow_factory: UowFactory, guard: TillGuard) -> None:
        self.uow_factory = uow_factory
        self.guard = guard

    # -- reads -----------------------------------------------------------------------------
    def find(self, code: str) -> Product | None:
        """A product by SKU or barcode (inactive ones too: they can be edited back)."""
        code = code.strip()
        if not code:
            return None
        with self.uow_factory() as uow:
            catalog = uow.catalog
            found = catalog.by_sku(code) or catalog.by_code(code)
            return catalog.by_sku(found.sku) if found is not None else None

    def search(self, words: str) -> list[Product]:
        with self.uow_factory() as uow:
            return uow.catalog.search(words, limit=50)

    def categories(self) -> list[str]:
        with self.uow_factory() as uow:
            return uow.catalog.categories()

    def is_favourite(self, sku: str) -> bool:
        return sku in self._favourites()

    def _favourites(self) -> list[str]:
        with self.uow_factory() as uow:
            return [str(s) for s in uow.settings.get(FAVOURITES_KEY) or []]

    # -- changes ---------------------------------------------------------------------------
    def import_file(self, path: Path) -> ImportResult:
        """The CLI's ``catalog import``, by a manager at the till: all rows or none
        (``CatalogImportError`` lists every bad row)."""
        auth = self.guard.authorize(Action.MANAGE_CATALOG, change="import", file=path.name)
        products = read_catalog(path)
        with self.uow_factory() as uow:
            bad = barcode_conflicts(uow, products)
            if bad:
                raise CatalogImportError(bad)
            changed = uow.catalog.upsert(products)
            _audit(uow, auth, rows=len(products), changed=changed)
            uow.commit()
        return ImportResult(len(products), changed)

    def save_product(self, entry: ProductEntry) -> Product:
        """Add or change one product (and whether it is a favourite key)."""
        product = checked_product(entry)
        auth = self.guard.authorize(Action.MANAGE_CATALOG, change="product", sku=product.sku)
        with self.uow_factory() as uow:
            catalog = uow.catalog
            before = catalog.by_sku(product.sku)
            _refuse_taken_codes(uow, product)
            catalog.upsert([product])
            favourites = [s for s in self._favourites_in(uow) if s != product.sku]
            if entry.favourite:
                favourites.append(product.sku)
            uow.settings.set(FAVOURITES_KEY, favourites)
            _audit(uow, auth, new=before is None, price=product.price,
                   old_price=before.price if before else None,
                   iva_rate=product.iva_rate.value, favourite=entry.favourite)
            uow.commit()
        return product

    def preview_prices(self, change: Reprice) -> list[PriceChange]:
        """What ``change_prices`` would do, changing nothing (and asking nobody)."""
        check_percent(change.percent_bp)
        with self.uow_factory() as uow:
            return _price_changes(uow.catalog.priced(change.category), change)

    def change_prices(self, change: Reprice) -> list[PriceChange]:
        """Every price of the category (or the shop) by the percentage, in one go."""
        check_percent(change.percent_bp)
        auth = self.guard.authorize(Action.MANAGE_CATALOG, change="prices",
                                    percent_bp=change.percent_bp, step=change.step,
                                    category=change.category)
        with self.uow_factory() as uow:
            changes = _price_changes(uow.catalog.priced(change.category), change)
            uow.catalog.set_prices([(c.sku, c.new) for c in changes])
            _audit(uow, auth, products=len(changes))
            uow.commit()
        return changes

    def _favourites_in(self, uow: UnitOfWork) -> list[str]:
        return [str(s) for s in uow.settings.get(FAVOURITES_KEY) or []]


def _audit(uow: UnitOfWork, auth: Authorization, **more: Any) -> None:
    """The guard's row for the change, with what it did, in the change's transaction."""
    uow.audit_log.add(AuditRecord(auth.action, auth.actor, auth.approver,
                                  {**auth.details, **more}))


def _price_changes(products: Sequence[Product], change: Reprice) -> list[PriceChange]:
    changes = []
    for p in products:
        new = raised_price(p.price, change.percent_bp, change.step)
        if new != p.price:
            changes.append(PriceChange(p.sku, p.name, p.price, new))
    return changes


def _refuse_taken_codes(uow: UnitOfWork, product: Product) -> None:
    """A barcode or a scale PLU is one product's: say whose instead of moving it."""
    catalog = uow.catalog
    owners = dict(catalog.barcode_owners(product.barcodes))
    plu_owner = catalog.by_plu(product.plu) if product.plu is not None else None
    if plu_owner is not None:
        owners[f"PLU {product.plu}"] = plu_owner.sku
    for code, sku in owners.items():
        if sku != product.sku:
            other = catalog.by_sku(sku)
            raise CodeTaken(code=code, name=other.name if other else sku, sku=sku)


def checked_product(entry: ProductEntry) -> Product:
    """The entry checked as a catalogue file's row would be (names, codes, price, PLU)."""
    if entry.price <= 0:
        raise BadProduct(reason=_("price must be greater than zero"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow([
        entry.sku.strip(), entry.name.strip(), f"{entry.price // 100}.{entry.price % 100:02d}",
        entry.iva_rate.value,
        "kg" if entry.sold_by_weight else "unit", "|".join(entry.barcodes),
        "" if entry.plu is None else str(entry.plu), entry.category.strip(),
    ])
    try:
        [row] = parse_catalog_csv(out.getvalue(), rates=TILL_IVA_RATES)
    except CatalogFileError as exc:
        raise BadProduct(reason=exc.bad_rows[0].reason) from None
    product = Product(row.sku, row.name, row.price, entry.iva_rate, row.sold_by_weight,
                      row.barcodes, row.plu, row.category)
    return replace(product, active=True)

"""Request and response bodies of the REST API. Those that carry what also crosses the
wire (a product as in ``catalog.changed``) are checked against the shared JSON Schemas
in ``pos_contracts`` by tests/central/test_api_contracts.py, so the two cannot drift."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pos_contracts import CatalogProduct

IvaRate = Literal["21", "10.5", "27", "5", "2.5", "0", "exempt", "not_taxed"]
"""Every rate a till sells at (``common.v2.json``); a change at 5, 2.5 or 0 % or not_taxed
goes to the tills as ``catalog.changed`` v2."""
Barcode = Annotated[str, Field(pattern=r"^[0-9A-Za-z-]{1,64}$")]


class Product(BaseModel):
    """A product exactly as ``catalog.changed`` carries it (price: IVA-included centavos,
    per kg when sold by weight)."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    price: int = Field(ge=0, le=9007199254740991)
    iva_rate: IvaRate
    sold_by_weight: bool
    plu: int | None = Field(default=None, ge=1, le=99999)
    category: str | None = Field(default=None, max_length=100)
    barcodes: list[Barcode] = Field(default_factory=list)
    active: bool = True

    def to_catalog(self) -> CatalogProduct:
        return CatalogProduct.from_wire(self.model_dump())

    @classmethod
    def of(cls, product: CatalogProduct) -> Product:
        return cls.model_validate(product.to_wire())


class ProductPage(BaseModel):
    products: list[Product]
    total: int
    page: int
    pages: int


class CatalogChange(BaseModel):
    """What a change did: the new catalogue version (None when nothing changed) and
    whether the tills were sent it already (else it is re-sent in the background)."""

    version: int | None
    changed: int
    published: bool
    warning: str | None = None


class BulkPrice(BaseModel):
    percent: Decimal = Field(ge=Decimal(-90), le=Decimal(1000), decimal_places=2)
    query: str = ""
    category: str | None = None


class TillReport(BaseModel):
    """What a till says about itself (``pos_desktop.sync.head_office``)."""

    model_config = ConfigDict(extra="ignore")

    till_time: datetime
    sync_state: Literal["online", "offline", "error", "suspended"]
    pending_events: int = Field(ge=0)
    oldest_unsent_at: datetime | None = None
    catalog_version: int = Field(ge=0)
    catalog_applied_at: datetime | None = None
    app_version: str | None = Field(default=None, max_length=40)


class NewTerminal(BaseModel):
    store_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
    terminal_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10)
    role: Literal["admin", "manager", "viewer"]
    full_name: str = ""
    stores: list[str] = Field(default_factory=list)


class UserChange(BaseModel):
    role: Literal["admin", "manager", "viewer"]
    full_name: str = ""
    stores: list[str] = Field(default_factory=list)
    active: bool = True
    password: str | None = Field(default=None, min_length=10)


class Note(BaseModel):
    note: str = ""


TillRole = Literal["cashier", "supervisor", "manager"]


class TillPerson(BaseModel):
    """A cashier, supervisor or manager of one store's tills, as ``people.changed``
    carries them (less the PIN hash, which never leaves head office but to the tills)."""

    model_config = ConfigDict(extra="forbid")

    store_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
    user_id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,39}$")
    name: str = Field(min_length=1, max_length=80)
    role: TillRole
    active: bool = True


class TillPersonChange(BaseModel):
    """Create or change a till person; ``pin`` (4 to 8 digits) is hashed at once and
    never stored, logged or audited. A new person needs one."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    role: TillRole
    active: bool = True
    pin: str | None = Field(default=None, pattern=r"^[0-9]{4,8}$")


class PeopleChange(BaseModel):
    """The store's new people_version (None when nothing changed) and whether its tills
    were sent it already (else it is re-sent in the background)."""

    people_version: int | None
    published: bool
    warning: str | None = None

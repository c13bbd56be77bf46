"""The product as it travels in ``catalog.changed`` and in the catalog snapshot, and which
version of ``catalog.changed`` carries a set of products."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    """Price is IVA-included centavos, per kg when ``sold_by_weight``."""

    sku: str
    name: str
    price: int
    iva_rate: str
    sold_by_weight: bool
    plu: int | None
    category: str | None
    barcodes: tuple[str, ...]
    active: bool = True

    def to_wire(self) -> dict[str, Any]:
        data = asdict(self)
        data["barcodes"] = list(self.barcodes)
        return data

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> CatalogProduct:
        return cls(**{**data, "barcodes": tuple(data["barcodes"])})


V1_IVA_RATES = frozenset({"21", "10.5", "27", "exempt"})
"""What ``catalog.changed`` v1 (``common.v1.json``) carries; v2 carries every rate a till
sells at (``common.v2.json``: 5, 2.5 and 0 % and not_taxed too)."""


def catalog_changed_version(rates: Iterable[str]) -> int:
    """The oldest ``catalog.changed`` version that carries products at ``rates``.

    A till not yet upgraded reads v1 only, and refuses a v2 whole: sending v1 whenever it
    can carry the change keeps such a till current for every change it could apply at all
    (pos_contracts/README.md, *Versions*)."""
    return 1 if V1_IVA_RATES.issuperset(rates) else 2


def v1_products(products: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The products a till that reads v1 only can keep: the v1 snapshot leaves out those
    at a rate v1 cannot carry (that till deactivates them rather than sell them at a
    rate that is no longer theirs)."""
    return [p for p in products if p["iva_rate"] in V1_IVA_RATES]

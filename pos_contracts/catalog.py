"""The product as it travels in ``catalog.changed`` and in the catalog snapshot."""

from __future__ import annotations

from collections.abc import Mapping
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

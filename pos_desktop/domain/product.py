"""What the shop sells."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from pos_desktop.domain.tax import IvaRate


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    price: int  # IVA-inclusive centavos, per unit or per kg when sold by weight
    iva_rate: IvaRate
    sold_by_weight: bool = False
    barcodes: tuple[str, ...] = field(default=())
    plu: int | None = None
    category: str | None = None
    active: bool = True


def fold(text: str) -> str:
    """Lower-case and strip accents, so ``cafe`` finds ``Café`` and ``nandu`` finds ``Ñandú``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

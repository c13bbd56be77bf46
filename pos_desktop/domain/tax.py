"""IVA (Argentine VAT). Shelf prices include it; receipts show the IVA contained.

Rule: the IVA contained in a rate group is computed once per group, on the group's gross
total, as round_half_up(gross * rate / (100 + rate)). Per-line rounding would make the
per-rate figures disagree with the receipt total by a centavo or two on long tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pos_desktop.domain.money import div_round


class IvaRate(Enum):
    GENERAL = "21"
    REDUCED = "10.5"
    INCREASED = "27"
    EXEMPT = "exempt"

    @property
    def per_thousand(self) -> int:
        """The rate in tenths of a percent (210, 105, 270, 0): exact integer arithmetic."""
        return {"21": 210, "10.5": 105, "27": 270, "exempt": 0}[self.value]

    @classmethod
    def parse(cls, text: str) -> IvaRate:
        key = text.strip().lower().replace(",", ".").rstrip("%").strip()
        aliases = {
            "0": "exempt",
            "exento": "exempt",
            "exenta": "exempt",
            "10.50": "10.5",
            "21.0": "21",
            "27.0": "27",
            "21.00": "21",
            "27.00": "27",
        }
        key = aliases.get(key, key)
        for rate in cls:
            if rate.value == key:
                return rate
        raise ValueError(f"unknown IVA rate {text!r}")


def iva_contained(gross: int, rate: IvaRate) -> int:
    """The IVA inside an IVA-inclusive amount of centavos."""
    pm = rate.per_thousand
    if pm == 0:
        return 0
    return div_round(gross * pm, 1000 + pm)


@dataclass(frozen=True, slots=True)
class IvaLine:
    rate: IvaRate
    gross: int
    tax: int

    @property
    def net(self) -> int:
        return self.gross - self.tax


def iva_breakdown(gross_by_rate: dict[IvaRate, int]) -> list[IvaLine]:
    """IVA content per rate, in a fixed order (21, 10.5, 27, exempt), skipping empty rates."""
    return [
        IvaLine(rate, gross_by_rate[rate], iva_contained(gross_by_rate[rate], rate))
        for rate in IvaRate
        if gross_by_rate.get(rate)
    ]

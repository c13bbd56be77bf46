"""IVA (Argentine VAT). Shelf prices include it; receipts show the IVA contained.

Rule: the IVA contained in a rate group is computed once per group, on the group's gross
total, as round_half_up(gross * rate / (100 + rate)). Per-line rounding would make the
per-rate figures disagree with the receipt total by a centavo or two on long tickets.

Rates are what ARCA knows (``AlicIva.Id``): 21 % (5), 10,5 % (4), 27 % (6), 5 % (8),
2,5 % (9) and 0 % (3). *Exento* and *no gravado* are not rates: they carry no IVA and go
to their own totals (``ImpOpEx``, ``ImpTotConc``). A 0 % good is taxed, at zero: it is
neither of them, so ``IvaRate.parse("0")`` is 0 %, never exempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from pos_desktop.domain.money import div_round


class IvaKind(Enum):
    TAXED = "taxed"  # at a rate, 0 % included: goes to ImpNeto and one AlicIva
    EXEMPT = "exempt"  # exento: ImpOpEx
    NOT_TAXED = "not_taxed"  # no gravado: ImpTotConc


class IvaRate(Enum):
    """A product's IVA treatment. The value is the wire and database code; existing codes
    never change, so stored products, sales and events keep their meaning."""

    GENERAL = "21"
    REDUCED = "10.5"
    INCREASED = "27"
    FIVE = "5"
    TWO_AND_A_HALF = "2.5"
    ZERO = "0"
    EXEMPT = "exempt"
    NOT_TAXED = "not_taxed"

    @property
    def per_thousand(self) -> int:
        """The rate in tenths of a percent (210, 105, 270, 50, 25, 0): exact integers."""
        return _PER_THOUSAND[self]

    @property
    def kind(self) -> IvaKind:
        if self is IvaRate.EXEMPT:
            return IvaKind.EXEMPT
        if self is IvaRate.NOT_TAXED:
            return IvaKind.NOT_TAXED
        return IvaKind.TAXED

    @property
    def arca_id(self) -> int | None:
        """``AlicIva.Id`` in ARCA's table; None for exento and no gravado (not rates)."""
        return _ARCA_ID.get(self)

    @classmethod
    def parse(cls, text: str) -> IvaRate:
        """What a catalogue file or a manager writes: ``21``, ``10,5``, ``27 %``, ``5``,
        ``2.5``, ``0`` (0 %), ``exento``/``exempt``, ``no gravado``/``not_taxed``."""
        key = " ".join(text.strip().lower().replace("_", " ").rstrip("%").split())
        if key in _EXEMPT_WORDS:
            return cls.EXEMPT
        if key in _NOT_TAXED_WORDS:
            return cls.NOT_TAXED
        try:
            percent = Decimal(key.replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"unknown IVA rate {text!r}") from None
        if not percent.is_finite():
            raise ValueError(f"unknown IVA rate {text!r}")
        for rate in cls:
            if rate.kind is IvaKind.TAXED and percent == Decimal(rate.per_thousand) / 10:
                return rate
        raise ValueError(f"unknown IVA rate {text!r}")

    @classmethod
    def parse_legacy(cls, text: str) -> IvaRate:
        """The parse before the fiscal rates: only the rates of ``WIRE_V1_RATES``, and
        ``0`` read as exempt. For code that still feeds a schema or table that knows only
        those rates; new code uses ``parse``."""
        key = text.strip().lower().replace(",", ".").rstrip("%").strip()
        if key in ("0", "0.0", "0.00"):
            return cls.EXEMPT
        rate = cls.parse(text)
        if rate not in WIRE_V1_RATES:
            raise ValueError(f"unknown IVA rate {text!r}")
        return rate


_PER_THOUSAND = {
    IvaRate.GENERAL: 210,
    IvaRate.REDUCED: 105,
    IvaRate.INCREASED: 270,
    IvaRate.FIVE: 50,
    IvaRate.TWO_AND_A_HALF: 25,
    IvaRate.ZERO: 0,
    IvaRate.EXEMPT: 0,
    IvaRate.NOT_TAXED: 0,
}
_ARCA_ID = {
    IvaRate.ZERO: 3,
    IvaRate.REDUCED: 4,
    IvaRate.GENERAL: 5,
    IvaRate.INCREASED: 6,
    IvaRate.FIVE: 8,
    IvaRate.TWO_AND_A_HALF: 9,
}
_EXEMPT_WORDS = frozenset({"exempt", "exento", "exenta", "ex"})
_NOT_TAXED_WORDS = frozenset({"not taxed", "no gravado", "no gravada", "ng", "untaxed"})

WIRE_V1_RATES = frozenset({IvaRate.GENERAL, IvaRate.REDUCED, IvaRate.INCREASED, IvaRate.EXEMPT})
"""The rates the event schemas (sale.completed v1/v2, sale.refunded v1, catalog.changed
v1), head office's products table and the printers knew before the fiscal rates."""


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
    """IVA content per rate, in ``IvaRate`` order (21, 10.5, 27, 5, 2.5, 0, exempt, not
    taxed), skipping empty rates."""
    return [
        IvaLine(rate, gross_by_rate[rate], iva_contained(gross_by_rate[rate], rate))
        for rate in IvaRate
        if gross_by_rate.get(rate)
    ]


@dataclass(frozen=True, slots=True)
class InternalTax:
    """Impuestos internos of a product, included in its shelf price like IVA: a fixed
    amount per unit (per kg when weighed), or a share of what the line is paid, in basis
    points. Never both. It is no part of the IVA base (Ley de IVA, art. 10)."""

    per_unit: int = 0
    percent_bp: int = 0

    def __post_init__(self) -> None:
        if self.per_unit < 0 or not 0 <= self.percent_bp < 10_000:
            raise ValueError("internal tax out of range")
        if self.per_unit and self.percent_bp:
            raise ValueError("internal tax is per unit or a percentage, not both")

    def of(self, amount: int, quantity_milli: int) -> int:
        """The tax inside a line paid ``amount`` for ``quantity_milli``; never more than
        the amount (a deep discount cannot make the tax exceed what was paid)."""
        if self.per_unit:
            return min(amount, div_round(self.per_unit * quantity_milli, 1000))
        return div_round(amount * self.percent_bp, 10_000)

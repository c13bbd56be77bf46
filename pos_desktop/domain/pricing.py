"""Changing shelf prices by a percentage (inflation), with the rounding stated.

Rule: the new price is the old one times ``(100 % + percent)``, rounded half up to the
chosen step (one centavo, one peso, ten pesos...): $ 1.234,00 + 7,5 % to the peso is
$ 1.327,00 (1.326,55 rounds up). A price never falls to zero: the least is one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pos_common.i18n import N_
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import div_round

ROUNDING_STEPS = (1, 100, 1_000, 10_000)
"""Centavos: to the centavo, the peso, ten pesos, a hundred pesos."""
MIN_PERCENT_BP, MAX_PERCENT_BP = -9_000, 100_000  # -90 % .. +1000 %


class InvalidPercent(DomainError):
    message = N_("The percentage must be between -90 % and 1000 %, and not zero: {text}")


@dataclass(frozen=True, slots=True)
class PriceChange:
    sku: str
    name: str
    old: int
    new: int


def check_percent(percent_bp: int, text: str = "") -> int:
    if percent_bp == 0 or not MIN_PERCENT_BP <= percent_bp <= MAX_PERCENT_BP:
        raise InvalidPercent(text=text or f"{percent_bp / 100:g} %")
    return percent_bp


def raised_price(price: int, percent_bp: int, step: int) -> int:
    """``price`` (centavos) changed by ``percent_bp`` basis points, rounded half up to
    ``step`` centavos; never less than one step."""
    if step not in ROUNDING_STEPS:
        raise ValueError(f"rounding step {step}")
    exact_steps = div_round(price * (10_000 + percent_bp), 10_000 * step)
    return max(exact_steps, 1) * step


def parse_percent(text: str) -> int:
    """What a manager types (``7,5``, ``7.5 %``, ``-10``) in basis points (750)."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".").replace("+", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidPercent(text=text.strip() or "—") from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value():
        raise InvalidPercent(text=text.strip())
    return check_percent(int(bp), text.strip())

"""Money is integer centavos; percentages are integer basis points.

Rounding rule (documented in README): every division that produces centavos rounds
half up (away from zero for positive amounts), once, at the point named in the code.
We never round an intermediate value and never use float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pos_desktop.domain.errors import InvalidAmount, InvalidQuantity

CURRENCY = "ARS"


def div_round(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, in integers (denominator > 0)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


_AMOUNT = re.compile(r"^\s*\$?\s*(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?\s*$")
_AMOUNT_DOT = re.compile(r"^\s*\$?\s*(-?)(\d+)(?:\.(\d{1,2}))?\s*$")


def parse_money(text: str) -> int:
    """Parse what a cashier types into centavos.

    Accepts es-AR ``1.234,50`` / ``1234,5`` / ``1234`` and, as typed on a numeric keypad,
    ``1234.50``. A dot followed by exactly three digits is a thousands separator.
    """
    m = _AMOUNT.match(text)
    if m and (m.group(3) is not None or "." in m.group(2)):
        sign, whole, frac = m.group(1), m.group(2).replace(".", ""), m.group(3) or "0"
    else:
        m = _AMOUNT_DOT.match(text)
        if not m:
            raise InvalidAmount(text=text.strip() or "—")
        sign, whole, frac = m.group(1), m.group(2), m.group(3) or "0"
    cents = int(whole) * 100 + int(frac.ljust(2, "0"))
    return -cents if sign else cents


def parse_decimal_pesos(text: str) -> int:
    """Parse a file's price (``4599.00``, dot decimal) into centavos, exactly."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise InvalidAmount(text=text) from exc
    if value != value.quantize(Decimal("0.01")):
        raise InvalidAmount(text=text)
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def format_decimal_pesos(cents: int) -> str:
    """Centavos as a file or ARCA writes pesos (``1234.50``, dot decimal, no grouping): the
    inverse of ``parse_decimal_pesos``, without passing through float."""
    sign = "-" if cents < 0 else ""
    pesos, rest = divmod(abs(cents), 100)
    return f"{sign}{pesos}.{rest:02d}"


def parse_quantity(text: str, *, weighed: bool) -> int:
    """Parse a quantity into milli-units. Units must be whole; weights take up to 3 decimals."""
    raw = text.strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidQuantity(text=text) from exc
    if not value.is_finite() or value <= 0 or value > 9999:
        raise InvalidQuantity(text=text)
    milli = value * 1000
    if milli != milli.to_integral_value() or (not weighed and value != value.to_integral_value()):
        raise InvalidQuantity(text=text)
    return int(milli)


def parse_percent(text: str) -> int:
    """Parse ``10`` or ``12,5`` (percent) into basis points (1000 / 1250)."""
    raw = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidAmount(text=text) from exc
    bp = value * 100
    if bp != bp.to_integral_value() or value <= 0 or value > 100:
        raise InvalidAmount(text=text)
    return int(bp)

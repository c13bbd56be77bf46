"""How ARCA numbers comprobantes: per (point of sale, type), from 1, consecutively.

A point of sale is 1–99998 (five digits printed, error 10004); a number 1–99999999 (eight
digits, errors 10008, 10010). Printed together: ``00001-00001234``. The next number is
ARCA's last authorized + 1 (``FECompUltimoAutorizado``); a rejected request uses none up,
so the till takes a number for a comprobante only when ARCA authorizes it (CAE) or when it
issues it itself (CAEA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pos_common.i18n import N_
from pos_desktop.domain.fiscal.errors import InvalidNumbering

MAX_POINT_OF_SALE = 99_998
MAX_NUMBER = 99_999_999
_PRINTED = re.compile(r"^\s*(\d{1,5})\s*-\s*(\d{1,8})\s*$")


@dataclass(frozen=True, slots=True, order=True)
class PointOfSale:
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= MAX_POINT_OF_SALE:
            raise InvalidNumbering(reason=N_("a point of sale is a number from 1 to 99998"))

    def __str__(self) -> str:
        return f"{self.number:05d}"

    @classmethod
    def parse(cls, text: str) -> PointOfSale:
        digits = text.strip()
        if not digits.isdigit() or not digits.isascii() or len(digits) > 5:
            raise InvalidNumbering(reason=N_("a point of sale is a number from 1 to 99998"))
        return cls(int(digits))


@dataclass(frozen=True, slots=True, order=True)
class ComprobanteNumber:
    value: int

    def __post_init__(self) -> None:
        if not 1 <= self.value <= MAX_NUMBER:
            raise InvalidNumbering(reason=N_("a comprobante number is from 1 to 99999999"))

    def __str__(self) -> str:
        return f"{self.value:08d}"

    @classmethod
    def after(cls, last_authorized: int) -> ComprobanteNumber:
        """The next number, from ARCA's last authorized one (0 when there is none yet)."""
        if last_authorized >= MAX_NUMBER:
            raise InvalidNumbering(
                reason=N_("this point of sale has used every number; ask for a new one"))
        return cls(last_authorized + 1)


def printed_number(point_of_sale: PointOfSale, number: ComprobanteNumber) -> str:
    """``00001-00001234``."""
    return f"{point_of_sale}-{number}"


def parse_printed_number(text: str) -> tuple[PointOfSale, ComprobanteNumber]:
    """``00001-00001234`` (or ``1-1234``) back into its two parts."""
    m = _PRINTED.match(text)
    if not m:
        raise InvalidNumbering(reason=N_("write it as point of sale, dash, number: 00001-00001234"))
    return PointOfSale(int(m.group(1))), ComprobanteNumber(int(m.group(2)))

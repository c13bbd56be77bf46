"""CUIT (Clave Única de Identificación Tributaria): the shop's tax id, checked before saving;
and CUIL (Clave Única de Identificación Laboral), a person's number built the same way.

Eleven digits: a two-digit type prefix, eight digits of the holder's number and a check digit.
The check digit is ``11 - (Σ dᵢ·wᵢ mod 11)`` with weights 5,4,3,2,7,6,5,4,3,2; a result of 11
means 0, and a result of 10 is never issued (AFIP gives such holders another prefix), so it
is invalid. Printed as ``XX-XXXXXXXX-X``.
"""

from __future__ import annotations

import re

from pos_common.i18n import N_
from pos_desktop.domain.errors import DomainError

WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# 20/23/24/27: people; 30/33/34: companies. Other prefixes are not issued.
PREFIXES = frozenset({"20", "23", "24", "27", "30", "33", "34"})
CUIL_PREFIXES = frozenset({"20", "23", "24", "27"})  # a CUIL is always a person's
_SEPARATORS = re.compile(r"[\s\-./]")


class InvalidCuit(DomainError):
    message = N_("Invalid CUIT: {reason}")


class InvalidCuil(DomainError):
    message = N_("Invalid CUIL: {reason}")


def check_digit(first_ten: str) -> int | None:
    """The check digit for the first ten digits, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def normalize_cuit(text: str) -> str:
    """The CUIT as ``XX-XXXXXXXX-X``; raises InvalidCuit saying what is wrong."""
    return _checked(text, PREFIXES, InvalidCuit,
                    N_("it must start with 20, 23, 24, 27, 30, 33 or 34"))


def normalize_cuil(text: str) -> str:
    """The CUIL as ``XX-XXXXXXXX-X``; raises InvalidCuil saying what is wrong."""
    return _checked(text, CUIL_PREFIXES, InvalidCuil, N_("it must start with 20, 23, 24 or 27"))


def _checked(text: str, prefixes: frozenset[str], error: type[DomainError],
             wrong_prefix: str) -> str:
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise error(reason=N_("it is empty"))
    if not digits.isdigit() or not digits.isascii():
        raise error(reason=N_("only digits are allowed (dashes are optional)"))
    if len(digits) != 11:
        raise error(reason=N_("it must have 11 digits"))
    if digits[:2] not in prefixes:
        raise error(reason=wrong_prefix)
    expected = check_digit(digits[:10])
    if expected is None or int(digits[10]) != expected:
        raise error(reason=N_("the check digit does not match; check the number"))
    return format_cuit(digits)


def format_cuit(digits: str) -> str:
    return f"{digits[:2]}-{digits[2:10]}-{digits[10]}"


def is_valid_cuit(text: str) -> bool:
    try:
        normalize_cuit(text)
    except InvalidCuit:
        return False
    return True


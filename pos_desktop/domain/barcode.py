"""Barcodes: GTIN check digits and Argentine scale labels.

A scale label is an EAN-13 whose first two digits are 20–29 (in-store use). The scale
prints the product's PLU and either the weight or the price. Shops configure the layout
with a 13-character pattern:

    ``2`` or another digit  literal digit that must match
    ``D``                   any digit (e.g. the second prefix digit)
    ``P``                   PLU digits
    ``W``                   weight in grams
    ``$``                   price in centavos
    ``N``                   price in whole pesos
    ``C``                   EAN-13 check digit

The default ``2DPPPPPWWWWWC`` (prefix 20–29, 5-digit PLU, 5-digit grams) is what most
Systel/Kretz scales in Argentina print out of the box.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SCALE_PATTERN = "2DPPPPPWWWWWC"


def gtin_check_digit(body: str) -> int:
    """Check digit for a GTIN body (EAN-8/UPC-A/EAN-13 without the last digit)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        len(code) in (8, 12, 13, 14)
        and code.isdigit()
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def lookup_keys(code: str) -> list[str]:
    """Codes to try for a scanned code: as is, and UPC-A with/without its EAN-13 zero."""
    keys = [code]
    if len(code) == 12 and code.isdigit():
        keys.append("0" + code)
    elif len(code) == 13 and code.startswith("0"):
        keys.append(code[1:])
    return keys


@dataclass(frozen=True, slots=True)
class ScaleReading:
    plu: int
    grams: int | None
    price: int | None  # centavos


@dataclass(frozen=True, slots=True)
class ScaleLabelFormat:
    pattern: str = DEFAULT_SCALE_PATTERN

    def __post_init__(self) -> None:
        p = self.pattern
        if len(p) != 13 or set(p) - set("0123456789DPW$NC") or "P" not in p:
            raise ValueError(f"invalid scale label pattern {p!r}")
        if ("W" in p) == ("$" in p or "N" in p):
            raise ValueError("a scale label pattern carries either weight (W) or price ($/N)")

    def read(self, code: str) -> ScaleReading | None:
        """The PLU and weight/price of a scale label, or None if ``code`` is not one."""
        if len(code) != 13 or not code.isdigit() or not "20" <= code[:2] <= "29":
            return None
        fields: dict[str, str] = {}
        for ch, digit in zip(self.pattern, code, strict=True):
            if ch.isdigit():
                if ch != digit:
                    return None
            elif ch in "PW$N":
                fields[ch] = fields.get(ch, "") + digit
        if "C" in self.pattern and not is_valid_gtin(code):
            return None
        grams = int(fields["W"]) if "W" in fields else None
        price = None
        if "$" in fields:
            price = int(fields["$"])
        elif "N" in fields:
            price = int(fields["N"]) * 100
        if grams == 0 or price == 0:
            return None
        return ScaleReading(plu=int(fields["P"]), grams=grams, price=price)


def make_scale_label(plu: int, grams: int, pattern: str = DEFAULT_SCALE_PATTERN) -> str:
    """Build a weight label (for tests, the simulator and the benchmark)."""
    plu_width, w_width = pattern.count("P"), pattern.count("W")
    p_digits, w_digits = iter(f"{plu:0{plu_width}d}"), iter(f"{grams:0{w_width}d}")
    body = ""
    for ch in pattern[:-1]:
        if ch == "P":
            body += next(p_digits)
        elif ch == "W":
            body += next(w_digits)
        elif ch == "D":
            body += "0"
        else:
            body += ch
    return body + str(gtin_check_digit(body))

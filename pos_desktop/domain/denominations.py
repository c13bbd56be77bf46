"""Argentine cash as it is counted in a drawer (2026).

Notes in circulation: $20.000 and $10.000 (new series), $2.000, $1.000, $500, $200, $100,
and the old $50, $20 and $10 notes that are still legal tender. Coins: $10, $5, $2, $1.
Centavo coins are no longer handed over in shops, so the count ignores them; a shop that
still has some types them as "loose" change (``OTHER``), in centavos.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pos_common.i18n import N_, _, format_pesos
from pos_desktop.domain.errors import DomainError


class InvalidCount(DomainError):
    message = N_("Invalid cash count: {reason}")


@dataclass(frozen=True, slots=True)
class Denomination:
    code: str  # "B20000" for a $20.000 note, "M5" for a $5 coin
    value: int  # centavos
    kind: Literal["note", "coin"]

    @property
    def pesos(self) -> int:
        return self.value // 100


def _note(pesos: int) -> Denomination:
    return Denomination(f"B{pesos}", pesos * 100, "note")


def _coin(pesos: int) -> Denomination:
    return Denomination(f"M{pesos}", pesos * 100, "coin")


ARS_DENOMINATIONS: tuple[Denomination, ...] = (
    *(_note(p) for p in (20_000, 10_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10)),
    *(_coin(p) for p in (10, 5, 2, 1)),
)
OTHER = "OTHER"  # loose amount in centavos (e.g. a few old centavo coins)
MAX_PIECES = 100_000
_BY_CODE = {d.code: d for d in ARS_DENOMINATIONS}


def denomination(code: str) -> Denomination:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidCount(reason=_("unknown denomination {code}").format(code=code)) from None


def denomination_label(code: str) -> str:
    """``$ 20.000 · billete``, ``$ 5 · moneda``: a row of the count as the drawer holds it."""
    if code == OTHER:
        return _("Other (amount)")
    d = denomination(code)
    kind = _("note") if d.kind == "note" else _("coin")
    return f"{format_pesos(d.pesos)} · {kind}"


def count_total(counts: Mapping[str, int]) -> int:
    """The value in centavos of a count ``{code: pieces}`` (``OTHER`` is in centavos)."""
    total = 0
    for code, pieces in counts.items():
        if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 0:
            raise InvalidCount(reason=f"{code}: {pieces!r}")
        if code == OTHER:
            total += pieces
            continue
        if pieces > MAX_PIECES:
            raise InvalidCount(reason=f"{code}: {pieces}")
        total += denomination(code).value * pieces
    return total


def normalise(counts: Mapping[str, int]) -> dict[str, int]:
    """The count without zero rows, in drawer order (largest note first), for storing."""
    count_total(counts)  # validates
    order = [d.code for d in ARS_DENOMINATIONS] + [OTHER]
    return {code: counts[code] for code in order if counts.get(code)}


def parse_counts(text: str) -> dict[str, int]:
    """What a support person types: ``20000=3,1000=12,M5=4,OTHER=150`` (bare = note)."""
    counts: dict[str, int] = {}
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        code, sep, pieces = part.partition("=")
        code = code.strip().upper().replace(".", "").lstrip("$")
        if not sep or not pieces.strip().isdigit():
            raise InvalidCount(reason=part.strip())
        if code.isdigit():
            code = f"B{code}"
        if code != OTHER:
            denomination(code)
        counts[code] = counts.get(code, 0) + int(pieces)
    return counts

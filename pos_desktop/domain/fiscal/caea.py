"""The CAEA at the till: the fortnight's contingency code, and whether the till has one.

ARCA grants one CAEA per CUIT per fortnight (days 1–15, 16 to the month's end). While
ARCA does not answer, the till issues its comprobantes with the CAEA of the fortnight
their date falls in, on its own CAEA point of sale. A till without one for today (new,
never synced; the fortnight changed while it was offline) cannot issue a valid
comprobante offline: ``caea_outlook`` says so days ahead, so the manager can act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pos_common.i18n import N_
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.fiscal.errors import InvalidAuthorization

#: From how many days before the end of the fortnight a missing next CAEA is warned of
#: (ARCA grants it from 5 days before the fortnight starts).
WARN_DAYS = 3


class MissingCaeaAction(StrEnum):
    """``fiscal.caea_missing``: what a sale does offline when there is no valid CAEA."""

    PENDING = "pending"  # the sale goes on; its comprobante waits for ARCA's CAE
    REFUSE = "refuse"  # the sale is refused until ARCA answers or a CAEA comes


@dataclass(frozen=True, slots=True)
class Caea:
    cuit: str
    period: int  # YYYYMM
    order: int  # 1 | 2
    code: str  # 14 digits
    valid_from: date
    valid_to: date
    report_deadline: date  # FchTopeInf: informed to ARCA by then

    def __post_init__(self) -> None:
        code = self.code
        if len(code) != 14 or not code.isdigit() or not code.isascii():
            raise InvalidAuthorization(reason=N_("the code must have 14 digits"))
        if self.order not in (1, 2) or not 1 <= self.period % 100 <= 12:
            raise InvalidAuthorization(reason=N_("the fortnight must be YYYYMM and 1 or 2"))
        if self.valid_to < self.valid_from:
            raise InvalidAuthorization(reason=N_("the CAEA ends before it starts"))

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    @property
    def fortnight(self) -> str:
        return f"{self.period}/{self.order}"


def fortnight_of(day: date) -> tuple[int, int]:
    """(period YYYYMM, order) of the fortnight ``day`` falls in."""
    return day.year * 100 + day.month, 1 if day.day <= 15 else 2


def fortnight_end(day: date) -> date:
    if day.day <= 15:
        return day.replace(day=15)
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def covering(caeas: Iterable[Caea], day: date) -> Caea | None:
    """The CAEA valid on ``day`` (its fortnight's), or None."""
    for caea in caeas:
        if caea.covers(day):
            return caea
    return None


class OutlookState(StrEnum):
    OK = "ok"
    NEXT_MISSING = "next_missing"  # today is covered, the next fortnight soon is not
    MISSING = "missing"  # no CAEA for today: offline sales have no valid comprobante
    NO_POINT_OF_SALE = "no_point_of_sale"  # the till has no CAEA point of sale


@dataclass(frozen=True, slots=True)
class CaeaOutlook:
    state: OutlookState
    current: Caea | None
    following: Caea | None
    uncovered_from: date | None  # the first day offline sales have no CAEA

    @property
    def warns(self) -> bool:
        return self.state is not OutlookState.OK


def caea_outlook(caeas: Iterable[Caea], today: date, *, has_point_of_sale: bool = True,
                 warn_days: int = WARN_DAYS) -> CaeaOutlook:
    known = list(caeas)
    current = covering(known, today)
    end = fortnight_end(today)
    following = covering(known, end + timedelta(days=1))
    if not has_point_of_sale:
        return CaeaOutlook(OutlookState.NO_POINT_OF_SALE, current, following, today)
    if current is None:
        return CaeaOutlook(OutlookState.MISSING, None, following, today)
    if following is None and (end - today).days < warn_days:
        return CaeaOutlook(OutlookState.NEXT_MISSING, current, None, end + timedelta(days=1))
    return CaeaOutlook(OutlookState.OK, current, following, None)


class NoValidCaea(DomainError):
    message = (N_("ARCA does not answer and this till has no CAEA for {day}: the sale cannot "
               "get a valid comprobante. Wait for ARCA, or get the fortnight's CAEA "
               "(head office, or pos-desktop fiscal caea request)."))


class NoCaeaPointOfSale(DomainError):
    message = (N_("ARCA does not answer and this till has no CAEA point of sale "
               "(fiscal.caea_point_of_sale): the sale cannot get a valid comprobante."))

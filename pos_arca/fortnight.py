"""CAEA fortnights: Periodo YYYYMM and Orden 1 (days 1-15) or 2 (16 to the month's end)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

#: ARCA takes a CAEA request from this many days before the fortnight starts.
REQUEST_LEAD_DAYS = 5


@dataclass(frozen=True, order=True)
class Fortnight:
    period: int  # YYYYMM
    order: int  # 1 or 2

    def __post_init__(self) -> None:
        year, month = divmod(self.period, 100)
        if not (1 <= month <= 12 and 2000 <= year <= 9999):
            raise ValueError(f"period must be YYYYMM, got {self.period}")
        if self.order not in (1, 2):
            raise ValueError(f"order must be 1 or 2, got {self.order}")

    @classmethod
    def of(cls, day: date) -> Fortnight:
        """The fortnight ``day`` falls in."""
        return cls(day.year * 100 + day.month, 1 if day.day <= 15 else 2)

    @property
    def first_day(self) -> date:
        year, month = divmod(self.period, 100)
        return date(year, month, 1 if self.order == 1 else 16)

    @property
    def last_day(self) -> date:
        year, month = divmod(self.period, 100)
        if self.order == 1:
            return date(year, month, 15)
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def request_window(self) -> tuple[date, date]:
        """First and last day ARCA accepts ``FECAEASolicitar`` for this fortnight."""
        return self.first_day - timedelta(days=REQUEST_LEAD_DAYS), self.last_day

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def can_request_on(self, day: date) -> bool:
        first, last = self.request_window
        return first <= day <= last

    def next(self) -> Fortnight:
        return Fortnight.of(self.last_day + timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.period}/{self.order}"

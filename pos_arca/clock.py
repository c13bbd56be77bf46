"""Time, injectable: ARCA's dates are Argentine dates whatever the machine's time zone."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ARGENTINA = ZoneInfo("America/Argentina/Buenos_Aires")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, time-zone aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests, demos crossing a fortnight)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        with self._lock:
            self._now = moment


def argentine_now(clock: Clock) -> datetime:
    return clock.now().astimezone(ARGENTINA)


def argentine_date(clock: Clock) -> date:
    return argentine_now(clock).date()


class OffsetClock:
    """The system's time shifted by an adjustable offset: a demo's time flows, and can jump."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._base.now() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
            return self._base.now() + self._offset

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._offset = moment - self._base.now()

"""A comprobante's date is the date in Argentina, whatever the machine's time zone says.

A till configured in UTC (or a laptop brought from abroad) that sells at 22:30 in Buenos
Aires is already "tomorrow" in UTC; ARCA dates the comprobante by Argentine time
(``CbteFch``, and ``CbteFchHsGen`` for CAEA), so every date here comes from an aware moment
converted to ``America/Argentina/Buenos_Aires``. A naive datetime is refused: it says
nothing about where it was read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _argentina() -> tzinfo:
    try:
        return ZoneInfo("America/Argentina/Buenos_Aires")
    except ZoneInfoNotFoundError:
        # No tz database (a Windows machine without the tzdata package): Argentina has
        # kept UTC-3 without daylight saving since 2009.
        return timezone(timedelta(hours=-3), "ART")


ARGENTINA = _argentina()


def in_argentina(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a comprobante's moment needs its time zone (an aware datetime)")
    return moment.astimezone(ARGENTINA)


def argentine_date(moment: datetime) -> date:
    """The calendar date in Argentina at ``moment``."""
    return in_argentina(moment).date()


def arca_date(day: date) -> str:
    """``CbteFch`` and ARCA's other dates: ``yyyymmdd``."""
    return day.strftime("%Y%m%d")


def parse_arca_date(text: str) -> date:
    """ARCA's ``yyyymmdd`` (``CAEFchVto``, ``CbteFch``) as a date."""
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"not an ARCA date: {text!r}")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def arca_timestamp(moment: datetime) -> str:
    """``CbteFchHsGen``: ``yyyymmddhhmiss`` in Argentine time."""
    return in_argentina(moment).strftime("%Y%m%d%H%M%S")

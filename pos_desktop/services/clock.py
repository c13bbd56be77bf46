"""The till's clock as receipts and events show it."""

from __future__ import annotations

from datetime import datetime


def local_now() -> str:
    """RFC 3339 with the till's UTC offset (what the receipt shows)."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")

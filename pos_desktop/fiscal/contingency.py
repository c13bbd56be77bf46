"""Contingency: while ARCA does not answer, the till issues its comprobantes with the CAEA.

One object shared by the fiscal worker (which enters contingency when ARCA cannot be
reached or does not answer in the timeout, and leaves it as soon as ARCA answers again)
and the checkout (which, in contingency, issues the sale's comprobante at once on the
till's CAEA point of sale instead of committing it pending for a CAE). It also carries
the clock comprobantes are dated by, so tests can sell "two days" without sleeping.
"""

from __future__ import annotations

import threading
from datetime import datetime

from pos_arca import Clock, SystemClock


class Contingency:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._since: datetime | None = None
        self._reason: str | None = None

    @property
    def active(self) -> bool:
        with self._lock:
            return self._since is not None

    @property
    def since(self) -> datetime | None:
        with self._lock:
            return self._since

    @property
    def reason(self) -> str | None:
        with self._lock:
            return self._reason

    def enter(self, reason: str) -> None:
        with self._lock:
            if self._since is None:
                self._since = self.clock.now()
            self._reason = reason

    def leave(self) -> None:
        with self._lock:
            self._since = None
            self._reason = None

    def now(self) -> datetime:
        """The moment a comprobante is issued (aware)."""
        return self.clock.now()

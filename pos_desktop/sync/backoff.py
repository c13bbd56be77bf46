"""Waiting between attempts to reach the broker: backoff with jitter, and a breaker.

Being offline is normal for a till (a shop's internet drops every day), so failing to
connect is not an error to shout about: the publisher waits a little longer after each
failure (exponential, with full jitter so a hundred tills do not reconnect in the same
second after head office comes back), and after several failures in a row the breaker
opens and attempts stop for a cool-down period, so a dead link costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from pos_common.backoff import Backoff as Backoff  # one backoff for the till and head office

Clock = Callable[[], float]


@dataclass
class CircuitBreaker:
    """Closed → (``threshold`` failures in a row) → open for ``cooldown`` → half-open.

    Half-open lets one attempt through: success closes the breaker, failure reopens it.
    """

    threshold: int = 5
    cooldown: float = 15.0
    clock: Clock = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "open" if self.clock() - self.opened_at < self.cooldown else "half-open"

    def allows(self) -> bool:
        return self.state != "open"

    def remaining(self) -> float:
        """Seconds until an attempt is allowed again (0 when allowed now)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.cooldown - (self.clock() - self.opened_at))

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self) -> None:
        self.failures += 1
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = self.clock()

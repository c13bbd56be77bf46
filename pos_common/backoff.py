"""Waiting longer after each failure: the one backoff of the till and head office.

The n-th wait in a row is ``base * factor**(n-1)``, at most ``cap``. With ``jitter`` (the
default) each wait is drawn uniformly up to that ceiling ("full jitter"), so a hundred
tills do not reconnect in the same second after head office comes back; a printer on
the counter needs no jitter and waits exactly the ceiling, so a cashier sees a steady
"next try in 8 s".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 0.5
    cap: float = 15.0
    factor: float = 2.0
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def ceiling(self, failures: int) -> float:
        """The longest wait after ``failures`` failures in a row (1 for the first)."""
        return min(self.cap, self.base * self.factor ** min(max(0, failures - 1), 60))

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row, in seconds."""
        ceiling = self.ceiling(failures)
        if not self.jitter:
            return ceiling
        # Never zero: a broken link must not become a busy loop.
        return max(self.base / 10, self.rng.uniform(0, ceiling))

    def next_delay(self) -> float:
        """Count one more failure and return the wait after it."""
        self.failures += 1
        return self.delay(self.failures)

    def reset(self) -> None:
        self.failures = 0

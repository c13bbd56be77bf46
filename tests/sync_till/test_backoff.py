"""Backoff with jitter and the circuit breaker (pure logic, a fake clock)."""

from __future__ import annotations

import random

from pos_desktop.sync.backoff import Backoff, CircuitBreaker


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=8.0, rng=random.Random(1))
    ceilings = [0.5, 1, 2, 4, 8, 8, 8]
    delays = [backoff.next_delay() for _ in ceilings]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert 0.05 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jitter: tills don't reconnect in lock-step
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_breaker_opens_after_repeated_failures_and_half_opens_after_cooldown() -> None:
    now = [100.0]
    breaker = CircuitBreaker(threshold=3, cooldown=30.0, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state == "closed" and breaker.allows()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allows()
    assert breaker.remaining() == 30.0
    now[0] += 30.0
    assert breaker.state == "half-open" and breaker.allows()
    breaker.record_failure()  # the trial attempt failed: open again
    assert breaker.state == "open"
    now[0] += 31.0
    breaker.record_success()
    assert breaker.state == "closed" and breaker.remaining() == 0.0

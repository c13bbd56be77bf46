"""One backoff for the till's sync, the fiscal worker and the print queue."""

from __future__ import annotations

import random

from pos_common.backoff import Backoff
from pos_desktop.sync import backoff as sync_backoff
from pos_printers import queue


def test_the_printer_waits_exactly_double_each_time_up_to_the_cap() -> None:
    waits = Backoff(base=1.0, cap=8.0, jitter=False)
    assert [waits.delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]


def test_the_sync_draws_each_wait_under_the_same_ceiling() -> None:
    waits = Backoff(base=1.0, cap=8.0, rng=random.Random(3))
    for n in range(1, 7):
        assert 0.1 <= waits.delay(n) <= waits.ceiling(n)


def test_the_till_and_its_printer_use_the_shared_one() -> None:
    assert sync_backoff.Backoff is Backoff
    assert queue.Backoff is Backoff

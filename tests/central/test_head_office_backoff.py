"""Head office's ingest, worker supervisor and background work wait as before, from the
one backoff the till uses too (pos_common.backoff)."""

from __future__ import annotations

from pos_central.api import dead_letters
from pos_central.ingest import consumer, workers
from pos_central.ingest.settings import IngestSettings
from pos_common.backoff import Backoff


def test_a_dying_worker_is_restarted_after_1_2_4_up_to_30_seconds() -> None:
    restarts = workers.restart_waits()
    assert isinstance(restarts, Backoff)
    assert [restarts.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_worker_that_ran_a_while_restarts_after_the_first_wait_again() -> None:
    restarts = workers.restart_waits()
    for _ in range(4):
        restarts.next_delay()
    restarts.reset()
    assert restarts.next_delay() == 1


def test_the_ingest_waits_half_a_second_doubling_to_30_during_an_outage() -> None:
    outages = consumer.outage_waits(IngestSettings())
    assert isinstance(outages, Backoff)
    assert [outages.next_delay() for _ in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_background_work_waits_twice_its_idle_pause_doubling_to_30_after_failures() -> None:
    waits = dead_letters.failure_waits(2.0)
    assert isinstance(waits, Backoff)
    assert [waits.next_delay() for _ in range(5)] == [4, 8, 16, 30, 30]

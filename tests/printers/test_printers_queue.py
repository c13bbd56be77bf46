"""The print queue: jobs persist, retry with backoff, and none prints twice.

The store contract runs against the in-memory fake and the real SQLite table alike.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from printer_fakes import sqlite_engine

from pos_printers.errors import PaperOut, PrinterUnreachable
from pos_printers.memory_jobs import InMemoryPrintJobStore
from pos_printers.queue import (
    INTERRUPTED,
    Backoff,
    JobStatus,
    PrintJob,
    PrintJobStore,
    PrintQueue,
    QueueStatus,
)
from pos_printers.sqlite_jobs import SqlitePrintJobStore

T0 = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)

@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PrintJobStore]:
    if request.param == "memory":
        yield InMemoryPrintJobStore()
    else:
        engine = sqlite_engine(tmp_path / "till.sqlite3")
        yield SqlitePrintJobStore(engine)
        engine.dispose()


# --- store contract -------------------------------------------------------------------


def test_jobs_are_claimed_oldest_first_and_only_once(store: PrintJobStore) -> None:
    first = store.add("receipt", "0001-00000001", "{}", T0)
    second = store.add("receipt", "0001-00000002", "{}", T0)
    claimed = store.claim_next(T0)
    assert claimed is not None
    assert (claimed.id, claimed.status, claimed.attempts) == (first, JobStatus.PRINTING, 1)
    again = store.claim_next(T0)
    assert again is not None
    assert again.id == second
    assert store.claim_next(T0) is None


def test_failed_jobs_wait_for_their_retry_time(store: PrintJobStore) -> None:
    job_id = store.add("receipt", "t", "{}", T0)
    store.claim_next(T0)
    store.mark_failed(job_id, "sin papel", T0 + timedelta(seconds=10), T0)
    assert store.claim_next(T0 + timedelta(seconds=9)) is None
    assert store.next_retry_at() == T0 + timedelta(seconds=10)
    retried = store.claim_next(T0 + timedelta(seconds=10))
    assert retried is not None
    assert retried.attempts == 2
    store.mark_done(job_id, T0)
    job = store.get(job_id)
    assert job is not None
    assert (job.status, job.last_error) == (JobStatus.DONE, None)


def test_jobs_failed_without_retry_time_wait_for_a_person(store: PrintJobStore) -> None:
    job_id = store.add("receipt", "t", "{}", T0)
    store.claim_next(T0)
    store.mark_failed(job_id, "datos inválidos", None, T0)
    assert store.claim_next(T0 + timedelta(days=1)) is None
    assert store.retry(job_id, T0 + timedelta(days=1))
    assert store.claim_next(T0 + timedelta(days=1)) is not None
    assert not store.retry(job_id, T0)  # only failed jobs can be retried


def test_deferring_marks_waiting_jobs_failed_with_the_printer_error(
        store: PrintJobStore) -> None:
    done = store.add("receipt", "a", "{}", T0)
    store.claim_next(T0)
    store.mark_done(done, T0)
    manual = store.add("receipt", "b", "{}", T0)
    store.claim_next(T0)
    store.mark_failed(manual, "interrumpido", None, T0)
    waiting = [store.add("receipt", f"c{i}", "{}", T0) for i in range(3)]
    retry_at = T0 + timedelta(seconds=4)
    assert store.defer_waiting("Impresora apagada", retry_at, T0) == 3
    assert store.defer_waiting("Impresora apagada", retry_at, T0) == 0  # idempotent
    for job_id in waiting:
        job = store.get(job_id)
        assert job is not None
        assert (job.status, job.last_error, job.next_attempt_at) == (
            JobStatus.FAILED, "Impresora apagada", retry_at)
        assert job.attempts == 0
    assert store.get(done).status is JobStatus.DONE  # type: ignore[union-attr]
    assert store.get(manual).next_attempt_at is None  # type: ignore[union-attr]
    assert store.counts() == {JobStatus.DONE: 1, JobStatus.FAILED: 4}


def test_interrupted_jobs_are_failed_for_a_manual_reprint(store: PrintJobStore) -> None:
    job_id = store.add("receipt", "t", "{}", T0)
    store.claim_next(T0)
    assert store.recover_interrupted(T0) == 1
    job = store.get(job_id)
    assert job is not None
    assert (job.status, job.last_error, job.next_attempt_at) == (
        JobStatus.FAILED, INTERRUPTED, None)


def test_listing_is_newest_first_and_filters_by_status(store: PrintJobStore) -> None:
    ids = [store.add("receipt", f"t{i}", "{}", T0) for i in range(3)]
    store.claim_next(T0)
    store.mark_done(ids[0], T0)
    assert [j.id for j in store.list_jobs()] == ids[::-1]
    assert [j.id for j in store.list_jobs([JobStatus.PENDING])] == [ids[2], ids[1]]
    assert [j.ref for j in store.list_jobs(limit=1)] == ["t2"]


def test_sqlite_claims_are_atomic_across_threads(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "till.sqlite3")
    store = SqlitePrintJobStore(engine)
    for i in range(60):
        store.add("receipt", f"t{i}", "{}", T0)
    claimed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while (job := store.claim_next(T0)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == list(range(1, 61))
    engine.dispose()


# --- the queue, step by step with a fake clock ----------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class SwitchablePrinter:
    """A JobPrinter whose printer can be switched off; records what it printed."""

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.printed: list[str | None] = []
        self.calls = 0

    def print_job(self, job: PrintJob) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error
        json.loads(job.document)  # bad data fails here, like the real renderer
        self.printed.append(job.ref)


def make_queue(store: PrintJobStore | None = None
               ) -> tuple[PrintQueue, SwitchablePrinter, Clock, list[QueueStatus]]:
    clock, printer = Clock(), SwitchablePrinter()
    statuses: list[QueueStatus] = []
    queue = PrintQueue(store or InMemoryPrintJobStore(), printer, clock=clock,
                       backoff=Backoff(base=1, cap=8, jitter=False), on_status=statuses.append)
    return queue, printer, clock, statuses


def drain(queue: PrintQueue) -> None:
    while queue.run_once():
        pass


def test_jobs_print_in_order_and_are_marked_done() -> None:
    queue, printer, _, statuses = make_queue()
    for i in range(3):
        queue.enqueue("receipt", f"0001-0000000{i}", "{}")
    drain(queue)
    assert printer.printed == ["0001-00000000", "0001-00000001", "0001-00000002"]
    assert queue.status() == QueueStatus("ok", "Printer ready", 0, 0)
    assert statuses[-1].ok


def test_a_dead_printer_fails_jobs_visibly_backs_off_and_prints_each_once_when_back() -> None:
    queue, printer, clock, statuses = make_queue()
    printer.error = PrinterUnreachable("La impresora de red rechazó la conexión.")
    for i in range(5):
        queue.enqueue("receipt", f"t{i}", "{}")
    drain(queue)
    assert printer.calls == 1  # one probe, not one attempt per job
    status = queue.status()
    assert (status.state, status.failed, status.pending) == ("unreachable", 5, 0)
    assert "rechazó la conexión" in status.message
    assert statuses[-1].state == "unreachable"
    assert all(j.last_error == "La impresora de red rechazó la conexión."
               for j in queue.store.list_jobs())

    queue.enqueue("receipt", "t5", "{}")  # a sale while the printer is down
    drain(queue)
    assert printer.calls == 1
    assert queue.status().failed == 6

    clock.advance(1)  # first backoff: 1 s; still down -> next wait is 2 s
    drain(queue)
    assert printer.calls == 2
    clock.advance(1.5)
    drain(queue)
    assert printer.calls == 2
    printer.error = None  # paper back in / printer on
    clock.advance(0.5)
    drain(queue)
    assert printer.printed == [f"t{i}" for i in range(6)]
    assert queue.status() == QueueStatus("ok", "Printer ready", 0, 0)
    drain(queue)
    assert len(printer.printed) == 6


def test_paper_out_is_its_own_state_for_the_window() -> None:
    queue, printer, _, _ = make_queue()
    printer.error = PaperOut("La impresora no tiene papel.")
    queue.enqueue("receipt", "t", "{}")
    drain(queue)
    assert queue.status().state == "paper_out"


def test_manual_retry_probes_the_printer_at_once() -> None:
    queue, printer, _, _ = make_queue()
    printer.error = PrinterUnreachable("apagada")
    job_id = queue.enqueue("receipt", "t", "{}")
    drain(queue)
    printer.error = None
    assert queue.retry(job_id)
    drain(queue)
    assert printer.printed == ["t"]


def test_a_broken_job_fails_once_without_blaming_the_printer() -> None:
    queue, printer, clock, _ = make_queue()
    bad = queue.enqueue("receipt", "roto", "no es json")
    queue.enqueue("receipt", "bueno", "{}")
    drain(queue)
    assert printer.printed == ["bueno"]
    job = queue.store.get(bad)
    assert job is not None
    assert job.status is JobStatus.FAILED
    assert job.next_attempt_at is None
    assert "The receipt could not be made" in (job.last_error or "")
    assert queue.status().state == "ok"
    clock.advance(3600)
    drain(queue)
    assert printer.calls == 2


def test_unknown_job_kinds_are_refused_at_enqueue() -> None:
    queue, _, _, _ = make_queue()
    with pytest.raises(ValueError, match="unknown kind of print job"):
        queue.enqueue("factura", None, "{}")


# --- the worker thread, end to end ----------------------------------------------------


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_worker_thread_recovers_interrupted_jobs_without_reprinting_them(
        tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "till.sqlite3")
    store = SqlitePrintJobStore(engine)
    cut_off = store.add("receipt", "cortado", "{}", T0)
    store.claim_next(T0)  # the previous run died while printing this one
    printer = SwitchablePrinter()
    queue = PrintQueue(store, printer, idle_poll_s=0.05)
    queue.start()
    try:
        queue.enqueue("receipt", "nuevo", "{}")
        assert wait_until(lambda: printer.printed == ["nuevo"])
    finally:
        queue.stop()
    job = store.get(cut_off)
    assert job is not None
    assert (job.status, job.last_error) == (JobStatus.FAILED, INTERRUPTED)
    engine.dispose()


def test_reprint_by_ticket_number_queues_a_labelled_copy(store: PrintJobStore) -> None:
    queue, printer, _, _ = make_queue(store)
    queue.enqueue("receipt", "0001-00000007", json.dumps({"ticket": "0001-00000007"}))
    drain(queue)
    job_id = queue.reprint("0001-00000007")
    copy = store.get(job_id)
    assert copy is not None
    assert json.loads(copy.document) == {"sale": {"ticket": "0001-00000007"}, "reprint": True}
    drain(queue)
    assert printer.printed == ["0001-00000007", "0001-00000007"]
    with pytest.raises(LookupError, match="no ticket 0001-00000099"):
        queue.reprint("0001-00000099")

"""The print queue: persisted jobs, one worker thread, retries with backoff, never twice.

The sale commits first (the till writes the job row, ideally in the sale's own
transaction); printing happens afterwards on this worker, so a printer problem never
blocks or undoes a sale. Rules:

* A job moves pending -> printing -> done, or -> failed with the error and the time of the
  next try. It is claimed atomically before printing and marked done right after the
  bytes were accepted, so no job is sent twice by the queue.
* When the printer fails, the queue backs off as a whole (1 s, 2 s, 4 s ... up to a
  minute): the other waiting jobs are marked failed with the same error, so the window
  shows them, and none of them hammers a dead printer. When the printer answers again
  the jobs print oldest first.
* A job found "printing" at start-up was interrupted mid-send: we cannot know whether it
  came out, so it is marked failed WITHOUT automatic retry; the cashier reprints it if the
  paper shows nothing. That is the only way to guarantee "never twice".
* A job whose data is broken fails once, without retry, and does not mark the printer down.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from pos_common.backoff import Backoff
from pos_common.i18n import _, explain
from pos_common.messages import N_
from pos_printers.errors import PrinterError, PrintingError

log = logging.getLogger(__name__)


class NothingToReprint(PrintingError, LookupError):
    """This till never queued that ticket: the caller builds it from the sale itself."""

    message = N_("There is no ticket {ticket} to print again at this till.")

JOB_KINDS = ("receipt", "refund", "z", "x", "test", "drawer")
INTERRUPTED = ("Impresión interrumpida (se cerró el programa). Verifique el papel y "
               "reimprima si no salió.")


class JobStatus(StrEnum):
    PENDING = "pending"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PrintJob:
    id: int
    kind: str
    ref: str | None
    document: str  # JSON input of the job, e.g. the sale.completed payload
    status: JobStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PrintJobStore(Protocol):
    """Persistence of print jobs (SQLite in the till, in memory in unit tests)."""

    def add(self, kind: str, ref: str | None, document: str, now: datetime) -> int: ...

    def claim_next(self, now: datetime) -> PrintJob | None:
        """Atomically take the oldest due job (pending, or failed and due) into 'printing'."""

    def mark_done(self, job_id: int, now: datetime) -> None: ...

    def mark_failed(self, job_id: int, error: str, retry_at: datetime | None,
                    now: datetime) -> None: ...

    def defer_waiting(self, error: str, retry_at: datetime, now: datetime) -> int:
        """Mark every pending or auto-retrying job failed with ``error`` until ``retry_at``."""

    def retry(self, job_id: int, now: datetime) -> bool:
        """Make a failed job due now (the cashier's "reintentar")."""

    def recover_interrupted(self, now: datetime) -> int: ...

    def get(self, job_id: int) -> PrintJob | None: ...

    def find_by_ref(self, kind: str, ref: str) -> PrintJob | None:
        """The latest job of ``kind`` for ``ref`` (e.g. a ticket number)."""

    def list_jobs(self, statuses: Iterable[JobStatus] | None = None,
                  limit: int = 100) -> list[PrintJob]: ...

    def counts(self) -> dict[JobStatus, int]: ...

    def next_retry_at(self) -> datetime | None: ...


class JobPrinter(Protocol):
    """Turns a job into paper. Raises ``PrinterError`` when the printer failed."""

    def print_job(self, job: PrintJob) -> None: ...


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """What the window shows about printing. ``state`` is "ok" or a ``PrinterError.state``."""

    state: str
    message: str
    pending: int
    failed: int
    retry_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def utc_now() -> datetime:
    return datetime.now(UTC)


class PrintQueue:
    """Runs print jobs from a ``PrintJobStore`` on one background thread.

    ``on_status`` is called from the worker thread after every change; a Qt window must
    forward it to the GUI thread (e.g. a queued signal) before touching widgets.
    """

    def __init__(self, store: PrintJobStore, printer: JobPrinter, *,
                 backoff: Backoff | None = None, clock: Callable[[], datetime] = utc_now,
                 on_status: Callable[[QueueStatus], None] | None = None,
                 idle_poll_s: float = 5.0) -> None:
        self.store = store
        self._printer = printer
        # a printer waits exactly 1 s, 2 s, 4 s … 60 s: the cashier sees when it tries again
        self._backoff = backoff or Backoff(base=1.0, cap=60.0, jitter=False)
        self._clock = clock
        self._on_status = on_status
        self._idle_poll_s = idle_poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._failures = 0
        self._down_until: datetime | None = None
        self._down_error: PrinterError | None = None

    # --- called from the GUI / services ------------------------------------------------

    def start(self) -> None:
        """Recover jobs cut off by a crash, then start the worker thread."""
        recovered = self.store.recover_interrupted(self._clock())
        if recovered:
            log.warning("%d print jobs cut off by a stop were queued again", recovered)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()
        self._notify()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def enqueue(self, kind: str, ref: str | None, document: str) -> int:
        """Store a job and wake the worker. Returns the job id."""
        if kind not in JOB_KINDS:
            raise ValueError(f"unknown kind of print job: {kind!r}")  # a programming error: English
        job_id = self.store.add(kind, ref, document, self._clock())
        self.wake()
        return job_id

    def wake(self) -> None:
        """Tell the worker a job was added (e.g. by the sale's own transaction)."""
        self._wake.set()

    def retry(self, job_id: int) -> bool:
        """Retry one failed job now, and probe the printer right away."""
        changed = self.store.retry(job_id, self._clock())
        if changed:
            self._clear_backoff()
            self.wake()
        return changed

    def reprint(self, ticket: str) -> int:
        """Queue a labelled copy of a ticket printed before (from its stored job).

        Raises ``LookupError`` when this till never queued that ticket: the caller then
        builds the job from the sale itself (``printers.api.receipt_job(payload,
        reprint=True)``).
        """
        original = self.store.find_by_ref("receipt", ticket)
        if original is None:
            raise NothingToReprint(ticket=ticket)
        data = json.loads(original.document)
        sale = data.get("sale", data) if isinstance(data, dict) else data
        document = json.dumps({"sale": sale, "reprint": True}, ensure_ascii=False)
        return self.enqueue("receipt", ticket, document)

    def retry_failed(self) -> int:
        """Retry every failed job now (the "reintentar todo" button)."""
        count = 0
        for job in self.store.list_jobs([JobStatus.FAILED], limit=10_000):
            count += self.store.retry(job.id, self._clock())
        self._clear_backoff()
        self.wake()
        return count

    def status(self) -> QueueStatus:
        counts = self.store.counts()
        pending = counts.get(JobStatus.PENDING, 0) + counts.get(JobStatus.PRINTING, 0)
        failed = counts.get(JobStatus.FAILED, 0)
        with self._lock:
            error, until = self._down_error, self._down_until
        if error is not None:
            # the status bar's text: in the language of the till that shows it
            return QueueStatus(error.state, explain(error), pending, failed, until)
        return QueueStatus("ok", _("Printer ready"), pending, failed)

    # --- the worker -------------------------------------------------------------------

    def run_once(self) -> bool:
        """Process at most one due job on the calling thread. True if one was printed/failed.

        The worker loop calls this; tests call it directly for deterministic steps.
        """
        now = self._clock()
        with self._lock:
            down_until, down_error = self._down_until, self._down_error
        if down_until is not None and now < down_until:
            assert down_error is not None
            if self.store.defer_waiting(str(down_error), down_until, now):
                self._notify()
            return False
        job = self.store.claim_next(now)
        if job is None:
            return False
        try:
            self._printer.print_job(job)
        except PrinterError as exc:
            self._printer_failed(job, exc)
        except Exception as exc:
            # Bad job data: retrying cannot help and the printer is not to blame.
            log.exception("print job %s is not valid", job.id)
            self.store.mark_failed(job.id, f"The receipt could not be made: {exc}", None,
                                   self._clock())
        else:
            self.store.mark_done(job.id, self._clock())
            self._clear_backoff()
        self._notify()
        return True

    def _printer_failed(self, job: PrintJob, exc: PrinterError) -> None:
        now = self._clock()
        with self._lock:
            self._failures += 1
            retry_at = now + timedelta(seconds=self._backoff.delay(self._failures))
            self._down_until, self._down_error = retry_at, exc
        log.warning("printer in trouble (%s): %s; next try %s", exc.state, exc,
                    retry_at.isoformat())
        self.store.mark_failed(job.id, str(exc), retry_at, now)
        self.store.defer_waiting(str(exc), retry_at, now)

    def _clear_backoff(self) -> None:
        with self._lock:
            self._failures = 0
            self._down_until = None
            self._down_error = None

    def _notify(self) -> None:
        if self._on_status is not None:
            try:
                self._on_status(self.status())
            except Exception:  # a broken listener must not stop printing
                log.exception("the print status listener failed")

    def _seconds_to_next(self) -> float:
        with self._lock:
            until = self._down_until
        if until is None:
            until = self.store.next_retry_at()
        if until is None:
            return self._idle_poll_s
        return max(0.0, min(self._idle_poll_s, (until - self._clock()).total_seconds()))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before looking: a job added from now on wakes the wait
            try:
                if self.run_once():
                    continue
                delay = self._seconds_to_next()
            except Exception:  # e.g. database locked: log, wait, go on
                log.exception("the print queue failed")
                delay = self._idle_poll_s
            self._wake.wait(delay)

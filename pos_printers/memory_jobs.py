"""An in-memory ``PrintJobStore``: for unit tests and for a demo without a database."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from pos_printers.queue import INTERRUPTED, JobStatus, PrintJob


class InMemoryPrintJobStore:
    def __init__(self) -> None:
        self._jobs: dict[int, PrintJob] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def add(self, kind: str, ref: str | None, document: str, now: datetime) -> int:
        with self._lock:
            job_id = self._next_id
            self._next_id += 1
            self._jobs[job_id] = PrintJob(job_id, kind, ref, document, JobStatus.PENDING, 0,
                                          None, None, now, now)
            return job_id

    @staticmethod
    def _due(job: PrintJob, now: datetime) -> bool:
        return job.status is JobStatus.PENDING or (
            job.status is JobStatus.FAILED and job.next_attempt_at is not None
            and job.next_attempt_at <= now)

    def claim_next(self, now: datetime) -> PrintJob | None:
        with self._lock:
            for job_id in sorted(self._jobs):
                job = self._jobs[job_id]
                if self._due(job, now):
                    claimed = replace(job, status=JobStatus.PRINTING, attempts=job.attempts + 1,
                                      updated_at=now)
                    self._jobs[job_id] = claimed
                    return claimed
        return None

    def _update(self, job_id: int, **changes: object) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)  # type: ignore[arg-type]

    def mark_done(self, job_id: int, now: datetime) -> None:
        self._update(job_id, status=JobStatus.DONE, last_error=None, next_attempt_at=None,
                     updated_at=now)

    def mark_failed(self, job_id: int, error: str, retry_at: datetime | None,
                    now: datetime) -> None:
        self._update(job_id, status=JobStatus.FAILED, last_error=error,
                     next_attempt_at=retry_at, updated_at=now)

    def defer_waiting(self, error: str, retry_at: datetime, now: datetime) -> int:
        changed = 0
        with self._lock:
            for job_id, job in self._jobs.items():
                waiting = job.status is JobStatus.PENDING or (
                    job.status is JobStatus.FAILED and job.next_attempt_at is not None
                    and job.next_attempt_at < retry_at)
                if waiting:
                    self._jobs[job_id] = replace(job, status=JobStatus.FAILED, last_error=error,
                                                 next_attempt_at=retry_at, updated_at=now)
                    changed += 1
        return changed

    def retry(self, job_id: int, now: datetime) -> bool:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status is not JobStatus.FAILED:
                return False
            self._jobs[job_id] = replace(job, next_attempt_at=now, updated_at=now)
            return True

    def recover_interrupted(self, now: datetime) -> int:
        changed = 0
        with self._lock:
            for job_id, job in self._jobs.items():
                if job.status is JobStatus.PRINTING:
                    self._jobs[job_id] = replace(job, status=JobStatus.FAILED,
                                                 last_error=INTERRUPTED, next_attempt_at=None,
                                                 updated_at=now)
                    changed += 1
        return changed

    def get(self, job_id: int) -> PrintJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def find_by_ref(self, kind: str, ref: str) -> PrintJob | None:
        with self._lock:
            matches = [j for j in self._jobs.values() if j.kind == kind and j.ref == ref]
        return max(matches, key=lambda j: j.id, default=None)

    def list_jobs(self, statuses: Iterable[JobStatus] | None = None,
                  limit: int = 100) -> list[PrintJob]:
        wanted = set(statuses) if statuses is not None else None
        with self._lock:
            jobs = [j for _, j in sorted(self._jobs.items(), reverse=True)
                    if wanted is None or j.status in wanted]
        return jobs[:limit]

    def counts(self) -> dict[JobStatus, int]:
        out: dict[JobStatus, int] = {}
        with self._lock:
            for job in self._jobs.values():
                out[job.status] = out.get(job.status, 0) + 1
        return out

    def next_retry_at(self) -> datetime | None:
        with self._lock:
            times = [j.next_attempt_at for j in self._jobs.values()
                     if j.status is JobStatus.FAILED and j.next_attempt_at is not None]
        return min(times, default=None)

"""``PrintJobStore`` over the till's SQLite ``print_jobs`` table (SQLAlchemy Core).

The table belongs to the till's Alembic migrations; this module only reads and writes it:
``print_jobs(id INTEGER PRIMARY KEY, kind, ref, document, status, attempts, last_error,
next_attempt_at, created_at, updated_at)``. Times are written as UTC ISO-8601 with
microseconds (``2026-11-28T13:31:05.123456+00:00``) so text comparison orders them.

Claiming is one ``UPDATE ... WHERE id = (SELECT ...) RETURNING``: a single statement is
atomic in SQLite, so two workers could never take the same job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, func, select, text
from sqlalchemy.engine import Connection

from pos_printers.queue import INTERRUPTED, JobStatus, PrintJob

metadata = MetaData()
print_jobs = Table(
    "print_jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("ref", Text),
    Column("document", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

_DUE = ("(status = 'pending' OR (status = 'failed' AND next_attempt_at IS NOT NULL "
        "AND next_attempt_at <= :now))")
_COLUMNS = "id, kind, ref, document, status, attempts, last_error, next_attempt_at, " \
           "created_at, updated_at"


def stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("print job times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _job(row: Mapping[Any, Any]) -> PrintJob:
    created = _parse(row["created_at"])
    updated = _parse(row["updated_at"])
    assert created is not None
    assert updated is not None
    return PrintJob(id=row["id"], kind=row["kind"], ref=row["ref"], document=row["document"],
                    status=JobStatus(row["status"]), attempts=row["attempts"],
                    last_error=row["last_error"], next_attempt_at=_parse(row["next_attempt_at"]),
                    created_at=created, updated_at=updated)


def insert_job(conn: Connection, kind: str, ref: str | None, document: str,
               now: datetime) -> int:
    """Add a pending job on an open connection, e.g. inside the sale's own transaction."""
    result = conn.execute(print_jobs.insert().values(
        kind=kind, ref=ref, document=document, status=JobStatus.PENDING.value, attempts=0,
        last_error=None, next_attempt_at=None, created_at=stamp(now), updated_at=stamp(now)))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class SqlitePrintJobStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, kind: str, ref: str | None, document: str, now: datetime) -> int:
        with self._engine.begin() as conn:
            return insert_job(conn, kind, ref, document, now)

    def claim_next(self, now: datetime) -> PrintJob | None:
        sql = text(f"UPDATE print_jobs SET status = 'printing', attempts = attempts + 1, "
                   f"updated_at = :now WHERE id = (SELECT id FROM print_jobs WHERE {_DUE} "
                   f"ORDER BY id LIMIT 1) RETURNING {_COLUMNS}")
        with self._engine.begin() as conn:
            row = conn.execute(sql, {"now": stamp(now)}).mappings().first()
        return _job(row) if row is not None else None

    def mark_done(self, job_id: int, now: datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(print_jobs.update().where(print_jobs.c.id == job_id).values(
                status=JobStatus.DONE.value, last_error=None, next_attempt_at=None,
                updated_at=stamp(now)))

    def mark_failed(self, job_id: int, error: str, retry_at: datetime | None,
                    now: datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(print_jobs.update().where(print_jobs.c.id == job_id).values(
                status=JobStatus.FAILED.value, last_error=error,
                next_attempt_at=stamp(retry_at) if retry_at else None, updated_at=stamp(now)))

    def defer_waiting(self, error: str, retry_at: datetime, now: datetime) -> int:
        sql = text("UPDATE print_jobs SET status = 'failed', last_error = :error, "
                   "next_attempt_at = :retry_at, updated_at = :now WHERE status = 'pending' "
                   "OR (status = 'failed' AND next_attempt_at IS NOT NULL "
                   "AND next_attempt_at < :retry_at)")
        with self._engine.begin() as conn:
            result = conn.execute(sql, {"error": error, "retry_at": stamp(retry_at),
                                        "now": stamp(now)})
            return int(result.rowcount)

    def retry(self, job_id: int, now: datetime) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(print_jobs.update().where(
                print_jobs.c.id == job_id, print_jobs.c.status == JobStatus.FAILED.value
            ).values(next_attempt_at=stamp(now), updated_at=stamp(now)))
            return bool(result.rowcount)

    def recover_interrupted(self, now: datetime) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(print_jobs.update().where(
                print_jobs.c.status == JobStatus.PRINTING.value
            ).values(status=JobStatus.FAILED.value, last_error=INTERRUPTED,
                     next_attempt_at=None, updated_at=stamp(now)))
            return int(result.rowcount)

    def get(self, job_id: int) -> PrintJob | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(print_jobs).where(print_jobs.c.id == job_id)
                               ).mappings().first()
        return _job(row) if row is not None else None

    def list_jobs(self, statuses: Iterable[JobStatus] | None = None,
                  limit: int = 100) -> list[PrintJob]:
        query = select(print_jobs).order_by(print_jobs.c.id.desc()).limit(limit)
        if statuses is not None:
            query = query.where(print_jobs.c.status.in_([s.value for s in statuses]))
        with self._engine.connect() as conn:
            return [_job(row) for row in conn.execute(query).mappings()]

    def find_by_ref(self, kind: str, ref: str) -> PrintJob | None:
        """The latest job for a ticket number: its document is what a reprint needs."""
        query = select(print_jobs).where(print_jobs.c.kind == kind, print_jobs.c.ref == ref
                                         ).order_by(print_jobs.c.id.desc()).limit(1)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _job(row) if row is not None else None

    def counts(self) -> dict[JobStatus, int]:
        query = select(print_jobs.c.status, func.count()).group_by(print_jobs.c.status)
        with self._engine.connect() as conn:
            return {JobStatus(status): int(n) for status, n in conn.execute(query)}

    def next_retry_at(self) -> datetime | None:
        query = select(func.min(print_jobs.c.next_attempt_at)).where(
            print_jobs.c.status == JobStatus.FAILED.value,
            print_jobs.c.next_attempt_at.is_not(None))
        with self._engine.connect() as conn:
            return _parse(conn.execute(query).scalar())

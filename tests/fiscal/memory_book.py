"""A FiscalBook in memory (a fake of our own port): the worker's tests against the ARCA
stand-in over HTTP need no database to show the worker's rules."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pos_arca import ArcaMessage
from pos_desktop.fiscal.tasks import Attempt, Authorized, FiscalTask, Original, Queue


@dataclass
class Document:
    task: FiscalTask
    state: str = "pending"  # pending | in_doubt | authorized | rejected
    authorized: Authorized | None = None
    messages: tuple[ArcaMessage, ...] = ()
    original_id: str | None = None
    history: list[str] = field(default_factory=list)


class MemoryBook:
    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}
        self.fault: Mapping[str, Any] | None = None  # the worker's arca_fault
        self._seq = itertools.count(1)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)

    def add(self, block: Mapping[str, Any], *, original_id: str | None = None,
            kind: str = "sale") -> str:
        with self.lock:
            seq = next(self._seq)
            doc_id = f"doc-{seq:04d}"
            task = FiscalTask(document_id=doc_id, seq=seq, source_kind=kind,
                              source_id=f"src-{seq}", ticket=f"0001-{seq:08d}", block=block,
                              created_at=datetime.now(UTC).isoformat())
            self.docs[doc_id] = Document(task, original_id=original_id)
            return doc_id

    # -- the port ---------------------------------------------------------------------
    def pending(self) -> Sequence[FiscalTask]:
        with self.lock:
            out = []
            for doc in sorted(self.docs.values(), key=lambda d: d.task.seq):
                if doc.state not in ("pending", "in_doubt"):
                    continue
                task = replace(doc.task, in_doubt=doc.state == "in_doubt")
                if doc.original_id is not None:
                    original = self.docs[doc.original_id]
                    if original.authorized is None:
                        task = replace(task, waits_for=doc.original_id)
                    else:
                        a = original.authorized
                        task = replace(task, original=Original(
                            int(original.task.block["type"]),
                            int(original.task.block["point_of_sale"]), a.number, a.day))
                out.append(task)
            return out

    def authorized_numbers(self) -> Mapping[Queue, int]:
        with self.lock:
            numbers: dict[Queue, int] = {}
            for doc in self.docs.values():
                if doc.authorized is not None:
                    q = doc.task.queue
                    numbers[q] = max(numbers.get(q, 0), doc.authorized.number)
            return numbers

    def _update(self, task: FiscalTask, note: str, **changes: Any) -> None:
        with self.changed:
            doc = self.docs[task.document_id]
            for name, value in changes.items():
                if name == "attempt":
                    doc.task = replace(doc.task, attempt=value)
                else:
                    setattr(doc, name, value)
            doc.history.append(note)
            self.changed.notify_all()

    def attempting(self, task: FiscalTask, attempt: Attempt) -> None:
        self._update(task, f"attempt {attempt.number}", attempt=attempt)

    def released(self, task: FiscalTask) -> None:
        self._update(task, "released", attempt=None, state="pending")

    def in_doubt(self, task: FiscalTask, reason: str) -> None:
        self._update(task, "in doubt", state="in_doubt")

    def authorized(self, task: FiscalTask, result: Authorized) -> None:
        assert self.docs[task.document_id].authorized is None, "authorized twice"
        self._update(task, f"authorized {result.number}", state="authorized",
                     authorized=result, attempt=None)

    def rejected(self, task: FiscalTask, messages: Sequence[ArcaMessage]) -> None:
        self._update(task, "rejected", state="rejected", messages=tuple(messages),
                     attempt=None)

    def arca_last_caea(self, queue: Queue, number: int) -> None:
        pass  # no CAEA queues given to its workers

    def arca_fault(self, fault: Mapping[str, Any] | None) -> None:
        self.fault = fault

    def issue_caea(self, task: FiscalTask, at: datetime) -> Authorized | None:
        return None  # no CAEA here: the worker's CAE rules alone (tests/caea has the rest)

    # -- for the tests ------------------------------------------------------------------
    def wait(self, predicate: Any, timeout: float = 20.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    def state(self, doc_id: str) -> str:
        return self.docs[doc_id].state

    def number(self, doc_id: str) -> int | None:
        auth = self.docs[doc_id].authorized
        return None if auth is None else auth.number

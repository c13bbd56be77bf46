"""Faults the stand-in can be told to inject, per operation, for the next N calls.

- ``timeout``: the connection is held, unanswered, until the client gives up or the stand-in
  is told to release it (never a fixed sleep);
- ``http500``: an HTTP 500 with no SOAP answer, as a failing gateway sends;
- ``drop``: the connection is closed without an answer;
- ``wsaa_fault``: WSAA answers with its SOAP fault ``code`` (``wsaa.unavailable``,
  ``coe.notAuthorized``…, the texts of :mod:`pos_arca.wsaa_codes`), as Axis sends it;
- ``wsfe_error``: WSFEv1 answers (HTTP 200) with error ``code`` in ``Errors`` (500, 501, 502:
  ARCA's own failures) and nothing else, as it does when its application or database fails;
- ``soap_fault``: WSFEv1 answers HTTP 500 with a ``soap:Server`` fault, as .NET does when
  the service throws.

``count=None`` keeps a fault armed until ``clear()``: ARCA failing every request.

``processed`` says whether ARCA did the work before failing to answer: a held or dropped
FECAESolicitar that was processed has authorized the comprobante; one that was not, has not.
By default ``drop`` is processed (authorize then drop) and the other two are not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    TIMEOUT = "timeout"
    HTTP_500 = "http500"
    DROP = "drop"
    WSAA_FAULT = "wsaa_fault"
    WSFE_ERROR = "wsfe_error"
    SOAP_FAULT = "soap_fault"

    @property
    def answers(self) -> bool:
        """ARCA answers (with a fault) instead of failing to: never processed."""
        return self in (FaultKind.WSAA_FAULT, FaultKind.WSFE_ERROR, FaultKind.SOAP_FAULT)


_DEFAULT_CODES = {FaultKind.WSAA_FAULT: "wsaa.unavailable", FaultKind.WSFE_ERROR: "501"}


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    processed: bool
    code: str = ""


class FaultPlan:
    def __init__(self) -> None:
        self._armed: dict[str, list[Fault]] = {}
        self._always: dict[str, Fault] = {}  # armed with count=None: until clear()
        self._released = 0
        self._held = 0
        self._stopping = False
        self._condition = threading.Condition()

    def arm(self, operation: str, kind: FaultKind | str, *, count: int | None = 1,
            processed: bool | None = None, code: str | None = None) -> None:
        kind = FaultKind(kind)
        fault = Fault(kind, False if kind.answers else
                      kind is FaultKind.DROP if processed is None else processed,
                      code or _DEFAULT_CODES.get(kind, ""))
        with self._condition:
            if count is None:
                self._always[operation] = fault
            else:
                self._armed.setdefault(operation, []).extend([fault] * count)

    def take(self, operation: str) -> Fault | None:
        with self._condition:
            queue = self._armed.get(operation)
            return queue.pop(0) if queue else self._always.get(operation)

    def pending(self) -> dict[str, list[str]]:
        with self._condition:
            armed = {op: [f.kind.value for f in faults] for op, faults in self._armed.items()
                     if faults}
            for op, fault in self._always.items():
                armed.setdefault(op, []).append(f"{fault.kind.value} until cleared")
            return armed

    def clear(self) -> None:
        with self._condition:
            self._armed.clear()
            self._always.clear()

    def release(self) -> None:
        """Let every held connection go on (they are then answered, late)."""
        with self._condition:
            self._released += 1
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()

    def hold(self, client_connected: Callable[[], bool]) -> bool:
        """Wait until released (True) or the client or the stand-in went away (False)."""
        with self._condition:
            start = self._released
            self._held += 1
            self._condition.notify_all()
            try:
                while self._released == start and not self._stopping:
                    # Woken by release/stop; the short wait only re-checks the client's socket.
                    self._condition.wait(0.05)
                    if not client_connected():
                        return False
                return not self._stopping
            finally:
                self._held -= 1
                self._condition.notify_all()

    @property
    def held(self) -> int:
        """Connections being held right now."""
        with self._condition:
            return self._held

    def wait_held(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Wait until ``count`` connections are held (tests release them only then)."""
        with self._condition:
            return self._condition.wait_for(lambda: self._held >= count, timeout)

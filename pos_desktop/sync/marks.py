"""Recording the broker's answers in the outbox, on a thread of its own.

Marking rows ``sent`` costs an fsync (``synchronous=FULL``); done on the publisher's I/O
loop, every fsync would stall publishing and confirm handling. Here the loop only hands
over (acked, refused) and goes on; this thread merges whatever has piled up into ONE
transaction. The order of events on the wire is untouched: only the bookkeeping moves.

Test hook: ``POS_SYNC_TEST_CRASH=after_confirm`` SIGKILLs the process here, after the
broker confirmed and before the rows are marked (see ``publisher.py``).
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from collections.abc import Callable

from pos_desktop.store.outbox import OutboxQueue

log = logging.getLogger(__name__)
CRASH_ENV = "POS_SYNC_TEST_CRASH"

Batch = tuple[list[int], dict[int, str]]


class MarkWriter:
    def __init__(
        self,
        outbox: OutboxQueue,
        *,
        on_recorded: Callable[[list[int], dict[int, str]], None],
        on_error: Callable[[Exception, list[int]], None],
    ) -> None:
        self.outbox = outbox
        self.on_recorded = on_recorded
        self.on_error = on_error
        self._queue: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._unwritten = 0
        self._thread: threading.Thread | None = None

    def put(self, acked: list[int], refused: dict[int, str]) -> None:
        if not acked and not refused:
            return
        with self._idle:
            self._unwritten += 1
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="sync-marks", daemon=True)
            self._thread.start()
        self._queue.put((acked, refused))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every batch handed over is written (or failed)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unwritten == 0, timeout)

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(10)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batches = [item]
            while True:  # everything that piled up goes in the same transaction
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batches.append(more)
            acked = [seq for a, _r in batches for seq in a]
            refused = {seq: why for _a, r in batches for seq, why in r.items()}
            self._write(acked, refused)
            with self._idle:
                self._unwritten -= len(batches)
                self._idle.notify_all()

    def _write(self, acked: list[int], refused: dict[int, str]) -> None:
        if acked and os.environ.get(CRASH_ENV) == "after_confirm":
            log.warning("test hook %s: killing the process before marking", CRASH_ENV)
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        try:
            self.outbox.record(acked, refused)
        except Exception as exc:  # database busy or full: the rows stay pending
            log.exception("could not mark %d confirmed events", len(acked))
            self.on_error(exc, [*acked, *refused])
            return
        self.on_recorded(acked, refused)

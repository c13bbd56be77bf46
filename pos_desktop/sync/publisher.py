"""The outbox publisher: sends the till's events to head office, at least once, in order.

Two parts along their seam: ``connection.BrokerLink`` supervises the connection (the
broker's addresses and failover between a cluster's nodes, backoff and breaker, the link
state the status bar shows) and ``confirms.ConfirmWindow`` publishes on the channel it is
given, up to ``window`` events awaiting the broker's confirm, and marks rows ``sent``
only after it (invariant 6). This class puts them together on one thread and runs the
one-off ``drain`` of ``pos-desktop sync push``.

Test hook (documented, off unless set): ``POS_SYNC_TEST_CRASH=after_confirm`` kills the
process with SIGKILL after the broker confirmed a batch and before the rows are marked
``sent`` (``marks.py``), to prove that such events are sent again and applied once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pos_common.i18n import _, explain
from pos_desktop import __version__
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.confirms import FAILED_RETRY_INTERVAL, ConfirmWindow
from pos_desktop.sync.connection import BrokerLink
from pos_desktop.sync.marks import MarkWriter
from pos_desktop.sync.settings import SecretReader, SyncSettings
from pos_desktop.sync.status import Link, SyncState

APP_ID = f"pos-desktop/{__version__}"


@dataclass(frozen=True, slots=True)
class DrainResult:
    confirmed: int  # events the broker confirmed (and now marked sent)
    refused: int  # events returned or nacked (kept as failed)
    remaining: int  # events still not sent after the drain
    error: str | None  # why the drain stopped early, if it did

    @property
    def complete(self) -> bool:
        return self.remaining == 0 and self.error is None


class OutboxPublisher:
    """Publishes the outbox; ``start()`` runs it on its own thread until ``stop()``."""

    def __init__(
        self,
        settings: SyncSettings,
        queue: OutboxQueue,
        *,
        password: SecretReader = lambda: None,
        backoff: Backoff | None = None,
        breaker: CircuitBreaker | None = None,
        app_id: str = APP_ID,
        failed_retry_interval: float = FAILED_RETRY_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.window = ConfirmWindow(
            queue,
            exchange=settings.events_exchange,
            window=settings.window,
            app_id=app_id,
            failed_retry_interval=failed_retry_interval,
            clock=clock,
            on_mark_error=self._mark_failed,
        )
        self.connection = BrokerLink(
            settings, self.window, password=password, backoff=backoff, breaker=breaker
        )
        self._thread: threading.Thread | None = None

    # -- what the till and the tests read -------------------------------------------
    @property
    def marks(self) -> MarkWriter:
        return self.window.marks

    @property
    def confirmed_total(self) -> int:
        return self.window.confirmed_total

    @property
    def refused_total(self) -> int:
        return self.window.refused_total

    @property
    def max_in_flight(self) -> int:
        return self.window.max_in_flight

    @property
    def clock(self) -> Callable[[], float]:
        return self.window.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self.window.clock = clock

    def link(self) -> Link:
        return self.connection.link()

    def on_link_change(self, callback: Callable[[Link], None]) -> None:
        self.connection.on_link_change(callback)

    # -- the thread's life -------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self.connection.stopping.clear()
        self._thread = threading.Thread(
            target=self.connection.run_forever, name="sync-publisher", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.connection.stop_soon()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.marks.wait_idle(timeout)
        self.marks.stop()

    def wake(self) -> None:
        """Something was written to the outbox: send it now (safe from any thread)."""
        self.connection.wake()

    def run_forever(self) -> None:
        self.connection.run_forever()

    def drain(self, timeout: float = 60.0) -> DrainResult:
        """Send everything pending (and retry refused events) once, then return.

        Runs in the calling thread (``pos-desktop sync push``); reconnects with backoff
        (through every address) until ``timeout`` if the broker is unreachable.
        """
        link, window = self.connection, self.window
        deadline = time.monotonic() + timeout
        window.draining = True
        confirmed_before, refused_before = self.confirmed_total, self.refused_total
        try:
            while not link.stopping.is_set():
                link.session(deadline=deadline)
                if window.drained or link.config_error or time.monotonic() >= deadline:
                    break
                delay = min(link.backoff.next_delay(), max(0.0, deadline - time.monotonic()))
                link.sleep(delay, wakeable=False)
        finally:
            window.draining = False
        self.marks.wait_idle(max(5.0, deadline - time.monotonic()))
        remaining = self.queue.unsent_count()
        error = None if window.drained else (self.link().error or "tiempo agotado")
        return DrainResult(
            confirmed=self.confirmed_total - confirmed_before,
            refused=self.refused_total - refused_before,
            remaining=remaining,
            error=error,
        )

    def _mark_failed(self, error: Exception) -> None:
        """The mark writer could not record the confirms: the rows stay pending and a new
        connection sends them again (duplicates are harmless: central applies each once)."""
        self.connection.set_link(SyncState.ERROR, _("the sending could not be recorded: {error}")
                                 .format(error=explain(error)))
        self.connection.call_in_loop(self.connection.close)

"""The outbox publisher: sends the till's events to head office, at least once, in order.

One thread, one pika ``SelectConnection`` with its own ioloop. Events leave in ``seq``
order as persistent, ``mandatory`` messages with ``message_id`` = ``event_id``; up to
``window`` of them are in flight awaiting the broker's publisher confirm, so a catch-up
of thousands of sales costs a handful of round trips, not one per event. A row is marked
``sent`` only after its confirm (invariant 6), in one transaction per batch of confirms.
A message the broker returns (no queue bound: ``mandatory``) or nacks is marked
``failed`` with the reason — kept, shown in the status bar, and tried again later.

Offline is normal: a failed connection waits (backoff with jitter; a circuit breaker
after repeated failures) and tries again; ``wake()`` after a sale cuts a wait short and
makes a connected publisher look at the outbox at once. A broker in alarm (memory or
disk) blocks publishers; ``blocked_connection_timeout`` turns that into a reconnect
instead of a hang.

The marks are written by ``marks.MarkWriter`` on a thread of its own (the fsync stays off
the I/O loop). Test hook (documented, off unless set): ``POS_SYNC_TEST_CRASH=after_confirm``
kills the process with SIGKILL there, after the broker confirmed a batch and before the
rows are marked ``sent``, to prove that such events are sent again and applied once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pika
import pika.channel
import pika.exceptions
import pika.frame
import pika.spec
from pika.adapters.select_connection import SelectConnection

from pos_common import tracing
from pos_common.i18n import _
from pos_contracts.wire import CONTENT_TYPE, SENT_AT_HEADER, TRACEPARENT_HEADER
from pos_desktop import __version__
from pos_desktop.store.outbox import OutboxEvent, OutboxQueue
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.marks import MarkWriter
from pos_desktop.sync.reasons import describe, server_in_alarm
from pos_desktop.sync.settings import SecretReader, SyncSettings, connection_url, redact
from pos_desktop.sync.status import Link, SyncState

log = logging.getLogger(__name__)
APP_ID = f"pos-desktop/{__version__}"
FAILED_RETRY_INTERVAL = 60.0  # seconds between new tries of refused events
PUMP_CHUNK = 1000  # events read and published per turn of the I/O loop
WAKE_GAP = 2.0  # seconds: the shortest wait between two connection attempts a sale can cause


@dataclass(frozen=True, slots=True)
class DrainResult:
    confirmed: int  # events the broker confirmed (and now marked sent)
    refused: int  # events returned or nacked (kept as failed)
    remaining: int  # events still not sent after the drain
    error: str | None  # why the drain stopped early, if it did

    @property
    def complete(self) -> bool:
        return self.remaining == 0 and self.error is None


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _epoch(occurred_at: str) -> int:
    try:
        return int(datetime.fromisoformat(occurred_at).timestamp())
    except ValueError:
        return int(time.time())


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
        self.password = password
        self.backoff = backoff or Backoff()
        self.breaker = breaker or CircuitBreaker()
        self.app_id = app_id
        self.failed_retry_interval = failed_retry_interval
        self.clock = clock  # stamped on each message: head office compares it with its own
        self.confirmed_total = 0
        self.refused_total = 0
        self.max_in_flight = 0  # the widest confirm window seen (a catch-up pipelines)
        self.marks = MarkWriter(queue, on_recorded=self._recorded, on_error=self._mark_failed)
        self._stop = threading.Event()
        self._wakeup = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._link = Link(SyncState.OFFLINE, "todavía sin conectar", _utc_now())
        self._conn: SelectConnection | None = None
        self._session_ok = False
        self._draining = False
        self._on_change: list[Callable[[Link], None]] = []
        self._reset_session()

    # -- the thread's life -------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="sync-publisher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wakeup.set()
        self._call_in_loop(self._close)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.marks.wait_idle(timeout)
        self.marks.stop()

    def wake(self) -> None:
        """Something was written to the outbox: send it now (safe from any thread)."""
        self._wakeup.set()
        self._call_in_loop(self._pump)

    def link(self) -> Link:
        with self._lock:
            return self._link

    def on_link_change(self, callback: Callable[[Link], None]) -> None:
        self._on_change.append(callback)

    def run_forever(self) -> None:
        while not self._stop.is_set():
            if not self.breaker.allows():
                self._sleep(self.breaker.remaining(), wakeable=False)
                continue
            self._session()
            if self._stop.is_set():
                break
            if self._session_ok:
                self.backoff.reset()
                self.breaker.record_success()
            else:
                self.breaker.record_failure()
            # A sale while offline may cut the wait short, but not more often than
            # every WAKE_GAP seconds: a busy till must not turn into a connection storm.
            delay = self.backoff.next_delay()
            if self.breaker.allows():
                self._sleep(min(delay, WAKE_GAP), wakeable=False)
                self._sleep(max(0.0, delay - WAKE_GAP), wakeable=True)
            else:
                self._sleep(delay, wakeable=False)

    def drain(self, timeout: float = 60.0) -> DrainResult:
        """Send everything pending (and retry refused events) once, then return.

        Runs in the calling thread (``pos-desktop sync push``); reconnects with backoff
        until ``timeout`` if the broker is unreachable.
        """
        deadline = time.monotonic() + timeout
        self._draining = True
        confirmed_before, refused_before = self.confirmed_total, self.refused_total
        try:
            while not self._stop.is_set():
                self._session(deadline=deadline)
                if self._drained or self._config_error or time.monotonic() >= deadline:
                    break
                delay = min(self.backoff.next_delay(), max(0.0, deadline - time.monotonic()))
                self._sleep(delay, wakeable=False)
        finally:
            self._draining = False
        self.marks.wait_idle(max(5.0, deadline - time.monotonic()))
        remaining = self.queue.unsent_count()
        error = None if self._drained else (self.link().error or "tiempo agotado")
        return DrainResult(
            confirmed=self.confirmed_total - confirmed_before,
            refused=self.refused_total - refused_before,
            remaining=remaining,
            error=error,
        )

    def _sleep(self, seconds: float, *, wakeable: bool) -> None:
        """Wait ``seconds`` (less if stopped, or if ``wakeable`` and ``wake()`` was called)."""
        end = time.monotonic() + seconds
        while not self._stop.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            if not wakeable:
                self._stop.wait(min(left, 0.5))
            elif self._wakeup.wait(min(left, 0.5)):
                self._wakeup.clear()
                return

    def _set_link(self, state: SyncState, error: str | None = None) -> None:
        with self._lock:
            if self._link.state is state and self._link.error == error:
                return
            self._link = Link(state, error, _utc_now())
            link = self._link
        level = logging.INFO if state is SyncState.ONLINE else logging.WARNING
        log.log(
            level, "sync link %s", state.value, extra={"sync_state": state.value, "reason": error}
        )
        for callback in self._on_change:
            callback(link)

    # -- one connection ----------------------------------------------------------------
    def _reset_session(self) -> None:
        self._channel: pika.channel.Channel | None = None
        self._inflight: OrderedDict[int, OutboxEvent] = OrderedDict()  # delivery tag → event
        self._next_tag = 1
        self._cursor = 0  # highest pending seq published on this channel
        self._returned: dict[int, str] = {}  # seq → why the broker returned it
        self._acked: list[int] = []
        self._refused: dict[int, str] = {}
        self._flush_scheduled = False
        self._last_failed_retry = 0.0
        self._drained = False
        self._session_ok = False
        self._deadline: float | None = None
        self._channel_error: str | None = None  # why the broker closed our channel
        self._config_error: str | None = None  # a problem only a person can fix
        self._user_id: str | None = None  # the broker user, sent as each message's user_id

    def _session(self, deadline: float | None = None) -> None:
        self._reset_session()
        self._wakeup.clear()  # this session reads the whole outbox anyway
        self._deadline = deadline
        try:
            url = connection_url(self.settings.amqp_url, self.password)
            params = pika.URLParameters(url)
        except Exception as exc:  # a missing keyring or a bad URL: shown, not raised
            self._config_error = str(exc)
            self._set_link(SyncState.ERROR, self._config_error)
            return
        params.blocked_connection_timeout = self.settings.blocked_timeout
        params.heartbeat = self.settings.heartbeat
        params.connection_attempts = 1
        params.socket_timeout = 5
        params.client_properties = {"connection_name": self.settings.connection_name}
        # Every message carries the user it is published as: RabbitMQ refuses a user_id
        # that is not the connection's, and central holds that user to this terminal.
        self._user_id = str(getattr(params.credentials, "username", "") or "") or None
        conn = SelectConnection(
            params,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        with self._lock:
            self._conn = conn
        try:
            if self._stop.is_set():
                return
            conn.ioloop.start()
        finally:
            with self._lock:
                self._conn = None
            conn.ioloop.close()

    def _call_in_loop(self, callback: Callable[[], None]) -> None:
        with self._lock:
            conn = self._conn
        if conn is None:
            return
        try:
            conn.ioloop.add_callback_threadsafe(callback)
        except Exception:  # the loop is closing: the next session reads the outbox anyway
            log.debug("publisher loop closed; wake-up ignored")

    def _close(self) -> None:
        conn = self._conn
        if conn is None:
            return
        if conn.is_open:
            conn.close()
        elif conn.is_closed:
            conn.ioloop.stop()

    def _on_open(self, conn: pika.connection.Connection) -> None:
        conn.add_on_connection_blocked_callback(self._on_blocked)
        conn.add_on_connection_unblocked_callback(self._on_unblocked)
        conn.channel(on_open_callback=self._on_channel_open)

    def _on_open_error(self, conn: pika.connection.Connection, error: BaseException) -> None:
        refused = (pika.exceptions.ProbableAuthenticationError,
                   pika.exceptions.ProbableAccessDeniedError)
        if isinstance(error, refused):  # waiting will not fix a wrong password
            self._config_error = describe(error)
            self._set_link(SyncState.ERROR, self._config_error)
        else:
            self._set_link(SyncState.OFFLINE, describe(error))
        conn.ioloop.stop()

    def _on_closed(self, conn: pika.connection.Connection, reason: BaseException) -> None:
        self._flush()  # confirms that arrived before the close still count
        if not self._stop.is_set() and not self._drained and self._channel_error is None:
            self._set_link(SyncState.OFFLINE, describe(reason))
        conn.ioloop.stop()

    def _on_blocked(self, conn: pika.connection.Connection, frame: Any) -> None:
        self._set_link(SyncState.ERROR, server_in_alarm())

    def _on_unblocked(self, conn: pika.connection.Connection, frame: Any) -> None:
        self._set_link(SyncState.ONLINE)

    def _on_channel_open(self, channel: pika.channel.Channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, frame: pika.frame.Method[Any]) -> None:
        self._session_ok = True
        self._set_link(SyncState.ONLINE)
        self._pump()
        self._tick()

    def _on_channel_closed(self, channel: pika.channel.Channel, reason: BaseException) -> None:
        # 404 (exchange missing) or 403 (no permission): a configuration problem at head
        # office; the events stay pending and the status bar says why.
        self._channel = None
        if not self._stop.is_set() and not self._drained:
            self._channel_error = describe(reason)
            self._set_link(SyncState.ERROR, self._channel_error)
        conn = self._conn
        if conn is not None and conn.is_open:
            conn.close()

    def _tick(self) -> None:
        """Poll the outbox now and then: writes by other processes wake no one."""
        conn = self._conn
        if conn is None or not conn.is_open or self._channel is None:
            return
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._set_link(self._link.state, "tiempo agotado esperando confirmaciones")
            conn.close()
            return
        self._pump()
        conn.ioloop.call_later(self.settings.poll_interval, self._tick)

    # -- publishing --------------------------------------------------------------------
    def _pump(self) -> None:
        channel = self._channel
        if channel is None or not channel.is_open or self._stop.is_set():
            return
        room = min(PUMP_CHUNK, self.settings.window - len(self._inflight))
        if room <= 0:
            return
        batch: list[OutboxEvent] = []
        now = time.monotonic()
        if now - self._last_failed_retry >= self.failed_retry_interval:
            self._last_failed_retry = now
            busy = {event.seq for event in self._inflight.values()}
            batch = [e for e in self.queue.failed(room) if e.seq not in busy]
            room -= len(batch)
        fresh = self.queue.pending_after(self._cursor, room) if room > 0 else []
        batch.extend(fresh)
        for event in batch:
            self._publish(channel, event)
        if fresh:
            self._cursor = fresh[-1].seq
        self.max_in_flight = max(self.max_in_flight, len(self._inflight))
        if len(batch) == room and self._conn is not None:
            # More may be waiting: let the loop write this chunk (and read confirms)
            # before reading the next one, so the socket is busy while we read.
            self._conn.ioloop.call_later(0, self._pump)
        if batch:
            log.info(
                "published %d events",
                len(batch),
                extra={
                    "first_seq": batch[0].seq,
                    "last_seq": batch[-1].seq,
                    "in_flight": len(self._inflight),
                    "trace_ids": [e.trace_id for e in batch],
                },
            )
        elif self._draining and not self._inflight and not self._acked and not self._refused:
            self._drained = True
            if channel.connection.is_open:
                channel.connection.close()

    def _publish(self, channel: pika.channel.Channel, event: OutboxEvent) -> None:
        properties = pika.BasicProperties(
            content_type=CONTENT_TYPE,
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=event.event_id,
            type=event.type,
            timestamp=_epoch(event.occurred_at),
            app_id=self.app_id,
            user_id=self._user_id,
            headers={
                TRACEPARENT_HEADER: tracing.start_publish(event.traceparent),
                "store_id": event.store_id,
                "terminal_id": event.terminal_id,
                "seq": event.seq,
                SENT_AT_HEADER: int(self.clock() * 1000),
            },
        )
        channel.basic_publish(
            self.settings.events_exchange, event.type, event.body, properties, mandatory=True
        )
        self._inflight[self._next_tag] = event
        self._next_tag += 1
        log.debug("event published", extra={"trace_id": event.trace_id, "seq": event.seq})

    def _on_return(
        self,
        channel: pika.channel.Channel,
        method: pika.spec.Basic.Return,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        # RabbitMQ sends basic.return before the basic.ack of the same message.
        seq = int((properties.headers or {}).get("seq", 0))
        self._returned[seq] = (
            f"sin destino en el servidor ({method.reply_code} {method.reply_text}: "
            f"{method.exchange} / {method.routing_key})"
        )

    def _on_confirm(self, frame: pika.frame.Method[Any]) -> None:
        method = frame.method
        tag, multiple = int(method.delivery_tag), bool(method.multiple)
        done: list[OutboxEvent] = []
        if multiple:
            while self._inflight:
                first = next(iter(self._inflight))
                if first > tag:
                    break
                done.append(self._inflight.popitem(last=False)[1])
        elif tag in self._inflight:
            done.append(self._inflight.pop(tag))
        nacked = isinstance(method, pika.spec.Basic.Nack)
        tracing.end_publish(done, refused=nacked)
        for event in done:
            returned = self._returned.pop(event.seq, None)
            if nacked:
                self._refused[event.seq] = _("the server did not accept the event (nack)")
            elif returned is not None:
                self._refused[event.seq] = returned
            else:
                self._acked.append(event.seq)
        if not self._flush_scheduled and (self._acked or self._refused):
            self._flush_scheduled = True
            conn = self._conn
            if conn is not None:
                # After the frames already read: one transaction for many confirms.
                conn.ioloop.call_later(0, self._flush_and_pump)

    def _flush_and_pump(self) -> None:
        self._pump()  # refill the window first: the broker works while we write
        self._flush()
        if self._draining and not self._inflight:
            self._pump()  # nothing left in flight: notice the end of the drain now

    def _flush(self) -> None:
        """Hand the answers gathered so far to the mark writer (one transaction there)."""
        self._flush_scheduled = False
        acked, refused = self._acked, self._refused
        self._acked, self._refused = [], {}
        self.marks.put(acked, refused)

    def _recorded(self, acked: list[int], refused: dict[int, str]) -> None:
        """Called by the mark writer once rows are marked (its thread)."""
        with self._lock:
            self.confirmed_total += len(acked)
            self.refused_total += len(refused)
        if acked:
            log.info("confirmed %d events", len(acked),
                     extra={"first_seq": min(acked), "last_seq": max(acked),
                            "broker": redact(self.settings.amqp_url)})
        for seq, reason in refused.items():
            log.error("event refused by the broker", extra={"seq": seq, "reason": reason})

    def _mark_failed(self, error: Exception, seqs: list[int]) -> None:
        """The rows stay pending; a new connection sends them again (duplicates are
        harmless: central applies each event once)."""
        self._set_link(SyncState.ERROR, f"no se pudo registrar el envío: {error}")
        self._call_in_loop(self._close)

"""Connection supervision for the outbox publisher: which broker address, when to try
again, and what the status bar says.

One thread, one pika ``SelectConnection`` at a time with its own ioloop. The addresses
(``sync.amqp_url``: one URL, or a cluster's nodes separated by commas) are tried in turn,
starting with the one that last worked; an address that refuses or drops the connection
sends the next attempt to the next node at once, so a dead node of a cluster costs one
failed attempt, not a backoff. When every address failed the link is offline: it waits
(backoff with jitter; a circuit breaker after repeated failures) and tries again;
``wake()`` after a sale cuts a wait short. A broker in alarm (memory or disk) blocks
publishers; ``blocked_connection_timeout`` turns that into a reconnect instead of a hang.
A wrong password or a refused certificate is an error for a person (no other node will
take it either); the events stay pending.

Each open channel is handed to the confirm window (``confirms.ConfirmWindow``), which
publishes and books the confirms. After the broker refused events the window asks for a
new channel (``_renew_channel``): it opens on the same connection and the old one closes,
without the link going offline.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pika
import pika.channel
import pika.connection
import pika.exceptions
from pika.adapters.select_connection import SelectConnection

from pos_common.i18n import N_, _, explain
from pos_contracts.brokers import Failover
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.confirms import ConfirmWindow
from pos_desktop.sync.reasons import describe, innermost, server_in_alarm
from pos_desktop.sync.settings import SecretReader, SyncSettings, connection_url
from pos_desktop.sync.status import Link, SyncState

log = logging.getLogger("pos_desktop.sync.publisher")
WAKE_GAP = 2.0  # seconds: the shortest wait between two connection attempts a sale can cause


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BrokerLink:
    """Keeps one connection to one of the broker's addresses and gives its channel to
    ``window``."""

    def __init__(
        self,
        settings: SyncSettings,
        window: ConfirmWindow,
        *,
        password: SecretReader = lambda: None,
        backoff: Backoff | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.settings = settings
        self.window = window
        self.password = password
        self.backoff = backoff or Backoff()
        self.breaker = breaker or CircuitBreaker()
        try:
            self.addresses: Failover | None = Failover.of(settings.amqp_url)
        except ValueError:
            self.addresses = None  # shown as a configuration error by the first session
        self.stopping = threading.Event()
        self._wakeup = threading.Event()
        self._lock = threading.Lock()
        self._link = Link(SyncState.OFFLINE, N_("not connected yet"), _utc_now())
        self._conn: SelectConnection | None = None
        self._on_change: list[Callable[[Link], None]] = []
        self._reset_session(None)

    # -- state shown to the till --------------------------------------------------
    def link(self) -> Link:
        with self._lock:
            return self._link

    def on_link_change(self, callback: Callable[[Link], None]) -> None:
        self._on_change.append(callback)

    def set_link(self, state: SyncState, error: str | None = None) -> None:
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

    @property
    def session_ok(self) -> bool:
        """The last session reached confirm mode on some address."""
        return self._session_ok

    @property
    def config_error(self) -> str | None:
        return self._config_error

    # -- waiting ------------------------------------------------------------------
    def stop_soon(self) -> None:
        """Ask the thread to end: the connection closes, waits end (any thread)."""
        self.stopping.set()
        self._wakeup.set()
        self.call_in_loop(self.close)

    def wake(self) -> None:
        self._wakeup.set()
        self.call_in_loop(self.window.pump)

    def sleep(self, seconds: float, *, wakeable: bool) -> None:
        """Wait ``seconds`` (less if stopped, or if ``wakeable`` and ``wake()`` was called)."""
        end = time.monotonic() + seconds
        while not self.stopping.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            if not wakeable:
                self.stopping.wait(min(left, 0.5))
            elif self._wakeup.wait(min(left, 0.5)):
                self._wakeup.clear()
                return

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            if not self.breaker.allows():
                self.sleep(self.breaker.remaining(), wakeable=False)
                continue
            self.session()
            if self.stopping.is_set():
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
                self.sleep(min(delay, WAKE_GAP), wakeable=False)
                self.sleep(max(0.0, delay - WAKE_GAP), wakeable=True)
            else:
                self.sleep(delay, wakeable=False)

    # -- one session: each address in turn until one holds --------------------------
    def _reset_session(self, deadline: float | None) -> None:
        self._session_ok = False
        self._deadline = deadline
        self._channel_error: str | None = None  # why the broker closed our channel
        self._config_error: str | None = None  # a problem only a person can fix
        self._channel_open = False
        self._channel: pika.channel.Channel | None = None  # the one the window publishes on
        self._ticking = False

    def session(self, deadline: float | None = None) -> None:
        """Connect to the first address that answers and publish until the connection
        ends (or, with ``deadline``, until then)."""
        self._reset_session(deadline)
        self.window.drained = False
        self._wakeup.clear()  # this session reads the whole outbox anyway
        if self.addresses is None:
            self._config_error = _("no server address: {url}").format(
                url=repr(self.settings.amqp_url))
            self.set_link(SyncState.ERROR, self._config_error)
            return
        for url in self.addresses.order():
            self._connect(url)
            timed_out = deadline is not None and time.monotonic() >= deadline
            if self.stopping.is_set() or self.window.drained or timed_out:
                return
            if self._config_error or self._channel_error:
                return  # a person must act; another node would say the same
            # Refused, or lost while publishing (a node died): the next node now, and
            # the next session starts there too. Only when all failed does the link wait.
            self.addresses.failed(url)

    def _connect(self, url: str) -> None:
        self.window.detach()
        self._channel, self._ticking = None, False
        try:
            params = pika.URLParameters(connection_url(url, self.password))
        except Exception as exc:  # a missing keyring or a bad URL: shown, not raised
            self._config_error = explain(exc)
            self.set_link(SyncState.ERROR, self._config_error)
            return
        params.blocked_connection_timeout = self.settings.blocked_timeout
        params.heartbeat = self.settings.heartbeat
        params.connection_attempts = 1
        params.socket_timeout = 5
        params.client_properties = {"connection_name": self.settings.connection_name}
        user_id = str(getattr(params.credentials, "username", "") or "") or None
        conn = SelectConnection(
            params,
            on_open_callback=lambda c: self._on_open(c, url, user_id),
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        with self._lock:
            self._conn = conn
        try:
            if self.stopping.is_set():
                return
            conn.ioloop.start()
        finally:
            with self._lock:
                self._conn = None
            conn.ioloop.close()
            self.window.detach()

    def call_in_loop(self, callback: Callable[[], None]) -> None:
        with self._lock:
            conn = self._conn
        if conn is None:
            return
        try:
            conn.ioloop.add_callback_threadsafe(callback)
        except Exception:  # the loop is closing: the next session reads the outbox anyway
            log.debug("publisher loop closed; wake-up ignored")

    def close(self) -> None:
        """Close the connection (run on the loop: ``call_in_loop(link.close)``)."""
        conn = self._conn
        if conn is None:
            return
        if conn.is_open:
            conn.close()
        elif conn.is_closed:
            conn.ioloop.stop()

    def _on_open(self, conn: pika.connection.Connection, url: str, user_id: str | None) -> None:
        if self.addresses is not None:
            self.addresses.worked(url)
        conn.add_on_connection_blocked_callback(self._on_blocked)
        conn.add_on_connection_unblocked_callback(self._on_unblocked)
        self._open_channel(conn, user_id)

    def _open_channel(self, conn: pika.connection.Connection, user_id: str | None) -> None:
        channel = conn.channel(
            on_open_callback=lambda channel: self._on_channel_open(channel, user_id))
        channel.add_on_close_callback(self._on_channel_closed)  # also if it never opens
        self._channel = channel

    def _on_open_error(self, conn: pika.connection.Connection, error: BaseException) -> None:
        # Waiting (or another node) will fix neither a wrong password nor a certificate
        # the till does not trust: a person must.
        refused = (pika.exceptions.ProbableAuthenticationError,
                   pika.exceptions.ProbableAccessDeniedError, ssl.SSLCertVerificationError)
        if isinstance(innermost(error), refused):
            self._config_error = describe(error)
            self.set_link(SyncState.ERROR, self._config_error)
        else:
            self.set_link(SyncState.OFFLINE, describe(error))
        conn.ioloop.stop()

    def _on_closed(self, conn: pika.connection.Connection, reason: BaseException) -> None:
        self.window.flush()  # confirms that arrived before the close still count
        stopping, drained = self.stopping.is_set(), self.window.drained
        if not stopping and not drained and self._channel_error is None:
            self.set_link(SyncState.OFFLINE, describe(reason))
        conn.ioloop.stop()

    def _on_blocked(self, conn: pika.connection.Connection, frame: Any) -> None:
        self.set_link(SyncState.ERROR, server_in_alarm())

    def _on_unblocked(self, conn: pika.connection.Connection, frame: Any) -> None:
        self.set_link(SyncState.ONLINE)

    def _on_channel_open(self, channel: pika.channel.Channel, user_id: str | None) -> None:
        self._channel_open = True
        self.window.attach(channel, user_id, channel.connection.ioloop.call_later,
                           self._on_confirm_mode, renew=lambda: self._renew_channel(user_id))

    def _renew_channel(self, user_id: str | None) -> None:
        """A new channel for the window, the old one closed (run on the loop)."""
        conn, old = self._conn, self._channel
        if conn is None or not conn.is_open or old is None:
            return
        self.window.detach()
        # The new channel is the current one before the old one closes: that close is no
        # reason to end the connection (``_on_channel_closed``).
        self._open_channel(conn, user_id)
        if old.is_open:
            old.close()

    def _on_confirm_mode(self) -> None:
        self._session_ok = True
        self.set_link(SyncState.ONLINE)
        self.window.pump()
        if not self._ticking:  # one poll per connection, whichever channel is current
            self._ticking = True
            self._tick()

    def _on_channel_closed(self, channel: pika.channel.Channel, reason: BaseException) -> None:
        if channel is not self._channel:
            return  # a channel we replaced (``_renew_channel``)
        # 404 (exchange missing) or 403 (no permission): a configuration problem at head
        # office; the events stay pending and the status bar says why.
        self._channel_open = False
        by_broker = isinstance(reason, pika.exceptions.ChannelClosedByBroker)
        if by_broker and not self.stopping.is_set() and not self.window.drained:
            self._channel_error = describe(reason)
            self.set_link(SyncState.ERROR, self._channel_error)
        conn = self._conn
        if conn is not None and conn.is_open:
            conn.close()

    def _tick(self) -> None:
        """Poll the outbox now and then: writes by other processes wake no one."""
        conn = self._conn
        if conn is None or not conn.is_open or not self._channel_open:
            self._ticking = False
            return
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.set_link(self.link().state, "tiempo agotado esperando confirmaciones")
            conn.close()
            return
        self.window.pump()
        conn.ioloop.call_later(self.settings.poll_interval, self._tick)

"""The catalog listener: head office's product and price changes, applied at the till.

The till reads its own durable queue (``till.<store>.<terminal>.catalog``, bound to the
catalog exchange) so changes published while it was off wait for it. Each
``catalog.changed`` is applied in catalog-version order and acknowledged after the local
commit; a duplicate or older version is acknowledged without effect. A till that is new
(version 0) or sees a version gap fetches the full snapshot over HTTP and resumes from
there. The queue is declared *before* the snapshot is fetched, so a change published
during the download is not lost.

A message the till cannot apply (invalid, beyond the wire limits, or one our code raises
on) is rejected with its reason logged and counted, never retried forever: the listener
goes on with the next, and fetches the snapshot so the till does not stay behind the
change it could not read. The broker drops the rejected message, or dead-letters it
where a policy gives the till queues a dead-letter exchange (pos_desktop/sync/README.md).
Only the till's database being unreachable (busy, disk) leaves a message in the queue.

A change or a snapshot that is readable but cannot be applied as sent (it repeats a sku,
a barcode or a PLU: which product would the code ring up?) is refused whole; the till
keeps the catalogue it had, records that it is behind and why (``catalog_behind``: the
status bar, ``sync status``), and goes on reading its queue. Asking head office for the
same snapshot again would get the same answer, so the listener asks again only at its
next connection, at the next change (a gap) or every ``behind_retry`` seconds: never in a
loop. Once a change or snapshot applies, the till is no longer behind.

Own thread, own pika ``BlockingConnection`` (a catalog change is rare: simplicity wins),
reconnecting with backoff like the publisher.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection
from sqlalchemy.exc import OperationalError

from pos_common.i18n import N_, _, explain
from pos_contracts.brokers import Failover, first_answering
from pos_contracts.caea import CaeaGrant
from pos_contracts.envelope import parse_envelope
from pos_contracts.errors import InvalidEvent
from pos_contracts.limits import CATALOG
from pos_contracts.wire import (
    CAEA_GRANTED,
    CATALOG_CHANGED,
    PEOPLE_CHANGED,
    TILL_CATALOG_QUEUE_ARGUMENTS,
    TILL_SUSPENDED,
)
from pos_desktop.store.uow import DatabaseBusy
from pos_desktop.sync.backoff import Backoff
from pos_desktop.sync.caea_apply import keep_grants
from pos_desktop.sync.catalog_apply import (
    CatalogGap,
    CatalogRefused,
    UowFactory,
    apply_change,
    apply_snapshot,
    local_version,
    parse_products,
)
from pos_desktop.sync.catalog_behind import is_behind, mark_behind
from pos_desktop.sync.people_apply import apply_people, people_version
from pos_desktop.sync.reasons import describe
from pos_desktop.sync.settings import SecretReader, SyncSettings, connection_url
from pos_desktop.sync.snapshot import (
    NoCatalogYet,
    Snapshot,
    SnapshotError,
    SnapshotRefused,
    fetch_snapshot,
)
from pos_desktop.sync.status import Link, SyncState

UNREACHABLE = (pika.exceptions.AMQPConnectionError, OSError)
log = logging.getLogger(__name__)
SnapshotFetcher = Callable[[], Snapshot]


@dataclass
class ListenerStats:
    applied: int = 0  # changes applied
    duplicates: int = 0  # old or repeated versions acknowledged without effect
    snapshots: int = 0  # snapshots fetched and applied
    rejected: int = 0  # messages that were not valid catalog changes
    unexpected: int = 0  # of those, messages our code raised on (see the log)
    people: int = 0  # people lists from head office applied


class CatalogListener:
    def __init__(
        self,
        settings: SyncSettings,
        uow_factory: UowFactory,
        *,
        password: SecretReader = lambda: None,
        token: SecretReader = lambda: None,
        fetch: SnapshotFetcher | None = None,
        backoff: Backoff | None = None,
        on_applied: Callable[[int], None] | None = None,
        on_suspended: Callable[[dict[str, Any]], None] | None = None,
        behind_retry: float = 300.0,
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.password = password
        self.fetch = fetch or (lambda: fetch_snapshot(
            settings.central_url, token=token, store_id=settings.store_id))
        self.backoff = backoff or Backoff()
        self.on_applied = on_applied
        self.on_suspended = on_suspended
        """Called (on the listener's thread) when head office suspends this identity."""
        self.stats = ListenerStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._link = Link(SyncState.OFFLINE, N_("not connected yet"))
        self._behind = False
        """A change was rejected: the snapshot is due (fetched when it can be)."""
        self.behind_retry = behind_retry
        self._retry_at = 0.0
        """While behind: when (monotonic) the snapshot is asked for again after it failed."""
        self._addresses: Failover | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="sync-catalog", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def link(self) -> Link:
        with self._lock:
            return self._link

    def version(self) -> int:
        return local_version(self.uow_factory)

    def _set_link(self, state: SyncState, error: str | None = None) -> None:
        with self._lock:
            changed = (self._link.state, self._link.error) != (state, error)
            self._link = Link(state, error)
        if changed:
            log.log(
                logging.INFO if state is SyncState.ONLINE else logging.WARNING,
                "catalog link %s",
                state.value,
                extra={"reason": error},
            )

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self._session()
                self.backoff.reset()
            except SnapshotError as exc:
                self._set_link(SyncState.ERROR, explain(exc))
            except pika.exceptions.ChannelClosedByBroker as exc:  # e.g. no catalog exchange
                self._set_link(SyncState.ERROR, describe(exc))
            except (pika.exceptions.AMQPError, OSError) as exc:
                self._set_link(SyncState.OFFLINE, describe(exc))
            except Exception as exc:  # never let the thread die silently
                log.exception("catalog listener failed")
                self._set_link(SyncState.ERROR, describe(exc))
            self._stop.wait(self.backoff.next_delay())

    def _connect(self, url: str) -> BlockingConnection:
        params = pika.URLParameters(connection_url(url, self.password))
        params.blocked_connection_timeout = self.settings.blocked_timeout
        params.heartbeat = self.settings.heartbeat
        params.connection_attempts = 1
        params.socket_timeout = 5
        params.client_properties = {"connection_name": self.settings.connection_name + " catalog"}
        return BlockingConnection(params)

    def _session(self) -> None:
        # A cluster: the first node that answers; one lost sends the next try to the next.
        addresses = self._addresses or Failover.of(self.settings.amqp_url)
        self._addresses = addresses
        conn = first_answering(addresses, self._connect, UNREACHABLE)
        try:
            self._listen(conn)
        except UNREACHABLE:
            addresses.failed(addresses.current())
            raise

    def _listen(self, conn: BlockingConnection) -> None:
        try:
            channel = conn.channel()
            queue = self.declare_queue(channel)
            # A new till, or one that never had head office's people (its first start
            # after the upgrade that brought them), takes the snapshot once.
            # So does one that refused head office's catalogue (before a restart, too).
            if (self.version() == 0 or self._behind or is_behind(self.uow_factory)
                    or people_version(self.uow_factory) is None):
                try:
                    self._snapshot()
                except NoCatalogYet as exc:  # the first import will reach the queue
                    log.info("no catalog at head office yet", extra={"reason": str(exc)})
                    self._behind = False
            channel.basic_qos(prefetch_count=20)
            channel.basic_consume(queue, self._on_message)
            self._set_link(SyncState.ONLINE)
            while not self._stop.is_set():
                conn.process_data_events(time_limit=0.5)
                if self._behind and time.monotonic() >= self._retry_at:
                    self._catch_up()
        finally:
            if conn.is_open:
                conn.close()

    def declare_queue(self, channel: BlockingChannel) -> str:
        """The till's own queue, bound to the catalog exchange that central declares."""
        name = self.settings.catalog_queue
        channel.queue_declare(name, durable=True, arguments=dict(TILL_CATALOG_QUEUE_ARGUMENTS))
        channel.queue_bind(name, self.settings.catalog_exchange, CATALOG_CHANGED)
        return name

    def refresh(self) -> int:
        """Fetch and apply the snapshot; returns the till's version afterwards. Raises
        ``SnapshotRefused`` (nothing applied) when it cannot be applied as sent."""
        snapshot = self.fetch()
        try:
            result = apply_snapshot(self.uow_factory, snapshot.version, snapshot.products)
        except CatalogRefused as exc:
            raise SnapshotRefused(
                _("head office's catalogue is not valid: {reason}").format(reason=exc.reason),
                exc.version,
            ) from None
        if snapshot.caeas:  # a new till, or one that missed a caea.granted, gets them here
            keep_grants(self.uow_factory, snapshot.caeas)
        self.stats.snapshots += 1
        # A head office that sends no people (older, or none kept) still answered.
        self.apply_people(snapshot.people or {
            "people_version": 0, "store_id": self.settings.store_id, "people": []})
        log.info(
            "catalog snapshot applied",
            extra={
                "catalog_version": result.version,
                "changed": result.changed,
                "skipped": result.skipped,
            },
        )
        if not result.skipped and self.on_applied is not None:
            self.on_applied(result.version)
        return result.version

    def handle(self, body: bytes) -> None:
        """Apply one message (``catalog.changed`` or ``people.changed``); raises
        SnapshotError if a gap can't be closed now (the message is then left in the
        queue)."""
        try:
            envelope = parse_envelope(body, CATALOG)
        except InvalidEvent as exc:
            self.stats.rejected += 1
            self._fall_behind(exc.header_value, None)
            return
        if envelope.type == CAEA_GRANTED:
            keep_grants(self.uow_factory, [CaeaGrant.from_wire(envelope.payload)])
            return
        if envelope.type == PEOPLE_CHANGED:
            self.apply_people(envelope.payload, envelope.trace_id)
            return
        if envelope.type != CATALOG_CHANGED:
            self.stats.rejected += 1
            log.error("unexpected event on the catalog queue", extra={"type": envelope.type})
            return
        version = int(envelope.payload["catalog_version"])
        items = parse_products(envelope.payload)
        try:
            result = apply_change(self.uow_factory, version, items)
        except CatalogRefused as exc:
            self.stats.rejected += 1
            self._fall_behind(exc.reason, version)
            return
        except CatalogGap as gap:
            log.warning(
                "catalog version gap: fetching the snapshot",
                extra={"have": gap.have, "got": gap.got, "trace_id": envelope.trace_id},
            )
            try:
                if self.refresh() >= version:
                    return
            except SnapshotRefused as exc:  # this change is in the snapshot that will apply
                self._fall_behind(str(exc), version, retry_later=True)
                return
            try:  # the snapshot was older than this change (central lagging)
                result = apply_change(self.uow_factory, version, items)
            except CatalogGap:
                raise SnapshotError(
                    _("head office does not offer version {version} of the catalogue yet").format(
                        version=version)
                ) from None
        if result.skipped:
            self.stats.duplicates += 1
        else:
            self.stats.applied += 1
            if self.on_applied is not None:
                self.on_applied(result.version)
        log.info(
            "catalog change handled",
            extra={
                "catalog_version": version,
                "changed": result.changed,
                "duplicate": result.skipped,
                "trace_id": envelope.trace_id,
            },
        )

    def apply_people(self, payload: dict[str, Any], trace_id: str | None = None) -> None:
        result = apply_people(self.uow_factory, self.settings.store_id, payload)
        if not result.skipped:
            self.stats.people += 1
        log.info(
            "people from head office handled",
            extra={
                "people_version": payload["people_version"],
                "changed": result.changed,
                "skipped": result.skipped,
                "trace_id": trace_id,
            },
        )

    def _on_message(
        self, channel: BlockingChannel, method: Any, properties: Any, body: bytes
    ) -> None:
        try:
            if getattr(properties, "type", None) == TILL_SUSPENDED:
                self._suspended(channel, method, body)
                return
            self.handle(body)
        except (SnapshotError, DatabaseBusy, OperationalError):
            raise  # head office or the till's database away: the connection closes, no ack
        except Exception as exc:  # the last resort: one message never stops the catalogue
            self._reject(channel, method, body, exc)
            return
        channel.basic_ack(method.delivery_tag)
        if self._behind and time.monotonic() >= self._retry_at:
            self._catch_up()

    def _reject(self, channel: BlockingChannel, method: Any, body: bytes, exc: Exception) -> None:
        self.stats.rejected += 1
        self.stats.unexpected += 1
        reason = f"unexpected_error: {type(exc).__name__}: {exc}"[:1000]
        log.error("catalog message rejected: unexpected error", exc_info=exc,
                  extra={"reason": reason, "bytes": len(body)})
        self._fall_behind(reason, None, logged=True)
        channel.basic_reject(method.delivery_tag, requeue=False)
        self._catch_up()

    def _fall_behind(self, reason: str, version: int | None, *, retry_later: bool = False,
                     logged: bool = False) -> None:
        """Head office's catalogue (``version``, when known) was refused: the till keeps
        its own, says so, and fetches the snapshot now, or after ``behind_retry`` when it
        was the snapshot that was refused (asking again at once gets the same)."""
        self._behind = True
        self._retry_at = time.monotonic() + (self.behind_retry if retry_later else 0.0)
        mark_behind(self.uow_factory, reason, version)
        if not logged:
            log.error("catalogue refused: the till stays behind head office",
                      extra={"reason": reason, "catalog_version": version})

    def _snapshot(self) -> None:
        """``refresh``; a snapshot that cannot be applied, or that our code raises on, is
        recorded as the reason the till is behind instead of stopping the listener.
        Head office or the till's database away still raise (retried by the caller)."""
        try:
            self.refresh()
        except SnapshotRefused as exc:
            self._fall_behind(str(exc), exc.version, retry_later=True)
            return
        except (SnapshotError, DatabaseBusy, OperationalError):
            raise
        except Exception as exc:  # the last resort, as for a message: never a crash loop
            reason = f"unexpected_error: {type(exc).__name__}: {exc}"[:1000]
            log.error("catalog snapshot refused: unexpected error", exc_info=exc,
                      extra={"reason": reason})
            self._fall_behind(reason, None, retry_later=True, logged=True)
            return
        self._behind = False

    def _catch_up(self) -> None:
        """After a change that could not be applied: the snapshot, now if head office
        answers, else when the listener next connects, at the next change's gap or after
        ``behind_retry``."""
        try:
            self._snapshot()
        except SnapshotError as exc:
            self._retry_at = time.monotonic() + self.behind_retry
            log.warning("catalog snapshot after a rejected change failed; retried later",
                        extra={"reason": str(exc)})

    def _suspended(self, channel: BlockingChannel, method: Any, body: bytes) -> None:
        """Head office says another till uses this identity. The notice is *not* acked:
        closing the connection puts it back in the queue, where the other till (and this
        one, if it ever connects again as this identity) reads it too."""
        try:
            notice = parse_envelope(body)
        except InvalidEvent as exc:
            log.error("invalid suspension notice ignored", extra={"reason": exc.header_value})
            channel.basic_ack(method.delivery_tag)
            return
        payload = notice.payload
        mine = (self.settings.store_id, self.settings.terminal_id)
        if notice.type != TILL_SUSPENDED or (payload["store_id"], payload["terminal_id"]) != mine:
            log.error("suspension notice for another till ignored", extra={"type": notice.type})
            channel.basic_ack(method.delivery_tag)
            return
        log.error(
            "head office suspended this till: another till uses its identity",
            extra={"store_id": mine[0], "terminal_id": mine[1], "detail": payload["detail"]},
        )
        self._stop.set()  # leaves the loop; the connection closes without the ack
        if self.on_suspended is not None:
            self.on_suspended(payload)

"""The confirm window: the till's events on one channel, in ``seq`` order, up to
``window`` of them in flight awaiting the broker's publisher confirm.

Events leave as persistent, ``mandatory`` messages with ``message_id`` = ``event_id``,
the broker user as ``user_id`` (RabbitMQ refuses any other; central holds that user to
this terminal) and the till's clock at sending (``x-pos-sent-at``). A row is marked
``sent`` only after its confirm (invariant 6), in one transaction per batch of confirms
(``marks.MarkWriter``, on its own thread). A message the broker returns (no queue bound:
``mandatory``) or nacks is marked ``failed`` with the reason, kept, and tried again
every ``failed_retry_interval`` seconds.

The window knows nothing of addresses, reconnection or link state: the connection's
supervisor (``connection.BrokerLink``) hands it each new channel (``attach``) and tells
it when the channel is gone (``detach``). Everything here runs on the I/O loop's thread
except ``MarkWriter``'s callbacks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pika
import pika.channel
import pika.frame
import pika.spec

from pos_common import tracing
from pos_common.i18n import _
from pos_contracts.wire import CONTENT_TYPE, SENT_AT_HEADER, TRACEPARENT_HEADER
from pos_desktop.store.outbox import OutboxEvent, OutboxQueue
from pos_desktop.sync.marks import MarkWriter

log = logging.getLogger("pos_desktop.sync.publisher")
FAILED_RETRY_INTERVAL = 60.0  # seconds between new tries of refused events
PUMP_CHUNK = 1000  # events read and published per turn of the I/O loop

Later = Callable[[float, Callable[[], None]], Any]
"""Run a callback on the I/O loop after some seconds (the connection's ``call_later``)."""


def _epoch(occurred_at: str) -> int:
    try:
        return int(datetime.fromisoformat(occurred_at).timestamp())
    except ValueError:
        return int(time.time())


class ConfirmWindow:
    """Publishes the outbox on the channel it is given and books the confirms."""

    def __init__(
        self,
        queue: OutboxQueue,
        *,
        exchange: str,
        window: int,
        app_id: str,
        failed_retry_interval: float = FAILED_RETRY_INTERVAL,
        clock: Callable[[], float] = time.time,
        on_mark_error: Callable[[Exception], None] = lambda error: None,
    ) -> None:
        self.queue = queue
        self.exchange = exchange
        self.window = window
        self.app_id = app_id
        self.failed_retry_interval = failed_retry_interval
        self.clock = clock  # stamped on each message: head office compares it with its own
        self.on_mark_error = on_mark_error
        self.confirmed_total = 0
        self.refused_total = 0
        self.max_in_flight = 0  # the widest window seen (a catch-up pipelines)
        self.draining = False  # ``drain()``: close the connection once all is confirmed
        self.marks = MarkWriter(queue, on_recorded=self._recorded, on_error=self._mark_failed)
        self._totals = threading.Lock()
        self.drained = False  # set once draining found nothing left (per session)
        self.detach()

    # -- the channel's life ---------------------------------------------------------
    def detach(self) -> None:
        """Forget the channel and what was in flight on it (unconfirmed rows stay pending
        and the next channel sends them again: central applies each event once)."""
        self._channel: pika.channel.Channel | None = None
        self._later: Later | None = None
        self._inflight: OrderedDict[int, OutboxEvent] = OrderedDict()  # delivery tag → event
        self._next_tag = 1
        self._cursor = 0  # highest pending seq published on this channel
        self._returned: dict[int, str] = {}  # seq → why the broker returned it
        self._acked: list[int] = []
        self._refused: dict[int, str] = {}
        self._flush_scheduled = False
        self._last_failed_retry = 0.0
        self._user_id: str | None = None

    def attach(
        self,
        channel: pika.channel.Channel,
        user_id: str | None,
        later: Later,
        on_ready: Callable[[], None],
    ) -> None:
        """Put ``channel`` in confirm mode; ``on_ready`` once it is (it starts pumping)."""
        self.detach()
        self._channel, self._user_id, self._later = channel, user_id, later
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: on_ready())

    @property
    def idle(self) -> bool:
        return not self._inflight and not self._acked and not self._refused

    # -- publishing -----------------------------------------------------------------
    def pump(self) -> None:
        channel = self._channel
        if channel is None or not channel.is_open:
            return
        room = min(PUMP_CHUNK, self.window - len(self._inflight))
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
        if len(batch) == room and self._later is not None:
            # More may be waiting: let the loop write this chunk (and read confirms)
            # before reading the next one, so the socket is busy while we read.
            self._later(0, self.pump)
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
        elif self.draining and self.idle:
            self.drained = True
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
        channel.basic_publish(self.exchange, event.type, event.body, properties, mandatory=True)
        self._inflight[self._next_tag] = event
        self._next_tag += 1
        log.debug("event published", extra={"trace_id": event.trace_id, "seq": event.seq})

    # -- the broker's answers -------------------------------------------------------
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
            if self._later is not None:
                # After the frames already read: one transaction for many confirms.
                self._later(0, self._flush_and_pump)

    def _flush_and_pump(self) -> None:
        self.pump()  # refill the window first: the broker works while we write
        self.flush()
        if self.draining and not self._inflight:
            self.pump()  # nothing left in flight: notice the end of the drain now

    def flush(self) -> None:
        """Hand the answers gathered so far to the mark writer (one transaction there)."""
        self._flush_scheduled = False
        acked, refused = self._acked, self._refused
        self._acked, self._refused = [], {}
        self.marks.put(acked, refused)

    def _recorded(self, acked: list[int], refused: dict[int, str]) -> None:
        """Called by the mark writer once rows are marked (its thread)."""
        with self._totals:
            self.confirmed_total += len(acked)
            self.refused_total += len(refused)
        if acked:
            log.info("confirmed %d events", len(acked),
                     extra={"first_seq": min(acked), "last_seq": max(acked)})
        for seq, reason in refused.items():
            log.error("event refused by the broker", extra={"seq": seq, "reason": reason})

    def _mark_failed(self, error: Exception, seqs: list[int]) -> None:
        """The rows stay pending; a new connection sends them again (duplicates are
        harmless: central applies each event once)."""
        self.on_mark_error(error)

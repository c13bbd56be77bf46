"""The confirm window: the till's events on one channel, in ``seq`` order, up to
``window`` of them in flight awaiting the broker's publisher confirm.

Events leave as persistent, ``mandatory`` messages with ``message_id`` = ``event_id``,
the broker user as ``user_id`` (RabbitMQ refuses any other; central holds that user to
this terminal) and the till's clock at sending (``x-pos-sent-at``). A row is marked
``sent`` only after its confirm (invariant 6), in one transaction per batch of confirms
(``marks.MarkWriter``, on its own thread).

A message the broker returns (no queue bound: ``mandatory``) or nacks is marked
``failed`` with the reason (the status bar shows it) and kept. Such a refusal says how
the broker was at that moment (a full queue, a quorum queue between leaders, a queue
being declared again), not what is wrong with the event, so it is tried again soon: after
a backoff (half a second at first, doubling up to ``failed_retry_interval``) the window
asks for a NEW channel, and each channel sends every unsent row in ``seq`` order, refused
ones included. A new channel, not the same one: on RabbitMQ 3.10 a channel whose first
publish to a quorum queue found its leader's node dead nacks every later publish to that
queue, for as long as it lives, while a new channel on the same connection is accepted
once the queue has its new leader (seen in ``tests/e2e/test_cluster.py``). A one-off
``drain`` sends each refused row once and reports it.

The window knows nothing of addresses, reconnection or link state: the connection's
supervisor (``connection.BrokerLink``) hands it each new channel (``attach``), tells it
when the channel is gone (``detach``) and gives it the way to ask for a new one. Everything
here runs on the I/O loop's thread except ``MarkWriter``'s callbacks.
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
from pos_common.backoff import Backoff
from pos_common.i18n import _
from pos_contracts.wire import CONTENT_TYPE, SENT_AT_HEADER, TRACEPARENT_HEADER
from pos_desktop.store.outbox import OutboxEvent, OutboxQueue
from pos_desktop.sync.marks import MarkWriter

log = logging.getLogger("pos_desktop.sync.publisher")
FAILED_RETRY_INTERVAL = 60.0  # seconds: the longest wait before refused events go again
FIRST_RETRY = 0.5  # seconds: the first wait (a quorum queue elects a leader in about that)
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
        self.retry_backoff = Backoff(base=FIRST_RETRY, cap=failed_retry_interval)
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
        """Forget the channel and what was in flight on it (unconfirmed rows stay unsent
        and the next channel sends them again: central applies each event once)."""
        self._channel: pika.channel.Channel | None = None
        self._later: Later | None = None
        self._renew: Callable[[], None] | None = None
        self._inflight: OrderedDict[int, OutboxEvent] = OrderedDict()  # delivery tag → event
        self._next_tag = 1
        self._cursor = 0  # highest unsent seq published on this channel
        self._returned: dict[int, str] = {}  # seq → why the broker returned it
        self._acked: list[int] = []
        self._refused: dict[int, str] = {}
        self._flush_scheduled = False
        self._renewal_scheduled = False
        self._refusals_here = 0  # answers of this channel that were refusals
        self._user_id: str | None = None

    def attach(
        self,
        channel: pika.channel.Channel,
        user_id: str | None,
        later: Later,
        on_ready: Callable[[], None],
        renew: Callable[[], None] | None = None,
    ) -> None:
        """Put ``channel`` in confirm mode; ``on_ready`` once it is (it starts pumping).
        ``renew`` replaces the channel with a new one (after refusals)."""
        self.detach()
        self._channel, self._user_id, self._later, self._renew = channel, user_id, later, renew
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: on_ready())

    def _is_current(self, channel_number: int) -> bool:
        """Answers on a channel replaced since (its late acks) are not this one's: their
        rows are sent again on the current channel."""
        return self._channel is not None and self._channel.channel_number == channel_number

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
        batch = self.queue.unsent_after(self._cursor, room)
        for event in batch:
            self._publish(channel, event)
        if batch:
            self._cursor = batch[-1].seq
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
        if not self._is_current(channel.channel_number):
            return
        seq = int((properties.headers or {}).get("seq", 0))
        self._returned[seq] = (
            f"sin destino en el servidor ({method.reply_code} {method.reply_text}: "
            f"{method.exchange} / {method.routing_key})"
        )

    def _on_confirm(self, frame: pika.frame.Method[Any]) -> None:
        if not self._is_current(frame.channel_number):
            return
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
        refusals = 0
        for event in done:
            returned = self._returned.pop(event.seq, None)
            if nacked:
                self._refused[event.seq] = _("the server did not accept the event (nack)")
            elif returned is not None:
                self._refused[event.seq] = returned
            else:
                self._acked.append(event.seq)
                continue
            refusals += 1
        self._refusals_here += refusals
        if refusals:
            self._renew_later()
        elif not self._refusals_here and not self._inflight:
            self.retry_backoff.reset()  # all this channel sent went through: the broker is well
        if not self._flush_scheduled and (self._acked or self._refused):
            self._flush_scheduled = True
            if self._later is not None:
                # After the frames already read: one transaction for many confirms.
                self._later(0, self._flush_and_pump)

    def _renew_later(self) -> None:
        """After the backoff, a new channel sends the refused rows again (once per channel)."""
        if self._renewal_scheduled or self.draining or self._later is None or self._renew is None:
            return
        self._renewal_scheduled = True
        delay = self.retry_backoff.next_delay()
        log.warning("the broker refused events; they go again on a new channel",
                    extra={"retry_in_s": round(delay, 2), "refused": self._refusals_here})
        channel = self._channel
        self._later(delay, lambda: self._ask_new_channel(channel))

    def _ask_new_channel(self, channel: pika.channel.Channel | None) -> None:
        if channel is not self._channel or self._renew is None:
            return  # that channel is gone already: its successor sends everything unsent
        self.flush()  # answers gathered on it still count
        self._renew()

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

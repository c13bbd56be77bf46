"""The ingest loop: RabbitMQ batches in, one PostgreSQL transaction per batch, then ack.

Order of a batch: validate every message -> apply the valid ones and commit ->
dead-letter the invalid ones (publisher-confirmed, with the reason) -> ack the whole
batch with one ``multiple=True`` ack. Anything that dies before the ack is redelivered
and recognised as a duplicate, so the effect in PostgreSQL is exactly once.

Failure policies:
- invalid message: copied to the dead-letter exchange with ``x-pos-reject-reason``,
  counted, and acked; the queue keeps moving.
- a message that makes our own code raise (a bug, or bytes no check foresaw): the last
  resort dead-letters that message alone as ``unexpected_error: <exception>``, counted
  by exception in ``pos_central_unexpected_errors``; the others are applied. Halting
  instead would stop every store's sales behind one message; a dead letter can be
  replayed once the bug is fixed.
- PostgreSQL unavailable: nothing is acked or dead-lettered; the AMQP connection is
  closed (the broker requeues the batch) and the ingest waits with backoff until
  PostgreSQL answers, then consumes again.
- dead-letter exchange unroutable: same as above (a missing DLX must not lose messages).
- stop requested (SIGTERM): the current batch is finished and acked, then it returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties

from pos_central.broker import blocking_connection, untrusted_certificate
from pos_central.database import DatabaseUnavailable, connect
from pos_central.ingest.alerts import log_alerts
from pos_central.ingest.apply import (
    APPLIED,
    DUPLICATE,
    AppliedBatch,
    BatchApplier,
    CommitHook,
    Held,
    Received,
    UnexpectedError,
    unexpected_error,
)
from pos_central.ingest.clocks import ClockWatch, log_skews
from pos_central.ingest.clones import Notice
from pos_central.ingest.held import WAITING_FOR_SALE
from pos_central.ingest.identity import TillIdentities
from pos_central.ingest.replays import ORIGINAL_USER_HEADER, Replays, broker_user, replay_of
from pos_central.ingest.sanity import out_of_bounds
from pos_central.ingest.settings import IngestSettings as IngestSettings
from pos_central.ingest.writers import WRITERS
from pos_central.logs import EACH
from pos_central.metrics import IngestMetrics
from pos_central.topology import Topology
from pos_common import tracing
from pos_common.backoff import Backoff
from pos_contracts import Envelope, InvalidEvent, build_envelope, parse_envelope
from pos_contracts.brokers import Failover
from pos_contracts.payloads.notices import TillSuspendedV1
from pos_contracts.wire import (
    CENTRAL_INGEST_TERMINAL_ID,
    CENTRAL_STORE_ID,
    CONTENT_TYPE,
    REJECT_REASON_HEADER,
    TILL_SUSPENDED,
)

log = logging.getLogger("pos_central.ingest")

_APPLIED_MESSAGES = {
    "sale.completed": "venta registrada",
    "sale.refunded": "devolución registrada",
    "shift.opened": "apertura de turno registrada",
    "shift.closed": "cierre Z registrado",
    "cash.moved": "movimiento de caja registrado",
}


class DeadLetterUnavailable(RuntimeError):
    """The dead-letter exchange refused a message; stop acking until it is fixed."""


@dataclass
class IngestHooks:
    """Extension points around the commit (tests use them to crash at exact moments)."""

    before_commit: CommitHook | None = None
    after_commit: CommitHook | None = None


@dataclass(frozen=True)
class Delivery:
    tag: int
    routing_key: str
    properties: BasicProperties
    body: bytes


@dataclass(frozen=True)
class _Batch:
    deliveries: Sequence[Delivery]
    valid: list[tuple[Delivery, Envelope]]
    rejected: list[tuple[Delivery, InvalidEvent]]
    applied: Future[AppliedBatch]
    started: float


@dataclass
class _Session:
    channel: BlockingChannel
    pending: list[Delivery] = field(default_factory=list)


def outage_waits(settings: IngestSettings) -> Backoff:
    """The waits while PostgreSQL or RabbitMQ is away: exactly 0.5 s, 1 s, 2 s … 30 s by
    default. No jitter: head office runs a handful of ingests, not a hundred tills."""
    return Backoff(base=settings.backoff_initial, cap=settings.backoff_max, jitter=False)


class IngestConsumer:
    """Consume ``topology.ingest_queue`` until ``stop`` is set."""

    def __init__(
        self,
        *,
        db_url: str,
        amqp_url: str,
        topology: Topology,
        settings: IngestSettings | None = None,
        metrics: IngestMetrics | None = None,
        hooks: IngestHooks | None = None,
    ) -> None:
        self.db_url, self.amqp_url, self.topology = db_url, amqp_url, topology
        self.settings = settings or IngestSettings()
        self.metrics = metrics or IngestMetrics()
        self.hooks = hooks or IngestHooks()
        self._connected = False
        self._brokers = Failover.of(amqp_url)
        self._identities = TillIdentities(accept_unregistered=self.settings.accept_unregistered)
        self._told: set[tuple[str, str]] = set()  # identities told they are suspended
        self._clocks = ClockWatch(self.settings.clock_margin)
        self.ready = threading.Event()
        """Set while consuming with both PostgreSQL and RabbitMQ connected."""

    def run(self, stop: threading.Event) -> None:
        waits = outage_waits(self.settings)
        while not stop.is_set():
            self._connected = False
            delay = waits.delay(waits.failures + 1)  # the wait this failure will bring
            try:
                self._session(stop)
                return
            except DatabaseUnavailable as error:
                self.metrics.database_unavailable.inc()
                log.warning(
                    "PostgreSQL no disponible; se reintenta sin confirmar ni descartar mensajes",
                    extra={"error": str(error), "retry_in_s": delay},
                )
            except (pika.exceptions.AMQPError, OSError) as error:
                if self._connected:  # lost a node: the next session tries the next first
                    self._brokers.failed(self._brokers.current())
                untrusted = untrusted_certificate(error)
                if untrusted is not None:  # waiting will not fix it: say what will
                    log.error(untrusted, extra={"retry_in_s": delay})
                else:
                    log.warning(
                        "RabbitMQ no disponible; se reintenta",
                        extra={"error": repr(error), "retry_in_s": delay},
                    )
            except DeadLetterUnavailable as error:
                log.error(
                    "no se pudo enviar a la cola de descartes; se reintenta",
                    extra={"error": str(error), "retry_in_s": delay},
                )
            finally:
                self.ready.clear()
            if self._connected:
                waits.reset()  # it worked for a while: start over
            stop.wait(waits.next_delay())

    # -- one connected session ------------------------------------------------------
    def _session(self, stop: threading.Event) -> None:
        db = connect(self.db_url)
        try:
            applier = BatchApplier(
                db,
                before_commit=self.hooks.before_commit,
                identities=self._identities,
                replays=Replays(broker_user(self.amqp_url)),
            )
            connection = blocking_connection(self._brokers, name="pos-central ingest")
            try:
                session = _Session(connection.channel())
                session.channel.basic_qos(prefetch_count=self.settings.prefetch)
                session.channel.confirm_delivery()
                self._clocks.session_started(self._backlog(session.channel))
                session.channel.basic_consume(self.topology.ingest_queue, self._receiver(session))
                self.ready.set()
                self._connected = True
                log.info("ingesta conectada", extra={"queue": self.topology.ingest_queue})
                # One thread owns the PostgreSQL connection, so the database works on
                # batch N while this thread (the only one touching pika) reads and
                # validates batch N+1. Batches are applied, dead-lettered and acked in order.
                with ThreadPoolExecutor(1, thread_name_prefix="pos-central-db") as database:
                    self._pipeline(connection, session, stop, applier, database)
                self.ready.clear()
            finally:
                _close_quietly(connection)  # unacked deliveries go back to the queue
        finally:
            db.close()

    def _pipeline(
        self,
        connection: pika.BlockingConnection,
        session: _Session,
        stop: threading.Event,
        applier: BatchApplier,
        database: ThreadPoolExecutor,
    ) -> None:
        in_flight: deque[_Batch] = deque()
        while not (stop.is_set() and not in_flight):
            batch = (
                []
                if stop.is_set()
                else self._collect(connection, session, stop, idle_wait=0.005 if in_flight else 0.5)
            )
            if batch:
                in_flight.append(self._start(batch, applier, database))
            while in_flight and (
                len(in_flight) > self.settings.pipeline_depth
                or not batch
                or in_flight[0].applied.done()
            ):
                self._finish(session.channel, in_flight.popleft())

    @staticmethod
    def _receiver(session: _Session) -> Callable[..., None]:
        def on_message(
            _channel: BlockingChannel,
            method: Basic.Deliver,
            properties: BasicProperties,
            body: bytes,
        ) -> None:
            session.pending.append(
                Delivery(method.delivery_tag, method.routing_key, properties, body)
            )

        return on_message

    def _collect(
        self,
        connection: pika.BlockingConnection,
        session: _Session,
        stop: threading.Event,
        idle_wait: float,
    ) -> list[Delivery]:
        size = self.settings.batch_size
        deadline: float | None = None
        while len(session.pending) < size and not stop.is_set():
            now = time.monotonic()
            if session.pending and deadline is None:
                deadline = now + self.settings.batch_wait
            if deadline is not None and now >= deadline:
                break
            connection.process_data_events(
                time_limit=idle_wait if deadline is None else deadline - now
            )
            if deadline is None and not session.pending:
                break
        batch, session.pending[:] = session.pending[:size], session.pending[size:]
        return batch

    def _start(
        self, batch: Sequence[Delivery], applier: BatchApplier, database: ThreadPoolExecutor
    ) -> _Batch:
        """Validate here; hand the valid events to the database thread."""
        started = time.perf_counter()
        valid: list[tuple[Delivery, Envelope]] = []
        rejected: list[tuple[Delivery, InvalidEvent]] = []
        settings, clocks = self.settings, self._clocks
        received: list[Received] = []
        for delivery in batch:
            try:
                env = parse_envelope(delivery.body)
                if (env.type, env.schema_version) not in WRITERS:
                    raise InvalidEvent(
                        "unexpected_type",
                        f"{env.type} v{env.schema_version} no se ingresa en la central",
                    )
                too_big = out_of_bounds(env, settings.max_amount, settings.max_quantity_milli)
                if too_big is not None:
                    raise too_big
                event = Received.of(
                    env,
                    delivery.body,
                    delivery.properties.user_id,
                    replay_of=(replayed := replay_of(delivery.properties.headers)),
                    # A replay waited in the dead-letter queue: its clock says nothing.
                    clock=None if replayed else clocks.judge(delivery.properties.headers, env),
                )
            except InvalidEvent as error:
                rejected.append((delivery, error))
            except Exception as error:  # the last resort: one message never stops the ingest
                rejected.append((delivery, unexpected_error(error)))
            else:
                valid.append((delivery, env))
                received.append(event)
        applied = database.submit(
            tracing.traced_apply(applier.apply, valid, started),  # itself when tracing is off
            received,
        )
        return _Batch(batch, valid, rejected, applied, started)

    def _finish(self, channel: BlockingChannel, batch: _Batch) -> None:
        """After the commit: log, dead-letter what was refused, then ack the whole batch."""
        applied = batch.applied.result()  # DatabaseUnavailable surfaces here: no ack
        envelopes = [env for _, env in batch.valid]
        if self.hooks.after_commit:
            self.hooks.after_commit(envelopes)
        rejected = list(batch.rejected)
        ingested: dict[str, int] = {}
        duplicates = 0
        held: dict[str, int] = {}
        lines: list[dict[str, Any]] = []
        logging_applied = log.isEnabledFor(logging.INFO)
        for (delivery, env), outcome in zip(batch.valid, applied.outcomes, strict=True):
            if outcome == APPLIED:
                ingested[env.type] = ingested.get(env.type, 0) + 1
                if logging_applied:
                    lines.append(_log_fields(env))
            elif outcome == DUPLICATE:
                duplicates += 1
            elif isinstance(outcome, Held):
                held[outcome.reason] = held.get(outcome.reason, 0) + 1
                self._log_held(env, outcome)
            elif isinstance(outcome, InvalidEvent):
                rejected.append((delivery, outcome))
        for env in applied.released:  # held refunds whose sale this batch applied
            ingested[env.type] = ingested.get(env.type, 0) + 1
            if logging_applied:
                lines.append(_log_fields(env) | {"was_held": True})
        for reason, count in held.items():
            if reason == WAITING_FOR_SALE:
                self.metrics.held.labels("sale.refunded").inc(count)
            else:
                self.metrics.quarantined.labels(reason).inc(count)
        if lines:
            # One line per applied event (its trace_id), written by one handler call.
            log.info("eventos registrados", extra={EACH: lines})
        # Counted once per batch (a labelled counter costs a lock and a lookup per call).
        for event_type, count in ingested.items():
            self.metrics.ingested.labels(event_type).inc(count)
        if duplicates:
            self.metrics.duplicates.inc(duplicates)
        for delivery, problem in rejected:
            self._dead_letter(channel, delivery, problem)
        self.metrics.journal_breaks.inc(len(applied.journal_breaks))
        if applied.skewed:
            self.metrics.clock_skewed(applied.skewed)
            log_skews(applied.skewed)
        for alert in applied.alerts:
            self.metrics.alerts.labels(alert.kind).inc()
        log_alerts(applied.alerts)
        for notice in applied.notices:
            self._tell_suspended(channel, notice)
        channel.basic_ack(batch.deliveries[-1].tag, multiple=True)
        self.metrics.batch_size.observe(len(batch.deliveries))
        self.metrics.batch_seconds.observe(time.perf_counter() - batch.started)

    def _backlog(self, channel: BlockingChannel) -> int:
        """Messages that waited in the queue for this session (``clocks.py``)."""
        declared = channel.queue_declare(self.topology.ingest_queue, passive=True)
        return int(declared.method.message_count)

    @staticmethod
    def _log_held(env: Envelope, held: Held) -> None:
        fields = {key: value for key, value in _log_fields(env).items() if key != "message"}
        if held.reason == WAITING_FOR_SALE:
            log.warning(
                "devolución en espera de su venta: se aplica cuando llegue la venta",
                extra=fields | {"sale_id": env.payload.get("sale_id")},
            )
        else:
            log.error(
                "evento en cuarentena: dos cajas usan esta identidad",
                extra=fields | {"reason": held.reason},
            )

    def _tell_suspended(self, channel: BlockingChannel, notice: Notice) -> None:
        """``till.suspended`` to the identity's catalogue queue (every till using the
        identity reads it there). A reminder goes once per process: a notice lost in a
        crash is sent again the next time the identity's events are held."""
        key = (notice.store_id, notice.terminal_id)
        if not notice.new and key in self._told:
            return
        envelope = build_envelope(
            TILL_SUSPENDED,
            TillSuspendedV1(
                store_id=notice.store_id,
                terminal_id=notice.terminal_id,
                reason="clone",
                detail=notice.detail[:1000],
                suspended_at=notice.suspended_at.isoformat(timespec="milliseconds"),
                seq=notice.seq,
            ),
            store_id=CENTRAL_STORE_ID,
            terminal_id=CENTRAL_INGEST_TERMINAL_ID,
            seq=notice.seq,
        )
        queue = self.topology.till_catalog_queue(notice.store_id, notice.terminal_id)
        properties = BasicProperties(
            content_type=CONTENT_TYPE,
            message_id=envelope.event_id,
            type=TILL_SUSPENDED,
            delivery_mode=pika.DeliveryMode.Persistent,
        )
        try:
            channel.basic_publish("", queue, envelope.to_json(), properties, mandatory=True)
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as failure:
            log.warning(
                "no se pudo avisar a la caja que está suspendida (¿no tiene cola de catálogo?)",
                extra={"queue": queue, "error": repr(failure), "store_id": notice.store_id,
                       "terminal_id": notice.terminal_id},
            )
            return
        self._told.add(key)
        log.error(
            "caja suspendida: se le avisó por su cola",
            extra={"store_id": notice.store_id, "terminal_id": notice.terminal_id, "queue": queue},
        )

    def _dead_letter(
        self, channel: BlockingChannel, delivery: Delivery, error: InvalidEvent
    ) -> None:
        original = delivery.properties
        headers: dict[str, Any] = dict(original.headers or {})
        headers.update(
            {
                REJECT_REASON_HEADER: error.header_value,
                "x-pos-rejected-at": datetime.now(UTC).isoformat(timespec="seconds"),
                "x-pos-original-exchange": self.topology.events_exchange,
                "x-pos-original-routing-key": delivery.routing_key,
                ORIGINAL_USER_HEADER: original.user_id or "",  # never the sender's own say
            }
        )
        properties = BasicProperties(
            content_type=original.content_type,
            message_id=original.message_id,
            type=original.type,
            timestamp=original.timestamp,
            delivery_mode=pika.DeliveryMode.Persistent,
            headers=headers,
        )
        try:
            channel.basic_publish(
                self.topology.dead_letter_exchange,
                delivery.routing_key or "unroutable",
                delivery.body,
                properties,
                mandatory=True,
            )
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as failure:
            raise DeadLetterUnavailable(
                f"{self.topology.dead_letter_exchange}: {failure!r}"
            ) from failure
        self.metrics.dead_lettered.labels(error.code).inc()
        if isinstance(error, UnexpectedError):
            self.metrics.unexpected_errors.labels(error.exception).inc()
        log.warning(
            "mensaje descartado a la cola de descartes",
            extra={
                "reason": error.header_value,
                "message_id": original.message_id,
                "routing_key": delivery.routing_key,
            },
        )


def _close_quietly(connection: pika.BlockingConnection) -> None:
    try:
        if connection.is_open:
            connection.close()
    except (pika.exceptions.AMQPError, OSError):
        pass  # already broken: the broker requeues what was not acked either way


def _log_fields(env: Envelope) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "message": _APPLIED_MESSAGES.get(env.type, "evento registrado"),
        "trace_id": env.trace_id,
        "store_id": env.store_id,
        "terminal_id": env.terminal_id,
        "seq": env.seq,
        "event_id": env.event_id,
    }
    ticket = env.payload.get("ticket") or env.payload.get("refund_ticket")
    if ticket:
        fields["ticket"] = ticket
    if "total" in env.payload:
        fields["total"] = env.payload["total"]
    return fields

"""Apply a batch of valid events to PostgreSQL in ONE transaction, exactly once.

processed_events is the tracking table: an event is applied only if its row was
inserted in the same transaction as its business rows. A duplicate (same event_id) is
recognised and not re-applied; an event whose (store, terminal, seq) already belongs to
another event is rejected, because the till reused a number.

Failure policy, by error kind:
- PostgreSQL unreachable / connection lost -> ``DatabaseUnavailable``: the caller must
  not ack and not dead-letter; it reconnects and the broker redelivers.
- a row violates a constraint (IntegrityError, DataError) -> the batch is retried one
  event per transaction, so only the offending event is rejected.
- anything else (a bug in our SQL) propagates: halting beats dead-lettering good sales.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import psycopg
from psycopg import errors as pg_errors

from pos_central.database import DatabaseUnavailable
from pos_central.ingest.alerts import CONFLICT, Alert, record_alerts
from pos_central.ingest.held import (
    WAITING_FOR_SALE,
    hold,
    refunds_of_unknown_sales,
    release,
    waiting_for,
)
from pos_central.ingest.identity import TillIdentities
from pos_central.ingest.progress import JournalBreak, update_progress
from pos_central.ingest.writers import BATCH_STATEMENT, WRITERS, document
from pos_contracts import Envelope, InvalidEvent, parse_envelope

log = logging.getLogger("pos_central.ingest")

APPLIED: Literal["applied"] = "applied"
DUPLICATE: Literal["duplicate"] = "duplicate"
HELD: Literal["held"] = "held"
"""Kept in held_events (acked, not applied yet): a refund waiting for its sale."""
Outcome = Literal["applied", "duplicate", "held"] | InvalidEvent

_KNOWN = """SELECT event_id::text, body_digest FROM processed_events
WHERE event_id = ANY(%s::uuid[])"""
_UNTRACK = "DELETE FROM processed_events WHERE event_id = ANY(%s::uuid[])"
_STORES = "INSERT INTO stores (store_id) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING"
_TERMINALS = """
INSERT INTO terminals (store_id, terminal_id) SELECT * FROM unnest(%s::text[], %s::text[])
ON CONFLICT DO NOTHING
"""

CommitHook = Callable[[Sequence[Envelope]], None]


@dataclass(frozen=True, slots=True)
class Received:
    """A validated event and its body as JSON text: what PostgreSQL stores is exactly
    what was validated."""

    envelope: Envelope
    json: str
    user_id: str | None = None
    """The AMQP ``user_id`` it was published with (RabbitMQ verified it)."""
    digest: str = ""
    """BLAKE2b-128 of the body as received: a re-delivery has the same, a rewrite not."""

    @classmethod
    def of(
        cls, envelope: Envelope, body: bytes | None = None, user_id: str | None = None
    ) -> Received:
        """From a message body, or re-encoded when there is none or it is not plain UTF-8
        JSON (a BOM, UTF-16: valid JSON, but not text PostgreSQL's jsonb accepts)."""
        if body is not None and body[:1] == b"{":
            try:
                return cls(envelope, body.decode("utf-8"), user_id, body_digest(body))
            except UnicodeDecodeError:
                pass
        encoded = envelope.to_json()
        return cls(envelope, encoded.decode("utf-8"), user_id, body_digest(body or encoded))


def body_digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@dataclass(frozen=True)
class AppliedBatch:
    outcomes: list[Outcome]
    """One per envelope, in order: applied, duplicate, or why it was refused."""
    journal_breaks: list[JournalBreak]
    alerts: list[Alert] = field(default_factory=list)
    """Alerts recorded by this batch (not those a re-delivery had already raised)."""
    released: list[Envelope] = field(default_factory=list)
    """Held events this batch applied (a refund whose sale just arrived)."""


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn 'PostgreSQL is not there' into ``DatabaseUnavailable``."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise DatabaseUnavailable(f"PostgreSQL no disponible: {error}".strip()) from error


class BatchApplier:
    """Writes batches through one connection (autocommit off)."""

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        *,
        before_commit: CommitHook | None = None,
        identities: TillIdentities | None = None,
    ) -> None:
        self.connection = connection
        self.before_commit = before_commit
        self.identities = identities or TillIdentities()
        self._known_terminals: set[tuple[str, str]] = set()

    def apply(self, events: Sequence[Received]) -> AppliedBatch:
        """One outcome per event, in order, the journal breaks found and the alerts
        raised. Commits."""
        if not events:
            return AppliedBatch([], [])
        with database_errors():
            try:
                return self._in_transaction(events)
            except (pg_errors.IntegrityError, pg_errors.DataError) as error:
                self.connection.rollback()
                log.warning(
                    "un evento del lote viola una restricción; se aplican de a uno",
                    extra={"error": str(error), "batch": len(events)},
                )
            alone = [self._alone(event) for event in events]
            return AppliedBatch(
                [result.outcomes[0] for result in alone],
                [found for result in alone for found in result.journal_breaks],
                [alert for result in alone for alert in result.alerts],
                [env for result in alone for env in result.released],
            )

    def _alone(self, event: Received) -> AppliedBatch:
        env = event.envelope
        try:
            return self._in_transaction([event])
        except (pg_errors.IntegrityError, pg_errors.DataError) as error:
            self.connection.rollback()
            detail = error.diag.message_primary or str(error)
            refusal = InvalidEvent(
                "conflict", f"no se puede registrar {env.type} seq {env.seq}: {detail}"
            )
            with self.connection.cursor() as cursor:
                alerts = record_alerts(cursor, [_conflict_alert(event, refusal)])
            self.connection.commit()
            return AppliedBatch([refusal], [], alerts)

    def _in_transaction(self, events: Sequence[Received]) -> AppliedBatch:
        outcomes: list[Outcome | None] = [None] * len(events)
        candidates: dict[str, int] = {}
        alerts: list[Alert] = []

        def refuse(index: int, refusal: InvalidEvent, *, alert: bool = False) -> None:
            outcomes[index] = refusal
            if alert:
                alerts.append(_conflict_alert(events[index], refusal))

        with self.connection.cursor() as cursor:
            judged = self.identities.judge(cursor, [(e.envelope, e.user_id) for e in events])
            for index, (event, refusal) in enumerate(zip(events, judged, strict=True)):
                first = candidates.get(event.envelope.event_id)
                if refusal is not None:
                    refuse(index, refusal)
                elif first is None:
                    candidates[event.envelope.event_id] = index
                elif events[first].digest == event.digest:
                    outcomes[index] = DUPLICATE  # the same message twice in one batch
                else:
                    refuse(index, _rewritten(event.envelope), alert=True)
            waiting = refunds_of_unknown_sales(cursor, events, candidates.values())
            holding = hold(cursor, events, waiting, WAITING_FOR_SALE)
            for index in holding.held:
                outcomes[index] = HELD
            for index in holding.rewritten:
                refuse(index, _rewritten(events[index].envelope), alert=True)
            for index in waiting:
                del candidates[events[index].envelope.event_id]
            inserted, known = self._insert(cursor, [events[i] for i in candidates.values()])
            applied: list[Envelope] = []
            for event_id, index in candidates.items():
                env = events[index].envelope
                if event_id in inserted:
                    applied.append(env)
                    outcomes[index] = APPLIED
                elif event_id not in known:
                    refuse(
                        index,
                        InvalidEvent(
                            "seq_taken",
                            f"la caja {env.store_id}/{env.terminal_id} ya envió otro evento "
                            f"con seq {env.seq}; este ({env.event_id}) no se aplica",
                        ),
                    )
                elif known[event_id] in (None, events[index].digest):
                    outcomes[index] = DUPLICATE  # (None: stored before digests were kept)
                else:
                    refuse(index, _rewritten(env), alert=True)
            released = self._release(cursor, applied)
            applied += released
            self._ensure_terminals(cursor, applied)
            contradicted = self._per_event(cursor, applied)
            if contradicted:
                cursor.execute(_UNTRACK, ([env.event_id for env in contradicted],))
                applied = [env for env in applied if env not in contradicted]
                for index, event in enumerate(events):
                    if event.envelope in contradicted and outcomes[index] == APPLIED:
                        refuse(index, _contradicts(event.envelope), alert=True)
            breaks = update_progress(cursor, applied)
            new_alerts = record_alerts(cursor, alerts)
        if self.before_commit:
            self.before_commit(applied)
        self.connection.commit()
        self._known_terminals.update((env.store_id, env.terminal_id) for env in applied)
        return AppliedBatch(
            [outcome for outcome in outcomes if outcome is not None], breaks, new_alerts, released
        )

    @staticmethod
    def _insert(
        cursor: psycopg.Cursor[Any], events: Sequence[Received]
    ) -> tuple[set[str], dict[str, str | None]]:
        """Run the batch statement: the event ids inserted now, and the body digests of
        those already stored (event id -> digest)."""
        # In event_id order: two workers inserting the same ids (a till re-sent its
        # outbox) then wait for each other in one order instead of deadlocking.
        ordered = sorted(events, key=lambda event: event.envelope.event_id)
        batch = document((event.json, event.digest) for event in ordered)
        inserted = {row[0] for row in cursor.execute(BATCH_STATEMENT, (batch,))}
        missing = [e.envelope.event_id for e in events if e.envelope.event_id not in inserted]
        known = dict(cursor.execute(_KNOWN, (missing,)).fetchall()) if missing else {}
        return inserted, known

    def _release(self, cursor: psycopg.Cursor[Any], applied: Sequence[Envelope]) -> list[Envelope]:
        """Apply the held refunds of the sales just applied; returns them."""
        sales = [str(env.payload["sale_id"]) for env in applied if env.type == "sale.completed"]
        found = [
            Received(parse_envelope(body.encode("utf-8")), body, user, digest)
            for body, digest, user in waiting_for(cursor, sales)
        ]
        if not found:
            return []
        inserted, known = self._insert(cursor, found)
        done = [
            e.envelope.event_id
            for e in found
            if e.envelope.event_id in inserted or known.get(e.envelope.event_id, "") == e.digest
        ]
        release(cursor, done)
        return [e.envelope for e in found if e.envelope.event_id in inserted]

    @staticmethod
    def _per_event(cursor: psycopg.Cursor[Any], applied: Sequence[Envelope]) -> list[Envelope]:
        """Run the per-event statements (shift upserts); the events whose statement says
        they contradict what is on record."""
        contradicted: list[Envelope] = []
        for env in applied:
            per_event = WRITERS[(env.type, env.schema_version)].statements
            if per_event is None:
                continue
            for sql, params in per_event(env):
                row = cursor.execute(sql, params).fetchone()
                if row is not None and row[0] is False:
                    contradicted.append(env)
                    break
        return contradicted

    def _ensure_terminals(self, cursor: psycopg.Cursor[Any], applied: Sequence[Envelope]) -> None:
        new = {(env.store_id, env.terminal_id) for env in applied} - self._known_terminals
        if new:
            stores, terminals = zip(*sorted(new), strict=True)
            cursor.execute(_STORES, (sorted(set(stores)),))
            cursor.execute(_TERMINALS, (list(stores), list(terminals)))


def _rewritten(env: Envelope) -> InvalidEvent:
    return InvalidEvent(
        "conflict",
        f"el evento {env.event_id} ({env.type}, caja {env.store_id}/{env.terminal_id} seq "
        f"{env.seq}) ya se recibió con otro contenido: un hecho registrado no se reescribe",
    )


def _contradicts(env: Envelope) -> InvalidEvent:
    shift = env.payload.get("shift_id")
    return InvalidEvent(
        "conflict",
        f"{env.type} seq {env.seq} de la caja {env.store_id}/{env.terminal_id}: el turno "
        f"{shift} ya tiene otros datos registrados; no se reescriben",
    )


def _conflict_alert(event: Received, refusal: InvalidEvent) -> Alert:
    env = event.envelope
    return Alert(
        CONFLICT, env.store_id, env.terminal_id, env.seq, env.event_id, event.digest,
        refusal.reason,
    )

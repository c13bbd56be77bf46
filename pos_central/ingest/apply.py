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
- our Python code raises on an event (a bug its content meets) -> the batch is retried
  one event per transaction too, and that event alone is refused as ``unexpected_error``
  (dead-lettered, counted): one message never stops every store's sales.
- any other database error (a missing table, a permission: the deployment, not a
  message) propagates and stops the ingest: dead-lettering every sale would be worse.
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
from pos_central.ingest.clocks import ClockSkew, record_skews
from pos_central.ingest.clones import (
    CLONE,
    CLONE_LEFTOVER,
    Notice,
    Suspension,
    forks,
    suspend,
    suspensions,
)
from pos_central.ingest.held import (
    WAITING_FOR_SALE,
    hold,
    refunds_of_unknown_sales,
    release,
    waiting_for,
)
from pos_central.ingest.identity import TillIdentities
from pos_central.ingest.progress import JournalBreak, update_progress
from pos_central.ingest.replays import Replays
from pos_central.ingest.writers import BATCH_STATEMENT, WRITERS, document
from pos_contracts import Envelope, InvalidEvent, parse_envelope

log = logging.getLogger("pos_central.ingest")

APPLIED: Literal["applied"] = "applied"
DUPLICATE: Literal["duplicate"] = "duplicate"

_KNOWN = """SELECT event_id::text, body_digest FROM processed_events
WHERE event_id = ANY(%s::uuid[])"""
_UNTRACK = "DELETE FROM processed_events WHERE event_id = ANY(%s::uuid[])"
_STORES = "INSERT INTO stores (store_id) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING"
_TERMINALS = """
INSERT INTO terminals (store_id, terminal_id) SELECT * FROM unnest(%s::text[], %s::text[])
ON CONFLICT DO NOTHING
"""

CommitHook = Callable[[Sequence[Envelope]], None]
_NO_EVENT = "00000000-0000-0000-0000-000000000000"
"""event_id of an alert that no single message raised (a journal fork)."""


@dataclass(frozen=True, slots=True)
class Held:
    """Kept in held_events: acked, not applied (yet), not lost."""

    reason: str
    """``refund_before_sale`` (released when the sale arrives), ``clone`` or
    ``clone_leftover`` (for a person: see pos-central report conflicts)."""


Outcome = Literal["applied", "duplicate"] | Held | InvalidEvent


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
    replay_of: int | None = None
    """The dead letter head office says this message replays (``replays.py``)."""
    clock: ClockSkew | None = None
    """How far off the till's clock was on receipt, when beyond the margin (``clocks.py``)."""

    @classmethod
    def of(
        cls,
        envelope: Envelope,
        body: bytes | None = None,
        user_id: str | None = None,
        *,
        replay_of: int | None = None,
        clock: ClockSkew | None = None,
    ) -> Received:
        """From a message body, or re-encoded when there is none or it is not plain UTF-8
        JSON (a BOM, UTF-16: valid JSON, but not text PostgreSQL's jsonb accepts)."""
        if body is not None and body[:1] == b"{":
            try:
                return cls(
                    envelope, body.decode("utf-8"), user_id, body_digest(body), replay_of, clock
                )
            except UnicodeDecodeError:
                pass
        encoded = envelope.to_json()
        return cls(
            envelope, encoded.decode("utf-8"), user_id, body_digest(body or encoded), replay_of,
            clock,
        )


class UnexpectedError(InvalidEvent):
    """The last resort: our code raised on this message. Dead-lettered with the
    exception's kind, so the bug is found and the message replayed once fixed."""

    def __init__(self, error: BaseException) -> None:
        self.exception = type(error).__name__
        super().__init__("unexpected_error", f"{self.exception}: {error}"[:500])


def unexpected_error(error: BaseException) -> UnexpectedError:
    """Log the traceback (for the bug report) and make the refusal."""
    log.error("error inesperado con un mensaje; se lo descarta con el motivo",
              exc_info=error, extra={"exception": type(error).__name__})
    return UnexpectedError(error)


def _our_bug(error: Exception) -> bool:
    """An exception raised by our code on a message, not by PostgreSQL."""
    return not isinstance(error, psycopg.Error | DatabaseUnavailable)


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
    notices: list[Notice] = field(default_factory=list)
    """Identities to tell they are suspended (new suspensions, and reminders)."""
    skewed: list[tuple[Envelope, ClockSkew]] = field(default_factory=list)
    """Applied events whose till clock was off by more than the margin."""


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn 'PostgreSQL is not there' into ``DatabaseUnavailable``."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise DatabaseUnavailable(error=str(error).strip()) from error


class BatchApplier:
    """Writes batches through one connection (autocommit off)."""

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        *,
        before_commit: CommitHook | None = None,
        identities: TillIdentities | None = None,
        replays: Replays | None = None,
    ) -> None:
        self.connection = connection
        self.before_commit = before_commit
        self.identities = identities or TillIdentities()
        self.replays = replays or Replays(None)
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
            except Exception as error:
                if not _our_bug(error):
                    raise
                self.connection.rollback()
                log.warning(
                    "un evento del lote provocó un error inesperado; se aplican de a uno",
                    extra={"error": repr(error), "batch": len(events)},
                )
            alone = [self._alone(event) for event in events]
            return AppliedBatch(
                [result.outcomes[0] for result in alone],
                [found for result in alone for found in result.journal_breaks],
                [alert for result in alone for alert in result.alerts],
                [env for result in alone for env in result.released],
                [notice for result in alone for notice in result.notices],
                [skew for result in alone for skew in result.skewed],
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
        except Exception as error:
            if not _our_bug(error):
                raise
            self.connection.rollback()
            return AppliedBatch([unexpected_error(error)], [])

    def _in_transaction(self, events: Sequence[Received]) -> AppliedBatch:
        batch = _Verdicts(events)
        with self.connection.cursor() as cursor:
            self._judge(cursor, batch)
            self._hold_suspended(cursor, batch)
            waiting = refunds_of_unknown_sales(cursor, events, batch.candidates.values())
            self._hold(cursor, batch, waiting, WAITING_FOR_SALE)
            applied = self._apply(cursor, batch)
            released = self._release(cursor, applied)
            applied += released
            self._ensure_terminals(cursor, applied)
            applied = self._keep_facts(cursor, batch, applied)
            breaks = update_progress(cursor, applied)
            skewed = _skewed(batch.events, applied)
            record_skews(cursor, skewed)
            for fork in forks(cursor, breaks) if breaks else []:
                self._suspend(
                    cursor, batch, fork.store_id, fork.terminal_id, fork.seq, _forked(fork)
                )
            new_alerts = record_alerts(cursor, batch.alerts)
        if self.before_commit:
            self.before_commit(applied)
        self.connection.commit()
        self._known_terminals.update((env.store_id, env.terminal_id) for env in applied)
        return AppliedBatch(
            [outcome for outcome in batch.outcomes if outcome is not None],
            breaks,
            new_alerts,
            released,
            list(batch.notices.values()),
            skewed,
        )

    def _judge(self, cursor: psycopg.Cursor[Any], batch: _Verdicts) -> None:
        """Who may speak for whom, and the same message twice in one batch."""
        # A replay by head office is judged as its first publisher's message (replays.py).
        batch.events, bad_replays = self.replays.resolve(cursor, batch.events)
        events = batch.events
        judged = self.identities.judge(cursor, [(e.envelope, e.user_id) for e in events])
        for index, (event, refusal) in enumerate(zip(events, judged, strict=True)):
            first = batch.candidates.get(event.envelope.event_id)
            refusal = bad_replays.get(index, refusal)
            if refusal is not None:
                batch.refuse(index, refusal)
            elif first is None:
                batch.candidates[event.envelope.event_id] = index
            elif events[first].digest == event.digest:
                batch.outcomes[index] = DUPLICATE
            else:
                batch.refuse(index, _rewritten(event.envelope), alert=True)

    def _hold_suspended(self, cursor: psycopg.Cursor[Any], batch: _Verdicts) -> None:
        """Events of an identity two tills use are held, whichever till sent them (an
        event central already has stays a duplicate)."""
        events = batch.events
        terminals = {(events[i].envelope.store_id, events[i].envelope.terminal_id)
                     for i in batch.candidates.values()}
        batch.suspensions, reminders = suspensions(cursor, terminals)
        if not batch.suspensions:
            return
        held = [
            index
            for index in batch.candidates.values()
            if (found := batch.suspensions.get(_terminal(events[index].envelope))) is not None
            and found.holds(self.identities.generation(events[index].user_id))
        ]
        ids = [events[i].envelope.event_id for i in held]
        known = dict(cursor.execute(_KNOWN, (ids,)).fetchall()) if ids else {}
        fresh = []
        for index in held:
            event = events[index]
            terminal = _terminal(event.envelope)
            del batch.candidates[event.envelope.event_id]
            if event.envelope.event_id not in known:
                fresh.append(index)
                if terminal in reminders:  # the tills may not have heard: tell them again
                    batch.notices.setdefault(terminal, reminders[terminal])
            elif known[event.envelope.event_id] in (None, event.digest):
                batch.outcomes[index] = DUPLICATE
            else:
                batch.refuse(index, _rewritten(event.envelope), alert=True)
        self._hold(cursor, batch, fresh, CLONE)

    def _hold(
        self, cursor: psycopg.Cursor[Any], batch: _Verdicts, indexes: Sequence[int], reason: str
    ) -> None:
        holding = hold(cursor, batch.events, indexes, reason)
        for index in holding.held:
            batch.outcomes[index] = Held(reason)
        for index in holding.rewritten:
            batch.refuse(index, _rewritten(batch.events[index].envelope), alert=True)
        for index in indexes:
            batch.candidates.pop(batch.events[index].envelope.event_id, None)

    def _apply(self, cursor: psycopg.Cursor[Any], batch: _Verdicts) -> list[Envelope]:
        """The batch statement; then each candidate is applied, a duplicate, a rewrite
        (conflict), or took a seq another event has: a second till with this identity."""
        events = batch.events
        inserted, known = self._insert(cursor, [events[i] for i in batch.candidates.values()])
        applied: list[Envelope] = []
        taken: list[int] = []
        for event_id, index in batch.candidates.items():
            env = events[index].envelope
            if event_id in inserted:
                applied.append(env)
                batch.outcomes[index] = APPLIED
            elif event_id not in known:
                taken.append(index)
            elif known[event_id] in (None, events[index].digest):
                batch.outcomes[index] = DUPLICATE  # (None: stored before digests were kept)
            else:
                batch.refuse(index, _rewritten(env), alert=True)
        leftovers = []
        for index in taken:
            env = events[index].envelope
            found = batch.suspensions.get(_terminal(env))
            if found is not None and found.leftover(env.seq):
                leftovers.append(index)
            else:
                self._suspend(cursor, batch, env.store_id, env.terminal_id, env.seq,
                              _seq_taken(env), events[index])
        self._hold(cursor, batch, leftovers, CLONE_LEFTOVER)
        self._hold(cursor, batch, [i for i in taken if i not in leftovers], CLONE)
        if batch.suspensions and inserted:
            # Held while the identity was suspended, applied now by its new registration.
            release(cursor, sorted(inserted))
        return applied

    def _suspend(
        self,
        cursor: psycopg.Cursor[Any],
        batch: _Verdicts,
        store_id: str,
        terminal_id: str,
        seq: int,
        detail: str,
        event: Received | None = None,
    ) -> None:
        notice = suspend(cursor, store_id, terminal_id, seq, detail)
        if notice is None:
            return  # already suspended: one alert per suspension
        batch.notices[(store_id, terminal_id)] = notice
        batch.suspensions[(store_id, terminal_id)] = Suspension(True, None, None)
        evidence = event.digest if event is not None else f"fork {store_id}/{terminal_id}/{seq}"
        event_id = event.envelope.event_id if event is not None else _NO_EVENT
        batch.alerts.append(
            Alert(CLONE, store_id, terminal_id, seq, event_id, evidence, detail)
        )

    def _keep_facts(
        self, cursor: psycopg.Cursor[Any], batch: _Verdicts, applied: list[Envelope]
    ) -> list[Envelope]:
        """Run the per-event statements; an event contradicting a recorded fact is taken
        out again (its tracking row deleted) and refused."""
        contradicted = self._per_event(cursor, applied)
        if not contradicted:
            return applied
        cursor.execute(_UNTRACK, ([env.event_id for env in contradicted],))
        for index, event in enumerate(batch.events):
            if event.envelope in contradicted and batch.outcomes[index] == APPLIED:
                batch.refuse(index, _contradicts(event.envelope), alert=True)
        return [env for env in applied if env not in contradicted]

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


def _seq_taken(env: Envelope) -> str:
    return (
        f"la caja {env.store_id}/{env.terminal_id} envió dos eventos distintos con seq "
        f"{env.seq} (este es {env.event_id}): dos cajas usan esa identidad (¿una copia del "
        "disco?); sus eventos quedan en cuarentena hasta que se la registre de nuevo"
    )


def _forked(fork: JournalBreak) -> str:
    return (
        f"la cadena del diario de la caja {fork.store_id}/{fork.terminal_id} se bifurca en "
        f"seq {fork.seq}: sigue de otra entrada ya recibida, no de la anterior; dos cajas "
        "usan esa identidad"
    )


def _skewed(
    events: Sequence[Received], applied: Sequence[Envelope]
) -> list[tuple[Envelope, ClockSkew]]:
    """The applied events that arrived with a wrong till clock (usually none)."""
    clocks = {e.envelope.event_id: e.clock for e in events if e.clock is not None}
    if not clocks:
        return []
    return [(env, clock) for env in applied if (clock := clocks.get(env.event_id)) is not None]


def _terminal(env: Envelope) -> tuple[str, str]:
    return env.store_id, env.terminal_id


class _Verdicts:
    """What one transaction decided so far, per event of the batch."""

    def __init__(self, events: Sequence[Received]) -> None:
        self.events = events
        self.outcomes: list[Outcome | None] = [None] * len(events)
        self.candidates: dict[str, int] = {}
        """event_id -> index of the events still to be inserted."""
        self.alerts: list[Alert] = []
        self.suspensions: dict[tuple[str, str], Suspension] = {}
        self.notices: dict[tuple[str, str], Notice] = {}

    def refuse(self, index: int, refusal: InvalidEvent, *, alert: bool = False) -> None:
        self.outcomes[index] = refusal
        if alert:
            self.alerts.append(_conflict_alert(self.events[index], refusal))

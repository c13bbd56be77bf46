"""Dead letters, where people can act on them.

``DeadLetterKeeper`` (a thread of ``pos-central serve``) moves each message of the
dead-letter queue into PostgreSQL, then acks it (after the commit, so a crash keeps the
message in the queue; a redelivered one is recognised by its fingerprint). A person then
reads the reason and the body, and either replays it (published again, as it was, to
``pos.events`` with its original routing key and headers — after the fix that makes it
acceptable: a new ingest version, a catalogue product, a registered till) or discards it
with a note. Both are audited. A replayed message the ingest refuses again comes back,
to the same row, open again. A replay is published with head office's broker user and
the dead letter's id; the ingest judges it by the till user that first published it
(``pos_central/ingest/replays.py``), so a till's event replayed is applied as that till's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pika
import pika.exceptions
from psycopg.types.json import Jsonb

from pos_central.api.audit import audit
from pos_central.api.db import Connection, Database
from pos_central.broker import blocking_connection
from pos_central.ingest.replays import REPLAY_HEADER, broker_user, publisher
from pos_central.topology import Topology
from pos_common.backoff import Backoff
from pos_common.messages import N_, TranslatableError
from pos_contracts.wire import CONTENT_TYPE, REJECT_REASON_HEADER

log = logging.getLogger("pos_central.api.dead_letters")

_INTERNAL = (
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
)


class DeadLetterError(TranslatableError, RuntimeError):
    """A dead letter could not be replayed or changed; the message says why, translated
    where it is shown."""


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _who(body: bytes) -> tuple[str | None, str | None]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    store, terminal = data.get("store_id"), data.get("terminal_id")
    return (
        store if isinstance(store, str) else None,
        terminal if isinstance(terminal, str) else None,
    )


def keep(db: Connection, routing_key: str, properties: Any, body: bytes) -> None:
    headers = _plain(dict(properties.headers or {}))
    reason = str(headers.get(REJECT_REASON_HEADER) or "sin motivo (rejected by the broker)")
    code = reason.split(":", 1)[0].strip() or "unknown"
    fingerprint = hashlib.sha256(reason.encode() + b"\0" + body).digest()
    store, terminal = _who(body)
    kept = {k: v for k, v in headers.items() if k not in _INTERNAL}
    original_key = str(headers.get("x-pos-original-routing-key") or routing_key)
    db.execute(
        "INSERT INTO dead_letters (fingerprint, reason, code, routing_key, message_id, "
        "store_id, terminal_id, headers, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (fingerprint) DO UPDATE SET times = dead_letters.times + 1, "
        "last_seen_at = now(), status = 'open'",
        (
            fingerprint,
            reason,
            code,
            original_key,
            properties.message_id,
            store,
            terminal,
            Jsonb(
                {
                    **kept,
                    "content_type": properties.content_type,
                    "type": properties.type,
                    "user_id": properties.user_id,
                    "publisher": publisher(properties),
                }
            ),
            body,
        ),
    )


def listing(
    db: Connection, status: str | None, stores: list[str] | None, limit: int = 200
) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT dead_letter_id, first_seen_at, last_seen_at, times, reason, code, routing_key,"
        " message_id, store_id, terminal_id, status, acted_by, acted_at, note, length(body) "
        "FROM dead_letters WHERE (%(status)s::text IS NULL OR status = %(status)s) "
        "AND (%(stores)s::text[] IS NULL OR store_id = ANY(%(stores)s::text[])) "
        "ORDER BY last_seen_at DESC LIMIT %(limit)s",
        {"status": status, "stores": stores, "limit": limit},
    ).fetchall()
    keys = (
        "id",
        "first_seen_at",
        "last_seen_at",
        "times",
        "reason",
        "code",
        "routing_key",
        "message_id",
        "store_id",
        "terminal_id",
        "status",
        "acted_by",
        "acted_at",
        "note",
        "size",
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


def one(db: Connection, dead_letter_id: int) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT dead_letter_id, first_seen_at, last_seen_at, times, reason, code, routing_key,"
        " message_id, store_id, terminal_id, status, acted_by, acted_at, note, headers, body "
        "FROM dead_letters WHERE dead_letter_id = %s",
        (dead_letter_id,),
    ).fetchone()
    if row is None:
        return None
    keys = (
        "id",
        "first_seen_at",
        "last_seen_at",
        "times",
        "reason",
        "code",
        "routing_key",
        "message_id",
        "store_id",
        "terminal_id",
        "status",
        "acted_by",
        "acted_at",
        "note",
        "headers",
    )
    found = dict(zip(keys, row[:15], strict=True))
    body = bytes(row[15])
    found["body"] = body.decode("utf-8", "replace")
    try:
        found["pretty"] = json.dumps(json.loads(body), ensure_ascii=False, indent=2)
    except (ValueError, RecursionError):
        found["pretty"] = None
    return found


def replay(
    db: Connection,
    amqp_url: str,
    topology: Topology,
    dead_letter_id: int,
    actor: str,
    note: str = "",
) -> None:
    """Publish it again (broker-confirmed) and mark it replayed, in one transaction."""
    row = db.execute(
        "SELECT routing_key, message_id, headers, body, store_id, status FROM dead_letters "
        "WHERE dead_letter_id = %s FOR UPDATE",
        (dead_letter_id,),
    ).fetchone()
    if row is None:
        raise DeadLetterError(N_("no such dead letter"))
    routing_key, message_id, headers, body, store_id, status = row
    if status != "open":
        raise DeadLetterError(N_("that dead letter is no longer open"))
    sent = {
        k: v
        for k, v in dict(headers).items()
        if not k.startswith("x-pos-") and k not in ("content_type", "type", "user_id")
    }
    sent["x-pos-replayed-by"] = actor
    # Published as head office's own user (RabbitMQ checks user_id) naming the dead
    # letter: the ingest then judges it as its first publisher's (ingest/replays.py).
    sent[REPLAY_HEADER] = str(dead_letter_id)
    properties = pika.BasicProperties(
        content_type=dict(headers).get("content_type") or CONTENT_TYPE,
        type=dict(headers).get("type"),
        message_id=message_id,
        delivery_mode=pika.DeliveryMode.Persistent,
        headers=sent,
        user_id=broker_user(amqp_url),
    )
    try:
        with blocking_connection(amqp_url) as connection:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(
                topology.events_exchange, routing_key, bytes(body), properties, mandatory=True
            )
    except (pika.exceptions.AMQPError, OSError) as error:
        raise DeadLetterError(
            N_("RabbitMQ did not confirm the replay: {error}"), error=repr(error)
        ) from error
    db.execute(
        "UPDATE dead_letters SET status = 'replayed', acted_by = %s, acted_at = now(), "
        "note = %s WHERE dead_letter_id = %s",
        (actor, note or None, dead_letter_id),
    )
    audit(
        db,
        actor,
        "dead_letter.replay",
        f"dead_letter:{dead_letter_id}",
        store_id=store_id,
        routing_key=routing_key,
        message_id=message_id,
        note=note,
    )


def discard(db: Connection, dead_letter_id: int, actor: str, note: str) -> None:
    if not note.strip():
        raise DeadLetterError(N_("say why it is discarded (a note is required)"))
    row = db.execute(
        "UPDATE dead_letters SET status = 'discarded', acted_by = %s, acted_at = now(), "
        "note = %s WHERE dead_letter_id = %s AND status = 'open' RETURNING store_id",
        (actor, note.strip(), dead_letter_id),
    ).fetchone()
    if row is None:
        raise DeadLetterError(N_("that dead letter does not exist or is no longer open"))
    audit(
        db,
        actor,
        "dead_letter.discard",
        f"dead_letter:{dead_letter_id}",
        store_id=row[0],
        note=note.strip(),
    )


def failure_waits(idle: float) -> Backoff:
    """The pauses after failed rounds: twice the idle pause, doubling up to 30 s (4 s, 8 s,
    16 s, 30 s with the default 2 s), exactly, so the log's rhythm is predictable."""
    return Backoff(base=idle * 2, cap=30.0, jitter=False)


class BackgroundWork:
    """A thread of ``serve``: keeps the dead-letter queue in PostgreSQL and re-publishes
    catalogue versions the broker did not confirm at the time of the change."""

    def __init__(
        self,
        db: Database,
        amqp_url: str,
        topology: Topology,
        publish_pending: Callable[[], object],
        *,
        idle: float = 2.0,
    ) -> None:
        self.db, self.amqp_url, self.topology = db, amqp_url, topology
        self.publish_pending = publish_pending
        self.idle = idle
        self.stop = threading.Event()
        self.kept = 0
        self._thread = threading.Thread(target=self._run, name="pos-central-keeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self.stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        waits = failure_waits(self.idle)
        while not self.stop.is_set():
            try:
                self.drain()
                self.publish_pending()
                waits.reset()
                delay = self.idle
            except Exception as error:  # a broker or database outage: retry later
                log.warning("tarea de fondo: se reintenta", extra={"error": repr(error)})
                delay = waits.next_delay()
            self.stop.wait(delay)

    def drain(self, limit: int = 500) -> int:
        """Move up to ``limit`` dead letters into PostgreSQL; returns how many."""
        moved = 0
        with blocking_connection(self.amqp_url) as connection:
            channel = connection.channel()
            while moved < limit and not self.stop.is_set():
                method, properties, body = channel.basic_get(self.topology.dead_letter_queue)
                if method is None:
                    break
                with self.db.connection() as db:
                    keep(db, method.routing_key, properties, body)
                channel.basic_ack(method.delivery_tag)  # only after the commit
                moved += 1
        self.kept += moved
        return moved

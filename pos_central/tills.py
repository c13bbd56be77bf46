"""Each till's own broker user: register (credentials printed once), revoke, list.

A till speaks only for its own store and terminal. ``register`` creates a RabbitMQ user
that may only publish the till's event types to ``pos.events`` and only read its own
catalogue queue, and records in PostgreSQL that this user is that terminal; the till
publishes with the AMQP ``user_id`` property (RabbitMQ refuses a ``user_id`` that is not
the connection's user) and the ingest dead-letters as ``not_yours`` an event whose
envelope names another store or terminal than its user's.

``TillRegistry`` is what the command line and head office's web pages both call.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pika
import pika.exceptions

from pos_central.broker import blocking_connection
from pos_central.broker_admin import BrokerAdmin
from pos_central.database import connect
from pos_central.ingest.apply import database_errors
from pos_central.ingest.writers import WRITERS
from pos_central.topology import Topology, declare_till_catalog_queue
from pos_common.messages import N_, TranslatableError
from pos_contracts import wire

TILL_EVENT_TYPES = tuple(sorted({event_type for event_type, _ in WRITERS}))
"""The routing keys a till may publish with (what central ingests)."""


class TillRegistryError(TranslatableError, RuntimeError):
    """A till could not be registered or revoked; the message says why."""


@dataclass(frozen=True)
class TillCredentials:
    """What a till needs to connect; the password is shown once and stored nowhere here."""

    store_id: str
    terminal_id: str
    user: str
    password: str
    generation: int
    amqp_url: str
    """The till's broker URL, without the password (``sync.amqp_url``)."""


@dataclass(frozen=True)
class TillUser:
    user: str
    store_id: str
    terminal_id: str
    generation: int
    created_at: datetime
    revoked_at: datetime | None


def till_user_name(topology: Topology, store_id: str, terminal_id: str, generation: int) -> str:
    """``till.S001.T01.2``: one user per terminal and registration, never reused."""
    wire.till_catalog_queue(store_id, terminal_id)  # validates both identifiers
    return f"{topology.prefix}till.{store_id}.{terminal_id}.{generation}"


def till_permissions(topology: Topology, store_id: str, terminal_id: str) -> dict[str, str]:
    """Least privilege (regular expressions over resource names, RabbitMQ's model).

    - configure: only its own catalogue queue (the till declares it, idempotently);
    - write: ``pos.events`` (publishing) and its own queue (binding it needs write on it);
    - read: its own queue (consuming) and ``pos.catalog`` (binding from an exchange needs
      read on the exchange; the topic permission below allows only ``catalog.changed``).
    """
    queue = re.escape(topology.till_catalog_queue(store_id, terminal_id))
    events, catalog = re.escape(topology.events_exchange), re.escape(topology.catalog_exchange)
    return {
        "configure": f"^{queue}$",
        "write": f"^({events}|{queue})$",
        "read": f"^({queue}|{catalog})$",
    }


def _exactly(names: Iterable[str]) -> str:
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


_LOCK_IDENTITY = """
SELECT user_name, generation FROM till_users WHERE store_id = %s AND terminal_id = %s
ORDER BY generation DESC
"""
_IDENTITY_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"
# Registering a suspended identity again (a manager's answer to a clone) lifts the
# suspension for the new generation: central applies its events again from here on.
_LIFT = """
UPDATE terminal_suspensions SET lifted_at = now(), lifted_generation = %(generation)s,
    resume_after_seq = greatest(
        (SELECT max(seq) FROM processed_events
         WHERE store_id = %(store)s AND terminal_id = %(terminal)s),
        (SELECT max(seq) FROM held_events
         WHERE store_id = %(store)s AND terminal_id = %(terminal)s), 0)
WHERE store_id = %(store)s AND terminal_id = %(terminal)s AND lifted_at IS NULL
RETURNING resume_after_seq
"""
_ENSURE_TERMINAL = """
WITH s AS (INSERT INTO stores (store_id) VALUES (%(store)s) ON CONFLICT DO NOTHING)
INSERT INTO terminals (store_id, terminal_id) VALUES (%(store)s, %(terminal)s)
ON CONFLICT DO NOTHING
"""


class TillRegistry:
    """Registers and revokes tills: PostgreSQL (the binding) and RabbitMQ (the user)."""

    def __init__(
        self, db_url: str, amqp_url: str, topology: Topology, admin: BrokerAdmin | None = None
    ) -> None:
        self.db_url = db_url
        self.amqp_url = amqp_url
        self.topology = topology
        self.admin = admin or BrokerAdmin.for_amqp(amqp_url)

    def register(self, store_id: str, terminal_id: str) -> TillCredentials:
        """A new user for the terminal, with a fresh password; a previous user of the
        same terminal is removed (a till still using it is disconnected and can no longer
        log in). If the identity was suspended (two tills used it), the suspension is
        lifted for this registration: the till given these credentials syncs again, the
        other cannot log in. Returns the credentials, to be shown once."""
        identity = f"{store_id}/{terminal_id}"
        with database_errors(), connect(self.db_url) as db:
            db.execute(_IDENTITY_LOCK, (identity,))  # two registrations of one terminal
            rows = db.execute(_LOCK_IDENTITY, (store_id, terminal_id)).fetchall()
            generation = (rows[0][1] if rows else 0) + 1
            user = till_user_name(self.topology, store_id, terminal_id, generation)
            db.execute("UPDATE till_users SET revoked_at = now() WHERE store_id = %s "
                       "AND terminal_id = %s AND revoked_at IS NULL", (store_id, terminal_id))
            db.execute(_ENSURE_TERMINAL, {"store": store_id, "terminal": terminal_id})
            db.execute(
                "INSERT INTO till_users (user_name, store_id, terminal_id, generation) "
                "VALUES (%s, %s, %s, %s)",
                (user, store_id, terminal_id, generation),
            )
            lifted = db.execute(_LIFT, {"store": store_id, "terminal": terminal_id,
                                        "generation": generation}).fetchone()
            password = secrets.token_urlsafe(24)
            self._create_user(user, password, store_id, terminal_id)
            for old_user, _ in rows:
                self.admin.delete_user(old_user)
            self._declare_queue(store_id, terminal_id, purge=lifted is not None)
            db.commit()
        return TillCredentials(
            store_id, terminal_id, user, password, generation, self.till_url(user)
        )

    def revoke(self, store_id: str, terminal_id: str) -> list[str]:
        """Remove the terminal's broker users (open connections are closed); the bindings
        stay, revoked, so events already queued are still judged. Returns the users."""
        with database_errors(), connect(self.db_url) as db:
            rows = db.execute(
                "UPDATE till_users SET revoked_at = coalesce(revoked_at, now()) "
                "WHERE store_id = %s AND terminal_id = %s RETURNING generation, user_name",
                (store_id, terminal_id),
            ).fetchall()
            users = [str(user) for _, user in sorted(rows)]
            for user in users:
                self.admin.delete_user(user)
            db.commit()
        if not users:
            raise TillRegistryError(
                N_("till {store}/{terminal} is not registered at head office"),
                store=store_id, terminal=terminal_id,
            )
        return users

    def tills(self) -> list[TillUser]:
        with database_errors(), connect(self.db_url) as db:
            rows = db.execute(
                "SELECT user_name, store_id, terminal_id, generation, created_at, revoked_at "
                "FROM till_users ORDER BY store_id, terminal_id, generation"
            ).fetchall()
        return [TillUser(*row) for row in rows]

    def till_url(self, user: str) -> str:
        """The broker URL(s) the till should use: central's, with the till's user and no
        password (the till keeps the password in its keyring)."""
        urls = []
        for url in self.amqp_url.split(","):
            parts = urlsplit(url.strip())
            host = parts.hostname or "127.0.0.1"
            if ":" in host:
                host = f"[{host}]"
            netloc = f"{quote(user, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
            urls.append(urlunsplit(parts._replace(netloc=netloc)))
        return ",".join(urls)

    # -- broker ----------------------------------------------------------------------
    def _create_user(self, user: str, password: str, store_id: str, terminal_id: str) -> None:
        self.admin.put_user(user, password)
        self.admin.set_permissions(user, **till_permissions(self.topology, store_id, terminal_id))
        self.admin.set_topic_permissions(
            user, self.topology.events_exchange, write=_exactly(TILL_EVENT_TYPES), read="^$"
        )
        self.admin.set_topic_permissions(
            user, self.topology.catalog_exchange, write="^$", read=_exactly([wire.CATALOG_CHANGED])
        )

    def _declare_queue(self, store_id: str, terminal_id: str, *, purge: bool = False) -> None:
        """The till's catalogue queue exists from registration on: changes published
        before its first connection wait for it. ``purge`` (a lifted suspension) drops the
        ``till.suspended`` notices waiting there (and any catalogue change: the till then
        sees a version gap and fetches the snapshot)."""
        try:
            with blocking_connection(self.amqp_url) as connection:
                channel = connection.channel()
                queue = declare_till_catalog_queue(channel, self.topology, store_id, terminal_id)
                if purge:
                    channel.queue_purge(queue)
        except (pika.exceptions.AMQPError, OSError) as error:
            raise TillRegistryError(
                N_("could not declare the catalogue queue of {store}/{terminal}: {error}"),
                store=store_id, terminal=terminal_id, error=repr(error),
            ) from error


def describe_credentials(credentials: TillCredentials) -> dict[str, Any]:
    """What ``till add`` prints (and what a web page would show once)."""
    return {
        "store_id": credentials.store_id,
        "terminal_id": credentials.terminal_id,
        "user": credentials.user,
        "password": credentials.password,
        "generation": credentials.generation,
        "amqp_url": credentials.amqp_url,
    }

"""The tills' people kept at head office: each store's cashiers, supervisors and
managers, with their roles and PIN hashes (never a PIN), sent to that store's tills.

Every change writes the store's whole list as a new ``people.changed`` event (one counter,
``people_version``, for every store) in the same transaction, and the event is
re-published until the broker confirms it, like a catalogue version. A till applies a
list whose version is above its own, so a repeated or late one changes nothing.

The PIN is hashed here the way the till hashes it (``pos_common.pins``), so the till
checks it unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pika
import pika.exceptions
import psycopg
from psycopg.types.json import Jsonb

from pos_central.catalog import CatalogPublishError, publish_envelope
from pos_central.config import redact
from pos_central.database import connect
from pos_central.ingest.apply import database_errors
from pos_central.topology import Topology, declare_till_catalog_queue
from pos_common.messages import N_, TranslatableError
from pos_common.pins import scrypt_pin_hash
from pos_contracts import Envelope, build_envelope, wire

ROLES = ("cashier", "supervisor", "manager")
_USER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_PIN = re.compile(r"^[0-9]{4,8}$")
Db = psycopg.Connection[Any]


class PeopleError(TranslatableError, ValueError):
    """A person could not be saved; the message says why, translated where it is shown."""


@dataclass(frozen=True)
class StorePerson:
    store_id: str
    user_id: str
    name: str
    role: str
    active: bool
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PersonChange:
    store_id: str
    user_id: str
    name: str
    role: str
    active: bool = True
    pin: str | None = None
    """A new PIN (4 to 8 digits), or None to keep the one it has."""


def check(change: PersonChange) -> None:
    if not _STORE_ID.match(change.store_id):
        raise PeopleError(N_("bad store id {store}"), store=repr(change.store_id))
    if not _USER_ID.match(change.user_id):
        raise PeopleError(
            N_("bad user id {user}: lower-case letters, digits, . _ - (up to 40)"),
            user=repr(change.user_id),
        )
    if not change.name.strip() or len(change.name) > 80:
        raise PeopleError(N_("a name is 1 to 80 characters"))
    if change.role not in ROLES:
        raise PeopleError(N_("bad role {role}: cashier, supervisor or manager"),
                          role=repr(change.role))
    if change.pin is not None and not _PIN.match(change.pin):
        raise PeopleError(N_("a PIN is 4 to 8 digits"))


def list_people(db: Db, stores: list[str] | None = None) -> list[StorePerson]:
    """Everyone (``stores`` None) or the people of those stores, by store and name."""
    sql = "SELECT store_id, user_id, name, role, active, updated_at FROM store_people"
    params: tuple[Any, ...] = ()
    if stores is not None:
        sql += " WHERE store_id = ANY(%s)"
        params = (stores,)
    rows = db.execute(sql + " ORDER BY store_id, name, user_id", params).fetchall()
    return [StorePerson(*row) for row in rows]


def save_person(db: Db, change: PersonChange) -> int | None:
    """Create or change one person; returns the new people_version (None: nothing
    changed). The caller commits, with its audit row."""
    check(change)
    row = db.execute(
        "SELECT name, role, active FROM store_people WHERE store_id = %s AND user_id = %s "
        "FOR UPDATE",
        (change.store_id, change.user_id),
    ).fetchone()
    if row is None and change.pin is None:
        raise PeopleError(N_("a new person needs a PIN"))
    if row is not None and change.pin is None and tuple(row) == (
        change.name.strip(), change.role, change.active
    ):
        return None
    # The slow hash runs before the version lock is taken: other changes do not wait on it.
    pin_hash = scrypt_pin_hash(change.pin) if change.pin is not None else None
    values = {"store": change.store_id, "user": change.user_id, "name": change.name.strip(),
              "role": change.role, "hash": pin_hash, "active": change.active}
    if row is None:
        db.execute(
            "INSERT INTO store_people (store_id, user_id, name, role, pin_hash, active) "
            "VALUES (%(store)s, %(user)s, %(name)s, %(role)s, %(hash)s, %(active)s)",
            values,
        )
    else:
        db.execute(
            "UPDATE store_people SET name = %(name)s, role = %(role)s, active = %(active)s, "
            "pin_hash = coalesce(%(hash)s, pin_hash), updated_at = now() "
            "WHERE store_id = %(store)s AND user_id = %(user)s",
            values,
        )
    return _new_version(db, change.store_id)


def _new_version(db: Db, store_id: str) -> int:
    # One change at a time: versions are handed out in commit order.
    db.execute("LOCK TABLE people_versions IN EXCLUSIVE MODE")
    row = db.execute("SELECT coalesce(max(version), 0) FROM people_versions").fetchone()
    version = (int(row[0]) if row else 0) + 1
    payload = _payload(db, store_id, version)
    envelope = build_envelope(
        wire.PEOPLE_CHANGED,
        payload,
        store_id=wire.CENTRAL_STORE_ID,
        terminal_id=wire.CENTRAL_PEOPLE_TERMINAL_ID,
        seq=version,
    )
    db.execute(
        "INSERT INTO people_versions (version, store_id, event) VALUES (%s, %s, %s)",
        (version, store_id, Jsonb(envelope.to_dict())),
    )
    return version


def _payload(db: Db, store_id: str, version: int) -> dict[str, Any]:
    rows = db.execute(
        "SELECT user_id, name, role, pin_hash, active FROM store_people WHERE store_id = %s "
        "ORDER BY user_id",
        (store_id,),
    ).fetchall()
    keys = ("user_id", "name", "role", "pin_hash", "active")
    return {
        "people_version": version,
        "store_id": store_id,
        "people": [dict(zip(keys, r, strict=True)) for r in rows],
    }


def store_people(db: Db, store_id: str) -> dict[str, Any]:
    """A store's people as its tills get them (the ``people.changed`` payload) at the
    version of the store's last change (0: head office keeps none for it)."""
    row = db.execute(
        "SELECT coalesce(max(version), 0) FROM people_versions WHERE store_id = %s", (store_id,)
    ).fetchone()
    return _payload(db, store_id, int(row[0]) if row else 0)


def publish_pending_people(db_url: str, amqp_url: str, topology: Topology) -> list[int]:
    """Publish, in version order, every people change RabbitMQ has not confirmed yet.

    Each store's tills get it through a binding head office makes on their catalogue
    queues (``people.changed.<store>``): tills registered before people were sent need
    no new broker permission."""
    with database_errors(), connect(db_url, autocommit=True) as db:
        rows = db.execute(
            "SELECT version, store_id, event FROM people_versions WHERE published_at IS NULL "
            "ORDER BY version"
        ).fetchall()
        if not rows:
            return []
        try:
            connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CatalogPublishError(
                f"personal guardado pero no enviado: RabbitMQ no responde ({redact(amqp_url)}: "
                f"{error!r}); se reintentará"
            ) from error
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            for store_id in sorted({str(r[1]) for r in rows}):
                for terminal_id in _terminals(db, store_id):
                    declare_till_catalog_queue(channel, topology, store_id, terminal_id)
            for version, store_id, event in rows:
                publish_envelope(
                    channel, topology, Envelope(**dict(event)), wire.people_routing_key(store_id)
                )
                db.execute(
                    "UPDATE people_versions SET published_at = now() WHERE version = %s",
                    (version,),
                )
        except (pika.exceptions.AMQPError, OSError) as error:
            raise CatalogPublishError(
                f"no se pudo enviar el personal: {error!r}; se reintentará"
            ) from error
        finally:
            if connection.is_open:
                connection.close()
    return [int(r[0]) for r in rows]


def _terminals(db: Db, store_id: str) -> list[str]:
    """The store's tills: those registered and those that ever sent an event."""
    rows = db.execute(
        "SELECT terminal_id FROM till_users WHERE store_id = %s AND revoked_at IS NULL "
        "UNION SELECT terminal_id FROM terminals WHERE store_id = %s",
        (store_id, store_id),
    ).fetchall()
    return sorted(str(r[0]) for r in rows)

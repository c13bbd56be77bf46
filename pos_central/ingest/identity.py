"""Which terminal a message's broker user may speak for.

RabbitMQ verifies the AMQP ``user_id`` property (a message whose ``user_id`` is not the
connection's user is refused), so ``user_id`` says which till user published it; the
binding user -> (store, terminal) is ``till_users`` (written by ``pos_central.tills``).
An event whose envelope names another store or terminal is ``not_yours``.

A user name is never reused, so a binding never changes once read: it is kept in memory.
Users without a binding (guest, a shared account) are refused too, unless the ingest runs
with ``accept_unregistered`` (a lab, or while the tills are moved to their own users);
then only registered users are held to their terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from pos_contracts import Envelope, InvalidEvent

Terminal = tuple[str, str]
_BINDINGS = """SELECT user_name, store_id, terminal_id, generation FROM till_users
WHERE user_name = ANY(%s)"""


class TillIdentities:
    def __init__(self, *, accept_unregistered: bool = False) -> None:
        self.accept_unregistered = accept_unregistered
        self._bound: dict[str, Terminal] = {}
        self._generation: dict[str, int] = {}

    def judge(
        self, cursor: psycopg.Cursor[Any], events: Sequence[tuple[Envelope, str | None]]
    ) -> list[InvalidEvent | None]:
        """For each (envelope, user_id): None if the user may speak for the envelope's
        terminal, else why not."""
        unknown = {user for _, user in events if user is not None and user not in self._bound}
        if unknown:
            rows = cursor.execute(_BINDINGS, (sorted(unknown),))
            for user, store_id, terminal_id, generation in rows:
                self._bound[user] = (store_id, terminal_id)
                self._generation[user] = generation
        return [self._judge(env, user) for env, user in events]

    def generation(self, user: str | None) -> int:
        """Which registration of its terminal ``user`` is (0: not a till user). Known for
        every user of a batch once ``judge`` has seen it."""
        return 0 if user is None else self._generation.get(user, 0)

    def _judge(self, env: Envelope, user: str | None) -> InvalidEvent | None:
        bound = self._bound.get(user) if user is not None else None
        if bound is None:
            if self.accept_unregistered:
                return None
            who = "sin user_id" if user is None else f"del usuario {user!r}, que no es una caja"
            return InvalidEvent(
                "not_yours",
                f"evento {who}: solo una caja registrada (pos-central till add) publica por "
                f"su tienda y caja; este dice {env.store_id}/{env.terminal_id}",
            )
        if bound != (env.store_id, env.terminal_id):
            return InvalidEvent(
                "not_yours",
                f"el usuario {user} es la caja {bound[0]}/{bound[1]}; este evento dice "
                f"{env.store_id}/{env.terminal_id}",
            )
        return None

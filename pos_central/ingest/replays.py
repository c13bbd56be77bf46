"""A dead letter replayed by head office keeps the identity trust of its first publisher.

Head office's API replays a dead letter (``api/dead_letters.replay``) with its own broker
user (RabbitMQ sets no other ``user_id`` on its connection) and the header
``x-pos-replay-of: <dead_letter_id>``. Judged by that user, a till's event would be
``not_yours``: head office's user is no till. So the ingest judges it by the user that
first published it, as recorded with the dead letter (``dead_letters.headers.publisher``:
the ingest names it in ``x-pos-original-user-id`` on every copy it dead-letters, see
``ORIGINAL_USER_HEADER``; RabbitMQ's own dead-lettering keeps the verified ``user_id``):

- the header counts only on a message whose ``user_id`` is head office's own user (the
  one the ingest and the API connect as); from any other user, a till's included, it is
  ignored and the message is judged by that user, as always;
- the message's body must be the dead letter's, byte for byte (a replay re-sends, it
  never edits): otherwise it is refused as ``not_yours``;
- a dead letter that was itself a refused replay is followed back to the first publisher.

So a replay can only bring back, unchanged, a message some till's user really published,
under that user's binding; it gives nobody a way to speak for another terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import psycopg

from pos_contracts import InvalidEvent

if TYPE_CHECKING:
    from pos_central.ingest.apply import Received

REPLAY_HEADER = "x-pos-replay-of"
"""Set by head office's replay: the id of the dead letter the message re-sends."""
ORIGINAL_USER_HEADER = "x-pos-original-user-id"
"""Set by the ingest on each message it dead-letters: the ``user_id`` it was published
with (empty: none). Its copy is published with head office's user, so the copy's own
``user_id`` no longer says who published the message."""
_HOPS = 5
"""A replay of a replay of…: how far back the first publisher is looked for."""
_DEAD_LETTER = "SELECT headers, body FROM dead_letters WHERE dead_letter_id = %s"


def broker_user(amqp_url: str) -> str:
    """The user a broker URL connects as (the first address's; guest without one)."""
    first = amqp_url.split(",")[0].strip()
    return unquote(urlsplit(first).username or "") or "guest"


def publisher(properties: Any) -> str | None:
    """Who published a message of the dead-letter queue: the ingest's copy names it in
    ``ORIGINAL_USER_HEADER``; a message RabbitMQ dead-lettered itself (it has ``x-death``)
    still has the ``user_id`` RabbitMQ verified. A header a till wrote is never believed:
    the ingest overwrites it, and RabbitMQ's own copies are judged by their ``user_id``."""
    headers = dict(properties.headers or {})
    if "x-death" in headers:
        return str(properties.user_id) if properties.user_id else None
    named = headers.get(ORIGINAL_USER_HEADER)
    if isinstance(named, bytes):
        named = named.decode("utf-8", "replace")
    return str(named) if named else None


def replay_of(headers: Mapping[str, Any] | None) -> int | None:
    """The dead letter a message says it replays, if it says so."""
    value = (headers or {}).get(REPLAY_HEADER)
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    try:
        found = int(str(value)) if value is not None else None
    except ValueError:
        return None
    return found if found is not None and found > 0 else None


class Replays:
    """Resolves head office's replays to the user that first published each message."""

    def __init__(self, office_user: str | None) -> None:
        self.office_user = office_user

    def resolve(
        self, cursor: psycopg.Cursor[Any], events: Sequence[Received]
    ) -> tuple[list[Received], dict[int, InvalidEvent]]:
        """``events`` with each trusted replay carrying its first publisher's
        ``user_id``, and the replays refused (by index). Costs nothing when no message
        of the batch is a replay."""
        if self.office_user is None or not any(e.replay_of is not None for e in events):
            return list(events), {}
        resolved, refused = list(events), {}
        for index, event in enumerate(events):
            if event.replay_of is None or event.user_id != self.office_user:
                continue  # not head office's: the header means nothing
            user = self._first_publisher(cursor, event)
            if isinstance(user, InvalidEvent):
                refused[index] = user
            else:
                resolved[index] = replace(event, user_id=user)
        return resolved, refused

    def _first_publisher(
        self, cursor: psycopg.Cursor[Any], event: Received
    ) -> str | InvalidEvent | None:
        from pos_central.ingest.apply import body_digest

        wanted: int | None = event.replay_of
        for _ in range(_HOPS):
            row = cursor.execute(_DEAD_LETTER, (wanted,)).fetchone()
            if row is None or body_digest(bytes(row[1])) != event.digest:
                return InvalidEvent(
                    "not_yours",
                    f"reenvío del mensaje descartado n.º {wanted} que no es ese mensaje: "
                    "la central reenvía sin cambiar nada",
                )
            headers: dict[str, Any] = dict(row[0])
            user = headers.get("publisher", headers.get("user_id"))
            earlier = replay_of(headers)
            if user != self.office_user or earlier is None:
                return str(user) if user else None
            wanted = earlier  # a refused replay: its first publisher is further back
        return InvalidEvent("not_yours", f"reenvío de reenvíos ({_HOPS}) sin el mensaje original")

"""Wrong clocks: a till whose clock is far from head office's files its sales under the
wrong day, so every event is compared with central's clock when it is received.

The till stamps each message with its clock at publishing (``x-pos-sent-at``); the
difference from central's receipt time is the till's clock error plus the time the
message waited at the broker. Waiting only ever makes a clock look *behind*, and it is
long only for the backlog that piled up while no ingest was consuming: so a message
more than the margin *ahead* is always flagged, and one more than the margin *behind*
unless it is part of the backlog counted when this session started consuming (a till
whose clock is behind is flagged by its first message after that backlog). A till too
old to stamp its messages is judged by the event's own ``occurred_at``, ahead only (an
offline till's events are legitimately old, never in the future).

Flagged events are recorded in ``clock_skews`` in the batch's transaction (once per
event), counted in ``/metrics`` and listed per terminal by the daily report and
``pos-central report conflicts``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from pos_contracts import Envelope
from pos_contracts.wire import SENT_AT_HEADER

log = logging.getLogger("pos_central.ingest")


@dataclass(frozen=True, slots=True)
class ClockSkew:
    """How far the till's clock was from central's when central received the event."""

    offset_ms: int
    """Till clock minus central's clock: positive ahead, negative behind."""
    sent_at_ms: int | None
    """The till's ``x-pos-sent-at`` (None: a till that does not stamp it)."""
    received_at_ms: int


class ClockWatch:
    """Judges each received event against ``margin`` seconds (one per ingest session)."""

    def __init__(self, margin: float, clock: Any = time.time) -> None:
        self.margin_ms = int(margin * 1000)
        self._clock = clock
        self._backlog = 0

    def session_started(self, backlog: int) -> None:
        """``backlog`` messages waited in the queue before this session consumed them."""
        self._backlog = max(0, backlog)

    def judge(self, headers: Mapping[str, Any] | None, env: Envelope) -> ClockSkew | None:
        now_ms = int(self._clock() * 1000)
        waited = self._backlog > 0
        if waited:
            self._backlog -= 1
        sent = _sent_at(headers)
        if sent is None:
            occurred = _epoch_ms(env.occurred_at)
            if occurred is not None and occurred - now_ms > self.margin_ms:
                return ClockSkew(occurred - now_ms, None, now_ms)
            return None
        offset = sent - now_ms
        if offset > self.margin_ms or (offset < -self.margin_ms and not waited):
            return ClockSkew(offset, sent, now_ms)
        return None


def _sent_at(headers: Mapping[str, Any] | None) -> int | None:
    value = (headers or {}).get(SENT_AT_HEADER)
    if isinstance(value, bool) or not isinstance(value, int):
        return None  # absent or malformed: judged like a till that does not stamp it
    return value


def _epoch_ms(timestamp: str) -> int | None:
    try:
        return int(datetime.fromisoformat(timestamp).timestamp() * 1000)
    except ValueError:
        return None


_RECORD = """
INSERT INTO clock_skews (event_id, store_id, terminal_id, seq, type, occurred_at, ticket,
    total, offset_ms, till_sent_at, received_at)
SELECT e, s, t, q, y, o, k, a, f,
    CASE WHEN n IS NULL THEN NULL ELSE to_timestamp(n / 1000.0) END, to_timestamp(r / 1000.0)
FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::timestamptz[],
    %s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])
    AS x(e, s, t, q, y, o, k, a, f, n, r)
ON CONFLICT (event_id) DO NOTHING
"""


def record_skews(
    cursor: psycopg.Cursor[Any], skewed: Sequence[tuple[Envelope, ClockSkew]]
) -> None:
    """Keep the applied events whose till clock was off (a re-delivery adds nothing)."""
    if not skewed:
        return
    rows = [
        (
            env.event_id, env.store_id, env.terminal_id, env.seq, env.type, env.occurred_at,
            _ticket(env), _total(env), skew.offset_ms, skew.sent_at_ms, skew.received_at_ms,
        )
        for env, skew in skewed
    ]
    cursor.execute(_RECORD, [list(column) for column in zip(*rows, strict=True)])


def log_skews(skewed: Sequence[tuple[Envelope, ClockSkew]]) -> None:
    """One warning per terminal and batch: which till, how far off, how many events."""
    by_terminal: dict[tuple[str, str], list[ClockSkew]] = {}
    for env, skew in skewed:
        by_terminal.setdefault((env.store_id, env.terminal_id), []).append(skew)
    for (store_id, terminal_id), skews in by_terminal.items():
        offset = round(skews[-1].offset_ms / 1000)
        log.warning(
            "reloj de la caja desfasado: sus ventas quedan con la fecha de la caja (%s)",
            describe_offset(offset),
            extra={"store_id": store_id, "terminal_id": terminal_id, "offset_s": offset,
                   "events": len(skews)},
        )


def _ticket(env: Envelope) -> str | None:
    value = env.payload.get("ticket") or env.payload.get("refund_ticket")
    return None if value is None else str(value)


def _total(env: Envelope) -> int | None:
    value = env.payload.get("total", env.payload.get("amount"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_BY_TERMINAL = """
SELECT store_id, terminal_id, count(*), min(offset_ms), max(offset_ms),
    min(received_at), max(received_at),
    jsonb_agg(jsonb_build_object(
        'seq', seq, 'type', type, 'event_id', event_id::text, 'ticket', ticket,
        'total', total, 'occurred_at', occurred_at, 'received_at', received_at,
        'offset_s', round(offset_ms / 1000.0)) ORDER BY seq)
FROM clock_skews
WHERE (%(since)s::date IS NULL OR received_at >= %(since)s::date)
    AND (%(until)s::date IS NULL OR received_at < %(until)s::date + 1)
GROUP BY store_id, terminal_id ORDER BY store_id, terminal_id
"""


def skewed_terminals(
    db: psycopg.Connection[Any], since: Any = None, until: Any = None
) -> list[dict[str, Any]]:
    """Per terminal, the events received from ``since`` to ``until`` (server dates) while
    its clock was off, each with the date the till filed it under."""
    return ask_skewed_terminals(db, since, until)()


def ask_skewed_terminals(
    db: psycopg.Connection[Any], since: Any = None, until: Any = None
) -> Callable[[], list[dict[str, Any]]]:
    """``skewed_terminals`` in two steps: the statement sent now, its rows read by what it
    returns (the dashboard sends all its statements at once: ``api/sync_health.py``)."""
    found = db.execute(_BY_TERMINAL, {"since": since, "until": until})
    return lambda: _skewed_of(found.fetchall())


def _skewed_of(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "store_id": store_id,
            "terminal_id": terminal_id,
            "events": count,
            "offset_s_min": round(low / 1000),
            "offset_s_max": round(high / 1000),
            "first_received_at": first.isoformat(),
            "last_received_at": last.isoformat(),
            "items": items,
        }
        for store_id, terminal_id, count, low, high, first, last, items in rows
    ]


def describe_offset(seconds: int) -> str:
    """'3 h 20 min adelantado' / '365 días atrasado' (for the text reports)."""
    way = "adelantado" if seconds > 0 else "atrasado"
    left = abs(seconds)
    if left >= 2 * 86400:
        amount = f"{left // 86400} días"
    elif left >= 3600:
        amount = f"{left // 3600} h {left % 3600 // 60} min"
    else:
        amount = f"{left // 60} min {left % 60} s"
    return f"{amount} {way}"

"""Each event type and version becomes rows.

Most rows are written by PostgreSQL itself from the event's JSON: the batch travels as
one ``jsonb`` array (the message bodies exactly as received and validated), and each
writer contributes ``INSERT ... SELECT`` statements over the batch's *applied* events.
Building rows in Python and streaming them through COPY cost the ingest ~30 µs of
Python per sale; PostgreSQL does the same extraction in C, on the other core, at about
the CPU its COPY parsing cost (measured: ``benchmarks/bench_ingest``).

Shift rows are upserts (``shift.opened`` and ``shift.closed`` may arrive in either
order, or in the same batch), which one set-based statement cannot do twice for a row,
so they are per-event statements run after the batch statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from pos_central.ingest import fiscal_writers as fiscal
from pos_contracts import Envelope

Statement = tuple[str, dict[str, Any]]

EVENTS = "events"
"""Placeholder a writer's SQL selects from: the applied events of its own type and
version, with columns ``e`` (the envelope) and ``p`` (its payload), both ``jsonb``."""


@dataclass(frozen=True)
class EventWriter:
    inserts: tuple[str, ...] = ()
    """``INSERT ... SELECT ... FROM {events} ...`` (or a ``DELETE ... USING {events}``), run
    over every applied event of the type."""
    statements: Callable[[Envelope], list[Statement]] | None = None
    """Per-event statements (upserts), run in arrival order after the inserts. Each
    returns one boolean: false means the event contradicts a fact already on record."""


def _tenders(table: str, parent: str) -> str:
    """The payload's ``tenders``, numbered from 1 in their order, under the parent's id."""
    return f"""INSERT INTO {table} ({parent}, tender_no, kind, amount, reference)
SELECT (p->>'{parent}')::uuid, t.n, t.tender->>'kind', (t.tender->>'amount')::bigint,
    t.tender->>'reference'
FROM {{events}}, jsonb_array_elements(p->'tenders') WITH ORDINALITY AS t(tender, n)"""


def _iva(table: str, parent: str) -> str:
    """The payload's ``iva`` rows under the parent's id."""
    return f"""INSERT INTO {table} ({parent}, rate, gross, net, tax)
SELECT (p->>'{parent}')::uuid, i.rate, i.gross, i.net, i.tax
FROM {{events}},
    jsonb_to_recordset(p->'iva') AS i(rate text, gross bigint, net bigint, tax bigint)"""


# -- sale.completed v1, v2 ----------------------------------------------------------------
def _sale_completed(rounding: str) -> tuple[str, ...]:
    """v2 adds ``rounding`` (already inside the lines' amounts); a v1 sale had none."""
    return (
        f"""INSERT INTO sales (sale_id, event_id, store_id, terminal_id, seq, ticket_number,
    ticket, shift_id, cashier_id, cashier_name, completed_at, business_date, currency,
    ticket_discount, rounding, total, change, journal_seq, journal_hash, trace_id)
SELECT (p->>'sale_id')::uuid, (e->>'event_id')::uuid, e->>'store_id', e->>'terminal_id',
    (e->>'seq')::bigint, (p->>'ticket_number')::bigint, p->>'ticket', (p->>'shift_id')::uuid,
    p#>>'{{cashier,user_id}}', p#>>'{{cashier,name}}', (p->>'completed_at')::timestamptz,
    left(p->>'completed_at', 10)::date, p->>'currency', (p->>'ticket_discount')::bigint,
    {rounding}, (p->>'total')::bigint, (p->>'change')::bigint, (p#>>'{{journal,seq}}')::bigint,
    p#>>'{{journal,hash}}', e->>'trace_id'
FROM {{events}}""",
        _LINES,
        _tenders("payments", "sale_id"),
        _iva("sale_iva", "sale_id"),
    )


_LINES = """INSERT INTO sale_lines (sale_id, line_no, sku, barcode, description, sold_by_weight,
    quantity_milli, unit_price, gross_amount, discount, amount, iva_rate)
SELECT (p->>'sale_id')::uuid, l.line_no, l.sku, l.barcode, l.description, l.sold_by_weight,
    l.quantity_milli, l.unit_price, l.gross_amount, l.discount, l.amount, l.iva_rate
FROM {events}, jsonb_to_recordset(p->'lines') AS l(line_no integer, sku text, barcode text,
    description text, sold_by_weight boolean, quantity_milli bigint, unit_price bigint,
    gross_amount bigint, discount bigint, amount bigint, iva_rate text)"""


# -- sale.refunded v1 --------------------------------------------------------------------
_SALE_REFUNDED_V1 = (
    """INSERT INTO refunds (refund_id, event_id, store_id, terminal_id, seq, sale_id,
    original_ticket, refund_ticket_number, refund_ticket, shift_id, cashier_id, cashier_name,
    approved_by_id, approved_by_name, reason, refunded_at, business_date, currency, total,
    journal_seq, journal_hash, trace_id)
SELECT (p->>'refund_id')::uuid, (e->>'event_id')::uuid, e->>'store_id', e->>'terminal_id',
    (e->>'seq')::bigint, (p->>'sale_id')::uuid, p->>'original_ticket',
    (p->>'refund_ticket_number')::bigint, p->>'refund_ticket', (p->>'shift_id')::uuid,
    p#>>'{cashier,user_id}', p#>>'{cashier,name}', p#>>'{approved_by,user_id}',
    p#>>'{approved_by,name}', p->>'reason', (p->>'refunded_at')::timestamptz,
    left(p->>'refunded_at', 10)::date, p->>'currency', (p->>'total')::bigint,
    (p#>>'{journal,seq}')::bigint, p#>>'{journal,hash}', e->>'trace_id'
FROM {events}""",
    """INSERT INTO refund_lines (refund_id, line_no, original_line_no, sku, description,
    sold_by_weight, quantity_milli, amount, iva_rate)
SELECT (p->>'refund_id')::uuid, l.line_no, l.original_line_no, l.sku, l.description,
    l.sold_by_weight, l.quantity_milli, l.amount, l.iva_rate
FROM {events}, jsonb_to_recordset(p->'lines') AS l(line_no integer, original_line_no integer,
    sku text, description text, sold_by_weight boolean, quantity_milli bigint, amount bigint,
    iva_rate text)""",
    _tenders("refund_tenders", "refund_id"),
    _iva("refund_iva", "refund_id"),
)

# -- cash.moved v1 -----------------------------------------------------------------------
_CASH_MOVED_V1 = (
    """INSERT INTO cash_movements (movement_id, event_id, store_id, terminal_id, seq, shift_id,
    direction, amount, currency, reason, by_id, by_name, moved_at, business_date, journal_seq,
    journal_hash, trace_id)
SELECT (p->>'movement_id')::uuid, (e->>'event_id')::uuid, e->>'store_id', e->>'terminal_id',
    (e->>'seq')::bigint, (p->>'shift_id')::uuid, p->>'direction', (p->>'amount')::bigint,
    p->>'currency', p->>'reason', p#>>'{by,user_id}', p#>>'{by,name}',
    (p->>'moved_at')::timestamptz, left(p->>'moved_at', 10)::date,
    (p#>>'{journal,seq}')::bigint, p#>>'{journal,hash}', e->>'trace_id'
FROM {events}""",
)

# -- shifts (upserts) --------------------------------------------------------------------
# A shift row is made by whichever of shift.opened / shift.closed arrives first; each
# fills only its own half, once. Either statement returns one boolean: true if the fact
# is now on record (written now, or already recorded with the very same figures), false
# if the shift already holds other figures (a second Z for a closed shift, a shift of
# another terminal): that is a conflict, never an overwrite.
_SHIFT_OPENED = """
WITH upsert AS (
    INSERT INTO shifts (shift_id, store_id, terminal_id, currency, opened_by_id, opened_by_name,
        opened_at, float)
    VALUES (%(shift_id)s, %(store_id)s, %(terminal_id)s, %(currency)s, %(by_id)s, %(by_name)s,
        %(at)s, %(float)s)
    ON CONFLICT (shift_id) DO UPDATE SET opened_by_id = EXCLUDED.opened_by_id,
        opened_by_name = EXCLUDED.opened_by_name, opened_at = EXCLUDED.opened_at,
        float = EXCLUDED.float
    WHERE shifts.opened_at IS NULL AND shifts.store_id = EXCLUDED.store_id
        AND shifts.terminal_id = EXCLUDED.terminal_id
    RETURNING 1
)
SELECT EXISTS (SELECT FROM upsert) OR EXISTS (
    SELECT FROM shifts WHERE shift_id = %(shift_id)s
    AND (store_id, terminal_id, opened_by_id, opened_at, float)
        IS NOT DISTINCT FROM (%(store_id)s, %(terminal_id)s, %(by_id)s, %(at)s::timestamptz,
        %(float)s::bigint)
)
"""


def business_date(timestamp: str) -> str:
    """The till's local calendar day of an RFC 3339 timestamp (2026-11-28T23:59-03:00 -> 11-28)."""
    return timestamp[:10]


def shift_opened_v1(env: Envelope) -> list[Statement]:
    p = env.payload
    return [
        (
            _SHIFT_OPENED,
            {
                "shift_id": p["shift_id"],
                "store_id": env.store_id,
                "terminal_id": env.terminal_id,
                "currency": p["currency"],
                "by_id": p["opened_by"]["user_id"],
                "by_name": p["opened_by"]["name"],
                "at": p["opened_at"],
                "float": p["float"],
            },
        )
    ]


_SHIFT_CLOSED = """
WITH upsert AS (
    INSERT INTO shifts (shift_id, store_id, terminal_id, currency, float, closed_by_id,
        closed_by_name, closed_at, business_date, z_number, expected_cash, counted_cash,
        over_short, totals, sales_count, refunds_count, first_ticket, last_ticket)
    VALUES (%(shift_id)s, %(store_id)s, %(terminal_id)s, %(currency)s, %(float)s, %(by_id)s,
        %(by_name)s, %(at)s, %(day)s, %(z_number)s, %(expected_cash)s, %(counted_cash)s,
        %(over_short)s, %(totals)s,
        %(sales_count)s, %(refunds_count)s, %(first_ticket)s, %(last_ticket)s)
    ON CONFLICT (shift_id) DO UPDATE SET closed_by_id = EXCLUDED.closed_by_id,
        closed_by_name = EXCLUDED.closed_by_name, closed_at = EXCLUDED.closed_at,
        business_date = EXCLUDED.business_date, z_number = EXCLUDED.z_number,
        expected_cash = EXCLUDED.expected_cash, counted_cash = EXCLUDED.counted_cash,
        over_short = EXCLUDED.over_short, totals = EXCLUDED.totals,
        sales_count = EXCLUDED.sales_count, refunds_count = EXCLUDED.refunds_count,
        first_ticket = EXCLUDED.first_ticket, last_ticket = EXCLUDED.last_ticket,
        float = COALESCE(shifts.float, EXCLUDED.float)
    WHERE shifts.closed_at IS NULL AND shifts.store_id = EXCLUDED.store_id
        AND shifts.terminal_id = EXCLUDED.terminal_id
    RETURNING 1
)
SELECT EXISTS (SELECT FROM upsert) OR EXISTS (
    SELECT FROM shifts WHERE shift_id = %(shift_id)s
    AND (store_id, terminal_id, closed_by_id, closed_at, z_number, expected_cash, counted_cash,
        over_short, totals, sales_count, refunds_count, first_ticket, last_ticket)
        IS NOT DISTINCT FROM (%(store_id)s, %(terminal_id)s, %(by_id)s, %(at)s::timestamptz,
        %(z_number)s::bigint, %(expected_cash)s::bigint, %(counted_cash)s::bigint,
        %(over_short)s::bigint, %(totals)s::jsonb, %(sales_count)s::integer,
        %(refunds_count)s::integer, %(first_ticket)s::text, %(last_ticket)s::text)
)
"""


def shift_closed_v1(env: Envelope) -> list[Statement]:
    p = env.payload
    return [
        (
            _SHIFT_CLOSED,
            {
                "shift_id": p["shift_id"],
                "store_id": env.store_id,
                "terminal_id": env.terminal_id,
                "currency": p["currency"],
                "float": p["float"],
                "by_id": p["closed_by"]["user_id"],
                "by_name": p["closed_by"]["name"],
                "at": p["closed_at"],
                "day": business_date(p["closed_at"]),
                "z_number": p["z_number"],
                "expected_cash": p["expected_cash"],
                "counted_cash": p["counted_cash"],
                "over_short": p["over_short"],
                "totals": Jsonb(p["totals"]),
                "sales_count": p["sales_count"],
                "refunds_count": p["refunds_count"],
                "first_ticket": p["first_ticket"],
                "last_ticket": p["last_ticket"],
            },
        )
    ]


WRITERS: dict[tuple[str, int], EventWriter] = {
    ("sale.completed", 1): EventWriter(inserts=_sale_completed("0")),
    ("sale.completed", 2): EventWriter(inserts=_sale_completed("(p->>'rounding')::bigint")),
    # v3: v2's rows and the fiscal block (pos_central/ingest/fiscal_writers.py)
    ("sale.completed", 3): EventWriter(
        inserts=(*_sale_completed("(p->>'rounding')::bigint"),
                 fiscal.document_insert("sale", "sale_id", "completed_at"),
                 *fiscal.pending_statements("sale", "sale_id", "completed_at")),
        statements=fiscal.authorized_block("sale", "sale_id")),
    ("sale.refunded", 1): EventWriter(inserts=_SALE_REFUNDED_V1),
    ("sale.refunded", 2): EventWriter(
        inserts=(*_SALE_REFUNDED_V1, fiscal.document_insert("refund", "refund_id",
                                                            "refunded_at"),
                 *fiscal.pending_statements("refund", "refund_id", "refunded_at")),
        statements=fiscal.authorized_block("refund", "refund_id")),
    ("fiscal.authorized", 1): EventWriter(statements=fiscal.fiscal_authorized_v1),
    ("cash.moved", 1): EventWriter(inserts=_CASH_MOVED_V1),
    ("shift.opened", 1): EventWriter(statements=shift_opened_v1),
    ("shift.closed", 1): EventWriter(statements=shift_closed_v1),
    # v2's extra figures (by cashier, voids, overrides, discounts, rounding) are inside
    # ``totals``, which is stored whole as jsonb: the same statement serves.
    ("shift.closed", 2): EventWriter(statements=shift_closed_v1),
}
"""What the ingest applies. A valid event of another type (e.g. catalog.changed, which
flows the other way) is dead-lettered as unexpected."""


DIGEST_KEY = "_digest"
"""Key the ingest puts first in each event of the batch document: the digest of the body
as received (no valid envelope has it: ``additionalProperties`` is false)."""

_TRACK = f"""INSERT INTO processed_events (event_id, store_id, terminal_id, seq, type,
    schema_version, occurred_at, trace_id, journal_seq, journal_prev_hash, journal_hash,
    body_digest)
SELECT (e->>'event_id')::uuid, e->>'store_id', e->>'terminal_id', (e->>'seq')::bigint, e->>'type',
    (e->>'schema_version')::integer, (e->>'occurred_at')::timestamptz, e->>'trace_id',
    (p#>>'{{journal,seq}}')::bigint, p#>>'{{journal,prev_hash}}', p#>>'{{journal,hash}}',
    e->>'{DIGEST_KEY}'
FROM batch
ON CONFLICT DO NOTHING
RETURNING event_id"""


_SALES_BY_HOUR = """INSERT INTO sales_by_hour (business_date, store_id, terminal_id, hour_start,
    sales, total)
SELECT left(p->>'completed_at', 10)::date, e->>'store_id', e->>'terminal_id',
    date_trunc('hour', (p->>'completed_at')::timestamptz AT TIME ZONE 'UTC'), count(*),
    sum((p->>'total')::bigint)
FROM applied WHERE type = 'sale.completed'
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
ON CONFLICT (business_date, store_id, terminal_id, hour_start) DO UPDATE
SET sales = sales_by_hour.sales + EXCLUDED.sales, total = sales_by_hour.total + EXCLUDED.total"""
"""The dashboard's summary of the day (migration 0013), in the batch's own statement: every
version of ``sale.completed`` at once (two upserts of one row in one statement would
fail), in key order so that two workers' batches lock its rows in the same order."""


def batch_statement(writers: Mapping[tuple[str, int], EventWriter] = WRITERS) -> str:
    """One statement for a whole batch: parse the JSON array once, insert the tracking
    rows (``processed_events``, ON CONFLICT DO NOTHING), and write the business rows of
    exactly the events whose tracking row was new. Returns the new event ids.

    Takes one parameter: the batch as a JSON array of envelopes, each with its digest
    under ``DIGEST_KEY`` (``document``). Every data-modifying
    CTE runs to completion whether or not it is referenced; all of them see the same
    snapshot, which is why they select from ``applied`` (the RETURNING of the tracking
    insert) and not from the tables.
    """
    parts = [
        "batch AS MATERIALIZED (SELECT e, e->'payload' AS p "
        "FROM jsonb_array_elements(%s::jsonb) AS e)",
        f"tracked AS ({_TRACK})",
        "applied AS MATERIALIZED (SELECT b.e, b.p, b.e->>'type' AS type, "
        "(b.e->>'schema_version')::integer AS version "
        "FROM batch b JOIN tracked t ON t.event_id = (b.e->>'event_id')::uuid)",
    ]
    for (event_type, version), writer in sorted(writers.items()):
        events = (
            f"(SELECT e, p FROM applied WHERE type = '{event_type}' AND version = {version}) AS a"
        )
        for sql in writer.inserts:
            insert = sql.replace("{events}", events)  # not str.format: the SQL has {a,b} paths
            parts.append(f"w{len(parts)} AS ({insert})")
    if any(event_type == "sale.completed" for event_type, _version in writers):
        parts.append(f"by_hour AS ({_SALES_BY_HOUR})")
    return "WITH " + ",\n".join(parts) + "\nSELECT event_id::text FROM tracked"


BATCH_STATEMENT = batch_statement()


def document(events: Iterable[tuple[str, str]]) -> str:
    """The batch statement's parameter from (envelope JSON text, digest) pairs: the text
    is not parsed again here, the digest is put in front of its first key."""
    tagged = (f'{{"{DIGEST_KEY}":"{digest}",{text[1:]}' for text, digest in events)
    return "[" + ",".join(tagged) + "]"

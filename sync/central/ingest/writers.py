"""Each event type and version becomes rows. Bulk rows go through COPY (one per table per
batch); the few upserts (shifts) are plain statements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from sync.contracts import Envelope


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]

    @property
    def copy_sql(self) -> str:
        return f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN"


SALES = Table(
    "sales",
    (
        "sale_id",
        "event_id",
        "store_id",
        "terminal_id",
        "seq",
        "ticket_number",
        "ticket",
        "shift_id",
        "cashier_id",
        "cashier_name",
        "completed_at",
        "business_date",
        "currency",
        "ticket_discount",
        "total",
        "change",
        "journal_seq",
        "journal_hash",
        "trace_id",
    ),
)
SALE_LINES = Table(
    "sale_lines",
    (
        "sale_id",
        "line_no",
        "sku",
        "barcode",
        "description",
        "sold_by_weight",
        "quantity_milli",
        "unit_price",
        "gross_amount",
        "discount",
        "amount",
        "iva_rate",
    ),
)
PAYMENTS = Table("payments", ("sale_id", "tender_no", "kind", "amount", "reference"))
SALE_IVA = Table("sale_iva", ("sale_id", "rate", "gross", "net", "tax"))
REFUNDS = Table(
    "refunds",
    (
        "refund_id",
        "event_id",
        "store_id",
        "terminal_id",
        "seq",
        "sale_id",
        "original_ticket",
        "refund_ticket_number",
        "refund_ticket",
        "shift_id",
        "cashier_id",
        "cashier_name",
        "approved_by_id",
        "approved_by_name",
        "reason",
        "refunded_at",
        "business_date",
        "currency",
        "total",
        "journal_seq",
        "journal_hash",
        "trace_id",
    ),
)
REFUND_LINES = Table(
    "refund_lines",
    (
        "refund_id",
        "line_no",
        "original_line_no",
        "sku",
        "description",
        "sold_by_weight",
        "quantity_milli",
        "amount",
        "iva_rate",
    ),
)
REFUND_TENDERS = Table("refund_tenders", ("refund_id", "tender_no", "kind", "amount", "reference"))
REFUND_IVA = Table("refund_iva", ("refund_id", "rate", "gross", "net", "tax"))
CASH_MOVEMENTS = Table(
    "cash_movements",
    (
        "movement_id",
        "event_id",
        "store_id",
        "terminal_id",
        "seq",
        "shift_id",
        "direction",
        "amount",
        "currency",
        "reason",
        "by_id",
        "by_name",
        "moved_at",
        "business_date",
        "journal_seq",
        "journal_hash",
        "trace_id",
    ),
)

Row = tuple[Any, ...]


@dataclass
class BatchRows:
    """Rows of one batch, written table by table in first-use order (parents first)."""

    copies: dict[Table, list[Row]] = field(default_factory=dict)
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, table: Table, row: Row) -> None:
        self.copies.setdefault(table, []).append(row)

    def write(self, cursor: psycopg.Cursor[Any]) -> None:
        for table, rows in self.copies.items():
            with cursor.copy(table.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        for sql, params in self.statements:
            cursor.execute(sql, params)


def _person(person: dict[str, str] | None) -> tuple[str | None, str | None]:
    return (person["user_id"], person["name"]) if person else (None, None)


def business_date(timestamp: str) -> str:
    """The till's local calendar day of an RFC 3339 timestamp (2026-11-28T23:59-03:00 -> 11-28)."""
    return timestamp[:10]


def sale_completed_v1(env: Envelope, rows: BatchRows) -> None:
    p = env.payload
    sale_id, journal = p["sale_id"], p["journal"]
    rows.add(
        SALES,
        (
            sale_id,
            env.event_id,
            env.store_id,
            env.terminal_id,
            env.seq,
            p["ticket_number"],
            p["ticket"],
            p["shift_id"],
            *_person(p["cashier"]),
            p["completed_at"],
            business_date(p["completed_at"]),
            p["currency"],
            p["ticket_discount"],
            p["total"],
            p["change"],
            journal["seq"],
            journal["hash"],
            env.trace_id,
        ),
    )
    for line in p["lines"]:
        rows.add(
            SALE_LINES,
            (
                sale_id,
                line["line_no"],
                line["sku"],
                line["barcode"],
                line["description"],
                line["sold_by_weight"],
                line["quantity_milli"],
                line["unit_price"],
                line["gross_amount"],
                line["discount"],
                line["amount"],
                line["iva_rate"],
            ),
        )
    for number, tender in enumerate(p["tenders"], 1):
        rows.add(PAYMENTS, (sale_id, number, tender["kind"], tender["amount"], tender["reference"]))
    for iva in p["iva"]:
        rows.add(SALE_IVA, (sale_id, iva["rate"], iva["gross"], iva["net"], iva["tax"]))


def sale_refunded_v1(env: Envelope, rows: BatchRows) -> None:
    p = env.payload
    refund_id, journal = p["refund_id"], p["journal"]
    rows.add(
        REFUNDS,
        (
            refund_id,
            env.event_id,
            env.store_id,
            env.terminal_id,
            env.seq,
            p["sale_id"],
            p["original_ticket"],
            p["refund_ticket_number"],
            p["refund_ticket"],
            p["shift_id"],
            *_person(p["cashier"]),
            p["approved_by"]["user_id"],
            p["approved_by"]["name"],
            p["reason"],
            p["refunded_at"],
            business_date(p["refunded_at"]),
            p["currency"],
            p["total"],
            journal["seq"],
            journal["hash"],
            env.trace_id,
        ),
    )
    for line in p["lines"]:
        rows.add(
            REFUND_LINES,
            (
                refund_id,
                line["line_no"],
                line["original_line_no"],
                line["sku"],
                line["description"],
                line["sold_by_weight"],
                line["quantity_milli"],
                line["amount"],
                line["iva_rate"],
            ),
        )
    for number, tender in enumerate(p["tenders"], 1):
        rows.add(
            REFUND_TENDERS,
            (refund_id, number, tender["kind"], tender["amount"], tender["reference"]),
        )
    for iva in p["iva"]:
        rows.add(REFUND_IVA, (refund_id, iva["rate"], iva["gross"], iva["net"], iva["tax"]))


def cash_moved_v1(env: Envelope, rows: BatchRows) -> None:
    p = env.payload
    rows.add(
        CASH_MOVEMENTS,
        (
            p["movement_id"],
            env.event_id,
            env.store_id,
            env.terminal_id,
            env.seq,
            p["shift_id"],
            p["direction"],
            p["amount"],
            p["currency"],
            p["reason"],
            p["by"]["user_id"],
            p["by"]["name"],
            p["moved_at"],
            business_date(p["moved_at"]),
            p["journal"]["seq"],
            p["journal"]["hash"],
            env.trace_id,
        ),
    )


_SHIFT_OPENED = """
INSERT INTO shifts (shift_id, store_id, terminal_id, currency, opened_by_id, opened_by_name,
    opened_at, float)
VALUES (%(shift_id)s, %(store_id)s, %(terminal_id)s, %(currency)s, %(by_id)s, %(by_name)s,
    %(at)s, %(float)s)
ON CONFLICT (shift_id) DO UPDATE SET opened_by_id = EXCLUDED.opened_by_id,
    opened_by_name = EXCLUDED.opened_by_name, opened_at = EXCLUDED.opened_at, float = EXCLUDED.float
"""


def shift_opened_v1(env: Envelope, rows: BatchRows) -> None:
    p = env.payload
    rows.statements.append(
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
    )


_SHIFT_CLOSED = """
INSERT INTO shifts (shift_id, store_id, terminal_id, currency, float, closed_by_id, closed_by_name,
    closed_at, business_date, z_number, expected_cash, counted_cash, over_short, totals,
    sales_count, refunds_count, first_ticket, last_ticket)
VALUES (%(shift_id)s, %(store_id)s, %(terminal_id)s, %(currency)s, %(float)s, %(by_id)s,
    %(by_name)s, %(at)s, %(day)s, %(z_number)s, %(expected_cash)s, %(counted_cash)s,
    %(over_short)s, %(totals)s,
    %(sales_count)s, %(refunds_count)s, %(first_ticket)s, %(last_ticket)s)
ON CONFLICT (shift_id) DO UPDATE SET closed_by_id = EXCLUDED.closed_by_id,
    closed_by_name = EXCLUDED.closed_by_name, closed_at = EXCLUDED.closed_at,
    business_date = EXCLUDED.business_date, z_number = EXCLUDED.z_number,
    expected_cash = EXCLUDED.expected_cash, counted_cash = EXCLUDED.counted_cash,
    over_short = EXCLUDED.over_short, totals = EXCLUDED.totals, sales_count = EXCLUDED.sales_count,
    refunds_count = EXCLUDED.refunds_count, first_ticket = EXCLUDED.first_ticket,
    last_ticket = EXCLUDED.last_ticket, float = COALESCE(shifts.float, EXCLUDED.float)
"""


def shift_closed_v1(env: Envelope, rows: BatchRows) -> None:
    p = env.payload
    rows.statements.append(
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
    )


WRITERS: dict[tuple[str, int], Callable[[Envelope, BatchRows], None]] = {
    ("sale.completed", 1): sale_completed_v1,
    ("sale.refunded", 1): sale_refunded_v1,
    ("cash.moved", 1): cash_moved_v1,
    ("shift.opened", 1): shift_opened_v1,
    ("shift.closed", 1): shift_closed_v1,
}
"""What the ingest applies. A valid event of another type (e.g. catalog.changed, which
flows the other way) is dead-lettered as unexpected."""

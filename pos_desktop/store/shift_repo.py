"""Shifts and cash movements, and the sums the X and Z reports are made of.

The sums are SQL aggregates over the indexed ``shift_id`` columns, so a Z over a busy day
reads a few thousand small rows instead of parsing every sale's JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, insert, literal_column, select, update

from pos_desktop.domain.people import Person
from pos_desktop.domain.shift import (
    ShiftFigures,
    ShiftStatus,
    iva_totals,
    merge_cashiers,
    tender_totals,
)
from pos_desktop.store.people_repo import audit_counts
from pos_desktop.store.statements import driver, insert_sql, one
from pos_desktop.store.tables import (
    cash_moves,
    payments,
    refund_lines,
    refund_payments,
    refunds,
    sale_lines,
    sales,
    shifts,
)

NO_CASHIER = ("", "—")


_OPEN_ID = "SELECT shift_id FROM shifts WHERE terminal_id = ? AND status = 'open'"
_CASH_MOVE = insert_sql(cash_moves)


class Shifts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def open_row(self, terminal_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(shifts).where(
                shifts.c.terminal_id == terminal_id, shifts.c.status == ShiftStatus.OPEN.value
            )
        ).first()
        return None if row is None else dict(row._mapping)

    def open_id(self, terminal_id: str) -> str | None:
        """Read on every sale (the shift it belongs to): one indexed probe."""
        row = one(self.db, _OPEN_ID, (terminal_id,))
        return None if row is None else str(row[0])

    def get(self, shift_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(shifts).where(shifts.c.shift_id == shift_id)).first()
        return None if row is None else dict(row._mapping)

    def by_z_number(self, z_number: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(shifts).where(shifts.c.z_number == z_number)).first()
        return None if row is None else dict(row._mapping)

    def last_closed(self) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(shifts)
            .where(shifts.c.z_number.is_not(None))
            .order_by(shifts.c.z_number.desc())
            .limit(1)
        ).first()
        return None if row is None else dict(row._mapping)

    def add_open(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(shifts).values(status=ShiftStatus.OPEN.value, **row))

    def closed_events(self) -> list[tuple[int, str]]:
        """(Z number, its ``shift.closed`` event id) of every closed shift, in Z order."""
        rows = self.conn.execute(
            select(shifts.c.z_number, shifts.c.closed_event_id)
            .where(shifts.c.z_number.is_not(None), shifts.c.closed_event_id.is_not(None))
            .order_by(shifts.c.z_number)
        ).all()
        return [(int(z), str(event_id)) for z, event_id in rows]

    def figures(self, shift: dict[str, Any], ticket: Callable[[int], str]) -> ShiftFigures:
        """The X/Z figures of ``shift`` (a ``shifts`` row) as of now (``shift_figures``)."""
        return shift_figures(self.conn, shift, ticket)

    def close(self, shift_id: str, **values: Any) -> None:
        done = self.conn.execute(
            update(shifts)
            .where(shifts.c.shift_id == shift_id, shifts.c.status == ShiftStatus.OPEN.value)
            .values(status=ShiftStatus.CLOSED.value, **values)
        )
        if done.rowcount != 1:
            raise RuntimeError(f"shift {shift_id} was not open")  # guarded by the caller


class CashMoves:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def add(self, row: dict[str, Any]) -> None:
        self.db.execute(_CASH_MOVE, row)

    def of_shift(self, shift_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(cash_moves).where(cash_moves.c.shift_id == shift_id).order_by(
                cash_moves.c.journal_seq)
        )
        return [dict(r._mapping) for r in rows]


def shift_figures(conn: Connection, shift: dict[str, Any],
                  ticket: Callable[[int], str]) -> ShiftFigures:
    """The X/Z figures of ``shift`` (a ``shifts`` row) as of now, inside the caller's
    transaction (the Z holds the write lock, so nothing can be sold in between)."""
    sid = shift["shift_id"]
    in_shift = sales.c.shift_id == sid
    # One read of the shift's sales rows, per cashier; the shift's sums are theirs added up.
    per_cashier = conn.execute(
        select(sales.c.cashier_id, func.max(sales.c.cashier_name), func.count(),
               func.sum(sales.c.total), func.sum(sales.c.discounts), func.sum(sales.c.change),
               func.min(sales.c.ticket_number), func.max(sales.c.ticket_number))
        .where(in_shift)
        .group_by(sales.c.cashier_id)
    ).all()
    count = sum(r[2] for r in per_cashier)
    total = sum(r[3] for r in per_cashier)
    discounts = sum(r[4] for r in per_cashier)
    change = sum(r[5] for r in per_cashier)
    first = min((r[6] for r in per_cashier), default=None)
    last = max((r[7] for r in per_cashier), default=None)
    sale_cashiers = [r[:4] for r in per_cashier]
    rounding = conn.execute(
        select(func.coalesce(func.sum(func.json_extract(sales.c.payload, "$.rounding")), 0))
        .where(in_shift)
    ).scalar_one()
    paid = dict(conn.execute(
        select(payments.c.kind, func.sum(payments.c.amount))
        .join(sales, sales.c.sale_id == payments.c.sale_id)
        .where(in_shift)
        .group_by(payments.c.kind)
    ).all())
    # Per ticket and IVA rate, from the covering index (sale_id, iva_rate, amount); grouping
    # by the sale's rowid follows the order the shift index yields, so no sort is needed.
    sale_groups = conn.execute(
        select(sale_lines.c.iva_rate, func.sum(sale_lines.c.amount))
        .select_from(sales)
        .join(sale_lines, sale_lines.c.sale_id == sales.c.sale_id)
        .where(in_shift)
        .group_by(literal_column("sales.rowid"), sale_lines.c.iva_rate)
    ).all()

    r_in_shift = refunds.c.shift_id == sid
    r_count, r_total = conn.execute(
        select(func.count(), func.coalesce(func.sum(refunds.c.total), 0)).where(r_in_shift)
    ).one()
    r_paid = dict(conn.execute(
        select(refund_payments.c.kind, func.sum(refund_payments.c.amount))
        .join(refunds, refunds.c.refund_id == refund_payments.c.refund_id)
        .where(r_in_shift)
        .group_by(refund_payments.c.kind)
    ).all())
    refund_groups = conn.execute(
        select(refund_lines.c.iva_rate, func.sum(refund_lines.c.amount))
        .join(refunds, refunds.c.refund_id == refund_lines.c.refund_id)
        .where(r_in_shift)
        .group_by(refund_lines.c.refund_id, refund_lines.c.iva_rate)
    ).all()
    refund_cashiers = conn.execute(
        select(refunds.c.cashier_id, func.max(refunds.c.cashier_name), func.count(),
               func.sum(refunds.c.total))
        .where(r_in_shift)
        .group_by(refunds.c.cashier_id)
    ).all()

    moved = dict(conn.execute(
        select(cash_moves.c.direction, func.sum(cash_moves.c.amount))
        .where(cash_moves.c.shift_id == sid)
        .group_by(cash_moves.c.direction)
    ).all())
    moves = conn.execute(
        select(func.count()).select_from(cash_moves).where(cash_moves.c.shift_id == sid)
    ).scalar_one()
    audit = audit_counts(conn, sid)

    def people(rows: list[Any]) -> list[tuple[str, str, int, int]]:
        return [(uid or NO_CASHIER[0], name or NO_CASHIER[1], int(n), int(amount))
                for uid, name, n, amount in rows]

    return ShiftFigures(
        shift_id=sid,
        opened_at=shift["opened_at"],
        opened_by=Person(shift["opened_by_id"], shift["opened_by_name"]),
        float=int(shift["float"]),
        sales_count=int(count),
        sales=int(total),
        discounts=int(discounts),
        rounding=int(rounding),
        refunds_count=int(r_count),
        refunds=int(r_total),
        cash_in=int(moved.get("in", 0)),
        cash_out=int(moved.get("out", 0)),
        cash_moves=int(moves),
        by_tender=tender_totals(
            {str(k): int(v) for k, v in paid.items()},
            int(change),
            {str(k): int(v) for k, v in r_paid.items()},
        ),
        sales_by_iva=iva_totals((str(r), int(g)) for r, g in sale_groups),
        refunds_by_iva=iva_totals((str(r), int(g)) for r, g in refund_groups),
        by_cashier=merge_cashiers(people(list(sale_cashiers)), people(list(refund_cashiers))),
        voided_sales=audit.get("cancel_sale", 0),
        voided_lines=audit.get("void_line", 0),
        overrides=audit.get("overrides", 0),
        first_ticket=None if first is None else ticket(int(first)),
        last_ticket=None if last is None else ticket(int(last)),
    )


def loads(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)

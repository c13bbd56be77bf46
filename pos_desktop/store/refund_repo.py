"""Refunds and what each sold line still allows to refund."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from pos_desktop.domain.refund import RefundableLine
from pos_desktop.store.statements import driver, insert_sql
from pos_desktop.store.tables import refund_lines, refund_payments, refunds, sale_lines, sales

_REFUND, _REFUND_LINE, _REFUND_PAYMENT = (
    insert_sql(refunds), insert_sql(refund_lines), insert_sql(refund_payments))


class Refunds:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.db = driver(conn)

    def add(self, row: dict[str, Any], lines: list[dict[str, Any]],
            pays: list[dict[str, Any]]) -> None:
        """One statement per table: the refund, its lines, its payments."""
        self.db.execute(_REFUND, row)
        self.db.executemany(_REFUND_LINE, lines)
        self.db.executemany(_REFUND_PAYMENT, pays)

    def sale_by_ticket(self, ticket_number: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(sales.c.sale_id, sales.c.ticket_number, sales.c.shift_id,
                   sales.c.completed_at, sales.c.total, sales.c.payload)
            .where(sales.c.ticket_number == ticket_number)
        ).first()
        return None if row is None else dict(row._mapping)

    def refundable_lines(self, sale_id: str) -> list[RefundableLine]:
        """The sale's lines with the quantity already refunded (by any earlier refund)."""
        done = dict(self.conn.execute(
            select(refund_lines.c.original_line_no, func.sum(refund_lines.c.quantity_milli))
            .where(refund_lines.c.sale_id == sale_id)
            .group_by(refund_lines.c.original_line_no)
        ).all())
        rows = self.conn.execute(
            select(sale_lines).where(sale_lines.c.sale_id == sale_id).order_by(
                sale_lines.c.line_no)
        )
        return [
            RefundableLine(
                line_no=r.line_no,
                sku=r.sku,
                description=r.description,
                sold_by_weight=bool(r.sold_by_weight),
                quantity_sold=r.quantity_milli,
                amount_sold=r.amount,
                iva_rate=r.iva_rate,
                quantity_refunded=int(done.get(r.line_no, 0)),
            )
            for r in rows
        ]

    def of_sale(self, sale_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(refunds.c.refund_id, refunds.c.ticket, refunds.c.refunded_at,
                   refunds.c.total).where(refunds.c.sale_id == sale_id).order_by(
                refunds.c.refund_number)
        )
        return [dict(r._mapping) for r in rows]

    def payload_by_number(self, refund_number: int) -> str | None:
        value = self.conn.execute(
            select(refunds.c.payload).where(refunds.c.refund_number == refund_number)
        ).scalar_one_or_none()
        return None if value is None else str(value)

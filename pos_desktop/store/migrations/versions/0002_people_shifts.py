"""People, shifts, cash movements, refunds and the audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

T = sa.Text
N = sa.Integer


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", T, primary_key=True),
        sa.Column("name", T, nullable=False),
        sa.Column("role", T, nullable=False),
        sa.Column("pin_hash", T, nullable=False),
        sa.Column("active", N, nullable=False, server_default="1"),
        sa.Column("failed_attempts", N, nullable=False, server_default="0"),
        sa.Column("locked_until", T, nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("updated_at", T, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", N, primary_key=True, autoincrement=True),
        sa.Column("at", T, nullable=False),
        sa.Column("terminal_id", T, nullable=False),
        sa.Column("shift_id", T, nullable=True),
        sa.Column("action", T, nullable=False),
        sa.Column("user_id", T, nullable=True),
        sa.Column("user_name", T, nullable=True),
        sa.Column("approver_id", T, nullable=True),
        sa.Column("approver_name", T, nullable=True),
        sa.Column("details", T, nullable=False),
    )
    op.create_index("ix_audit_log_shift_id", "audit_log", ["shift_id"])
    op.create_table(
        "shifts",
        sa.Column("shift_id", T, primary_key=True),
        sa.Column("terminal_id", T, nullable=False),
        sa.Column("status", T, nullable=False),
        sa.Column("opened_at", T, nullable=False),
        sa.Column("opened_by_id", T, nullable=False),
        sa.Column("opened_by_name", T, nullable=False),
        sa.Column("float", N, nullable=False),
        sa.Column("float_counts", T, nullable=True),
        sa.Column("opened_journal_seq", N, nullable=False),
        sa.Column("closed_at", T, nullable=True),
        sa.Column("closed_by_id", T, nullable=True),
        sa.Column("closed_by_name", T, nullable=True),
        sa.Column("z_number", N, nullable=True, unique=True),
        sa.Column("counted_cash", N, nullable=True),
        sa.Column("counts", T, nullable=True),
        sa.Column("expected_cash", N, nullable=True),
        sa.Column("over_short", N, nullable=True),
        sa.Column("reason", T, nullable=True),
        sa.Column("report", T, nullable=True),
        sa.Column("closed_journal_seq", N, nullable=True),
        sa.Column("closed_event_id", T, nullable=True),
    )
    op.create_index(
        "ux_shifts_one_open", "shifts", ["terminal_id"], unique=True,
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "cash_moves",
        sa.Column("movement_id", T, primary_key=True),
        sa.Column("shift_id", T, sa.ForeignKey("shifts.shift_id"), nullable=False),
        sa.Column("direction", T, nullable=False),
        sa.Column("amount", N, nullable=False),
        sa.Column("reason", T, nullable=False),
        sa.Column("user_id", T, nullable=False),
        sa.Column("user_name", T, nullable=False),
        sa.Column("approver_id", T, nullable=True),
        sa.Column("approver_name", T, nullable=True),
        sa.Column("moved_at", T, nullable=False),
        sa.Column("journal_seq", N, nullable=False, unique=True),
        sa.Column("payload", T, nullable=False),
    )
    op.create_index("ix_cash_moves_shift_id", "cash_moves", ["shift_id"])
    op.create_table(
        "refunds",
        sa.Column("refund_id", T, primary_key=True),
        sa.Column("refund_number", N, nullable=False, unique=True),
        sa.Column("ticket", T, nullable=False),
        sa.Column("sale_id", T, sa.ForeignKey("sales.sale_id"), nullable=False),
        sa.Column("original_ticket", T, nullable=False),
        sa.Column("shift_id", T, nullable=True),
        sa.Column("cashier_id", T, nullable=False),
        sa.Column("cashier_name", T, nullable=False),
        sa.Column("approver_id", T, nullable=False),
        sa.Column("approver_name", T, nullable=False),
        sa.Column("reason", T, nullable=False),
        sa.Column("refunded_at", T, nullable=False),
        sa.Column("total", N, nullable=False),
        sa.Column("journal_seq", N, nullable=False, unique=True),
        sa.Column("payload", T, nullable=False),
    )
    op.create_index("ix_refunds_sale_id", "refunds", ["sale_id"])
    op.create_index("ix_refunds_shift_id", "refunds", ["shift_id"])
    op.create_table(
        "refund_lines",
        sa.Column("refund_id", T, sa.ForeignKey("refunds.refund_id"), nullable=False),
        sa.Column("line_no", N, nullable=False),
        sa.Column("sale_id", T, nullable=False),
        sa.Column("original_line_no", N, nullable=False),
        sa.Column("sku", T, nullable=False),
        sa.Column("description", T, nullable=False),
        sa.Column("sold_by_weight", N, nullable=False),
        sa.Column("quantity_milli", N, nullable=False),
        sa.Column("amount", N, nullable=False),
        sa.Column("iva_rate", T, nullable=False),
        sa.PrimaryKeyConstraint("refund_id", "line_no"),
    )
    op.create_index("ix_refund_lines_original", "refund_lines", ["sale_id", "original_line_no"])
    op.create_table(
        "refund_payments",
        sa.Column("refund_id", T, sa.ForeignKey("refunds.refund_id"), nullable=False),
        sa.Column("idx", N, nullable=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("amount", N, nullable=False),
        sa.Column("reference", T, nullable=True),
        sa.PrimaryKeyConstraint("refund_id", "idx"),
    )
    op.create_index("ix_sales_journal_seq", "sales", ["journal_seq"])


def downgrade() -> None:
    op.drop_index("ix_sales_journal_seq", "sales")
    for name in ("refund_payments", "refund_lines", "refunds", "cash_moves", "shifts",
                 "audit_log", "users"):
        op.drop_table(name)

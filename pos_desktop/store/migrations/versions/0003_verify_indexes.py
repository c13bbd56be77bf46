"""Covering indexes for journal verification: a sale's lines and payments summed from
the index alone (journal --verify over 100,000 entries within its two seconds).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sale_lines_sale_amount", "sale_lines", ["sale_id", "amount"])
    op.create_index("ix_payments_sale_amount", "payments", ["sale_id", "amount"])


def downgrade() -> None:
    op.drop_index("ix_payments_sale_amount", "payments")
    op.drop_index("ix_sale_lines_sale_amount", "sale_lines")

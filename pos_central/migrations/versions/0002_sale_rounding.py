"""sales.rounding: cash rounding forgiven to the customer (sale.completed v2).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# v1 sales had no rounding: 0 is what they were charged. The amount is already inside the
# lines' amounts (like the ticket discount), so no total changes meaning.
UPGRADE = """
ALTER TABLE sales ADD COLUMN rounding bigint NOT NULL DEFAULT 0 CHECK (rounding >= 0);
"""
DOWNGRADE = """
ALTER TABLE sales DROP COLUMN rounding;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

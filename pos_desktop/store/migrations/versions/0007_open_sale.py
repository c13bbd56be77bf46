"""The sale in progress, saved as it changes, so a crash or a power cut keeps it.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_sale",
        sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sale_id", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.CheckConstraint("slot = 1", name="one_open_sale"),
    )


def downgrade() -> None:
    op.drop_table("open_sale")

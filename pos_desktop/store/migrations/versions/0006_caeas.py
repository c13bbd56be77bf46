"""CAEAs at the till (issue 12): the fortnight's contingency codes, and which CAEA
comprobantes a standalone till has informed to ARCA.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caeas",
        sa.Column("cuit", sa.Text, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("orden", sa.Integer, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Text, nullable=False),
        sa.Column("valid_to", sa.Text, nullable=False),
        sa.Column("report_deadline", sa.Text, nullable=False),
        sa.Column("granted_at", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("unused_informed_at", sa.Text, nullable=True),
        sa.Column("received_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("cuit", "period", "orden"),
    )
    with op.batch_alter_table("fiscal_documents") as batch:
        batch.add_column(sa.Column("informed_at", sa.Text, nullable=True))
        batch.add_column(sa.Column("inform_error", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fiscal_documents") as batch:
        batch.drop_column("inform_error")
        batch.drop_column("informed_at")
    op.drop_table("caeas")

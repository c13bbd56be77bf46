"""Fiscal documents: each sale's and refund's ARCA comprobante, its state and authorization.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fiscal_documents",
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("source_kind", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("ticket", sa.Text, nullable=False),
        sa.Column("original_id", sa.Text, nullable=True),
        sa.Column("cbte_tipo", sa.Integer, nullable=False),
        sa.Column("point_of_sale", sa.Integer, nullable=False),
        sa.Column("block", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("cbte_fch", sa.Text, nullable=True),
        sa.Column("issued_at", sa.Text, nullable=True),
        sa.Column("authorization_kind", sa.Text, nullable=True),
        sa.Column("authorization_code", sa.Text, nullable=True),
        sa.Column("authorization_due", sa.Text, nullable=True),
        sa.Column("attempt_number", sa.Integer, nullable=True),
        sa.Column("attempt_at", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("messages", sa.Text, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("journal_seq", sa.Integer, nullable=True),
        sa.Column("event_id", sa.Text, nullable=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("ux_fiscal_documents_source", "fiscal_documents",
                    ["source_kind", "source_id"], unique=True)
    op.create_index("ux_fiscal_documents_number", "fiscal_documents",
                    ["point_of_sale", "cbte_tipo", "number"], unique=True,
                    sqlite_where=sa.text("number IS NOT NULL"))
    op.create_index("ix_fiscal_documents_state", "fiscal_documents", ["state", "seq"])


def downgrade() -> None:
    op.drop_table("fiscal_documents")

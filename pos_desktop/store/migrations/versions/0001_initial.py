"""Initial till schema: catalog, sales, journal, outbox, print jobs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

T = sa.Text
I = sa.Integer


def upgrade() -> None:
    op.create_table("settings", sa.Column("key", T, primary_key=True), sa.Column("value", T, nullable=False))
    op.create_table(
        "products",
        sa.Column("sku", T, primary_key=True),
        sa.Column("name", T, nullable=False),
        sa.Column("search_name", T, nullable=False),
        sa.Column("price", I, nullable=False),
        sa.Column("iva_rate", T, nullable=False),
        sa.Column("sold_by_weight", I, nullable=False, server_default="0"),
        sa.Column("plu", I, nullable=True, unique=True),
        sa.Column("category", T, nullable=True),
        sa.Column("active", I, nullable=False, server_default="1"),
        sa.Column("catalog_version", I, nullable=False, server_default="0"),
        sa.Column("updated_at", T, nullable=False),
    )
    op.create_table(
        "barcodes",
        sa.Column("code", T, primary_key=True),
        sa.Column("sku", T, sa.ForeignKey("products.sku", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_barcodes_sku", "barcodes", ["sku"])
    # Name search: FTS5 over the folded name, kept in step by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE products_fts USING fts5("
        "search_name, content='products', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN "
        "INSERT INTO products_fts(rowid, search_name) VALUES (new.rowid, new.search_name); END"
    )
    op.execute(
        "CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, search_name) "
        "VALUES ('delete', old.rowid, old.search_name); END"
    )
    op.execute(
        "CREATE TRIGGER products_au AFTER UPDATE OF search_name ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, search_name) "
        "VALUES ('delete', old.rowid, old.search_name); "
        "INSERT INTO products_fts(rowid, search_name) VALUES (new.rowid, new.search_name); END"
    )
    op.create_table("counters", sa.Column("name", T, primary_key=True), sa.Column("value", I, nullable=False))
    op.create_table(
        "sales",
        sa.Column("sale_id", T, primary_key=True),
        sa.Column("ticket_number", I, nullable=False, unique=True),
        sa.Column("store_id", T, nullable=False),
        sa.Column("terminal_id", T, nullable=False),
        sa.Column("shift_id", T, nullable=True),
        sa.Column("cashier_id", T, nullable=True),
        sa.Column("cashier_name", T, nullable=True),
        sa.Column("completed_at", T, nullable=False),
        sa.Column("total", I, nullable=False),
        sa.Column("discounts", I, nullable=False),
        sa.Column("change", I, nullable=False),
        sa.Column("journal_seq", I, nullable=False),
        sa.Column("payload", T, nullable=False),
    )
    op.create_index("ix_sales_shift_id", "sales", ["shift_id"])
    op.create_index("ix_sales_completed_at", "sales", ["completed_at"])
    op.create_table(
        "sale_lines",
        sa.Column("sale_id", T, sa.ForeignKey("sales.sale_id"), nullable=False),
        sa.Column("line_no", I, nullable=False),
        sa.Column("sku", T, nullable=False),
        sa.Column("barcode", T, nullable=True),
        sa.Column("description", T, nullable=False),
        sa.Column("sold_by_weight", I, nullable=False),
        sa.Column("quantity_milli", I, nullable=False),
        sa.Column("unit_price", I, nullable=False),
        sa.Column("gross_amount", I, nullable=False),
        sa.Column("discount", I, nullable=False),
        sa.Column("amount", I, nullable=False),
        sa.Column("iva_rate", T, nullable=False),
        sa.PrimaryKeyConstraint("sale_id", "line_no"),
    )
    op.create_table(
        "payments",
        sa.Column("sale_id", T, sa.ForeignKey("sales.sale_id"), nullable=False),
        sa.Column("idx", I, nullable=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("amount", I, nullable=False),
        sa.Column("reference", T, nullable=True),
        sa.PrimaryKeyConstraint("sale_id", "idx"),
    )
    op.create_table(
        "parked_sales",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("parked_at", T, nullable=False),
        sa.Column("cashier_id", T, nullable=True),
        sa.Column("label", T, nullable=False),
        sa.Column("total", I, nullable=False),
        sa.Column("data", T, nullable=False),
    )
    op.create_table(
        "journal",
        sa.Column("seq", I, primary_key=True, autoincrement=False),
        sa.Column("kind", T, nullable=False),
        sa.Column("ref", T, nullable=False),
        sa.Column("occurred_at", T, nullable=False),
        sa.Column("record", T, nullable=False),
        sa.Column("prev_hash", T, nullable=False),
        sa.Column("hash", T, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", I, primary_key=True, autoincrement=False),
        sa.Column("event_id", T, nullable=False, unique=True),
        sa.Column("type", T, nullable=False),
        sa.Column("schema_version", I, nullable=False),
        sa.Column("occurred_at", T, nullable=False),
        sa.Column("envelope", T, nullable=False),
        sa.Column("traceparent", T, nullable=False),
        sa.Column("trace_id", T, nullable=False),
        sa.Column("status", T, nullable=False, server_default="pending"),
        sa.Column("attempts", I, nullable=False, server_default="0"),
        sa.Column("last_error", T, nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("sent_at", T, nullable=True),
    )
    op.create_index("ix_outbox_status", "outbox", ["status"])
    op.create_table(
        "print_jobs",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("kind", T, nullable=False),
        sa.Column("ref", T, nullable=True),
        sa.Column("document", T, nullable=False),
        sa.Column("status", T, nullable=False, server_default="pending"),
        sa.Column("attempts", I, nullable=False, server_default="0"),
        sa.Column("last_error", T, nullable=True),
        sa.Column("next_attempt_at", T, nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("updated_at", T, nullable=False),
    )
    op.create_index("ix_print_jobs_ref", "print_jobs", ["ref"])
    op.create_index("ix_print_jobs_status", "print_jobs", ["status"])


def downgrade() -> None:
    for name in ("print_jobs", "outbox", "journal", "parked_sales", "payments", "sale_lines",
                 "sales", "counters"):
        op.drop_table(name)
    op.execute("DROP TABLE products_fts")
    op.drop_table("barcodes")
    op.drop_table("products")
    op.drop_table("settings")

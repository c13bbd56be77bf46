"""The local database's tables (SQLAlchemy Core). Migrations live in ``migrations/``."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

products = Table(
    "products",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("search_name", Text, nullable=False),  # folded: lower case, no accents
    Column("price", Integer, nullable=False),  # IVA-inclusive centavos (per kg if weighed)
    Column("iva_rate", Text, nullable=False),
    Column("sold_by_weight", Integer, nullable=False, server_default="0"),
    Column("plu", Integer, nullable=True, unique=True),
    Column("category", Text, nullable=True),
    Column("active", Integer, nullable=False, server_default="1"),
    Column("catalog_version", Integer, nullable=False, server_default="0"),
    Column("updated_at", Text, nullable=False),
)

barcodes = Table(
    "barcodes",
    metadata,
    Column("code", Text, primary_key=True),
    Column("sku", Text, ForeignKey("products.sku", ondelete="CASCADE"), nullable=False, index=True),
)

counters = Table(
    "counters",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Integer, nullable=False),  # the last number handed out
)

sales = Table(
    "sales",
    metadata,
    Column("sale_id", Text, primary_key=True),
    Column("ticket_number", Integer, nullable=False, unique=True),
    Column("store_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("shift_id", Text, nullable=True, index=True),
    Column("cashier_id", Text, nullable=True),
    Column("cashier_name", Text, nullable=True),
    Column("completed_at", Text, nullable=False, index=True),
    Column("total", Integer, nullable=False),
    Column("discounts", Integer, nullable=False),
    Column("change", Integer, nullable=False),
    Column("journal_seq", Integer, nullable=False),
    Column("payload", Text, nullable=False),  # the sale.completed payload (JSON)
)

sale_lines = Table(
    "sale_lines",
    metadata,
    Column("sale_id", Text, ForeignKey("sales.sale_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("barcode", Text, nullable=True),
    Column("description", Text, nullable=False),
    Column("sold_by_weight", Integer, nullable=False),
    Column("quantity_milli", Integer, nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("gross_amount", Integer, nullable=False),
    Column("discount", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("iva_rate", Text, nullable=False),
    PrimaryKeyConstraint("sale_id", "line_no"),
)

payments = Table(
    "payments",
    metadata,
    Column("sale_id", Text, ForeignKey("sales.sale_id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("reference", Text, nullable=True),
    PrimaryKeyConstraint("sale_id", "idx"),
)

parked_sales = Table(
    "parked_sales",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("parked_at", Text, nullable=False),
    Column("cashier_id", Text, nullable=True),
    Column("label", Text, nullable=False),
    Column("total", Integer, nullable=False),
    Column("data", Text, nullable=False),  # JSON snapshot of the open sale
)

journal = Table(
    "journal",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", Text, nullable=False),
    Column("ref", Text, nullable=False),
    Column("occurred_at", Text, nullable=False),
    Column("record", Text, nullable=False),  # canonical JSON that was hashed
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("event_id", Text, nullable=False, unique=True),
    Column("type", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("occurred_at", Text, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("traceparent", Text, nullable=False),
    Column("trace_id", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending", index=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    Column("created_at", Text, nullable=False),
    Column("sent_at", Text, nullable=True),
)

print_jobs = Table(
    "print_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("ref", Text, nullable=True, index=True),
    Column("document", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending", index=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    Column("next_attempt_at", Text, nullable=True),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

"""The local database's tables (SQLAlchemy Core). Migrations live in ``migrations/``."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
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

open_sale = Table(
    "open_sale",  # the sale on screen, saved at each change (store/drafts.py); one row
    metadata,
    Column("slot", Integer, primary_key=True, autoincrement=False),
    Column("sale_id", Text, nullable=False),
    Column("saved_at", Text, nullable=False),
    Column("data", Text, nullable=False),  # JSON snapshot, as parked_sales.data
    CheckConstraint("slot = 1", name="one_open_sale"),
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

# -- People, shifts, cash and refunds (migration 0002) ---------------------------------
from sqlalchemy import Index  # noqa: E402  (kept with the tables it serves: append-only file)

users = Table(
    "users",
    metadata,
    Column("user_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),  # cashier | supervisor | manager
    Column("pin_hash", Text, nullable=False),  # scrypt$N$r$p$salt$key, never the PIN
    Column("active", Integer, nullable=False, server_default="1"),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", Text, nullable=True),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("shift_id", Text, nullable=True, index=True),
    Column("action", Text, nullable=False),
    Column("user_id", Text, nullable=True),
    Column("user_name", Text, nullable=True),
    Column("approver_id", Text, nullable=True),  # set when a supervisor's PIN overrode
    Column("approver_name", Text, nullable=True),
    Column("details", Text, nullable=False),  # JSON
)

shifts = Table(
    "shifts",
    metadata,
    Column("shift_id", Text, primary_key=True),
    Column("terminal_id", Text, nullable=False),
    Column("status", Text, nullable=False),  # open | closed
    Column("opened_at", Text, nullable=False),
    Column("opened_by_id", Text, nullable=False),
    Column("opened_by_name", Text, nullable=False),
    Column("float", Integer, nullable=False),
    Column("float_counts", Text, nullable=True),  # JSON {denomination: pieces}
    Column("opened_journal_seq", Integer, nullable=False),
    Column("closed_at", Text, nullable=True),
    Column("closed_by_id", Text, nullable=True),
    Column("closed_by_name", Text, nullable=True),
    Column("z_number", Integer, nullable=True, unique=True),
    Column("counted_cash", Integer, nullable=True),
    Column("counts", Text, nullable=True),  # JSON {denomination: pieces}
    Column("expected_cash", Integer, nullable=True),
    Column("over_short", Integer, nullable=True),
    Column("reason", Text, nullable=True),
    Column("report", Text, nullable=True),  # JSON: the Z (shift.closed payload + local extras)
    Column("closed_journal_seq", Integer, nullable=True),
    Column("closed_event_id", Text, nullable=True),
)
# At most one open shift per till, whatever the code above does.
Index(
    "ux_shifts_one_open",
    shifts.c.terminal_id,
    unique=True,
    sqlite_where=shifts.c.status == "open",
)

cash_moves = Table(
    "cash_moves",
    metadata,
    Column("movement_id", Text, primary_key=True),
    Column("shift_id", Text, ForeignKey("shifts.shift_id"), nullable=False, index=True),
    Column("direction", Text, nullable=False),  # in | out
    Column("amount", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("user_name", Text, nullable=False),
    Column("approver_id", Text, nullable=True),
    Column("approver_name", Text, nullable=True),
    Column("moved_at", Text, nullable=False),
    Column("journal_seq", Integer, nullable=False, unique=True),
    Column("payload", Text, nullable=False),  # the cash.moved payload (JSON)
)

refunds = Table(
    "refunds",
    metadata,
    Column("refund_id", Text, primary_key=True),
    Column("refund_number", Integer, nullable=False, unique=True),
    Column("ticket", Text, nullable=False),
    Column("sale_id", Text, ForeignKey("sales.sale_id"), nullable=False, index=True),
    Column("original_ticket", Text, nullable=False),
    Column("shift_id", Text, nullable=True, index=True),
    Column("cashier_id", Text, nullable=False),
    Column("cashier_name", Text, nullable=False),
    Column("approver_id", Text, nullable=False),
    Column("approver_name", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("refunded_at", Text, nullable=False),
    Column("total", Integer, nullable=False),
    Column("journal_seq", Integer, nullable=False, unique=True),
    Column("payload", Text, nullable=False),  # the sale.refunded payload (JSON)
)

refund_lines = Table(
    "refund_lines",
    metadata,
    Column("refund_id", Text, ForeignKey("refunds.refund_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sale_id", Text, nullable=False),
    Column("original_line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("sold_by_weight", Integer, nullable=False),
    Column("quantity_milli", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("iva_rate", Text, nullable=False),
    PrimaryKeyConstraint("refund_id", "line_no"),
)
Index("ix_refund_lines_original", refund_lines.c.sale_id, refund_lines.c.original_line_no)

refund_payments = Table(
    "refund_payments",
    metadata,
    Column("refund_id", Text, ForeignKey("refunds.refund_id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("reference", Text, nullable=True),
    PrimaryKeyConstraint("refund_id", "idx"),
)

# The journal check and the Z look sales up by journal entry.
Index("ix_sales_journal_seq", sales.c.journal_seq)

# Migrations 0003-0004: the Z and journal verification sum a sale's lines (per IVA rate)
# and payments from these indexes alone.
Index("ix_sale_lines_sale_rate_amount", sale_lines.c.sale_id, sale_lines.c.iva_rate,
      sale_lines.c.amount)
Index("ix_payments_sale_amount", payments.c.sale_id, payments.c.amount)

# -- Fiscal documents (migration 0005): each sale's and refund's ARCA comprobante ------------
fiscal_documents = Table(
    "fiscal_documents",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),  # commit order: the worker's order
    Column("source_kind", Text, nullable=False),  # sale | refund
    Column("source_id", Text, nullable=False),  # sale_id | refund_id
    Column("ticket", Text, nullable=False),  # the till's ticket or refund slip
    Column("original_id", Text, nullable=True),  # a credit note's original document
    Column("cbte_tipo", Integer, nullable=False),
    Column("point_of_sale", Integer, nullable=False),
    Column("block", Text, nullable=False),  # JSON: the fiscal block (as committed, or corrected)
    Column("state", Text, nullable=False),  # pending | in_doubt | authorized | rejected
    Column("number", Integer, nullable=True),
    Column("cbte_fch", Text, nullable=True),
    Column("issued_at", Text, nullable=True),
    Column("authorization_kind", Text, nullable=True),  # CAE | CAEA (issue 12)
    Column("authorization_code", Text, nullable=True),
    Column("authorization_due", Text, nullable=True),
    Column("attempt_number", Integer, nullable=True),  # asked for, maybe authorized
    Column("attempt_at", Text, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("messages", Text, nullable=True),  # JSON [{code, text}]: ARCA's last answer
    Column("last_error", Text, nullable=True),
    Column("journal_seq", Integer, nullable=True),  # the 'fiscal' journal entry
    Column("event_id", Text, nullable=True),  # its fiscal.authorized event
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    # Migration 0006: a standalone till informs its CAEA comprobantes itself (issue 12).
    Column("informed_at", Text, nullable=True),  # ARCA took it (FECAEARegInformativo)
    Column("inform_error", Text, nullable=True),  # ARCA refused it: informing stops here
)
Index("ux_fiscal_documents_source", fiscal_documents.c.source_kind,
      fiscal_documents.c.source_id, unique=True)
# A number is never recorded twice for a (point of sale, type), whatever the code does.
Index("ux_fiscal_documents_number", fiscal_documents.c.point_of_sale,
      fiscal_documents.c.cbte_tipo, fiscal_documents.c.number, unique=True,
      sqlite_where=fiscal_documents.c.number.isnot(None))
Index("ix_fiscal_documents_state", fiscal_documents.c.state, fiscal_documents.c.seq)

# -- CAEAs (migration 0006): the fortnights' contingency codes this till may issue with ------
caeas = Table(
    "caeas",
    metadata,
    Column("cuit", Text, primary_key=True),
    Column("period", Integer, primary_key=True),  # YYYYMM
    Column("orden", Integer, primary_key=True),  # 1: days 1-15, 2: 16 to the end
    Column("code", Text, nullable=False),  # 14 digits
    Column("valid_from", Text, nullable=False),  # ISO dates
    Column("valid_to", Text, nullable=False),
    Column("report_deadline", Text, nullable=False),  # FchTopeInf
    Column("granted_at", Text, nullable=False),
    Column("source", Text, nullable=False),  # central | arca | manual
    Column("unused_informed_at", Text, nullable=True),  # sin movimiento (standalone)
    Column("received_at", Text, nullable=False),
)

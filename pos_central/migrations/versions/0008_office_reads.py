"""Indexes for head office's pages: the catalogue in name order (browsing 100,000 products
page by page, and the common words of a search, stop after one page), and today's sales
read from the index alone (the dashboard sums a day of 100,000 sales per hour).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# sales_by_day keeps its key (the reports use it as before) and carries the two columns
# the dashboard needs, so its sum per hour is an index-only scan: no second index on the
# ingest's hot table.
UPGRADE = """
CREATE INDEX products_by_folded_name ON products (pos_fold(name), sku);
DROP INDEX sales_by_day;
CREATE INDEX sales_by_day ON sales (business_date, store_id, terminal_id)
    INCLUDE (completed_at, total);
"""
DOWNGRADE = """
DROP INDEX sales_by_day;
CREATE INDEX sales_by_day ON sales (business_date, store_id, terminal_id);
DROP INDEX products_by_folded_name;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

"""What the dashboard and the catalogue search read without recomputing it per request:
sales_by_hour, today's sales per terminal and hour kept by the ingest in the same
transaction as the sales (the ingest is their only writer), and products.name_folded,
the accent- and case-folded name stored once instead of folded again for every row a
search checks and sorts.

Measured on 100,000 sales and 100,000 products (pos_central/README.md, *Budgets*): the
dashboard's sum over a day of sales was nearly all of its time (~100-300 ms to read
100,000 rows, against ~3,500 summary rows), and a search re-ran pos_fold() on every
candidate row twice (the LIKE's recheck and the sort).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# hour_start is the UTC hour the sale was completed in: the page shows it in head office's
# time zone (whole-hour offsets, as Argentina's, shift it exactly).
UPGRADE = """
CREATE TABLE sales_by_hour (
    business_date date NOT NULL,
    store_id      text NOT NULL,
    terminal_id   text NOT NULL,
    hour_start    timestamp NOT NULL,
    sales         bigint NOT NULL,
    total         bigint NOT NULL,
    PRIMARY KEY (business_date, store_id, terminal_id, hour_start)
);
INSERT INTO sales_by_hour
SELECT business_date, store_id, terminal_id,
       date_trunc('hour', completed_at AT TIME ZONE 'UTC'), count(*), sum(total)
FROM sales GROUP BY 1, 2, 3, 4;

ALTER TABLE products ADD COLUMN name_folded text GENERATED ALWAYS AS (pos_fold(name)) STORED;
DROP INDEX products_name_search;
DROP INDEX products_by_folded_name;
CREATE INDEX products_name_search ON products USING gin (name_folded gin_trgm_ops);
CREATE INDEX products_by_folded_name ON products (name_folded, sku);
ANALYZE products;
ANALYZE sales_by_hour;
"""
DOWNGRADE = """
DROP INDEX products_by_folded_name;
DROP INDEX products_name_search;
ALTER TABLE products DROP COLUMN name_folded;
CREATE INDEX products_name_search ON products USING gin (pos_fold(name) gin_trgm_ops);
CREATE INDEX products_by_folded_name ON products (pos_fold(name), sku);
DROP TABLE sales_by_hour;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

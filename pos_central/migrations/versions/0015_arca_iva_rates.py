"""Head office's products may carry every IVA treatment a till sells at: ARCA's 5, 2.5 and
0 % and no gravado besides 21, 10.5, 27 and exento (``common.v2.json``). A change with
one of the new rates goes to the tills as ``catalog.changed`` v2 (pos_contracts).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE products DROP CONSTRAINT products_iva_rate_check;
ALTER TABLE products ADD CONSTRAINT products_iva_rate_check
    CHECK (iva_rate IN ('21', '10.5', '27', '5', '2.5', '0', 'exempt', 'not_taxed'));
"""
# Down again only while no product uses a new rate (the constraint says which, if one does).
DOWNGRADE = """
ALTER TABLE products DROP CONSTRAINT products_iva_rate_check;
ALTER TABLE products ADD CONSTRAINT products_iva_rate_check
    CHECK (iva_rate IN ('21', '10.5', '27', 'exempt'));
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

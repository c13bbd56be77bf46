"""What the dashboard's fiscal alerts count, kept as the facts are written instead of
recomputed at each page view.

``fiscal_pending``: the comprobantes whose authorization has not arrived (the "pending
CAE" alert), kept by the ingest in the same transaction as it applies the events,
so that the page counts a few rows instead of matching a day of comprobantes against their
authorizations (100,000 of each, every thirty seconds, for every open dashboard).

A row is a document with one of its two halves on record:

- ``authorized = false``: the comprobante (``sale.completed`` v3 / ``sale.refunded`` v2
  with the block's authorization null) is on record, its ``fiscal.authorized`` is not.
  ``issued_at`` is when the till issued it. These are the pending ones.
- ``authorized = true``: the authorization came first (two ingest workers may apply the
  two events in either order); the comprobante is awaited.

The row goes when the other half is applied. Both halves write the same primary key, so
two workers applying them at once are serialised by it (the second waits for the first
to commit, then takes its ON CONFLICT path): such a race leaves an ``authorized = true``
row behind, never a pending one. Comprobantes born authorized (under CAEA, the block
carries it) never get a row.

``caea_unreported``: the CAEA comprobantes ARCA has not taken yet (FECAEARegInformativo),
for the "not informed near the deadline" alert: a row is written with the CAEA
authorization (the ingest, same statement) and goes when ``caea_reports`` says 'informed'
(the informer, same statement). The page reads these rows instead of every CAEA
comprobante of the fortnights against their reports (thousands after an outage).

Also an index for ``fiscal/stores.py``'s "a store's latest comprobante" (its CUIT when the
store has none set), which the dashboard's CAEA alert asks per store: the day index
(business_date, store_id) walks every later day's rows for a store that sold little.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE fiscal_pending (
    document_kind text NOT NULL CHECK (document_kind IN ('sale', 'refund')),
    document_id   uuid NOT NULL,
    store_id      text NOT NULL,
    terminal_id   text NOT NULL,
    issued_at     timestamptz,
    authorized    boolean NOT NULL,
    PRIMARY KEY (document_kind, document_id)
);
CREATE INDEX ix_fiscal_pending_cae ON fiscal_pending (issued_at, store_id, terminal_id)
    WHERE NOT authorized;
INSERT INTO fiscal_pending
SELECT d.document_kind, d.document_id, d.store_id, d.terminal_id,
       coalesce(s.completed_at, r.refunded_at), false
FROM fiscal_documents d
LEFT JOIN fiscal_authorizations a USING (document_kind, document_id)
LEFT JOIN sales s ON d.document_kind = 'sale' AND s.sale_id = d.document_id
LEFT JOIN refunds r ON d.document_kind = 'refund' AND r.refund_id = d.document_id
WHERE a.document_id IS NULL;
INSERT INTO fiscal_pending
SELECT a.document_kind, a.document_id, a.store_id, a.terminal_id, a.issued_at, true
FROM fiscal_authorizations a
LEFT JOIN fiscal_documents d USING (document_kind, document_id)
WHERE d.document_id IS NULL;
CREATE TABLE caea_unreported (
    document_kind text NOT NULL CHECK (document_kind IN ('sale', 'refund')),
    document_id   uuid NOT NULL,
    caea          text NOT NULL,
    store_id      text NOT NULL,
    PRIMARY KEY (document_kind, document_id)
);
CREATE INDEX ix_caea_unreported_caea ON caea_unreported (caea, store_id);
INSERT INTO caea_unreported
SELECT a.document_kind, a.document_id, a.authorization_code, a.store_id
FROM fiscal_authorizations a
LEFT JOIN caea_reports r USING (document_kind, document_id)
WHERE a.authorization_kind = 'CAEA' AND r.state IS DISTINCT FROM 'informed';
CREATE INDEX ix_fiscal_documents_store ON fiscal_documents (store_id, business_date);
ANALYZE fiscal_pending;
ANALYZE caea_unreported;
"""
DOWNGRADE = """
DROP INDEX ix_fiscal_documents_store;
DROP TABLE caea_unreported;
DROP TABLE fiscal_pending;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

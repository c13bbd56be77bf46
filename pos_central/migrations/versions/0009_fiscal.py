"""Fiscal documents: each sale's and refund's comprobante (the v3 / v2 fiscal block) and
its ARCA authorization (fiscal.authorized, or the block itself under CAEA).

Two tables, because the two facts travel in two events that may be applied in either order
(several ingest workers): ``fiscal_documents`` is written by ``sale.completed`` v3 and
``sale.refunded`` v2, ``fiscal_authorizations`` by ``fiscal.authorized`` v1 (and by a
block that carries its authorization). A second, different authorization of the same
document is a conflict, never an overwrite (the ingest's per-event statement says so).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE fiscal_documents (
    document_kind      text NOT NULL CHECK (document_kind IN ('sale', 'refund')),
    document_id        uuid NOT NULL,
    event_id           uuid NOT NULL REFERENCES processed_events (event_id),
    store_id           text NOT NULL,
    terminal_id        text NOT NULL,
    business_date      date NOT NULL,
    cbte_tipo          integer NOT NULL,
    point_of_sale      integer NOT NULL,
    seller_cuit        text NOT NULL,
    seller_condition   text NOT NULL,
    buyer_doc_type     integer NOT NULL,
    buyer_doc_number   bigint NOT NULL,
    buyer_name         text NOT NULL,
    buyer_condition    integer NOT NULL,
    net                bigint NOT NULL,
    iva                bigint NOT NULL,
    exempt             bigint NOT NULL,
    untaxed            bigint NOT NULL,
    other_taxes        bigint NOT NULL,
    total              bigint NOT NULL,
    amounts            jsonb NOT NULL,
    associated_sale_id uuid,
    associated_type    integer,
    associated_point_of_sale integer,
    associated_number  integer,
    PRIMARY KEY (document_kind, document_id)
);
CREATE INDEX ix_fiscal_documents_day ON fiscal_documents (business_date, store_id);

CREATE TABLE fiscal_authorizations (
    document_kind      text NOT NULL CHECK (document_kind IN ('sale', 'refund')),
    document_id        uuid NOT NULL,
    event_id           uuid NOT NULL REFERENCES processed_events (event_id),
    store_id           text NOT NULL,
    terminal_id        text NOT NULL,
    cbte_tipo          integer NOT NULL,
    point_of_sale      integer NOT NULL,
    number             integer NOT NULL CHECK (number > 0),
    cbte_fch           date NOT NULL,
    issued_at          timestamptz NOT NULL,
    authorization_kind text NOT NULL CHECK (authorization_kind IN ('CAE', 'CAEA')),
    authorization_code text NOT NULL,
    authorization_due  date NOT NULL,
    buyer              jsonb NOT NULL,
    associated         jsonb,
    PRIMARY KEY (document_kind, document_id)
);
CREATE INDEX ix_fiscal_authorizations_month ON fiscal_authorizations (cbte_fch);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute("DROP TABLE fiscal_authorizations; DROP TABLE fiscal_documents;")

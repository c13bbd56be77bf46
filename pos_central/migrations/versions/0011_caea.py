"""CAEA at head office: the taxpayer's ARCA settings, the fortnights' CAEAs, which CAEA
points of sale exist, and what was informed to ARCA.

- ``fiscal_taxpayers``: one row per CUIT (environment, addresses, the certificate, which is
  public, and *where* the private key is: 'keyring' or a file path; never the key).
- ``stores.cuit``: the taxpayer a store sells for (else learned from its comprobantes).
- ``caeas``: one per (CUIT, period, order), as ARCA granted it; ``published_at`` once every
  till of the CUIT's stores got ``caea.granted`` (re-sent until then).
- ``caea_points_of_sale``: learned from the comprobantes applied, or registered by hand
  (``till add --caea-pto-vta``), so idle ones can be informed sin movimiento.
- ``caea_reports``: each CAEA comprobante's FECAEARegInformativo. 'sending' is written and
  committed *before* the request leaves; ARCA's answer is written in one transaction with
  the state, so a restart resolves a 'sending' row with FECompConsultar and never informs
  twice.
- ``caea_idle_reports``: FECAEASinMovimientoInformar per (CAEA, point of sale), the same way.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE fiscal_taxpayers (
    cuit            text PRIMARY KEY CHECK (cuit ~ '^[0-9]{11}$'),
    environment     text NOT NULL CHECK (environment IN ('homologacion', 'produccion')),
    wsaa_url        text,
    wsfe_url        text,
    certificate_pem text NOT NULL,
    key_location    text NOT NULL,
    configured_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE stores ADD COLUMN cuit text CHECK (cuit ~ '^[0-9]{11}$');

CREATE TABLE caeas (
    grant_id        bigserial PRIMARY KEY,
    cuit            text NOT NULL CHECK (cuit ~ '^[0-9]{11}$'),
    period          integer NOT NULL CHECK (period BETWEEN 200001 AND 999912),
    orden           smallint NOT NULL CHECK (orden IN (1, 2)),
    caea            text NOT NULL CHECK (caea ~ '^[0-9]{14}$'),
    valid_from      date NOT NULL,
    valid_to        date NOT NULL,
    report_deadline date NOT NULL,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    obtained_with   text NOT NULL CHECK (obtained_with IN ('FECAEASolicitar', 'FECAEAConsultar')),
    published_at    timestamptz,
    UNIQUE (cuit, period, orden),
    UNIQUE (cuit, caea)
);

CREATE TABLE caea_points_of_sale (
    cuit          text NOT NULL CHECK (cuit ~ '^[0-9]{11}$'),
    point_of_sale integer NOT NULL CHECK (point_of_sale BETWEEN 1 AND 99998),
    store_id      text,
    terminal_id   text,
    registered    boolean NOT NULL DEFAULT false,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cuit, point_of_sale)
);

CREATE TABLE caea_reports (
    document_kind text NOT NULL CHECK (document_kind IN ('sale', 'refund')),
    document_id   uuid NOT NULL,
    cuit          text NOT NULL,
    caea          text NOT NULL,
    point_of_sale integer NOT NULL,
    cbte_tipo     integer NOT NULL,
    number        integer NOT NULL,
    state         text NOT NULL CHECK (state IN ('sending', 'informed', 'rejected')),
    attempts      integer NOT NULL DEFAULT 1,
    sent_at       timestamptz NOT NULL DEFAULT now(),
    answered_at   timestamptz,
    arca_codes    integer[] NOT NULL DEFAULT '{}',
    arca_message  text,
    PRIMARY KEY (document_kind, document_id),
    UNIQUE (cuit, point_of_sale, cbte_tipo, number)
);

CREATE TABLE caea_idle_reports (
    cuit          text NOT NULL,
    caea          text NOT NULL,
    point_of_sale integer NOT NULL,
    state         text NOT NULL CHECK (state IN ('sending', 'informed', 'rejected')),
    sent_at       timestamptz NOT NULL DEFAULT now(),
    answered_at   timestamptz,
    arca_codes    integer[] NOT NULL DEFAULT '{}',
    arca_message  text,
    PRIMARY KEY (cuit, caea, point_of_sale)
);
CREATE INDEX ix_fiscal_authorizations_caea ON fiscal_authorizations (authorization_code)
    WHERE authorization_kind = 'CAEA';
"""

DOWNGRADE = """
DROP INDEX ix_fiscal_authorizations_caea;
DROP TABLE caea_idle_reports; DROP TABLE caea_reports; DROP TABLE caea_points_of_sale;
DROP TABLE caeas; ALTER TABLE stores DROP COLUMN cuit; DROP TABLE fiscal_taxpayers;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

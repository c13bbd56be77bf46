"""clock_skews: events received from a till whose clock was off by more than the margin.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# One row per applied event whose till clock was more than the ingest's --clock-margin
# from central's on receipt (pos_central.ingest.clocks): the report lists them per
# terminal, by the day central received them (the till filed them under its own day).
UPGRADE = """
CREATE TABLE clock_skews (
    event_id     uuid PRIMARY KEY,
    store_id     text NOT NULL,
    terminal_id  text NOT NULL,
    seq          bigint NOT NULL,
    type         text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    ticket       text,
    total        bigint,
    offset_ms    bigint NOT NULL,
    till_sent_at timestamptz,
    received_at  timestamptz NOT NULL
);
CREATE INDEX clock_skews_by_day ON clock_skews (received_at);
"""
DOWNGRADE = """
DROP TABLE clock_skews;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

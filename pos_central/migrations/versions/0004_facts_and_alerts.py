"""A fact is never silently rewritten: each event's body digest, and central's alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# body_digest: BLAKE2b-128 of the message body as received, so that the same event_id
# arriving with another body is told apart from a re-delivery (NULL for events stored
# before this revision: those re-deliveries stay plain duplicates).
UPGRADE = """
ALTER TABLE processed_events ADD COLUMN body_digest text;
CREATE TABLE central_alerts (
    alert_id    bigserial PRIMARY KEY,
    kind        text NOT NULL,
    store_id    text NOT NULL,
    terminal_id text NOT NULL,
    seq         bigint NOT NULL,
    event_id    uuid NOT NULL,
    evidence    text NOT NULL,
    detail      text NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, evidence)
);
CREATE INDEX central_alerts_by_day ON central_alerts (detected_at);
"""
DOWNGRADE = """
DROP TABLE central_alerts;
ALTER TABLE processed_events DROP COLUMN body_digest;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

"""held_events: events kept aside, not applied and not lost (a refund waiting for its sale).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# An event here has no processed_events row: it is not in the books. ``waiting_for`` is
# what releases it (the sale a refund refunds); without one it waits for a person.
UPGRADE = """
CREATE TABLE held_events (
    event_id    uuid PRIMARY KEY,
    store_id    text NOT NULL,
    terminal_id text NOT NULL,
    seq         bigint NOT NULL,
    type        text NOT NULL,
    reason      text NOT NULL,
    waiting_for uuid,
    body        text NOT NULL,
    body_digest text NOT NULL,
    user_id     text,
    held_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX held_events_waiting_for ON held_events (waiting_for) WHERE waiting_for IS NOT NULL;
CREATE INDEX held_events_by_terminal ON held_events (store_id, terminal_id, seq);
"""
DOWNGRADE = """
DROP TABLE held_events;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

"""till_users: each till's own broker user and the one terminal it speaks for.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# A user name is never reused: registering a terminal again (new credentials) makes a new
# generation with a new user, and the old row stays (revoked) so that events the old user
# published before the change are still judged by the terminal it was bound to.
UPGRADE = """
CREATE TABLE till_users (
    user_name   text PRIMARY KEY,
    store_id    text NOT NULL,
    terminal_id text NOT NULL,
    generation  integer NOT NULL CHECK (generation > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    UNIQUE (store_id, terminal_id, generation)
);
CREATE UNIQUE INDEX till_users_one_active ON till_users (store_id, terminal_id)
    WHERE revoked_at IS NULL;
"""
DOWNGRADE = """
DROP TABLE till_users;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

"""terminal_suspensions: a till identity two tills use (a clone), and its re-registration.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# While lifted_at is NULL every event naming the identity is held (reason 'clone'). A new
# registration lifts it for that registration's generation: events of older generations
# stay held, and a seq at or below resume_after_seq that collides is the other till's
# leftover (held, without suspending again).
UPGRADE = """
CREATE TABLE terminal_suspensions (
    store_id          text NOT NULL,
    terminal_id       text NOT NULL,
    reason            text NOT NULL,
    detail            text NOT NULL,
    seq               bigint NOT NULL,
    suspended_at      timestamptz NOT NULL DEFAULT now(),
    lifted_at         timestamptz,
    lifted_generation integer,
    resume_after_seq  bigint,
    PRIMARY KEY (store_id, terminal_id)
);
"""
DOWNGRADE = """
DROP TABLE terminal_suspensions;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

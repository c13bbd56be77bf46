"""store_people: the tills' cashiers, supervisors and managers kept at head office (PIN
hashes only), and people_versions: each change of a store's people with the
people.changed event that carries it to the tills, kept until the broker confirms it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# A person is never deleted, only made inactive: the tills are sent the whole list of a
# store, and one that is missing would stay active at a till that had it.
UPGRADE = """
CREATE TABLE store_people (
    store_id   text NOT NULL,
    user_id    text NOT NULL,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash   text NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, user_id)
);
CREATE TABLE people_versions (
    version      integer PRIMARY KEY CHECK (version > 0),
    store_id     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    event        jsonb NOT NULL,
    published_at timestamptz
);
CREATE INDEX people_versions_by_store ON people_versions (store_id, version);
CREATE INDEX people_versions_unpublished ON people_versions (version)
    WHERE published_at IS NULL;
"""
DOWNGRADE = """
DROP TABLE people_versions;
DROP TABLE store_people;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

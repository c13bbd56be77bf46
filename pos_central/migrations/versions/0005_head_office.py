"""Head office's own data: its users, sessions and tokens, the audit log, what the tills
report (sync state, catalogue versions applied), dead letters kept for people to act on,
settings, and the search index of the catalogue editor.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written by the API only (never by the ingest, which stays the only writer of sales).
# Passwords are Argon2id hashes; session and API tokens are stored as SHA-256 of a
# 256-bit random secret (a slow hash adds nothing to a secret that cannot be guessed).
UPGRADE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE office_users (
    user_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    full_name      text NOT NULL DEFAULT '',
    role           text NOT NULL CHECK (role IN ('admin', 'manager', 'viewer')),
    password_hash  text NOT NULL,
    active         boolean NOT NULL DEFAULT true,
    language       text NOT NULL DEFAULT 'es_AR',
    failed_logins  integer NOT NULL DEFAULT 0,
    locked_until   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE office_user_stores (
    user_id  bigint NOT NULL REFERENCES office_users ON DELETE CASCADE,
    store_id text NOT NULL,
    PRIMARY KEY (user_id, store_id)
);
CREATE TABLE office_sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES office_users ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE TABLE api_tokens (
    token_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    label       text NOT NULL,
    -- a head office user's token (scripts) or a till's own (its status reports)
    user_id     bigint REFERENCES office_users ON DELETE CASCADE,
    store_id    text,
    terminal_id text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((user_id IS NULL) <> (store_id IS NULL AND terminal_id IS NULL))
);

-- Every write of the API: who, when, what (and what it was about).
CREATE TABLE audit_log (
    audit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    action     text NOT NULL,
    subject    text NOT NULL,
    store_id   text,
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC);

-- What each till says about itself (its status report, at most every minute).
CREATE TABLE terminal_reports (
    store_id           text NOT NULL,
    terminal_id        text NOT NULL,
    received_at        timestamptz NOT NULL,
    till_time          timestamptz NOT NULL,
    sync_state         text NOT NULL,
    pending_events     integer NOT NULL,
    oldest_unsent_at   timestamptz,
    catalog_version    integer NOT NULL,
    app_version        text,
    PRIMARY KEY (store_id, terminal_id)
);
-- When each till applied each catalogue version it reached (as the till reports it).
CREATE TABLE terminal_catalog_versions (
    store_id     text NOT NULL,
    terminal_id  text NOT NULL,
    version      integer NOT NULL,
    applied_at   timestamptz NOT NULL,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id, version)
);

-- The dead-letter queue, kept where people can read it. A message that comes back with
-- the same reason is the same row (seen again), not a new one.
CREATE TABLE dead_letters (
    dead_letter_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint    bytea NOT NULL UNIQUE,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    times          integer NOT NULL DEFAULT 1,
    reason         text NOT NULL,
    code           text NOT NULL,
    routing_key    text NOT NULL,
    message_id     text,
    store_id       text,
    terminal_id    text,
    headers        jsonb NOT NULL,
    body           bytea NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed', 'discarded')),
    acted_by       text,
    acted_at       timestamptz,
    note           text
);
CREATE INDEX dead_letters_open ON dead_letters (status, last_seen_at DESC);

CREATE TABLE office_settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL
);

-- The catalogue editor searches 100,000 products by any part of the name, accent- and
-- case-blind ('cafe' finds 'Café'): a trigram index over the folded name.
CREATE FUNCTION pos_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT lower(translate($1, 'ÁÀÂÄÉÈÊËÍÌÎÏÓÒÔÖÚÙÛÜÑÇáàâäéèêëíìîïóòôöúùûüñç',
                               'AAAAEEEEIIIIOOOOUUUUNCaaaaeeeeiiiioooouuuunc')) $$;
CREATE INDEX products_name_search ON products USING gin (pos_fold(name) gin_trgm_ops);
CREATE INDEX products_barcodes ON products USING gin (barcodes);
CREATE INDEX products_category ON products (category);
"""
DOWNGRADE = """
DROP INDEX products_category, products_barcodes, products_name_search;
DROP FUNCTION pos_fold(text);
DROP TABLE office_settings, dead_letters, terminal_catalog_versions, terminal_reports,
    audit_log, api_tokens, office_sessions, office_user_stores, office_users;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

"""Initial central schema: stores, catalog, sales, refunds, shifts, cash, ingest tracking.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Money is bigint centavos, quantities bigint milli-units. business_date is the date of
# the till's own local timestamp (what the shop calls "that day"), never the server's.
# Child rows (lines, payments, IVA) have no FOREIGN KEY to their sale or refund: the
# ingest, the only writer, inserts them in the same transaction as the parent, and the
# per-row FK trigger cost about a quarter of the ingest's throughput (measured).
UPGRADE = """
CREATE TABLE stores (
    store_id      text PRIMARY KEY,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE terminals (
    store_id      text NOT NULL REFERENCES stores,
    terminal_id   text NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id)
);

CREATE TABLE catalog_versions (
    version          integer PRIMARY KEY CHECK (version > 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    source           text NOT NULL,
    changed_products integer NOT NULL,
    event            jsonb NOT NULL,  -- the catalog.changed envelope, so it can be re-published
    published_at     timestamptz
);
CREATE TABLE products (
    sku             text PRIMARY KEY,
    name            text NOT NULL,
    price           bigint NOT NULL CHECK (price >= 0),
    iva_rate        text NOT NULL CHECK (iva_rate IN ('21', '10.5', '27', 'exempt')),
    sold_by_weight  boolean NOT NULL,
    plu             integer,
    category        text,
    barcodes        text[] NOT NULL DEFAULT '{}',
    active          boolean NOT NULL DEFAULT true,
    catalog_version integer NOT NULL REFERENCES catalog_versions,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Exactly-once: permanent uniqueness on the event and on its place in the terminal's
-- sequence. No time window: a till may be offline for weeks.
CREATE TABLE processed_events (
    event_id          uuid PRIMARY KEY,
    store_id          text NOT NULL,
    terminal_id       text NOT NULL,
    seq               bigint NOT NULL CHECK (seq > 0),
    type              text NOT NULL,
    schema_version    integer NOT NULL,
    occurred_at       timestamptz NOT NULL,
    trace_id          text NOT NULL,
    journal_seq       bigint,
    journal_prev_hash text,
    journal_hash      text,
    processed_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT processed_events_terminal_seq UNIQUE (store_id, terminal_id, seq)
);
CREATE TABLE terminal_progress (
    store_id          text NOT NULL,
    terminal_id       text NOT NULL,
    contiguous_seq    bigint NOT NULL DEFAULT 0,
    max_seq           bigint NOT NULL DEFAULT 0,
    gaps              jsonb NOT NULL DEFAULT '[]',
    last_journal_hash text,
    events            bigint NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id)
);
CREATE TABLE journal_breaks (
    store_id           text NOT NULL,
    terminal_id        text NOT NULL,
    seq                bigint NOT NULL,
    expected_prev_hash text NOT NULL,
    found_prev_hash    text NOT NULL,
    detected_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id, seq)
);

CREATE TABLE sales (
    sale_id         uuid PRIMARY KEY,
    event_id        uuid NOT NULL,
    store_id        text NOT NULL,
    terminal_id     text NOT NULL,
    seq             bigint NOT NULL,
    ticket_number   bigint NOT NULL,
    ticket          text NOT NULL,
    shift_id        uuid,
    cashier_id      text,
    cashier_name    text,
    completed_at    timestamptz NOT NULL,
    business_date   date NOT NULL,
    currency        char(3) NOT NULL,
    ticket_discount bigint NOT NULL,
    total           bigint NOT NULL,
    change          bigint NOT NULL,
    journal_seq     bigint NOT NULL,
    journal_hash    text NOT NULL,
    trace_id        text NOT NULL
);
CREATE INDEX sales_by_day ON sales (business_date, store_id, terminal_id);
CREATE TABLE sale_lines (
    sale_id        uuid NOT NULL,
    line_no        integer NOT NULL,
    sku            text NOT NULL,
    barcode        text,
    description    text NOT NULL,
    sold_by_weight boolean NOT NULL,
    quantity_milli bigint NOT NULL,
    unit_price     bigint NOT NULL,
    gross_amount   bigint NOT NULL,
    discount       bigint NOT NULL,
    amount         bigint NOT NULL,
    iva_rate       text NOT NULL,
    PRIMARY KEY (sale_id, line_no)
);
CREATE TABLE payments (
    sale_id   uuid NOT NULL,
    tender_no integer NOT NULL,
    kind      text NOT NULL,
    amount    bigint NOT NULL,
    reference text,
    PRIMARY KEY (sale_id, tender_no)
);
CREATE TABLE sale_iva (
    sale_id uuid NOT NULL,
    rate    text NOT NULL,
    gross   bigint NOT NULL,
    net     bigint NOT NULL,
    tax     bigint NOT NULL,
    PRIMARY KEY (sale_id, rate)
);

CREATE TABLE refunds (
    refund_id            uuid PRIMARY KEY,
    event_id             uuid NOT NULL,
    store_id             text NOT NULL,
    terminal_id          text NOT NULL,
    seq                  bigint NOT NULL,
    sale_id              uuid NOT NULL,  -- no FK: the sale may arrive later, or from another till
    original_ticket      text NOT NULL,
    refund_ticket_number bigint NOT NULL,
    refund_ticket        text NOT NULL,
    shift_id             uuid,
    cashier_id           text,
    cashier_name         text,
    approved_by_id       text NOT NULL,
    approved_by_name     text NOT NULL,
    reason               text NOT NULL,
    refunded_at          timestamptz NOT NULL,
    business_date        date NOT NULL,
    currency             char(3) NOT NULL,
    total                bigint NOT NULL,
    journal_seq          bigint NOT NULL,
    journal_hash         text NOT NULL,
    trace_id             text NOT NULL
);
CREATE INDEX refunds_by_day ON refunds (business_date, store_id, terminal_id);
CREATE TABLE refund_lines (
    refund_id        uuid NOT NULL,
    line_no          integer NOT NULL,
    original_line_no integer NOT NULL,
    sku              text NOT NULL,
    description      text NOT NULL,
    sold_by_weight   boolean NOT NULL,
    quantity_milli   bigint NOT NULL,
    amount           bigint NOT NULL,
    iva_rate         text NOT NULL,
    PRIMARY KEY (refund_id, line_no)
);
CREATE TABLE refund_tenders (
    refund_id uuid NOT NULL,
    tender_no integer NOT NULL,
    kind      text NOT NULL,
    amount    bigint NOT NULL,
    reference text,
    PRIMARY KEY (refund_id, tender_no)
);
CREATE TABLE refund_iva (
    refund_id uuid NOT NULL,
    rate      text NOT NULL,
    gross     bigint NOT NULL,
    net       bigint NOT NULL,
    tax       bigint NOT NULL,
    PRIMARY KEY (refund_id, rate)
);

-- A shift row is created by whichever of shift.opened / shift.closed arrives first.
CREATE TABLE shifts (
    shift_id        uuid PRIMARY KEY,
    store_id        text NOT NULL,
    terminal_id     text NOT NULL,
    currency        char(3) NOT NULL,
    opened_by_id    text,
    opened_by_name  text,
    opened_at       timestamptz,
    float           bigint,
    closed_by_id    text,
    closed_by_name  text,
    closed_at       timestamptz,
    business_date   date,
    z_number        bigint,
    expected_cash   bigint,
    counted_cash    bigint,
    over_short      bigint,
    totals          jsonb,
    sales_count     integer,
    refunds_count   integer,
    first_ticket    text,
    last_ticket     text
);
CREATE INDEX shifts_by_day ON shifts (business_date, store_id, terminal_id);

CREATE TABLE cash_movements (
    movement_id   uuid PRIMARY KEY,
    event_id      uuid NOT NULL,
    store_id      text NOT NULL,
    terminal_id   text NOT NULL,
    seq           bigint NOT NULL,
    shift_id      uuid NOT NULL,
    direction     text NOT NULL CHECK (direction IN ('in', 'out')),
    amount        bigint NOT NULL CHECK (amount > 0),
    currency      char(3) NOT NULL,
    reason        text NOT NULL,
    by_id         text NOT NULL,
    by_name       text NOT NULL,
    moved_at      timestamptz NOT NULL,
    business_date date NOT NULL,
    journal_seq   bigint NOT NULL,
    journal_hash  text NOT NULL,
    trace_id      text NOT NULL
);
CREATE INDEX cash_movements_by_day ON cash_movements (business_date, store_id, terminal_id);
"""

DOWNGRADE = """
DROP TABLE cash_movements, shifts, refund_iva, refund_tenders, refund_lines, refunds,
    sale_iva, payments, sale_lines, sales, journal_breaks, terminal_progress,
    processed_events, products, catalog_versions, terminals, stores;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)

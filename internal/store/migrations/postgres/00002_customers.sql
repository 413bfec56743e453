-- Customers, their gap-free numbers, search and the summary counters.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE customers (
    seq                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                       TEXT NOT NULL UNIQUE,
    subaccount_id            TEXT NOT NULL REFERENCES subaccounts(id),
    customer_number          BIGINT NOT NULL,
    external_id              TEXT,
    name                     TEXT NOT NULL,
    name_key                 TEXT COLLATE "C" NOT NULL, -- lowercased name, for sorting and prefix search
    email                    TEXT COLLATE "C",
    phone                    TEXT NOT NULL DEFAULT '',
    address                  TEXT NOT NULL DEFAULT '',
    notes                    TEXT NOT NULL DEFAULT '',
    company                  TEXT NOT NULL DEFAULT '',
    region                   TEXT NOT NULL DEFAULT '',
    device_os                TEXT NOT NULL DEFAULT '',
    locale                   TEXT NOT NULL DEFAULT '',
    joined_at                BIGINT NOT NULL,
    last_active_at           BIGINT NOT NULL DEFAULT 0, -- 0: never
    blocked                  BOOLEAN NOT NULL DEFAULT false,
    blocked_at               BIGINT,
    blocked_reason           TEXT NOT NULL DEFAULT '',
    identity_required        BOOLEAN NOT NULL DEFAULT false,
    identity_required_reason TEXT NOT NULL DEFAULT '',
    identity_required_at     BIGINT,
    identity_status          TEXT NOT NULL DEFAULT 'not_required',
    identity_verified_at     BIGINT,
    identity_notes           TEXT NOT NULL DEFAULT '',
    rides_count              BIGINT NOT NULL DEFAULT 0,
    wallet_balance           BIGINT NOT NULL DEFAULT 0,
    bonus_balance            BIGINT NOT NULL DEFAULT 0,
    status                   TEXT NOT NULL, -- domain.Customer.ComputeStatus, kept for filtering
    deleted_at               BIGINT,
    search                   TEXT NOT NULL, -- what search matches: name, email, phones, number, external id
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE UNIQUE INDEX customers_number ON customers (subaccount_id, customer_number);
CREATE UNIQUE INDEX customers_external_id ON customers (subaccount_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX customers_email ON customers (subaccount_id, email) WHERE email IS NOT NULL;
-- Keyset pagination: one index per sort, and per status and sort for the tabs.
-- The status at the end lets the "all" tab skip the deleted without reading rows.
CREATE INDEX customers_by_name ON customers (subaccount_id, name_key, id, status);
CREATE INDEX customers_by_joined ON customers (subaccount_id, joined_at, id, status);
CREATE INDEX customers_by_active ON customers (subaccount_id, last_active_at, id, status);
CREATE INDEX customers_by_wallet ON customers (subaccount_id, wallet_balance, id, status);
CREATE INDEX customers_by_rides ON customers (subaccount_id, rides_count, id, status);
CREATE INDEX customers_status_name ON customers (subaccount_id, status, name_key, id);
CREATE INDEX customers_status_joined ON customers (subaccount_id, status, joined_at, id);
CREATE INDEX customers_status_active ON customers (subaccount_id, status, last_active_at, id);
CREATE INDEX customers_status_wallet ON customers (subaccount_id, status, wallet_balance, id);
CREATE INDEX customers_status_rides ON customers (subaccount_id, status, rides_count, id);
-- Filters: a list's total is counted from these alone, and a rare filter
-- finds its few rows here instead of walking a sort index past the rest.
CREATE INDEX customers_filter_region ON customers (subaccount_id, status, region, device_os, joined_at);
CREATE INDEX customers_filter_os ON customers (subaccount_id, status, device_os, joined_at);
-- Substring search over trigrams, within one subaccount: with the subaccount
-- in the index (btree_gin), a search reads the matches of its own
-- subaccount only, however common the term is in others.
CREATE INDEX customers_search ON customers USING gin (subaccount_id, search gin_trgm_ops);

-- The next customer number of each subaccount. Taking a number updates this
-- row in the creating transaction, so numbers are gap-free and never reused.
CREATE TABLE customer_numbers (
    subaccount_id TEXT PRIMARY KEY REFERENCES subaccounts(id),
    last_number   BIGINT NOT NULL
);

-- Summary cards and tab counts, kept in the same transaction as every
-- change. Each subaccount has several shards, so that concurrent writers
-- rarely wait on one row; readers add them up.
CREATE TABLE customer_stats (
    subaccount_id     TEXT NOT NULL REFERENCES subaccounts(id),
    shard             INTEGER NOT NULL,
    total             BIGINT NOT NULL DEFAULT 0, -- not soft-deleted
    new               BIGINT NOT NULL DEFAULT 0,
    active            BIGINT NOT NULL DEFAULT 0,
    blocked           BIGINT NOT NULL DEFAULT 0,
    identity_required BIGINT NOT NULL DEFAULT 0,
    deleted           BIGINT NOT NULL DEFAULT 0,
    wallet_value      BIGINT NOT NULL DEFAULT 0, -- not soft-deleted
    bonus_total       BIGINT NOT NULL DEFAULT 0, -- not soft-deleted
    PRIMARY KEY (subaccount_id, shard)
);

-- +goose Down
DROP TABLE customer_stats;
DROP TABLE customer_numbers;
DROP TABLE customers;

-- Customers, their gap-free numbers, search and the summary counters.

-- +goose Up
CREATE TABLE customers (
    seq                      INTEGER PRIMARY KEY, -- stable rowid for the search index
    id                       TEXT NOT NULL UNIQUE,
    subaccount_id            TEXT NOT NULL REFERENCES subaccounts(id),
    customer_number          INTEGER NOT NULL,
    external_id              TEXT,
    name                     TEXT NOT NULL,
    name_key                 TEXT NOT NULL, -- lowercased name, for sorting and prefix search
    email                    TEXT,
    phone                    TEXT NOT NULL DEFAULT '',
    address                  TEXT NOT NULL DEFAULT '',
    notes                    TEXT NOT NULL DEFAULT '',
    company                  TEXT NOT NULL DEFAULT '',
    region                   TEXT NOT NULL DEFAULT '',
    device_os                TEXT NOT NULL DEFAULT '',
    locale                   TEXT NOT NULL DEFAULT '',
    joined_at                INTEGER NOT NULL,
    last_active_at           INTEGER NOT NULL DEFAULT 0, -- 0: never
    blocked                  INTEGER NOT NULL DEFAULT 0,
    blocked_at               INTEGER,
    blocked_reason           TEXT NOT NULL DEFAULT '',
    identity_required        INTEGER NOT NULL DEFAULT 0,
    identity_required_reason TEXT NOT NULL DEFAULT '',
    identity_required_at     INTEGER,
    identity_status          TEXT NOT NULL DEFAULT 'not_required',
    identity_verified_at     INTEGER,
    identity_notes           TEXT NOT NULL DEFAULT '',
    rides_count              INTEGER NOT NULL DEFAULT 0,
    wallet_balance           INTEGER NOT NULL DEFAULT 0,
    bonus_balance            INTEGER NOT NULL DEFAULT 0,
    status                   TEXT NOT NULL, -- domain.Customer.ComputeStatus, kept for filtering
    deleted_at               INTEGER,
    search                   TEXT NOT NULL, -- what search matches: name, email, phones, number, external id
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
) STRICT;
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

-- The next customer number of each subaccount. Taking a number updates this
-- row in the creating transaction, so numbers are gap-free and never reused.
-- code is a small number of the subaccount, given on its first customer,
-- for the keys of the search index.
CREATE TABLE customer_numbers (
    subaccount_id TEXT PRIMARY KEY REFERENCES subaccounts(id),
    last_number   INTEGER NOT NULL,
    code          INTEGER UNIQUE
) STRICT;
-- +goose StatementBegin
CREATE TRIGGER customer_numbers_code AFTER INSERT ON customer_numbers BEGIN
    UPDATE customer_numbers SET code = (SELECT COALESCE(max(code), 0) + 1 FROM customer_numbers)
    WHERE subaccount_id = new.subaccount_id;
END;
-- +goose StatementEnd

-- Substring search: trigrams of the search column, kept in step by triggers.
-- Each customer's key in the index is its subaccount's code, its status and
-- its seq, in that order: a search reads the matches of one subaccount and
-- tab only, and counts them without reading a row. The key is computed
-- here, once, for the triggers and for bulk loads.
CREATE VIEW customer_search_keys AS
SELECT c.seq, c.search, (n.code << 42) | ((CASE c.status WHEN 'new' THEN 0 WHEN 'active' THEN 1
    WHEN 'blocked' THEN 2 WHEN 'identity_required' THEN 3 ELSE 4 END) << 39) | c.seq AS key
FROM customers c JOIN customer_numbers n ON n.subaccount_id = c.subaccount_id;
CREATE VIRTUAL TABLE customer_search USING fts5(search, content='', contentless_delete=1, tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT OR IGNORE INTO customer_numbers (subaccount_id, last_number) VALUES (new.subaccount_id, new.customer_number);
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_unindex BEFORE UPDATE OF search, status, subaccount_id ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_update AFTER UPDATE OF search, status, subaccount_id ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
BEGIN
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_delete BEFORE DELETE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd

-- Summary cards and tab counts, kept in the same transaction as every
-- change. Each subaccount has several shards, so that concurrent writers
-- rarely wait on one row; readers add them up.
CREATE TABLE customer_stats (
    subaccount_id     TEXT NOT NULL REFERENCES subaccounts(id),
    shard             INTEGER NOT NULL,
    total             INTEGER NOT NULL DEFAULT 0, -- not soft-deleted
    new               INTEGER NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 0,
    blocked           INTEGER NOT NULL DEFAULT 0,
    identity_required INTEGER NOT NULL DEFAULT 0,
    deleted           INTEGER NOT NULL DEFAULT 0,
    wallet_value      INTEGER NOT NULL DEFAULT 0, -- not soft-deleted
    bonus_total       INTEGER NOT NULL DEFAULT 0, -- not soft-deleted
    PRIMARY KEY (subaccount_id, shard)
) STRICT;

-- +goose Down
DROP TABLE customer_stats;
DROP TRIGGER customers_search_delete;
DROP TRIGGER customers_search_update;
DROP TRIGGER customers_search_unindex;
DROP TRIGGER customers_search_insert;
DROP TABLE customer_search;
DROP VIEW customer_search_keys;
DROP TRIGGER customer_numbers_code;
DROP TABLE customer_numbers;
DROP TABLE customers;

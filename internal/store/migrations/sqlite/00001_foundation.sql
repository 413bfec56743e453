-- Times are stored as integer microseconds since the Unix epoch (UTC), so
-- that they sort and compare exactly; money is integer minor units.

-- +goose Up
CREATE TABLE subaccounts (
    id                TEXT PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    currency          TEXT NOT NULL,
    currency_exponent INTEGER NOT NULL,
    timezone          TEXT NOT NULL,
    country           TEXT NOT NULL,
    default_locale    TEXT NOT NULL,
    regions           TEXT NOT NULL DEFAULT '[]',
    min_ride_balance  INTEGER NOT NULL,
    unlock_fee        INTEGER NOT NULL,
    price_per_minute  INTEGER NOT NULL,
    risk_threshold    INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
) STRICT;

-- An empty subaccount_id grants the role in every subaccount.
CREATE TABLE operator_grants (
    operator_id   TEXT NOT NULL REFERENCES operators(id),
    subaccount_id TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    PRIMARY KEY (operator_id, subaccount_id)
) STRICT;

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators(id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_operator ON api_tokens (operator_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY, -- hash of the cookie value
    operator_id  TEXT NOT NULL REFERENCES operators(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit_entries (
    id            TEXT PRIMARY KEY, -- ULID, so ordering by id is ordering by time
    subaccount_id TEXT NOT NULL DEFAULT '',
    actor_id      TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     TEXT NOT NULL,
    before        TEXT,
    after         TEXT,
    note          TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_subaccount ON audit_entries (subaccount_id, id);
CREATE INDEX audit_target ON audit_entries (target_id, id);

-- The log is append-only: the database refuses edits and deletions.
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;

CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL, -- who sent the key
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    state         TEXT NOT NULL, -- running or done
    locked_until  INTEGER NOT NULL,
    status_code   INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    response_body BLOB,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_entries;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE operator_grants;
DROP TABLE operators;
DROP TABLE subaccounts;

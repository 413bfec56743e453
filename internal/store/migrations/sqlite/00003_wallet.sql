-- The wallet ledger and the notification outbox.

-- +goose Up
ALTER TABLE subaccounts ADD COLUMN max_wallet_amount INTEGER NOT NULL DEFAULT 100000;

CREATE TABLE ledger_entries (
    id              TEXT PRIMARY KEY, -- ULID: by id is by time
    subaccount_id   TEXT NOT NULL,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    kind            TEXT NOT NULL,
    bucket          TEXT NOT NULL, -- wallet or bonus
    amount          INTEGER NOT NULL, -- signed minor units
    wallet_after    INTEGER NOT NULL,
    bonus_after     INTEGER NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    actor           TEXT NOT NULL,
    actor_id        TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    cause_type      TEXT NOT NULL DEFAULT '',
    cause_id        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_customer ON ledger_entries (customer_id, id);
-- A retried operation finds its first entry instead of writing a second.
CREATE UNIQUE INDEX ledger_idempotency ON ledger_entries (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- An entry is reversed at most once.
CREATE UNIQUE INDEX ledger_reversal ON ledger_entries (cause_id) WHERE kind = 'reversal';
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

-- Notifications are written in the transaction that causes them and
-- delivered from here by a worker: a transactional outbox.
CREATE TABLE notifications (
    id            TEXT PRIMARY KEY,
    subaccount_id TEXT NOT NULL,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    type          TEXT NOT NULL,
    title         TEXT NOT NULL,
    message       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER
) STRICT;
CREATE INDEX notifications_customer ON notifications (customer_id, id);
CREATE INDEX notifications_pending ON notifications (status, id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE ledger_entries;
ALTER TABLE subaccounts DROP COLUMN max_wallet_amount;

-- The wallet ledger and the notification outbox.

-- +goose Up
ALTER TABLE subaccounts ADD COLUMN max_wallet_amount BIGINT NOT NULL DEFAULT 100000;

CREATE TABLE ledger_entries (
    id              TEXT PRIMARY KEY, -- ULID: by id is by time
    subaccount_id   TEXT NOT NULL,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    kind            TEXT NOT NULL,
    bucket          TEXT NOT NULL, -- wallet or bonus
    amount          BIGINT NOT NULL, -- signed minor units
    wallet_after    BIGINT NOT NULL,
    bonus_after     BIGINT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    actor           TEXT NOT NULL,
    actor_id        TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    cause_type      TEXT NOT NULL DEFAULT '',
    cause_id        TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX ledger_customer ON ledger_entries (customer_id, id);
-- A retried operation finds its first entry instead of writing a second.
CREATE UNIQUE INDEX ledger_idempotency ON ledger_entries (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- An entry is reversed at most once.
CREATE UNIQUE INDEX ledger_reversal ON ledger_entries (cause_id) WHERE kind = 'reversal';
-- +goose StatementBegin
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

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
    created_at    BIGINT NOT NULL,
    sent_at       BIGINT
);
CREATE INDEX notifications_customer ON notifications (customer_id, id);
CREATE INDEX notifications_pending ON notifications (status, id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE ledger_entries;
DROP FUNCTION ledger_entries_append_only;
ALTER TABLE subaccounts DROP COLUMN max_wallet_amount;

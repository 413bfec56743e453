-- Bulk wallet files: a preview, then processing row by row.

-- +goose Up
CREATE TABLE wallet_batches (
    id            TEXT PRIMARY KEY,
    subaccount_id TEXT NOT NULL REFERENCES subaccounts(id),
    status        TEXT NOT NULL, -- previewed, processing, done
    filename      TEXT NOT NULL DEFAULT '',
    rows          BIGINT NOT NULL,
    valid         BIGINT NOT NULL,
    invalid       BIGINT NOT NULL,
    total_amount  BIGINT NOT NULL,
    processed     BIGINT NOT NULL DEFAULT 0,
    succeeded     BIGINT NOT NULL DEFAULT 0,
    failed        BIGINT NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);

CREATE TABLE wallet_batch_rows (
    batch_id     TEXT NOT NULL REFERENCES wallet_batches(id),
    line         BIGINT NOT NULL,
    customer_ref TEXT NOT NULL,
    customer_id  TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL, -- valid, invalid, applied, failed
    error        TEXT NOT NULL DEFAULT '',
    entry_id     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, line)
);
CREATE INDEX wallet_batch_rows_status ON wallet_batch_rows (batch_id, status, line);

-- +goose Down
DROP TABLE wallet_batch_rows;
DROP TABLE wallet_batches;

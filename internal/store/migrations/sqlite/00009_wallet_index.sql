-- One index on the wallet balance instead of two.
--
-- Every wallet operation moves a balance, and SQLite rewrites each index
-- that holds it: the entry leaves one place of the index and enters
-- another. At a million customers that was about two of the eight pages a
-- wallet operation writes to the WAL for each such index. The tabs' own
-- wallet order (status, wallet_balance, id) goes; a tab sorted by wallet
-- walks customers_by_wallet instead, which holds the status and so skips
-- the other tabs' customers without reading a row (see CustomerList).

-- +goose Up
DROP INDEX customers_status_wallet;

-- +goose Down
CREATE INDEX customers_status_wallet ON customers (subaccount_id, status, wallet_balance, id);

-- Wallet operations leave the customers' indexes alone.
--
-- PostgreSQL rewrites every index of a row whose update changes any indexed
-- column; an update that changes none, and finds room on the row's page,
-- is a HOT update that writes no index at all. With wallet_balance in two
-- sort indexes, every wallet operation inserted into all fifteen indexes of
-- customers: that alone held wallet operations to about 2,000 a second.
--
-- The wallet sort order moves to a narrow table of its own, kept exact in
-- the same transaction as every change: an operation then updates the
-- customer's row in place (HOT) and one narrow row with two small
-- indexes. The list sorted by wallet walks this table, filters on it, and
-- joins the customers that pass (customer_wallet_order.go).
--
-- fillfactor leaves room on the customers' pages for the new versions of
-- their rows. It applies to pages written from now on: a database loaded
-- before this migration gets the room as its rows are first updated
-- (moved, once, to pages that have it) or when the table is rebuilt.
--
-- The table is vacuumed once built, which a transaction cannot do: the
-- statements run one by one, each able to run again should one fail.

-- +goose NO TRANSACTION

-- +goose Up
ALTER TABLE customers SET (fillfactor = 85);

-- Besides the order, each row holds the columns lists filter on, so that a
-- filtered walk tests its rows here and joins only those that pass.
CREATE TABLE IF NOT EXISTS customer_wallet_order (
    seq            BIGINT NOT NULL, -- customers.seq
    subaccount_id  TEXT NOT NULL,
    status         TEXT NOT NULL,
    wallet_balance BIGINT NOT NULL,
    id             TEXT NOT NULL,
    region         TEXT NOT NULL,
    device_os      TEXT NOT NULL,
    joined_at      BIGINT NOT NULL,
    last_active_at BIGINT NOT NULL
);

-- Keeps customer_wallet_order in step with customers, row by row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customer_wallet_order_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM customer_wallet_order WHERE seq = OLD.seq;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE customer_wallet_order SET subaccount_id = NEW.subaccount_id, status = NEW.status,
            wallet_balance = NEW.wallet_balance, id = NEW.id, region = NEW.region, device_os = NEW.device_os,
            joined_at = NEW.joined_at, last_active_at = NEW.last_active_at
        WHERE seq = OLD.seq;
    ELSE
        INSERT INTO customer_wallet_order (seq, subaccount_id, status, wallet_balance, id, region, device_os,
            joined_at, last_active_at)
        VALUES (NEW.seq, NEW.subaccount_id, NEW.status, NEW.wallet_balance, NEW.id, NEW.region, NEW.device_os,
            NEW.joined_at, NEW.last_active_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE OR REPLACE TRIGGER customer_wallet_order_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_wallet_order_sync();
-- A change of balance is not the trigger's: a call of the function for each
-- row cost a wallet operation more than the update it makes. The statements
-- that change balances (wallet batches, the end of a ride) update this
-- table themselves, in the same statement or transaction.
CREATE OR REPLACE TRIGGER customer_wallet_order_update
    AFTER UPDATE OF subaccount_id, status, id, region, device_os, joined_at, last_active_at ON customers
    FOR EACH ROW WHEN (OLD.subaccount_id IS DISTINCT FROM NEW.subaccount_id OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.id IS DISTINCT FROM NEW.id OR OLD.region IS DISTINCT FROM NEW.region
        OR OLD.device_os IS DISTINCT FROM NEW.device_os OR OLD.joined_at IS DISTINCT FROM NEW.joined_at
        OR OLD.last_active_at IS DISTINCT FROM NEW.last_active_at)
    EXECUTE FUNCTION customer_wallet_order_sync();
CREATE OR REPLACE TRIGGER customer_wallet_order_delete AFTER DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_wallet_order_sync();

-- Fills customer_wallet_order from customers again and builds its indexes:
-- what the triggers would do row by row, in one pass, for a bulk load that
-- set the insert trigger aside. It runs in the caller's transaction and
-- locks the table until the end of it. The rows lie in the customers'
-- order, so that the customers a bulk file credits together share pages
-- here too.
--
-- One index holds the order, with the status last, as the customers' sort
-- indexes have it: a tab's walk tests the status in the index, without
-- reading rows. A second index per status, as the customers' other sorts
-- have, would be one more index for every wallet operation to write, and
-- after each checkpoint one more full page in the WAL for each of its
-- pages written: a sixth of a bulk file's WAL.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customer_wallet_order_rebuild() RETURNS void LANGUAGE plpgsql
SET maintenance_work_mem = '256MB' AS $$
BEGIN
    DROP INDEX IF EXISTS customer_wallet_order_by_wallet;
    ALTER TABLE customer_wallet_order DROP CONSTRAINT IF EXISTS customer_wallet_order_pkey;
    TRUNCATE customer_wallet_order;
    INSERT INTO customer_wallet_order (seq, subaccount_id, status, wallet_balance, id, region, device_os, joined_at,
        last_active_at)
    SELECT seq, subaccount_id, status, wallet_balance, id, region, device_os, joined_at, last_active_at
    FROM customers ORDER BY seq;
    ALTER TABLE customer_wallet_order ADD CONSTRAINT customer_wallet_order_pkey PRIMARY KEY (seq);
    CREATE INDEX customer_wallet_order_by_wallet ON customer_wallet_order (subaccount_id, wallet_balance, id, status);
    ANALYZE customer_wallet_order;
END
$$;
-- +goose StatementEnd

SELECT customer_wallet_order_rebuild();
DROP INDEX IF EXISTS customers_by_wallet;
DROP INDEX IF EXISTS customers_status_wallet;
VACUUM (ANALYZE) customer_wallet_order;

-- +goose Down
CREATE INDEX IF NOT EXISTS customers_by_wallet ON customers (subaccount_id, wallet_balance, id, status);
CREATE INDEX IF NOT EXISTS customers_status_wallet ON customers (subaccount_id, status, wallet_balance, id);
DROP TRIGGER IF EXISTS customer_wallet_order_delete ON customers;
DROP TRIGGER IF EXISTS customer_wallet_order_update ON customers;
DROP TRIGGER IF EXISTS customer_wallet_order_insert ON customers;
DROP FUNCTION IF EXISTS customer_wallet_order_rebuild();
DROP FUNCTION IF EXISTS customer_wallet_order_sync();
DROP TABLE IF EXISTS customer_wallet_order;
ALTER TABLE customers RESET (fillfactor);

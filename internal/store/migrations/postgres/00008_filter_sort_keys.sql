-- Filter indexes that hold the sort keys.
--
-- A filtered list that matches a few thousand customers finds them through
-- a filter index and sorts them for a page. With only the filters in the
-- index, sorting read every match's row to learn its sort key: thousands
-- of random row reads at a million customers. Holding the sort keys, the
-- id that breaks their ties and the seq that finds the row in the indexes
-- that find the matches, an index-only scan sorts them and a page reads
-- its own rows only. The region index puts the join time before the
-- device, so that a region and a time range seek together; for a region
-- and a device, both indexes hold both, and the planner takes the one with
-- fewer entries.
--
-- Not the wallet balance: lists sorted by wallet read the rows as before,
-- and wallet operations stay free to leave these indexes alone.

-- +goose Up
DROP INDEX customers_filter_region;
CREATE INDEX customers_filter_region ON customers (subaccount_id, status, region, joined_at, device_os)
    INCLUDE (last_active_at, rides_count, name_key, id, seq);
DROP INDEX customers_filter_os;
CREATE INDEX customers_filter_os ON customers (subaccount_id, status, device_os, joined_at)
    INCLUDE (region, last_active_at, rides_count, name_key, id, seq);
DROP INDEX customers_status_joined;
CREATE INDEX customers_status_joined ON customers (subaccount_id, status, joined_at, id)
    INCLUDE (last_active_at, rides_count, name_key, seq);
ANALYZE customers;

-- +goose Down
DROP INDEX customers_filter_region;
CREATE INDEX customers_filter_region ON customers (subaccount_id, status, region, device_os, joined_at);
DROP INDEX customers_filter_os;
CREATE INDEX customers_filter_os ON customers (subaccount_id, status, device_os, joined_at);
DROP INDEX customers_status_joined;
CREATE INDEX customers_status_joined ON customers (subaccount_id, status, joined_at, id);

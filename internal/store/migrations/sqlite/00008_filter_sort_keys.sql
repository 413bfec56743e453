-- Filter indexes that hold the sort keys.
--
-- A filtered list that matches a few thousand customers finds them through
-- a filter index and sorts them for a page. With only the filters in the
-- index, sorting read every match's row to learn its sort key: thousands
-- of random row reads, 50-300 ms at a million customers. Holding the sort
-- keys (and the id that breaks their ties) in the indexes that find the
-- matches, a page sorts index entries alone and reads its own rows only.
-- The region index puts the join time before the device, so that a region
-- and a time range seek together; for a region and a device, both indexes
-- hold both, and the planner takes the one with fewer entries.
--
-- Not the wallet balance: every wallet operation would write these indexes
-- too. Lists sorted by wallet read the rows as before.

-- +goose Up
DROP INDEX customers_filter_region;
CREATE INDEX customers_filter_region ON customers (subaccount_id, status, region, joined_at, device_os,
    last_active_at, rides_count, name_key, id);
DROP INDEX customers_filter_os;
CREATE INDEX customers_filter_os ON customers (subaccount_id, status, device_os, joined_at, region,
    last_active_at, rides_count, name_key, id);
DROP INDEX customers_status_joined;
CREATE INDEX customers_status_joined ON customers (subaccount_id, status, joined_at, id,
    last_active_at, rides_count, name_key);
-- Without statistics of the new indexes the planner would plan lists on
-- them blind.
ANALYZE customers_filter_region;
ANALYZE customers_filter_os;
ANALYZE customers_status_joined;

-- +goose Down
DROP INDEX customers_filter_region;
CREATE INDEX customers_filter_region ON customers (subaccount_id, status, region, device_os, joined_at);
DROP INDEX customers_filter_os;
CREATE INDEX customers_filter_os ON customers (subaccount_id, status, device_os, joined_at);
DROP INDEX customers_status_joined;
CREATE INDEX customers_status_joined ON customers (subaccount_id, status, joined_at, id);
ANALYZE customers_filter_region;
ANALYZE customers_filter_os;
ANALYZE customers_status_joined;

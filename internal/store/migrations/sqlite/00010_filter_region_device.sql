-- A filter index for a region and a device together.
--
-- customers_filter_region puts the join time before the device, so that a
-- region and a time range seek together (00008). A region and a device
-- then seek the region alone and test every entry of it for the device:
-- SQLite skips along an index only over its first columns, not over the
-- join time in the middle. At a million customers, East Austin's customers
-- on "other" devices (1,688) took 29-33 ms a page, reading the region's
-- 60,000 entries. This index seeks both, and holds the same sort keys as
-- the other filter indexes, so that the matches are counted and sorted from
-- its entries alone (see filterIndexes).
--
-- Not the wallet balance: wallet operations leave it alone.

-- +goose Up
CREATE INDEX customers_filter_region_os ON customers (subaccount_id, status, region, device_os, joined_at,
    last_active_at, rides_count, name_key, id);
ANALYZE customers_filter_region_os;

-- +goose Down
DROP INDEX customers_filter_region_os;

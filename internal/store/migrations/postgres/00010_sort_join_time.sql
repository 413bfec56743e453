-- The ride and activity sort indexes hold the join time.
--
-- A list filtered by a join time range with more matches than a total
-- counts (ten thousand) walks its sort index. The customers who joined
-- recently have few rides and recent activity, so a walk sorted by either
-- passes tens of thousands of others first, and the range was tested on
-- each one's row: 100-315 ms at a million customers. With the join time a
-- key column at the end of the index, the B-tree tests the range on each
-- entry and fetches a row only for a match (9 ms for the same query). The
-- sorts by name and wallet do not go with the join time, and the join
-- time's own sort seeks the range. SQLite's 00011 does the same.
--
-- Wallet operations leave these indexes alone: they hold no balance.

-- +goose Up
DROP INDEX customers_by_active;
CREATE INDEX customers_by_active ON customers (subaccount_id, last_active_at, id, status, joined_at);
DROP INDEX customers_by_rides;
CREATE INDEX customers_by_rides ON customers (subaccount_id, rides_count, id, status, joined_at);
DROP INDEX customers_status_active;
CREATE INDEX customers_status_active ON customers (subaccount_id, status, last_active_at, id, joined_at);
DROP INDEX customers_status_rides;
CREATE INDEX customers_status_rides ON customers (subaccount_id, status, rides_count, id, joined_at);
ANALYZE customers;

-- +goose Down
DROP INDEX customers_by_active;
CREATE INDEX customers_by_active ON customers (subaccount_id, last_active_at, id, status);
DROP INDEX customers_by_rides;
CREATE INDEX customers_by_rides ON customers (subaccount_id, rides_count, id, status);
DROP INDEX customers_status_active;
CREATE INDEX customers_status_active ON customers (subaccount_id, status, last_active_at, id);
DROP INDEX customers_status_rides;
CREATE INDEX customers_status_rides ON customers (subaccount_id, status, rides_count, id);

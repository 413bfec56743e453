-- Search in its own narrow table, in name order.
--
-- A search of three characters or more finds its matches through a trigram
-- index and counts them up to the cap. On customers, every match cost a
-- visit to a wide row somewhere in 400 MB, and a term that matches many
-- built a bitmap of all of them before counting the first. Here each
-- customer has a narrow row (subaccount, status, name, id, search text),
-- kept in step by triggers, and the rows lie in name order: a term that
-- gathers in names (a first name) finds its matches on few pages.
--
-- The rows of a subaccount are cut into zones of consecutive names, about
-- 32,768 rows each when the table was last rebuilt. The trigram index is
-- keyed by zone, so a search can read zone after zone in name order and
-- stop: a common term is counted to the cap from the first zones, and the
-- first page of a term that gathers far along the names is found from the
-- zones before it, which hold few of its matches. A zone's id is its
-- subaccount's code (high bits) and its place in name order (low 16 bits);
-- a zone starts at (first_key, first_id) and ends where the next starts.
-- New customers join the zone of their name; a rebuilding load
-- (CustomerLoader) cuts the zones again with customer_search_rebuild.
--
-- The trigram index on customers goes: every wallet update wrote to it.
--
-- The table is vacuumed once built, which a transaction cannot do: the
-- statements run one by one, each able to run again should one fail.

-- +goose NO TRANSACTION

-- +goose Up
CREATE TABLE IF NOT EXISTS customer_search_codes (
    subaccount_id TEXT PRIMARY KEY REFERENCES subaccounts(id),
    code          INTEGER GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE TABLE IF NOT EXISTS customer_search_zones (
    zone      BIGINT PRIMARY KEY, -- code << 16 | place in name order
    first_key TEXT COLLATE "C" NOT NULL,
    first_id  TEXT NOT NULL
);

-- fillfactor leaves room on each page, so that a status change (the tab)
-- stays on its page, in name order, without touching the indexes.
CREATE TABLE IF NOT EXISTS customer_search (
    seq      BIGINT NOT NULL, -- customers.seq
    code     INTEGER NOT NULL,
    zone     BIGINT NOT NULL,
    status   TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    id       TEXT NOT NULL,
    search   TEXT NOT NULL
) WITH (fillfactor = 90);

-- The zone of a customer of code c named k with id i.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customer_search_zone(c INTEGER, k TEXT, i TEXT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT zone FROM customer_search_zones
    WHERE zone >= c::bigint << 16 AND zone < (c::bigint + 1) << 16
        AND (first_key, first_id) <= (k COLLATE "C", i)
    ORDER BY zone DESC LIMIT 1
$$;
-- +goose StatementEnd

-- Keeps customer_search in step with customers, row by row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customer_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c INTEGER;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM customer_search WHERE seq = OLD.seq;
        RETURN NULL;
    END IF;
    SELECT code INTO c FROM customer_search_codes WHERE subaccount_id = NEW.subaccount_id;
    IF c IS NULL THEN
        INSERT INTO customer_search_codes (subaccount_id) VALUES (NEW.subaccount_id) ON CONFLICT DO NOTHING;
        SELECT code INTO c FROM customer_search_codes WHERE subaccount_id = NEW.subaccount_id;
        INSERT INTO customer_search_zones (zone, first_key, first_id) VALUES (c::bigint << 16, '', '')
            ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE customer_search SET code = c, zone = customer_search_zone(c, NEW.name_key, NEW.id),
            status = NEW.status, name_key = NEW.name_key, id = NEW.id, search = NEW.search
        WHERE seq = OLD.seq;
    ELSE
        INSERT INTO customer_search (seq, code, zone, status, name_key, id, search)
        VALUES (NEW.seq, c, customer_search_zone(c, NEW.name_key, NEW.id), NEW.status, NEW.name_key, NEW.id,
            NEW.search);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE OR REPLACE TRIGGER customer_search_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_search_sync();
CREATE OR REPLACE TRIGGER customer_search_update AFTER UPDATE OF subaccount_id, name_key, id, status, search ON customers
    FOR EACH ROW WHEN (OLD.subaccount_id IS DISTINCT FROM NEW.subaccount_id OR OLD.name_key IS DISTINCT FROM NEW.name_key
        OR OLD.id IS DISTINCT FROM NEW.id OR OLD.status IS DISTINCT FROM NEW.status OR OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION customer_search_sync();
CREATE OR REPLACE TRIGGER customer_search_delete AFTER DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_search_sync();

-- Fills customer_search from customers again, in name order, with zones of
-- about zone_rows customers, and builds its indexes: what the triggers would
-- do row by row, in one pass. It runs in the caller's transaction and locks
-- customer_search until the end of it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customer_search_rebuild(zone_rows INTEGER) RETURNS void LANGUAGE plpgsql
SET maintenance_work_mem = '256MB' SET work_mem = '256MB' AS $$
BEGIN
    DROP INDEX IF EXISTS customer_search_trgm;
    DROP INDEX IF EXISTS customer_search_name;
    ALTER TABLE customer_search DROP CONSTRAINT IF EXISTS customer_search_pkey;
    TRUNCATE customer_search, customer_search_zones;
    INSERT INTO customer_search_codes (subaccount_id)
        SELECT DISTINCT subaccount_id FROM customers ORDER BY 1 ON CONFLICT DO NOTHING;
    -- A zone starts every zone_rows customers, and where a group of names
    -- with the same first four letters that holds a quarter of that
    -- starts: a search then finds a first name's matches at the start of
    -- a zone, not somewhere in the middle of one.
    WITH p AS (
        SELECT c.seq, k.code, c.status, c.name_key, c.id, c.search,
            row_number() OVER (PARTITION BY k.code ORDER BY c.name_key, c.id) - 1 AS place,
            row_number() OVER (PARTITION BY k.code, left(c.name_key, 4) ORDER BY c.name_key, c.id) - 1 AS in_group,
            count(*) OVER (PARTITION BY k.code, left(c.name_key, 4)) AS group_rows
        FROM customers c JOIN customer_search_codes k ON k.subaccount_id = c.subaccount_id
    ), r AS (
        SELECT seq, code, status, name_key, id, search, place,
            sum(CASE WHEN place % zone_rows = 0 OR in_group = 0 AND group_rows >= zone_rows / 4 THEN 1 ELSE 0 END)
                OVER (PARTITION BY code ORDER BY name_key, id) - 1 AS ord,
            place % zone_rows = 0 OR in_group = 0 AND group_rows >= zone_rows / 4 AS starts
        FROM p
    ), z AS (
        INSERT INTO customer_search_zones (zone, first_key, first_id)
        SELECT code::bigint << 16 | ord, CASE WHEN place = 0 THEN '' ELSE name_key END,
            CASE WHEN place = 0 THEN '' ELSE id END
        FROM r WHERE starts AND ord <= 65535
    )
    INSERT INTO customer_search (seq, code, zone, status, name_key, id, search)
    SELECT seq, code, code::bigint << 16 | LEAST(ord, 65535), status, name_key, id, search
    FROM r ORDER BY code, name_key, id;
    INSERT INTO customer_search_zones (zone, first_key, first_id)
        SELECT code::bigint << 16, '', '' FROM customer_search_codes ON CONFLICT DO NOTHING;
    ALTER TABLE customer_search ADD CONSTRAINT customer_search_pkey PRIMARY KEY (seq);
    CREATE INDEX customer_search_name ON customer_search (code, name_key, id);
    -- A small pending list: a search reads it in every zone.
    CREATE INDEX customer_search_trgm ON customer_search USING gin (zone, search gin_trgm_ops)
        WITH (gin_pending_list_limit = 256);
    ANALYZE customer_search;
END
$$;
-- +goose StatementEnd

SELECT customer_search_rebuild(32768);
DROP INDEX IF EXISTS customers_search;
VACUUM (ANALYZE) customer_search;

-- +goose Down
CREATE INDEX IF NOT EXISTS customers_search ON customers USING gin (subaccount_id, search gin_trgm_ops);
DROP TRIGGER IF EXISTS customer_search_delete ON customers;
DROP TRIGGER IF EXISTS customer_search_update ON customers;
DROP TRIGGER IF EXISTS customer_search_insert ON customers;
DROP FUNCTION IF EXISTS customer_search_rebuild(INTEGER);
DROP FUNCTION IF EXISTS customer_search_sync();
DROP FUNCTION IF EXISTS customer_search_zone(INTEGER, TEXT, TEXT);
DROP TABLE IF EXISTS customer_search;
DROP TABLE IF EXISTS customer_search_zones;
DROP TABLE IF EXISTS customer_search_codes;

-- Search keys in name order.
--
-- A search shows its first page sorted by name. With keys in the order
-- customers were created, a term whose matches gather far along the name
-- order (a first name, say) had to read and sort thousands of matches to
-- find the first fifty. The search index's keys now hold, after the
-- subaccount, a bucket of the name: its first four letters, coded so that
-- a bucket's order is the names' order. The index then yields a term's
-- matches bucket by bucket in name order, and a page reads a few buckets.
--
-- A key is the subaccount's code (10 bits), the name's bucket (20 bits),
-- the status (3 bits) and the customer's seq (30 bits). The bucket codes
-- each of the first four characters of the name key in 5 bits: 0 for the
-- end, 2-27 for a to z, and 1, 28, 29, 30 for the ranges below a, between
-- z and U+00C0, up to U+00FF and above it. Only a to z are coded exactly;
-- after any other character the rest is 0, which keeps the order: a name
-- that sorts before another never has a higher bucket (store.nameBucket
-- is the same function in Go, and the tests hold them to each other).

-- +goose Up
DROP TRIGGER customers_search_delete;
DROP TRIGGER customers_search_update;
DROP TRIGGER customers_search_unindex;
DROP TRIGGER customers_search_insert;
DROP VIEW customer_search_keys;

CREATE VIEW customer_search_keys AS
SELECT seq, search, (code << 53) | (bucket << 33) | (status << 30) | seq AS key FROM (
    SELECT seq, search, code, status,
        (c1 << 15) | CASE WHEN u1 BETWEEN 97 AND 122 THEN (c2 << 10)
            | CASE WHEN u2 BETWEEN 97 AND 122 THEN (c3 << 5)
                | CASE WHEN u3 BETWEEN 97 AND 122 THEN c4 ELSE 0 END ELSE 0 END ELSE 0 END AS bucket
    FROM (
        SELECT seq, search, code, status, u1, u2, u3,
            CASE WHEN u1 IS NULL THEN 0 WHEN u1 < 97 THEN 1 WHEN u1 <= 122 THEN u1 - 95 WHEN u1 < 192 THEN 28
                WHEN u1 <= 255 THEN 29 ELSE 30 END AS c1,
            CASE WHEN u2 IS NULL THEN 0 WHEN u2 < 97 THEN 1 WHEN u2 <= 122 THEN u2 - 95 WHEN u2 < 192 THEN 28
                WHEN u2 <= 255 THEN 29 ELSE 30 END AS c2,
            CASE WHEN u3 IS NULL THEN 0 WHEN u3 < 97 THEN 1 WHEN u3 <= 122 THEN u3 - 95 WHEN u3 < 192 THEN 28
                WHEN u3 <= 255 THEN 29 ELSE 30 END AS c3,
            CASE WHEN u4 IS NULL THEN 0 WHEN u4 < 97 THEN 1 WHEN u4 <= 122 THEN u4 - 95 WHEN u4 < 192 THEN 28
                WHEN u4 <= 255 THEN 29 ELSE 30 END AS c4
        FROM (
            SELECT c.seq, c.search, n.code,
                CASE c.status WHEN 'new' THEN 0 WHEN 'active' THEN 1 WHEN 'blocked' THEN 2
                    WHEN 'identity_required' THEN 3 ELSE 4 END AS status,
                unicode(substr(c.name_key, 1, 1)) AS u1, unicode(substr(c.name_key, 2, 1)) AS u2,
                unicode(substr(c.name_key, 3, 1)) AS u3, unicode(substr(c.name_key, 4, 1)) AS u4
            FROM customers c JOIN customer_numbers n ON n.subaccount_id = c.subaccount_id)));

-- +goose StatementBegin
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT OR IGNORE INTO customer_numbers (subaccount_id, last_number) VALUES (new.subaccount_id, new.customer_number);
    SELECT RAISE(ABORT, 'the search index holds at most 1,073,741,823 customers and 1,023 subaccounts')
    WHERE new.seq >= 1073741824 OR (SELECT code FROM customer_numbers WHERE subaccount_id = new.subaccount_id) >= 1024;
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_unindex BEFORE UPDATE OF search, status, subaccount_id, name_key ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
    OR old.name_key IS NOT new.name_key
BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_update AFTER UPDATE OF search, status, subaccount_id, name_key ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
    OR old.name_key IS NOT new.name_key
BEGIN
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_delete BEFORE DELETE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd

-- Every customer again, under the new keys, in key order, merged into one
-- segment.
INSERT INTO customer_search (customer_search) VALUES ('delete-all');
INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys ORDER BY key;
INSERT INTO customer_search (customer_search) VALUES ('optimize');

-- A page whose matches are many in one bucket walks the name order and
-- tests each customer's search text; holding the text in the name index
-- spares reading each row.
-- The planner's statistics of the old index went with it: without new ones
-- it plans the lists on this index blind, and some take seconds.
DROP INDEX customers_by_name;
CREATE INDEX customers_by_name ON customers (subaccount_id, name_key, id, status, search);
ANALYZE customers_by_name;

-- +goose Down
DROP TRIGGER customers_search_delete;
DROP TRIGGER customers_search_update;
DROP TRIGGER customers_search_unindex;
DROP TRIGGER customers_search_insert;
DROP VIEW customer_search_keys;
CREATE VIEW customer_search_keys AS
SELECT c.seq, c.search, (n.code << 42) | ((CASE c.status WHEN 'new' THEN 0 WHEN 'active' THEN 1
    WHEN 'blocked' THEN 2 WHEN 'identity_required' THEN 3 ELSE 4 END) << 39) | c.seq AS key
FROM customers c JOIN customer_numbers n ON n.subaccount_id = c.subaccount_id;
-- +goose StatementBegin
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT OR IGNORE INTO customer_numbers (subaccount_id, last_number) VALUES (new.subaccount_id, new.customer_number);
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_unindex BEFORE UPDATE OF search, status, subaccount_id ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_update AFTER UPDATE OF search, status, subaccount_id ON customers
WHEN old.search IS NOT new.search OR old.status IS NOT new.status OR old.subaccount_id IS NOT new.subaccount_id
BEGIN
    INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys WHERE seq = new.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_search_delete BEFORE DELETE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT key FROM customer_search_keys WHERE seq = old.seq);
END;
-- +goose StatementEnd
INSERT INTO customer_search (customer_search) VALUES ('delete-all');
INSERT INTO customer_search (rowid, search) SELECT key, search FROM customer_search_keys ORDER BY key;
DROP INDEX customers_by_name;
CREATE INDEX customers_by_name ON customers (subaccount_id, name_key, id, status);

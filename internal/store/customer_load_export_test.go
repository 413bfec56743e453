package store

import (
	"context"
	"slices"
)

// Small loads rebuild the indexes in tests, so that the suite covers both
// ways of loading without a hundred thousand rows; and a search walks any
// name bucket of more than three matches, so that small data sets cover
// both ways of finding a page; and a search of more than 40 matches counts
// them beside its page, so that the suite covers terms both few and many.
func init() {
	rebuildAbove = 100
	sortInBucket, sortFew, walkFirst = 6, 2, 4
	fewKeys = 40
}

// CustomerSchemaForTest returns the definitions of the customers table's
// indexes and triggers, sorted, to prove that a rebuilding load restores
// them exactly.
func (s *Store) CustomerSchemaForTest(ctx context.Context) ([]string, error) {
	q := `SELECT indexdef FROM pg_indexes WHERE tablename = 'customers' AND schemaname = current_schema()`
	if s.engine == SQLite {
		q = `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema WHERE tbl_name = 'customers'`
	}
	rows, err := s.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return nil, err
		}
		out = append(out, def)
	}
	slices.Sort(out)
	return out, rows.Err()
}

// CheckSearchIndexForTest asks SQLite's FTS5 to compare the search index
// with the customers it indexes; PostgreSQL's trigram index is maintained
// by the database itself.
func (s *Store) CheckSearchIndexForTest(ctx context.Context) error {
	if s.engine != SQLite {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO customer_search (customer_search, rank) VALUES ('integrity-check', 1)`)
	return err
}

// SearchBucketMismatchesForTest returns the name keys whose bucket in
// SQLite's search keys differs from nameBucket's; PostgreSQL has none.
func (s *Store) SearchBucketMismatchesForTest(ctx context.Context) ([]string, error) {
	if s.engine != SQLite {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.name_key, k.key FROM customer_search_keys k JOIN customers c ON c.seq = k.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		var key int64
		if err := rows.Scan(&name, &key); err != nil {
			return nil, err
		}
		if got := key >> searchBucketShift & (1<<(bucketCharBits*bucketChars) - 1); got != nameBucket(name) {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

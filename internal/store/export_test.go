package store

import "context"

// ExecForTest runs raw SQL on the writer, so that the conformance suite can
// prove what the database itself refuses (edits of the audit log).
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// WriterSynchronousForTest reads the synchronous setting of the SQLite
// writer's connection, as a write outside the grouped writer would commit
// with it.
func (s *Store) WriterSynchronousForTest(ctx context.Context) (int, error) {
	var n int
	err := s.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&n)
	return n, err
}

// MoveWALForTest points the grouped writer's fsync at another path, so
// that a test can make it fail, and returns the path it used.
func (s *Store) MoveWALForTest(path string) string {
	old := s.group.wal.path
	s.group.wal.path = path
	return old
}

// SearchWarmForTest says whether the samples searches plan with are drawn.
func (s *Store) SearchWarmForTest() bool {
	if s.engine == SQLite {
		s.trigrams.mu.Lock()
		defer s.trigrams.mu.Unlock()
		return s.trigrams.est != nil
	}
	searchSamples.Lock()
	defer searchSamples.Unlock()
	return searchSamples.m[s.dsn] != nil
}

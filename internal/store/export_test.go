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

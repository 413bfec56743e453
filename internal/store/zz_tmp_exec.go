package store

import "context"

// ExecTmpBench is a temporary helper of a performance experiment; it will be removed.
func (s *Store) ExecTmpBench(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

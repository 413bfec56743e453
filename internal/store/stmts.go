package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses every statement it is handed; on the wallet's hot path the
// parsing cost more than the work. The statements below are prepared once
// on the writer (before any transaction holds its single connection) and
// bound to each transaction, which reuses the prepared form.

// hotStatements are prepared on the SQLite writer at open.
var hotStatements = []string{
	"SAVEPOINT op", "ROLLBACK TO op", "RELEASE op",
	walletCustomerSQLite, walletReplaySQLite, walletUpdateSQLite, ledgerInsertSQLite, statsUpsertSQL, auditInsertSQL,
	notificationInsertSQL,
}

// prepareHot prepares hotStatements on the writer.
func (s *Store) prepareHot(ctx context.Context) error {
	s.hot = map[string]*sql.Stmt{}
	for _, q := range hotStatements {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		s.hot[q] = st
	}
	return nil
}

// exec runs a statement in tx, through its prepared form when it has one.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st, ok := s.hot[q]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// queryRow runs a query in tx, through its prepared form when it has one.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st, ok := s.hot[q]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// readStmts caches prepared reads on the SQLite readers, by query.
type readStmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// readRow runs a frequent read through a prepared statement on SQLite;
// PostgreSQL's driver caches prepared statements by itself.
func (s *Store) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s.engine != SQLite {
		return s.r.QueryRowContext(ctx, q, args...)
	}
	s.reads.mu.Lock()
	st, ok := s.reads.m[q]
	if !ok {
		var err error
		if st, err = s.r.PrepareContext(ctx, q); err != nil {
			s.reads.mu.Unlock()
			return s.r.QueryRowContext(ctx, q, args...)
		}
		if s.reads.m == nil {
			s.reads.m = map[string]*sql.Stmt{}
		}
		s.reads.m[q] = st
	}
	s.reads.mu.Unlock()
	return st.QueryRowContext(ctx, args...)
}

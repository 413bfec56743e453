// Package testdb gives tests a fresh, migrated database on each engine: a
// SQLite file in t.TempDir(), and a new PostgreSQL database per test.
//
// Which PostgreSQL server runs, and when it is skipped, is package testpg's.
package testdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb/testpg"
)

// Engines lists the engines the tests run on: always SQLite, and PostgreSQL
// when a server is configured or answers.
func Engines(t testing.TB) []store.Engine {
	if testpg.Admin(t) == "" {
		return []store.Engine{store.SQLite}
	}
	return []store.Engine{store.SQLite, store.Postgres}
}

// DSN returns the DSN of a fresh, empty database on engine, removed when the
// test ends.
func DSN(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "mobidesk.db")
	}
	dsn := testpg.Fresh(t)
	if dsn == "" {
		t.Fatal("PostgreSQL is not available")
	}
	return dsn
}

// Open returns a migrated store on a fresh database of engine.
func Open(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t, engine))
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Each runs fn as a parallel subtest on every engine.
func Each(t *testing.T, fn func(t *testing.T, engine store.Engine)) {
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

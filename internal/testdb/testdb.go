// Package testdb gives tests a fresh, migrated database on each engine: a
// SQLite file in t.TempDir(), and a new PostgreSQL database per test.
//
// PostgreSQL runs when MOBIDESK_TEST_PG is set (a DSN of a database the test
// may create databases from, or "1" for the default) or when a server
// answers at 127.0.0.1:5432. When it does not run, it says so loudly.
package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/mobidesk/mobidesk/internal/ids"
	"github.com/mobidesk/mobidesk/internal/store"
)

// DefaultPG is the server tried when MOBIDESK_TEST_PG is not set.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Engines lists the engines the tests run on: always SQLite, and PostgreSQL
// when a server is configured or answers.
func Engines(t testing.TB) []store.Engine {
	if adminDSN(t) == "" {
		return []store.Engine{store.SQLite}
	}
	return []store.Engine{store.SQLite, store.Postgres}
}

var (
	pgOnce   sync.Once
	pgAdmin  string
	pgReason string
)

// adminDSN returns the DSN to create test databases from, or "" after
// announcing why PostgreSQL is skipped. A set MOBIDESK_TEST_PG that does not
// answer fails the test: CI must never skip it silently.
func adminDSN(t testing.TB) string {
	pgOnce.Do(func() {
		env := os.Getenv("MOBIDESK_TEST_PG")
		dsn := env
		if dsn == "" || dsn == "1" || dsn == "true" {
			dsn = DefaultPG
		}
		u, err := url.Parse(dsn)
		if err != nil {
			pgReason = "MOBIDESK_TEST_PG is not a URL: " + err.Error()
			return
		}
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			if env != "" {
				pgReason = "MOBIDESK_TEST_PG is set but " + u.Host + " does not answer: " + err.Error()
				return
			}
			fmt.Fprintf(os.Stderr, "\n!!!!!!!! POSTGRESQL TESTS SKIPPED: nothing answers at %s and MOBIDESK_TEST_PG is not set !!!!!!!!\n\n", u.Host)
			return
		}
		conn.Close()
		pgAdmin = dsn
	})
	if pgReason != "" {
		t.Fatal(pgReason)
	}
	return pgAdmin
}

// DSN returns the DSN of a fresh, empty database on engine, removed when the
// test ends.
func DSN(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "mobidesk.db")
	}
	admin := adminDSN(t)
	if admin == "" {
		t.Fatal("PostgreSQL is not available")
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := strings.ReplaceAll(ids.New("mobidesk_test"), "-", "_")
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
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

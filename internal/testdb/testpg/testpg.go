// Package testpg finds the PostgreSQL server that tests run on and makes
// them fresh databases on it. It does not import the store, so that the
// store's own internal tests can use it as well as package testdb.
//
// PostgreSQL runs when MOBIDESK_TEST_PG is set (a DSN of a database the test
// may create databases from, or "1" for the default) or when a server
// answers at 127.0.0.1:5432. When it does not run, it says so loudly.
package testpg

import (
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/mobidesk/mobidesk/internal/ids"
)

// DefaultAdmin is the server tried when MOBIDESK_TEST_PG is not set.
const DefaultAdmin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	once   sync.Once
	admin  string
	reason string
)

// Admin returns the DSN to create test databases from, or "" after
// announcing why PostgreSQL is skipped. A set MOBIDESK_TEST_PG that does not
// answer fails the test: CI must never skip it silently.
func Admin(t testing.TB) string {
	once.Do(func() {
		env := os.Getenv("MOBIDESK_TEST_PG")
		dsn := env
		if dsn == "" || dsn == "1" || dsn == "true" {
			dsn = DefaultAdmin
		}
		u, err := url.Parse(dsn)
		if err != nil {
			reason = "MOBIDESK_TEST_PG is not a URL: " + err.Error()
			return
		}
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			if env != "" {
				reason = "MOBIDESK_TEST_PG is set but " + u.Host + " does not answer: " + err.Error()
				return
			}
			fmt.Fprintf(os.Stderr, "\n!!!!!!!! POSTGRESQL TESTS SKIPPED: nothing answers at %s and MOBIDESK_TEST_PG is not set !!!!!!!!\n\n", u.Host)
			return
		}
		conn.Close()
		admin = dsn
	})
	if reason != "" {
		t.Fatal(reason)
	}
	return admin
}

// Fresh returns the DSN of a new, empty database, dropped when the test
// ends, or "" when PostgreSQL is skipped (see Admin).
func Fresh(t testing.TB) string {
	t.Helper()
	admin := Admin(t)
	if admin == "" {
		return ""
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

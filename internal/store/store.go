// Package store keeps mobidesk's data in SQLite or PostgreSQL behind one
// type. Both engines share most SQL (modernc SQLite accepts $n placeholders
// and RETURNING); where they differ, each has its own honest statement.
// Driver errors are translated here, so no caller sees one.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store/walvfs"
)

// Engine names a database engine.
type Engine string

// The two engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DefaultDSN is where mobidesk keeps its data when told nothing else.
const DefaultDSN = "sqlite:mobidesk-data/mobidesk.db"

//go:embed migrations
var migrations embed.FS

// Store is mobidesk's data, on one engine. It is safe for concurrent use.
type Store struct {
	engine Engine
	w      *sql.DB // the writer: a single connection on SQLite
	r      *sql.DB // readers; the same pool as w on PostgreSQL
	dsn    string
	group  *groupCommit         // grouped writes: all of them on SQLite, wallet operations on PostgreSQL
	hot    map[string]*sql.Stmt // SQLite statements prepared on the writer
	reads  readStmts            // SQLite reads prepared on the readers
	// trigrams estimates how common each trigram of the search text is,
	// for SQLite's search to leave the common ones out of its index query.
	trigrams trigramStats
	// searchSlots admits PostgreSQL searches, a few at a time (see
	// searchSlotsFor).
	searchSlots chan struct{}
}

// Open connects to the database named by dsn ("sqlite:PATH" or
// "postgres://…") and applies pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.engine == SQLite {
		if err := s.prepareHot(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// postgresConns is the size of the PostgreSQL pool.
const postgresConns = 32

func open(dsn string) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(postgresConns)
		db.SetMaxIdleConns(postgresConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s := &Store{engine: Postgres, w: db, r: db, dsn: dsn,
			searchSlots: make(chan struct{}, searchSlotsFor(postgresConns))}
		s.group = newGroupCommit(s, postgresWalletWorkers, nil, "")
		return s, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(strings.TrimPrefix(dsn, "sqlite:"), dsn)
	default:
		return nil, fmt.Errorf("unknown database %q: want sqlite:PATH or postgres://…", redact(dsn))
	}
}

// sqlitePragmas make SQLite a durable server database: WAL lets readers run
// beside the writer, synchronous=FULL fsyncs every commit so an acknowledged
// write survives power loss, and busy_timeout makes a second process (the
// CLI beside a running serve) wait instead of failing. The store's writer
// leaves checkpoints to a connection of its own (see
// groupCommit.checkpoints); other writers, like the job queue's, keep
// checkpointing as they commit, every 10,000 pages rather than SQLite's
// 1,000, which moves the checkpoint's random writes off most commits. Every
// connection opens through walvfs, which writes a commit's WAL frames in
// one call instead of two per frame.
const sqlitePragmas = "vfs=" + walvfs.Name + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&" +
	"_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)&_pragma=mmap_size(" + sqliteMmapSize + ")"

// sqliteMmapSize lets SQLite read the database file through a memory map,
// up to 16 GiB of it: a page the OS has cached is then read without a
// system call or a copy, and every connection shares the one cached copy
// instead of filling its own page cache. At a million customers most of a
// search's or a list's rows are outside a connection's 64 MiB cache; with
// the map, search p99 went from 31–41 ms to 19–26 ms on the bench. The
// mapped pages count in the process's resident memory (the bench's
// max_rss_mb) although the OS can drop them at will. SQLite only reads
// through the map; writes still go through the WAL.
const sqliteMmapSize = "17179869184"

// The driver runs _pragma values sorted by name, so each pool names
// wal_autocheckpoint once.
const (
	sqliteAutoCheckpoint = "&_pragma=wal_autocheckpoint(10000)"
	sqliteNoCheckpoint   = "&_pragma=wal_autocheckpoint(0)"
)

func openSQLite(path, dsn string) (*Store, error) {
	if err := walvfs.Register(); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	path = strings.TrimPrefix(path, "//")
	if path == "" {
		return nil, errors.New("sqlite: a file path is required, as in sqlite:mobidesk-data/mobidesk.db")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create %s: %w", dir, err)
		}
	}
	file := "file:" + (&url.URL{Path: path}).EscapedPath()
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction, so
	// two writers queue on busy_timeout instead of failing on upgrade.
	w, err := sql.Open("sqlite", file+"?"+sqlitePragmas+sqliteNoCheckpoint+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", file+"?"+sqlitePragmas+"&_pragma=query_only(ON)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	ckpt, err := sql.Open("sqlite", file+"?"+sqlitePragmas)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	s := &Store{engine: SQLite, w: w, r: r, dsn: dsn}
	s.group = newGroupCommit(s, 1, ckpt, path+"-wal")
	return s, nil
}

// Engine says which database the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Close releases the connections.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	for _, st := range s.hot {
		st.Close()
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database not ready: %w", err)
	}
	return nil
}

// Migrate applies the embedded migrations that have not run yet. It is safe
// to run twice, and on PostgreSQL from several processes at once.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.engine))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.w, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		slog.Debug("migration applied", "version", r.Source.Version, "took", r.Duration)
	}
	return nil
}

// redact hides a password in a DSN, for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// translate turns driver errors into domain errors at the boundary.
// what names the object, for messages ("subaccount").
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return domain.Errorf(domain.ECodeNotFound, "%s not found.", capitalize(what))
	case isUniqueViolation(err):
		return domain.Errorf(domain.ECodeConflict, "A %s with these details already exists.", what)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, new(*dbError)):
		return err // translated once already
	}
	return &dbError{what: what, err: err}
}

// dbError is a driver error, kept for logs; callers see it as internal.
type dbError struct {
	what string
	err  error
}

func (e *dbError) Error() string { return "store: " + e.what + ": " + e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Times are stored as integer microseconds since the epoch, in UTC.
func ts(t time.Time) int64 { return t.UnixMicro() }

func fromTS(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromNullTS(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := fromTS(us.Int64)
	return &t
}

// now is the store's clock, truncated to what the columns hold.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// DSN returns the data source name the store was opened with.
func (s *Store) DSN() string { return s.dsn }

// QueueDB opens a separate SQLite pool on the same file for the job queue.
// River polls and writes on its own schedule; one connection with
// busy_timeout keeps it from fighting the application's writer.
func (s *Store) QueueDB() (*sql.DB, error) {
	if s.engine != SQLite {
		return nil, errors.New("store: QueueDB is for SQLite; PostgreSQL uses a pgx pool")
	}
	path := strings.TrimPrefix(strings.TrimPrefix(s.dsn, "sqlite:"), "//")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+sqlitePragmas+sqliteAutoCheckpoint+
		"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

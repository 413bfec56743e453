package walvfs_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/mobidesk/mobidesk/internal/store/walvfs"
)

// open opens path in WAL mode, through the VFS when gather is set, with
// synchronous=NORMAL as the store's writer: SQLite then syncs nothing as it
// commits, and what is kept must reach the file without a sync.
func open(t testing.TB, path string, gather bool, pragmas ...string) *sql.DB {
	t.Helper()
	if err := walvfs.Register(); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)"
	if gather {
		dsn += "&vfs=" + walvfs.Name
	}
	for _, p := range pragmas {
		dsn += "&_pragma=" + p
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec1(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// scattered creates a table of n rows whose updates touch pages all over
// it, and an index on the updated column.
func scattered(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	exec1(t, db, `CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad TEXT NOT NULL)`)
	exec1(t, db, `CREATE INDEX t_v ON t (v, id)`)
	exec1(t, db, `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)
		INSERT INTO t SELECT i, i, printf('%.300c', 'x') FROM s`, n)
}

// sum is what a connection of the default VFS reads.
func sum(t testing.TB, db *sql.DB) int64 {
	t.Helper()
	var s int64
	if err := db.QueryRow(`SELECT sum(v) FROM t`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// crashCopy copies the database at path and its WAL, as they stand, to a
// new directory, and returns the copy's path: what a crash at this moment
// would leave for recovery.
func crashCopy(t testing.TB, path string) string {
	t.Helper()
	crashed := filepath.Join(t.TempDir(), "t.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := os.WriteFile(crashed+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return crashed
}

func integrity(t testing.TB, db *sql.DB) {
	t.Helper()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

// A commit reaches the WAL in a few writes however many pages it changes,
// and another connection, on the default VFS, sees it as soon as the
// commit returns.
func TestCommitIsWrittenAtOnceAndSeenByOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	w := open(t, path, true)
	scattered(t, w, 20000)
	r := open(t, path, false)
	want := sum(t, r)
	for round := range 5 {
		before := walvfs.Writes()
		tx, err := w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		// 200 rows 97 apart: about 200 table pages and as many index
		// pages, some 1.6 MB of frames.
		for i := range 200 {
			if _, err := tx.Exec(`UPDATE t SET v = v + 1 WHERE id = $1`, 1+(i*97+round)%20000); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want += 200
		if got := sum(t, r); got != want {
			t.Fatalf("round %d: a reader sees a sum of %d, want %d", round, got, want)
		}
		// The default VFS would write each of some 400 frames in two calls;
		// gathered, they need one call per 128 KiB.
		if n := walvfs.Writes() - before; n == 0 || n > 20 {
			t.Fatalf("round %d: the commit took %d writes, want 1 to 20", round, n)
		}
	}
	integrity(t, r)
}

// Transactions larger than what is kept, transactions that spill pages to
// the WAL before they commit and rewrite them, rollbacks, and checkpoints
// that start the WAL again all leave the database as the default VFS
// would.
func TestLargeSpilledAndRestartedTransactions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	// A small page cache makes SQLite spill dirty pages mid-transaction.
	w := open(t, path, true, "cache_size(50)", "wal_autocheckpoint(0)")
	scattered(t, w, 60000)
	r := open(t, path, false)
	want := sum(t, r)
	for round := range 6 {
		tx, err := w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		// Touch every row twice: spilled pages are written to the WAL and
		// then written again at the same place.
		for range 2 {
			if _, err := tx.Exec(`UPDATE t SET v = v + 1`); err != nil {
				t.Fatal(err)
			}
		}
		if round%3 == 2 {
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
		} else {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			want += 2 * 60000
		}
		if got := sum(t, r); got != want {
			t.Fatalf("round %d: sum %d, want %d", round, got, want)
		}
		if round%2 == 1 {
			// A full checkpoint lets the next commit write the WAL from
			// its beginning again.
			exec1(t, w, `PRAGMA wal_checkpoint(RESTART)`)
		}
	}
	integrity(t, r)
	w.Close()
	r.Close()
	again := open(t, path, false)
	if got := sum(t, again); got != want {
		t.Fatalf("reopened: sum %d, want %d", got, want)
	}
	integrity(t, again)
}

// A process killed at any moment loses no commit that had returned: the
// VFS keeps nothing of a committed transaction in memory.
func TestKilledWriterLosesNoReturnedCommit(t *testing.T) {
	if os.Getenv("WALVFS_CHILD") != "" {
		writeUntilKilled(os.Getenv("WALVFS_CHILD"))
		return
	}
	path := filepath.Join(t.TempDir(), "t.db")
	db := open(t, path, false)
	scattered(t, db, 20000)
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLosesNoReturnedCommit$")
	cmd.Env = append(os.Environ(), "WALVFS_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it after its 300th commit, then read every commit it reported
	// before it died.
	lines := bufio.NewScanner(out)
	last := 0
	for lines.Scan() {
		if n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "committed ")); err == nil {
			last = n
		}
		if last == 300 {
			cmd.Process.Kill()
		}
	}
	cmd.Wait()
	if last < 300 {
		t.Fatalf("the writer reported %d commits before it ended", last)
	}
	after := open(t, path, false)
	var got int
	if err := after.QueryRow(`SELECT v - 1 FROM t WHERE id = 1`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got < last {
		t.Fatalf("after the kill the database holds %d commits; %d had returned", got, last)
	}
	integrity(t, after)
}

// writeUntilKilled commits forever, each commit changing row 1 and pages
// all over the table, and reports each one once it has returned. Like the
// store's writer, it leaves checkpoints, which read the WAL, to others.
func writeUntilKilled(path string) {
	err := walvfs.Register()
	var db *sql.DB
	if err == nil {
		db, err = sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+
			"?vfs="+walvfs.Name+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)")
	}
	for i := 1; err == nil; i++ {
		var tx *sql.Tx
		if tx, err = db.Begin(); err != nil {
			break
		}
		_, err = tx.Exec(`UPDATE t SET v = v + 1 WHERE id = 1 OR id % 211 = $1`, i%211)
		if err == nil {
			err = tx.Commit()
		}
		if err == nil {
			fmt.Printf("committed %d\n", i)
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// A transaction that spills pages to the WAL and writes them again makes
// SQLite rewrite the checksums of its frames once its commit frame is
// written, the commit frame's header last. What a crash at that moment
// leaves on disk must hold the commit: copies of the files taken while
// the writer is still open recover it.
func TestRewrittenChecksumsReachTheFileAtCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	w := open(t, path, true, "cache_size(50)", "wal_autocheckpoint(0)")
	scattered(t, w, 60000)
	exec1(t, w, `PRAGMA wal_checkpoint(TRUNCATE)`)
	want := sum(t, w)
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := tx.Exec(`UPDATE t SET v = v + 1`); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want += 2 * 60000

	after := open(t, crashCopy(t, path), false)
	if got := sum(t, after); got != want {
		t.Fatalf("recovered from the files as the commit left them: sum %d, want %d", got, want)
	}
	integrity(t, after)
}

// Random transactions of one row to thousands, some spilling and some
// rolled back, between random checkpoints: after every commit, copies of
// the files as they are (what a crash would leave) recover exactly the
// committed state.
func TestEveryCommitSurvivesACrashAfterIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	w := open(t, path, true, "cache_size(40)", "wal_autocheckpoint(0)")
	scattered(t, w, 8000)
	want := sum(t, w)
	rng := rand.New(rand.NewPCG(7, 7))
	for round := range 40 {
		tx, err := w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		var delta int64
		for range 1 + rng.IntN([]int{2, 50, 3000}[rng.IntN(3)]) {
			id := 1 + rng.IntN(8000)
			if _, err := tx.Exec(`UPDATE t SET v = v + 1 WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			delta++
		}
		if rng.IntN(5) == 0 {
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
		} else {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			want += delta
		}
		if rng.IntN(4) == 0 {
			exec1(t, w, `PRAGMA wal_checkpoint(`+[]string{"PASSIVE", "RESTART", "TRUNCATE"}[rng.IntN(3)]+`)`)
		}
		after := open(t, crashCopy(t, path), false)
		if got := sum(t, after); got != want {
			t.Fatalf("round %d: recovered sum %d, want %d", round, got, want)
		}
		integrity(t, after)
		after.Close()
	}
}

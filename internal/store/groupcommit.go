package store

import (
	"context"
	"database/sql"
	"fmt"
)

// groupCommit runs SQLite writes from many goroutines in shared
// transactions. SQLite with synchronous=FULL can fsync only a few thousand
// times a second; one commit for a batch of operations keeps every
// operation durable before it is acknowledged while paying one fsync for
// all. Each operation runs in its own savepoint, so one that fails leaves
// the others of its batch alone.
type groupCommit struct {
	s    *Store
	db   *sql.DB
	reqs chan *groupReq
	quit chan struct{}
	done chan struct{}
}

type groupReq struct {
	ctx context.Context
	fn  func(*sql.Tx) error
	res chan error
}

// maxGroup bounds a batch, so that a burst does not hold the writer long.
const maxGroup = 256

func newGroupCommit(s *Store) *groupCommit {
	g := &groupCommit{s: s, db: s.w, reqs: make(chan *groupReq, maxGroup), quit: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// do runs fn in the next batch and returns once the batch is committed.
func (g *groupCommit) do(ctx context.Context, fn func(*sql.Tx) error) error {
	r := &groupReq{ctx: ctx, fn: fn, res: make(chan error, 1)}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.quit:
		return fmt.Errorf("store: closed")
	}
	// Once queued, the outcome is awaited even if ctx ends: the caller must
	// learn whether the write happened.
	return <-r.res
}

func (g *groupCommit) run() {
	defer close(g.done)
	for {
		var first *groupReq
		select {
		case first = <-g.reqs:
		case <-g.quit:
			// Finish what was queued before closing.
			for {
				select {
				case r := <-g.reqs:
					g.commit([]*groupReq{r})
				default:
					return
				}
			}
		}
		batch := []*groupReq{first}
	gather:
		for len(batch) < maxGroup {
			select {
			case r := <-g.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		g.commit(batch)
	}
}

func (g *groupCommit) commit(batch []*groupReq) {
	results := make([]error, len(batch))
	fail := func(err error) {
		for _, r := range batch {
			r.res <- err
		}
	}
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := g.s.exec(context.Background(), tx, "SAVEPOINT op"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		if err := r.fn(tx); err != nil {
			results[i] = err
			if _, err := g.s.exec(context.Background(), tx, "ROLLBACK TO op"); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if _, err := g.s.exec(context.Background(), tx, "RELEASE op"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	for i, r := range batch {
		r.res <- results[i]
	}
}

func (g *groupCommit) close() {
	close(g.quit)
	<-g.done
}

// write runs fn in a durable write transaction: grouped with others on
// SQLite, its own on PostgreSQL, where concurrent commits already share
// their WAL flushes.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.group != nil {
		return s.group.do(ctx, fn)
	}
	return s.tx(ctx, fn)
}

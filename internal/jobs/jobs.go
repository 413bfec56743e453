// Package jobs runs mobidesk's background work on River, a job queue kept in
// the application's own database: PostgreSQL through pgx, or SQLite. Jobs
// are plain structs; workers call the application and hold no HTTP code.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/store"
)

// Runner is a started queue: it inserts jobs and works them until Stop.
// It is the application's app.Jobs.
type Runner struct {
	insert func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	stop   func(ctx context.Context) error
}

// Insert enqueues a job.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return r.insert(ctx, args, opts)
}

// Stop lets running jobs finish (until ctx ends) and releases connections.
func (r *Runner) Stop(ctx context.Context) error { return r.stop(ctx) }

// Migrate applies River's own migrations to the store's database.
func Migrate(ctx context.Context, s *store.Store) error {
	switch s.Engine() {
	case store.Postgres:
		pool, err := pgxpool.New(ctx, s.DSN())
		if err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		defer pool.Close()
		// Several instances may start at once; River's migrator does not
		// lock, so an advisory lock serialises them.
		conn, err := pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		defer conn.Release()
		const lockKey = 0x6d6f6269 // "mobi"
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
			return fmt.Errorf("jobs: lock: %w", err)
		}
		defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
		return migrate(ctx, riverpgxv5.New(pool))
	default:
		db, err := s.QueueDB()
		if err != nil {
			return err
		}
		defer db.Close()
		return migrate(ctx, riversqlite.New(db))
	}
}

func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// Start starts the workers on the application's database and makes itself
// the application's queue.
func Start(ctx context.Context, a *app.App, log *slog.Logger) (*Runner, error) {
	s := a.Store
	workers := river.NewWorkers()
	river.AddWorker(workers, &MaintenanceWorker{Store: s})
	river.AddWorker(workers, &BulkWalletWorker{App: a})
	cfg := &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}},
		Workers: workers,
		Logger:  log,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(maintenanceEvery),
				func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	}
	switch s.Engine() {
	case store.Postgres:
		pool, err := pgxpool.New(ctx, s.DSN())
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		r, err := start[pgx.Tx](ctx, riverpgxv5.New(pool), cfg)
		if err != nil {
			pool.Close()
			return nil, err
		}
		stop := r.stop
		r.stop = func(ctx context.Context) error { defer pool.Close(); return stop(ctx) }
		a.Jobs = r
		return r, nil
	default:
		db, err := s.QueueDB()
		if err != nil {
			return nil, err
		}
		r, err := start[*sql.Tx](ctx, riversqlite.New(db), cfg)
		if err != nil {
			db.Close()
			return nil, err
		}
		stop := r.stop
		r.stop = func(ctx context.Context) error { return errors.Join(stop(ctx), db.Close()) }
		a.Jobs = r
		return r, nil
	}
}

func start[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], cfg *river.Config) (*Runner, error) {
	client, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// The client runs until Stop, not until the serve context ends, so that
	// shutdown can drain HTTP first and jobs second.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return &Runner{
		insert: func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
			_, err := client.Insert(ctx, args, opts)
			return err
		},
		stop: client.Stop,
	}, nil
}

// maintenanceEvery is how often expired state is swept.
const maintenanceEvery = 15 * time.Minute

// idempotencyKeyTTL is how long a replayable response is kept, as long as
// clients reasonably retry.
const idempotencyKeyTTL = 24 * time.Hour

// MaintenanceArgs asks for a sweep of expired idempotency keys and a step
// of merging SQLite's search index.
type MaintenanceArgs struct{}

// Kind names the job in the queue.
func (MaintenanceArgs) Kind() string { return "maintenance" }

// MaintenanceWorker deletes state that has expired and keeps the search
// index compact.
type MaintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	Store *store.Store
}

// Work runs one sweep.
func (w *MaintenanceWorker) Work(ctx context.Context, job *river.Job[MaintenanceArgs]) error {
	n, err := w.Store.IdempotencyExpire(ctx, time.Now().Add(-idempotencyKeyTTL))
	if err != nil {
		return err
	}
	if err := w.Store.SearchIndexMerge(ctx); err != nil {
		return err
	}
	slog.InfoContext(ctx, "maintenance", "idempotency_keys_expired", n)
	return nil
}

package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// walletClients is how many clients move money at once, as DESIGN.md's
// target says.
const walletClients = 32

// walletRate is the offered load, in operations per second, at which
// DESIGN.md sets the wallet's latency target.
const walletRate = 5000

// walletOpsPerQuery scales the wallet workload: throughput needs more
// operations than a latency sample does.
const walletOpsPerQuery = 20

// walletOps measures durable wallet operations in two phases, each of n
// credits of one minor unit to sampled customers, every one durable before
// it returns. It writes real ledger entries (labelled "bench") into the
// database it measures.
//
//   - Throughput: a closed loop. 32 clients each start their next
//     operation as soon as the last one returns; ops_per_s is how many
//     complete per second. Its latencies say only how long the queue was.
//   - Latency: an open loop. Operations are due at 5,000 a second whatever
//     the store does, with at most 32 in flight, and each latency counts
//     from when the operation was due, so that waiting for a free client
//     counts too. p50 and p99 come from this phase.
func (w *workloads) walletOps(ctx context.Context, n int) (Result, error) {
	credit, pool := w.walletCredit(ctx)
	if pool == 0 {
		return Result{Name: "wallet_ops"}, nil
	}
	// One unmeasured credit for each sampled customer first, so that the
	// measured operations do not pay for opening connections, preparing
	// statements, or reading a customer's pages from disk for the first
	// time: the figures are those of a server that has been running.
	if _, _, err := walletLoop(pool, 0, nil, credit); err != nil {
		return Result{}, err
	}
	cpu0 := cpuTime()
	closedLat, closedWall, err := walletLoop(n, 0, nil, credit)
	if err != nil {
		return Result{}, err
	}
	cpuPerOp := (cpuTime() - cpu0) / time.Duration(n)
	closed := summarize("wallet_ops", closedLat, closedWall)
	openLat, openWall, err := walletLoop(n, walletRate, nil, credit)
	if err != nil {
		return Result{}, err
	}
	open := summarize("wallet_ops", openLat, openWall)
	if w.log != nil {
		fmt.Fprintf(w.log, "bench: wallet_ops closed loop: %.0f ops/s (p50 %.2f ms, p99 %.2f ms while queued; "+
			"%d µs of CPU per operation)\n", closed.OpsPerS, closed.P50, closed.P99, cpuPerOp.Microseconds())
		fmt.Fprintf(w.log, "bench: wallet_ops open loop: %d/s offered, %.0f/s done, p50 %.2f ms, p99 %.2f ms\n",
			walletRate, open.OpsPerS, open.P50, open.P99)
	}
	open.OpsPerS = closed.OpsPerS
	return open, nil
}

// walletCredit returns a credit of one minor unit to the i-th customer of
// a pool of the sampled ones, and the pool's size (0: there is no
// customer to credit). Each credit hands the store the customer as read
// before, as the API and the dashboard do: they read it to check the
// operator may see it.
func (w *workloads) walletCredit(ctx context.Context) (func(i int) error, int) {
	var pool []*domain.Customer
	for _, s := range w.samples {
		for _, c := range s {
			if c.DeletedAt == nil {
				pool = append(pool, c)
			}
		}
	}
	actor := domain.Actor{Principal: domain.SystemPrincipal, Note: "bench"}
	return func(i int) error {
		c := pool[(i*7919)%len(pool)]
		_, _, err := w.a.Store.WalletApply(ctx, actor, store.WalletOp{CustomerID: c.ID,
			Action: domain.WalletAction{Kind: domain.KindCredit, Amount: 1, Note: "bench"}, Read: c})
		return err
	}, len(pool)
}

// walletLoop runs op(0) … op(n-1) from walletClients clients, or fewer if
// stop (nil: never) closes first, and returns each operation's latency, in
// no particular order, and the time they all took. With rate 0 the loop is
// closed: a client starts its next operation when the last one returns.
// Otherwise operation i is due at start + i/rate; a free client waits for
// the next due operation, and its latency counts from when it was due.
func walletLoop(n, rate int, stop <-chan struct{}, op func(i int) error) ([]time.Duration, time.Duration, error) {
	var next atomic.Int64
	lats := make([][]time.Duration, walletClients)
	errs := make(chan error, walletClients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range walletClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if rate > 0 {
					t0 = start.Add(time.Duration(i) * time.Second / time.Duration(rate))
					select {
					case <-stop:
						return
					case <-time.After(time.Until(t0)):
					}
				}
				if err := op(i); err != nil {
					errs <- err
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	select {
	case err := <-errs:
		return nil, 0, err
	default:
	}
	return slices.Concat(lats...), wall, nil
}

// cpuTime is the CPU time the process has used, user and system: per
// operation, a figure that other work on the machine disturbs less than
// throughput.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

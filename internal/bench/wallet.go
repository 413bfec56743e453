package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// walletClients is how many clients move money at once, as DESIGN.md's
// target says.
const walletClients = 32

// walletOpsPerQuery scales the wallet workload: throughput needs more
// operations than a latency sample does.
const walletOpsPerQuery = 20

// walletOps credits one minor unit at a time to sampled customers from 32
// concurrent clients, each operation durable before it returns. It writes
// real ledger entries (labelled "bench") into the database it measures.
func (w *workloads) walletOps(ctx context.Context, n int) ([]time.Duration, time.Duration, error) {
	var pool []*domain.Customer
	for _, s := range w.samples {
		for _, c := range s {
			if c.DeletedAt == nil {
				pool = append(pool, c)
			}
		}
	}
	if len(pool) == 0 {
		return nil, 0, nil
	}
	total := n * walletOpsPerQuery
	var next atomic.Int64
	lat := make([]time.Duration, total)
	errs := make(chan error, walletClients)
	actor := domain.Actor{Principal: domain.SystemPrincipal, Note: "bench"}
	start := time.Now()
	var wg sync.WaitGroup
	for range walletClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				c := pool[(i*7919)%len(pool)]
				t0 := time.Now()
				_, _, err := w.a.Store.WalletApply(ctx, actor, store.WalletOp{CustomerID: c.ID,
					Action: domain.WalletAction{Kind: domain.KindCredit, Amount: 1, Note: "bench"}})
				if err != nil {
					errs <- err
					return
				}
				lat[i] = time.Since(t0)
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
	return lat, wall, nil
}

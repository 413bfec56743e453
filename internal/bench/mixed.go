package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// DESIGN.md's mixed workload: operators search while money moves.
const (
	mixedSearchers  = 50
	mixedWalletRate = 500
	// mixedThink is how long an operator pauses between two searches, on
	// average (half to one and a half times it): reading the results and
	// typing the next term. Fifty searchers then offer about fifty
	// searches a second; without a pause, fifty searches at once would
	// only measure how long they queue for two cores.
	mixedThink = time.Second
)

// mixed measures n searches of at least three characters from
// mixedSearchers operators while wallet credits arrive at mixedWalletRate a
// second, each durable before it returns. p50 and p99 are the searches';
// ops_per_s is searches a second. The wallet's own figures go to the log.
func (w *workloads) mixed(ctx context.Context, n int, seed uint64) (Result, error) {
	type query struct{ sub, slug, q string }
	queries := make([]query, n)
	for i := range queries {
		sub, c := w.anyCustomer()
		queries[i] = query{w.subs[sub].ID, w.subs[sub].Slug, w.longTerm(sub, c)}
	}
	credit, pool := w.walletCredit(ctx)

	// The wallet's load, until the searches are done.
	stop := make(chan struct{})
	wallet := make(chan walletTally, 1)
	go func() {
		var t walletTally
		if pool > 0 {
			t.lat, t.wall, t.err = walletLoop(math.MaxInt, mixedWalletRate, stop, credit)
		}
		wallet <- t
	}()

	lat := make([]time.Duration, n)
	errs := make([]error, mixedSearchers)
	last := make([]time.Time, mixedSearchers) // when each searcher's last search ended
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for s := range mixedSearchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(s)))
			for {
				time.Sleep(mixedThink/2 + time.Duration(rng.Int64N(int64(mixedThink))))
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				q := queries[i]
				t0 := time.Now()
				page, err := w.a.Store.CustomerList(ctx, domain.CustomerFilter{SubaccountID: q.sub, Q: q.q, Limit: 50})
				if err != nil {
					errs[s] = err
					return
				}
				last[s] = time.Now()
				lat[i] = last[s].Sub(t0)
				if w.slow > 0 && lat[i] >= w.slow && w.log != nil {
					fmt.Fprintf(w.log, "slow: %s %s q=%q total=%d (mixed)\n", lat[i].Round(time.Microsecond), q.slug, q.q,
						page.Total)
				}
			}
		}()
	}
	wg.Wait()
	// Until the last search ended: the searchers' last pauses are no one's.
	wall := time.Duration(0)
	for _, t := range last {
		wall = max(wall, t.Sub(start))
	}
	close(stop)
	tally := <-wallet
	for _, err := range append(errs, tally.err) {
		if err != nil {
			return Result{}, err
		}
	}
	res := summarize("mixed", lat, wall)
	if w.log != nil && tally.wall > 0 {
		fmt.Fprintf(w.log, "bench: mixed: %d searchers, %.1f searches/s, p50 %.2f ms, p99 %.2f ms, beside %.0f wallet "+
			"credits/s done of %d/s offered (p99 %.2f ms)\n", mixedSearchers, res.OpsPerS, res.P50, res.P99,
			float64(len(tally.lat))/tally.wall.Seconds(), mixedWalletRate, summarize("", tally.lat, 0).P99)
	}
	return res, nil
}

// walletTally is what the wallet load beside the searches did: each
// operation's latency from when it was due, and how long it ran.
type walletTally struct {
	lat  []time.Duration
	wall time.Duration
	err  error
}

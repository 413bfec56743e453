// Package bench measures the customer workloads that DESIGN.md sets
// performance targets for, against a database filled by the demo
// generator: search, filtered lists with deep keyset pages, the summary
// cards and the profile. Each workload runs its queries one after another
// and reports p50, p99, throughput and the process's peak memory.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/domain"
)

// Options says what to measure.
type Options struct {
	// Customers is how many customers the database should hold; missing
	// ones are loaded with the demo generator first.
	Customers int
	// Queries is how many operations each workload measures (at least 200).
	Queries int
	// Seed makes the queries and any loaded customers repeatable.
	Seed uint64
	// Log, when set, learns what the harness is doing.
	Log io.Writer
	// Slow, when set, logs every operation that takes at least this long.
	Slow time.Duration
	// Only, when set, names the workloads to run; the others are skipped.
	Only []string
}

// DefaultQueries is how many operations a workload measures by default.
const DefaultQueries = 400

// MinQueries is the fewest operations a workload measures: fewer would
// make p99 the maximum of a handful.
const MinQueries = 200

// Report is the outcome of a run, as `mobidesk bench --json` writes it.
type Report struct {
	Engine    string   `json:"engine"`
	Customers int64    `json:"customers"`
	Results   []Result `json:"results"`
}

// Result is one workload's figures.
type Result struct {
	Name     string  `json:"name"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	OpsPerS  float64 `json:"ops_per_s"`
	MaxRSSMB float64 `json:"max_rss_mb"`
}

// Target is a workload's p99 goal in milliseconds, from DESIGN.md, and
// for throughput workloads its goal in operations per second by engine.
type Target struct {
	Name   string
	P99MS  float64
	What   string
	MinOps map[string]float64
}

// Targets lists the workloads in the order they run.
var Targets = []Target{
	{"search", 25, "substring search of 3 characters or more, first page of 50", nil},
	{"search_short", 0, "prefix search of 1 or 2 characters, first page of 50 (no target)", nil},
	{"list_filtered", 20, "tab × sort × filters, keyset pages", nil},
	{"summary", 5, "summary cards", nil},
	{"profile", 20, "customer by id", nil},
	{"wallet_ops", 10, "durable wallet credits: ops/s from 32 clients flat out, p50/p99 at 5,000/s offered",
		map[string]float64{"sqlite": 10000, "postgres": 5000}},
	{"bulk_wallet", 30000, "bulk wallet CSV of 100,000 rows, preview and processing, once", nil},
	{"mixed", 50, "search by 50 operators, a search a second each, while 500 wallet credits a second run", nil},
}

// Run fills the database up to o.Customers if needed and measures every
// workload.
func Run(ctx context.Context, a *app.App, o Options) (Report, error) {
	if o.Queries < MinQueries {
		o.Queries = MinQueries
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	rep := Report{Engine: string(a.Store.Engine())}
	subs, have, err := subaccounts(ctx, a)
	if err != nil {
		return rep, err
	}
	if missing := int64(o.Customers) - have; missing > 0 {
		logf("bench: the database holds %d customers; loading %d more with the demo generator", have, missing)
		if _, err := demo.Ensure(ctx, a); err != nil {
			return rep, fmt.Errorf("bench: demo data: %w", err)
		}
		start := time.Now()
		if err := demo.LoadCustomers(ctx, a.Store, demo.LoadOptions{Customers: int(missing), Seed: o.Seed}); err != nil {
			return rep, err
		}
		if err := a.Store.Optimize(ctx); err != nil {
			return rep, err
		}
		logf("bench: loaded %d customers in %s", missing, time.Since(start).Round(time.Second))
		if subs, have, err = subaccounts(ctx, a); err != nil {
			return rep, err
		}
	}
	rep.Customers = have
	if have == 0 {
		return rep, fmt.Errorf("bench: the database holds no customers; use --customers")
	}
	if off, err := a.Store.AutovacuumOff(ctx); err != nil {
		return rep, err
	} else if off {
		logf("bench: PostgreSQL's autovacuum is off: the wallet operations of earlier runs slow filtered lists " +
			"until the next VACUUM (ANALYZE) of customers and customer_wallet_order; compare runs on a vacuumed database")
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xbe9c4))
	logf("bench: sampling customers for queries")
	samples, err := sample(ctx, a, subs, rng)
	if err != nil {
		return rep, err
	}
	// What a running server has drawn at start (see serve), so that the
	// first search does not pay for it.
	a.Store.WarmSearch(ctx)
	w := &workloads{a: a, subs: subs, samples: samples, rng: rng, slow: o.Slow, log: o.Log}
	runs := map[string]func(context.Context, int) ([]time.Duration, time.Duration, error){
		"search": w.search, "search_short": w.searchShort, "list_filtered": w.listFiltered, "summary": w.summary, "profile": w.profile,
	}
	for _, t := range Targets {
		if len(o.Only) > 0 && !slices.Contains(o.Only, t.Name) {
			continue
		}
		logf("bench: %s, %d operations", t.Name, o.Queries)
		resetPeakRSS()
		if once, ok := map[string]func() (Result, error){
			// Two phases, one for throughput and one for latency: see walletOps.
			"wallet_ops":  func() (Result, error) { return w.walletOps(ctx, o.Queries*walletOpsPerQuery) },
			"bulk_wallet": func() (Result, error) { return w.bulkWallet(ctx) },
			"mixed":       func() (Result, error) { return w.mixed(ctx, o.Queries, o.Seed) },
		}[t.Name]; ok {
			res, err := once()
			if err != nil {
				return rep, fmt.Errorf("bench: %s: %w", t.Name, err)
			}
			rep.Results = append(rep.Results, res)
			continue
		}
		// A few unmeasured operations first, so that the first measured
		// ones do not pay for opening connections and preparing plans.
		if _, _, err := runs[t.Name](ctx, 10); err != nil {
			return rep, fmt.Errorf("bench: %s: %w", t.Name, err)
		}
		lat, wall, err := runs[t.Name](ctx, o.Queries)
		if err != nil {
			return rep, fmt.Errorf("bench: %s: %w", t.Name, err)
		}
		rep.Results = append(rep.Results, summarize(t.Name, lat, wall))
	}
	return rep, nil
}

// subaccounts returns the subaccounts to query, the demo ones when they
// exist, and how many customers the database holds.
func subaccounts(ctx context.Context, a *app.App) ([]*domain.Subaccount, int64, error) {
	all, err := a.Store.SubaccountList(ctx)
	if err != nil {
		return nil, 0, err
	}
	var subs []*domain.Subaccount
	var n int64
	for _, sa := range all {
		sum, err := a.Store.CustomerSummary(ctx, sa)
		if err != nil {
			return nil, 0, err
		}
		n += sum.Total + sum.Deleted
		if sum.Total+sum.Deleted > 0 {
			subs = append(subs, sa)
		}
	}
	return subs, n, nil
}

func summarize(name string, lat []time.Duration, wall time.Duration) Result {
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }
	r := Result{Name: name, P50: ms(percentile(lat, 0.50)), P99: ms(percentile(lat, 0.99)), MaxRSSMB: peakRSSMB()}
	if wall > 0 {
		r.OpsPerS = math.Round(float64(len(lat))/wall.Seconds()*10) / 10
	}
	return r
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// resetPeakRSS starts a new peak for VmHWM, so that each workload reports
// its own; kernels without clear_refs keep the process's peak.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMB is the peak resident memory, from VmHWM, or from getrusage
// where /proc is missing.
func peakRSSMB() float64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				if err == nil {
					return math.Round(kb/1024*10) / 10
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return math.Round(float64(ru.Maxrss)/1024*10) / 10
	}
	return 0
}

// WriteTable prints the report with each target beside its figure.
func (r Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "mobidesk bench: %s, %d customers (reads: one client in sequence; wallet_ops: ops/s from %d clients "+
		"in a closed loop, p50/p99 in an open loop offered %d/s)\n\n", r.Engine, r.Customers, walletClients, walletRate)
	fmt.Fprintf(w, "%-14s %9s %9s %15s %10s %11s %s\n", "workload", "p50 ms", "p99 ms", "target p99", "ops/s", "max RSS MB",
		"target ops/s")
	for _, res := range r.Results {
		target, ops := "", ""
		for _, t := range Targets {
			if t.Name != res.Name {
				continue
			}
			if t.P99MS > 0 {
				target = fmt.Sprintf("< %g ms %s", t.P99MS, verdict(res.P99 < t.P99MS))
			}
			if min, ok := t.MinOps[r.Engine]; ok {
				ops = fmt.Sprintf(">= %g %s", min, verdict(res.OpsPerS >= min))
			}
		}
		fmt.Fprintf(w, "%-14s %9.2f %9.2f %15s %10.1f %11.1f %s\n", res.Name, res.P50, res.P99, target, res.OpsPerS,
			res.MaxRSSMB, ops)
	}
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// WriteJSON writes the report in the shape DESIGN.md gives.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

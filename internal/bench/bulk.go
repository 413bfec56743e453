package bench

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// bulkRows is the size of the bulk wallet file, as DESIGN.md's target
// for bulk wallet processing says.
const bulkRows = 100000

// bulkWallet previews and processes one wallet CSV of bulkRows rows, one
// minor unit each, naming customers of the largest subaccount by number;
// numbers of deleted customers make invalid rows, as in real files. It
// reports the file's whole time, preview and processing, as p50 and p99,
// and rows per second. It writes real ledger entries into the database.
func (w *workloads) bulkWallet(ctx context.Context) (Result, error) {
	var sa *domain.Subaccount
	var most int64
	for _, s := range w.subs {
		sum, err := w.a.Store.CustomerSummary(ctx, s)
		if err != nil {
			return Result{}, err
		}
		if n := sum.Total + sum.Deleted; n > most {
			sa, most = s, n
		}
	}
	if sa == nil {
		return Result{Name: "bulk_wallet"}, nil
	}
	var file strings.Builder
	file.WriteString("customer_id,amount,note\n")
	for i := range bulkRows {
		fmt.Fprintf(&file, "%d,0.01,bench bulk row %d\n", 1+int64(i)%most, i)
	}
	actor := domain.Actor{Principal: domain.SystemPrincipal, Note: "bench"}
	start := time.Now()
	b, err := w.a.BulkWalletPreview(ctx, actor, sa, "bench.csv", strings.NewReader(file.String()))
	if err != nil {
		return Result{}, fmt.Errorf("preview: %w", err)
	}
	if _, err := w.a.Store.BatchStart(ctx, actor, b.ID); err != nil {
		return Result{}, fmt.Errorf("start: %w", err)
	}
	if err := w.a.BulkWalletRun(ctx, actor, b.ID); err != nil {
		return Result{}, fmt.Errorf("process: %w", err)
	}
	took := time.Since(start)
	if w.log != nil {
		done, err := w.a.Store.BatchGet(ctx, b.ID)
		if err == nil {
			fmt.Fprintf(w.log, "bench: bulk_wallet: %d rows, %d valid, status %s, in %s\n", bulkRows, done.Valid,
				done.Status, took.Round(time.Millisecond))
		}
	}
	ms := math.Round(float64(took)/1e4) / 100
	return Result{Name: "bulk_wallet", P50: ms, P99: ms, OpsPerS: math.Round(bulkRows/took.Seconds()*10) / 10,
		MaxRSSMB: peakRSSMB()}, nil
}

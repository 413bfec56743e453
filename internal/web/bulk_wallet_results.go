package web

import (
	"log/slog"
	"net/http"

	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// bulkWalletResults downloads every row of a batch with its status, as the
// API's results do (httpapi.WriteBatchResults).
func (w *Web) bulkWalletResults(r *request) error {
	b, err := w.pathBatch(r)
	if err != nil {
		return err
	}
	exp := 2
	if r.Sub != nil && r.Sub.ID == b.SubaccountID {
		exp = r.Sub.CurrencyExponent
	} else if sa, err := w.app.Store.SubaccountGet(r.R.Context(), b.SubaccountID); err == nil {
		exp = sa.CurrencyExponent
	} else {
		return err
	}
	h := r.W.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+b.ID+`-results.csv"`)
	h.Set("Cache-Control", "no-store")
	r.W.WriteHeader(http.StatusOK)
	if err := httpapi.WriteBatchResults(r.R.Context(), r.W, w.app.Store, b.ID, exp); err != nil {
		// The download has begun: an error page cannot follow it.
		slog.ErrorContext(r.R.Context(), "bulk wallet results", "batch", b.ID, "err", err)
	}
	return nil
}

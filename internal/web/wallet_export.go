package web

import (
	"log/slog"
	"net/http"

	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// walletExport downloads exactly the entries the activity page's filters
// select, all of them, as the API's CSV does (httpapi.WriteLedgerCSV).
func (w *Web) walletExport(r *request) error {
	c := r.Customer
	f, err := httpapi.LedgerFilterFrom(r.R.URL.Query(), c.ID, r.Sub.Timezone)
	if err != nil {
		return err
	}
	f.Cursor, f.Limit = "", 0
	page, err := w.app.Store.LedgerList(r.R.Context(), f)
	if err != nil {
		return err
	}
	h := r.W.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="wallet-`+c.ID+`.csv"`)
	h.Set("Cache-Control", "no-store")
	r.W.WriteHeader(http.StatusOK)
	if err := httpapi.WriteLedgerCSV(r.W, page.Data, r.Sub.CurrencyExponent); err != nil {
		// The download has begun: an error page cannot follow it.
		slog.ErrorContext(r.R.Context(), "wallet export", "customer", c.ID, "err", err)
	}
	return nil
}

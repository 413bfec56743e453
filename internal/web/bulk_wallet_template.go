package web

import "net/http"

// bulkWalletTemplate downloads the example file to fill in.
func (w *Web) bulkWalletTemplate(r *request) error {
	h := r.W.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="bulk-wallet-template.csv"`)
	r.W.WriteHeader(http.StatusOK)
	_, err := r.W.Write([]byte(bulkTemplate))
	return err
}

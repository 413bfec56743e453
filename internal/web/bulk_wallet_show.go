package web

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// bulkBatch is a batch as its page shows it.
type bulkBatch struct {
	B *domain.WalletBatch
	// Process says the operator may start it: previewed, with valid rows.
	Process bool
	// Errors are more than the preview lists; the results file has all.
	ErrorsCut bool
	// Poll is where wallet.js asks for progress while it processes.
	Poll    string
	Results string
}

// Percent is how much of the valid rows has been handled.
func (b bulkBatch) Percent() int {
	if b.B.Valid == 0 {
		return 100
	}
	return b.B.Processed * 100 / b.B.Valid
}

// pathBatch loads the batch of the path, answers 404 for one of a subaccount
// the operator cannot see, and makes its subaccount the page's.
func (w *Web) pathBatch(r *request) (*domain.WalletBatch, error) {
	b, err := w.app.Store.BatchGet(r.R.Context(), r.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := r.P.Authorize(domain.PermWalletBulk, b.SubaccountID); err != nil {
		return nil, err
	}
	for _, sa := range r.Subs {
		if sa.ID == b.SubaccountID {
			r.Sub = sa
		}
	}
	return b, nil
}

// bulkWalletShow is a batch's page: the preview with its counts, total and
// invalid rows, the Process button, and then its progress until done, when
// the results can be downloaded. With X-Partial: batch it answers only the
// batch's region, which wallet.js polls while the batch processes.
func (w *Web) bulkWalletShow(r *request) error {
	b, err := w.pathBatch(r)
	if err != nil {
		return err
	}
	page := bulkBatch{B: b, Process: b.Status == domain.BatchPreviewed && b.Valid > 0,
		ErrorsCut: b.Invalid+b.Failed > len(b.Errors),
		Poll:      r.url("/wallet/bulk/" + b.ID), Results: r.url("/wallet/bulk/" + b.ID + "/results")}
	title := b.Filename
	if title == "" {
		title = b.ID
	}
	data := map[string]any{"Title": title, "Active": "nav.bulk_wallet", "Batch": page, "SwitchAction": "/wallet/bulk"}
	if r.R.Header.Get("X-Partial") == "batch" {
		r.renderPartial("bulk_batch", "bulk-batch", data)
		return nil
	}
	r.render("bulk_batch", data)
	return nil
}

// batchStatusLabels name the statuses of a batch.
var batchStatusLabels = map[string]string{
	domain.BatchPreviewed:  "bulk.status_previewed",
	domain.BatchProcessing: "bulk.status_processing",
	domain.BatchDone:       "bulk.status_done",
}

// BatchStatusLabel names a batch's status.
func (v *view) BatchStatusLabel(status string) string {
	if key, ok := batchStatusLabels[status]; ok {
		return v.T(key)
	}
	return status
}

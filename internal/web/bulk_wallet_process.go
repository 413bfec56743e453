package web

import "github.com/mobidesk/mobidesk/internal/domain"

// bulkWalletProcess starts applying a previewed batch in the background
// and goes back to its page, which shows the progress. A batch that has
// started already is left as it is.
func (w *Web) bulkWalletProcess(r *request) error {
	b, err := w.pathBatch(r)
	if err != nil {
		return err
	}
	back := r.url("/wallet/bulk/" + b.ID)
	if _, err := w.app.BulkWalletProcess(r.R.Context(), r.actor(""), b.ID); err != nil {
		if domain.ErrorCode(err) == domain.ECodeConflict {
			r.flash("error", r.T("bulk.err_nothing_valid"))
			return r.redirect(back)
		}
		msg, ok := r.refusal(err)
		if !ok {
			return err
		}
		r.flash("error", msg)
		return r.redirect(back)
	}
	if b.Status == domain.BatchPreviewed {
		r.flash("success", r.T("bulk.flash_started", walletViewOf(r).Number(b.Valid)))
	} else {
		r.flash("success", r.T("bulk.flash_already"))
	}
	return r.redirect(back)
}

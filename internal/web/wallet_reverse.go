package web

import (
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// walletReverse undoes one ledger entry of the customer with a
// compensating entry, through app.WalletReverse, and goes back to the
// wallet activity with a flash. The note is required.
func (w *Web) walletReverse(r *request) error {
	note, err := r.form("note")
	if err != nil {
		return err
	}
	c := r.Customer
	// Back to the page of the activity the reversal came from, with its
	// filters, when it says so.
	base := "/customers/" + c.ID + "/wallet"
	back := r.url(base)
	if b := r.R.PostForm.Get("back"); (b == base || strings.HasPrefix(b, base+"?")) && safeNext(b) == b {
		back = b
	}
	key := r.R.PostForm.Get("key")
	if key != "" && len(key) <= 64 {
		key = httpapi.IdempotencyScope(r.P) + ":" + key
	} else {
		key = ""
	}
	note = strings.TrimSpace(note)
	e, _, err := w.app.WalletReverse(r.R.Context(), r.actor(note), c, r.R.PathValue("entry"), note, key)
	if err != nil {
		msg, ok := r.walletRefusal(err)
		if domain.ErrorCode(err) == domain.ECodeValidation {
			msg, ok = r.T("wallet.err_reverse_note"), true
		}
		if !ok {
			return err
		}
		r.flash("error", msg)
		return r.redirect(back)
	}
	balance := e.WalletBalanceAfter
	if e.Bucket == domain.BucketBonus {
		balance = e.BonusBalanceAfter
	}
	r.flash("success", r.T("wallet.flash_reversed", r.walletMoney(e.Amount, e.Currency), c.Name, r.walletMoney(balance, e.Currency)))
	return r.redirect(back)
}

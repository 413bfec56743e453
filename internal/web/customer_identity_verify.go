package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerIdentityVerify records that an operator verified the customer's
// identity by other means, with notes on how.
func (w *Web) customerIdentityVerify(r *request) error {
	notes, err := r.form("notes")
	if err != nil {
		return err
	}
	return w.lifecycle(r, app.ActionVerify, notes, notes, "customers.flash_verified")
}

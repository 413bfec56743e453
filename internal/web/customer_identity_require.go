package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerIdentityRequire asks the customer to verify their identity
// before riding again, with a reason for the amber banner.
func (w *Web) customerIdentityRequire(r *request) error {
	reason, err := r.form("reason")
	if err != nil {
		return err
	}
	return w.lifecycle(r, app.ActionRequire, reason, reason, "customers.flash_identity_required")
}

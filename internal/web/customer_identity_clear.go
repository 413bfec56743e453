package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerIdentityClear lifts the identity verification requirement
// without a verification.
func (w *Web) customerIdentityClear(r *request) error {
	return w.lifecycle(r, app.ActionClearIdentity, "", "", "customers.flash_identity_cleared")
}

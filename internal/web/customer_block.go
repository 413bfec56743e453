package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerBlock blocks the customer with a reason, which the red banner,
// the badge's tooltip and the audit log show.
func (w *Web) customerBlock(r *request) error {
	reason, err := r.form("reason")
	if err != nil {
		return err
	}
	return w.lifecycle(r, app.ActionBlock, reason, reason, "customers.flash_blocked")
}

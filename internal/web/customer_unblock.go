package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerUnblock lifts a block.
func (w *Web) customerUnblock(r *request) error {
	return w.lifecycle(r, app.ActionUnblock, "", "", "customers.flash_unblocked")
}

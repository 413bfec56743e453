package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerRestore undoes a soft delete, from the profile or from a row of
// the Inactive tab (which it returns to).
func (w *Web) customerRestore(r *request) error {
	return w.lifecycle(r, app.ActionRestore, "", "", "customers.flash_restored")
}

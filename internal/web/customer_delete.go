package web

import "github.com/mobidesk/mobidesk/internal/app"

// customerDelete soft-deletes the customer, keeping rides and ledger. The
// operator confirms by typing the customer's email or name, in the dialog
// of app.js or in the form's own field without JavaScript; the domain
// checks what was typed.
func (w *Web) customerDelete(r *request) error {
	confirm, err := r.form("confirm")
	if err != nil {
		return err
	}
	return w.lifecycle(r, app.ActionDelete, confirm, "", "customers.flash_deleted")
}

package web

import (
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
)

// lifecycle takes one lifecycle action on the path's customer through
// app.CustomerLifecycle, and goes back with a flash: done (with the
// customer's name) on success, the reason in the page's language when the
// domain refuses. text is what the action needs (reason, notes, typed
// confirmation); note goes to the audit log.
func (w *Web) lifecycle(r *request, action app.CustomerAction, text, note, done string) error {
	back := r.back()
	c, err := w.app.CustomerLifecycle(r.R.Context(), r.actor(note), r.Customer.ID, action, text)
	if err != nil {
		msg, ok := r.refusal(err)
		if !ok {
			return err
		}
		r.flash("error", msg)
		return r.redirect(back)
	}
	r.flash("success", r.T(done, c.Name))
	return r.redirect(back)
}

// form reads one field of a posted form.
func (r *request) form(name string) (string, error) {
	if err := r.R.ParseForm(); err != nil {
		return "", domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	return r.R.PostForm.Get(name), nil
}

// back is where an action returns: the list it came from when it says so
// (restore from the Inactive tab), else the customer's profile.
func (r *request) back() string {
	if b := r.R.PostFormValue("back"); strings.HasPrefix(b, "/customers?") && safeNext(b) == b {
		return b
	}
	return r.url("/customers/" + r.Customer.ID)
}

// refusals say in the page's language why the domain refused an action.
var refusals = map[string]string{
	domain.ECodeConfirmation:         "customers.err_confirm",
	domain.ECodeCustomerBlocked:      "customers.err_already_blocked",
	domain.ECodeCustomerNotBlocked:   "customers.err_not_blocked",
	domain.ECodeCustomerDeleted:      "customers.err_deleted",
	domain.ECodeCustomerNotDeleted:   "customers.err_not_deleted",
	domain.ECodeIdentityNotRequired:  "customers.err_identity_not_required",
	domain.ECodeIdentityAlreadyValid: "customers.err_identity_verified",
}

// refusal turns a refusal of the domain (a rule or invalid input) into a
// readable message; ok is false for errors that are not refusals (not
// found, forbidden, internal), which show the error page.
func (r *request) refusal(err error) (string, bool) {
	code := domain.ErrorCode(err)
	if key, ok := refusals[code]; ok {
		return r.T(key), true
	}
	if code == domain.ECodeValidation {
		for _, msg := range r.fieldErrors(err) {
			return msg, true
		}
		return r.T("error.validation_failed"), true
	}
	// A rule this page does not know yet still refuses readably, in the
	// domain's words.
	if s := httpx.StatusOf(code); s == http.StatusConflict || s == http.StatusUnprocessableEntity {
		return domain.ErrorMessage(err), true
	}
	return "", false
}

package web

import (
	"net/http"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerCreate takes one step of the new-customer form. "next" checks
// the fields asked so far with the domain's validation and moves on;
// "back" and "edit_*" move without checking; "create" stores the customer
// through app.CustomerCreate, or goes back to the first step with an error.
func (w *Web) customerCreate(r *request) error {
	if r.Sub == nil {
		return w.noSubaccount(r)
	}
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	form := r.R.PostForm
	f := &customerForm{In: customerInputFrom(form), Step: form.Get("step")}
	if _, ok := stepFields[f.Step]; !ok && f.Step != stepReview {
		f.Step = stepDetails
	}
	// Carry the values as they will be stored: a phone typed as dialled
	// shows in E.164 on the review.
	f.In.Normalize(r.Sub.Country)

	switch form.Get("go") {
	case "back":
		if f.Step == stepReview {
			f.Step = stepContact
		} else {
			f.Step = stepDetails
		}
	case "edit_details":
		f.Step = stepDetails
	case "edit_contact":
		f.Step = stepContact
	case "create":
		c, err := w.app.CustomerCreate(r.R.Context(), r.actor(""), r.Sub, f.In)
		if err == nil {
			r.flash("success", r.T("customers.flash_created", c.Name))
			return r.redirect(r.url("/customers/" + c.ID))
		}
		if f.Errors = r.fieldErrors(err); f.Errors == nil {
			return err
		}
		f.Step = firstStepWithError(f.Errors, stepReview)
		r.renderNewCustomer(f, http.StatusUnprocessableEntity)
		return nil
	default:
		// Check what the steps so far asked; later steps are not wrong yet.
		asked := map[string]bool{}
		for _, s := range customerSteps {
			for _, field := range stepFields[s.name] {
				asked[field] = true
			}
			if s.name == f.Step {
				break
			}
		}
		for field, msg := range r.fieldErrors(f.In.Validate(r.Sub)) {
			if asked[field] {
				if f.Errors == nil {
					f.Errors = map[string]string{}
				}
				f.Errors[field] = msg
			}
		}
		if f.Errors != nil {
			f.Step = firstStepWithError(f.Errors, f.Step)
			r.renderNewCustomer(f, http.StatusUnprocessableEntity)
			return nil
		}
		switch f.Step {
		case stepDetails:
			f.Step = stepContact
		default:
			f.Step = stepReview
		}
	}
	r.renderNewCustomer(f, http.StatusOK)
	return nil
}

// firstStepWithError is the first step that asks for a field in errs, or
// otherwise when no step asks for one.
func firstStepWithError(errs map[string]string, otherwise string) string {
	for _, s := range customerSteps {
		for _, field := range stepFields[s.name] {
			if errs[field] != "" {
				return s.name
			}
		}
	}
	return otherwise
}

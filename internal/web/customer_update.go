package web

import (
	"net/http"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerUpdate saves the edit form through app.CustomerUpdate, which
// decides who may change which field: the update carries exactly the
// fields the form posted.
func (w *Web) customerUpdate(r *request) error {
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	form := r.R.PostForm
	var u domain.CustomerUpdate
	for field, dst := range map[string]**string{"name": &u.Name, "phone": &u.Phone, "address": &u.Address,
		"notes": &u.Notes, "company": &u.Company, "region": &u.Region} {
		if _, ok := form[field]; ok {
			v := form.Get(field)
			*dst = &v
		}
	}
	c, err := w.app.CustomerUpdate(r.R.Context(), r.actor(""), r.Customer.ID, u)
	switch domain.ErrorCode(err) {
	case "":
		r.flash("success", r.T("customers.flash_saved"))
		return r.redirect(r.url("/customers/" + c.ID))
	case domain.ECodeValidation:
		f := &customerForm{In: customerInputFrom(form), Errors: r.fieldErrors(err)}
		if _, ok := form["name"]; !ok {
			f.In.Name = r.Customer.Name
		}
		r.renderEdit(f, http.StatusUnprocessableEntity)
		return nil
	case domain.ECodeCustomerDeleted:
		r.flash("error", r.T("customers.err_deleted"))
		return r.redirect(r.url("/customers/" + r.Customer.ID))
	}
	return err
}

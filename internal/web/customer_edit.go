package web

import (
	"slices"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerEdit is the edit form. Email, external id and customer number
// are identifiers and only shown; name, company and region appear for
// operators with customers:edit, and fleet managers (customers:edit_contact)
// get the contact fields and notes only.
func (w *Web) customerEdit(r *request) error {
	c := r.Customer
	if c.DeletedAt != nil {
		r.flash("error", r.T("customers.err_deleted"))
		return r.redirect(r.url("/customers/" + c.ID))
	}
	f := &customerForm{In: domain.CustomerCreate{Name: c.Name, Phone: c.Phone, Address: c.Address, Notes: c.Notes,
		Company: c.Company, Region: c.Region}}
	r.renderEdit(f, 200)
	return nil
}

func (r *request) renderEdit(f *customerForm, status int) {
	c := r.Customer
	// A region from before the subaccount's list changed stays choosable.
	regions := r.Sub.Regions
	if c.Region != "" && !slices.Contains(regions, c.Region) {
		regions = append([]string{c.Region}, regions...)
	}
	full := r.P.Can(domain.PermCustomersEdit, c.SubaccountID)
	f.First = "phone"
	if full {
		f.First = "name"
	}
	r.renderStatus("customer_edit", status, map[string]any{"Title": r.T("customers.edit_title", c.Name),
		"Active": "nav.customers", "C": c, "Form": f, "Regions": regions, "SwitchAction": "/customers",
		"Full": full})
}

package web

import "github.com/mobidesk/mobidesk/internal/domain"

// The new-customer form asks in three steps: details, contact, review.
// The steps live on the server: each post carries the earlier steps in
// hidden fields, so the form works without JavaScript.

// Steps of the new-customer form.
const (
	stepDetails = "details"
	stepContact = "contact"
	stepReview  = "review"
)

// customerSteps are the steps in order, with their catalog keys.
var customerSteps = []struct{ name, label string }{
	{stepDetails, "customers.step_details"},
	{stepContact, "customers.step_contact"},
	{stepReview, "customers.step_review"},
}

// stepFields are the fields each step asks for.
var stepFields = map[string][]string{
	stepDetails: {"name", "external_id", "company", "region", "locale", "device_os"},
	stepContact: {"email", "phone", "address", "notes"},
}

func (w *Web) customerNew(r *request) error {
	if r.Sub == nil {
		return w.noSubaccount(r)
	}
	r.renderNewCustomer(&customerForm{Step: stepDetails}, 200)
	return nil
}

func (r *request) renderNewCustomer(f *customerForm, status int) {
	f.First = map[string]string{stepDetails: "name", stepContact: "email", stepReview: "create"}[f.Step]
	var steps []option
	for _, s := range customerSteps {
		steps = append(steps, option{s.name, r.T(s.label)})
	}
	r.renderStatus("customer_new", status, map[string]any{"Title": r.T("customers.new_title"),
		"Active": "nav.customers", "Form": f, "Steps": steps, "OSes": deviceOptions(r.Lang), "Regions": r.Sub.Regions})
}

// deviceOptions are the platforms a customer may use, for a select.
func deviceOptions(lang string) []option {
	var out []option
	v := &view{Lang: lang}
	for _, os := range domain.DeviceOSes {
		out = append(out, option{os, v.OSLabel(os)})
	}
	return out
}

package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerForm is the new-customer and edit forms: the values as typed,
// the errors per field in the page's language, and the step of the
// new-customer form.
type customerForm struct {
	In     domain.CustomerCreate
	Errors map[string]string
	Step   string
	First  string // the field that gets the focus when none has an error
}

// Err is the error shown under field, or "".
func (f *customerForm) Err(field string) string { return f.Errors[field] }

// Autofocus says whether field gets the focus: the first field with an
// error, or else the form's first field.
func (f *customerForm) Autofocus(field string) bool {
	for _, name := range customerFields {
		if f.Errors[name] != "" {
			return name == field
		}
	}
	return field == f.First
}

// customerFields are the form's fields, in the order the steps ask them.
var customerFields = []string{"name", "external_id", "company", "region", "locale", "device_os",
	"email", "phone", "address", "notes"}

func customerInputFrom(form url.Values) domain.CustomerCreate {
	return domain.CustomerCreate{Name: form.Get("name"), ExternalID: form.Get("external_id"),
		Company: form.Get("company"), Region: form.Get("region"), Locale: form.Get("locale"),
		DeviceOS: form.Get("device_os"), Email: form.Get("email"), Phone: form.Get("phone"),
		Address: form.Get("address"), Notes: form.Get("notes")}
}

// fieldMessages say in the page's language what a field needs. The
// domain's messages are English and for API clients.
var fieldMessages = map[string]string{
	"name":        "customers.err_name",
	"external_id": "customers.err_external_id",
	"email":       "customers.err_email",
	"phone":       "customers.err_phone",
	"address":     "customers.err_address",
	"notes":       "customers.err_notes",
	"company":     "customers.err_company",
	"region":      "customers.err_region",
	"locale":      "customers.err_locale",
	"device_os":   "customers.err_device_os",
	"reason":      "customers.err_reason",
	"confirm":     "customers.err_confirm",
}

// fieldErrors translates the field errors of a validation error; it
// returns nil for any other error.
func (r *request) fieldErrors(err error) map[string]string {
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		msg := f.Message
		if key, ok := fieldMessages[f.Field]; ok {
			msg = r.T(key)
		}
		// A taken email or external id is the store's finding, not a typo.
		if strings.Contains(f.Message, "another customer") {
			msg = r.T("customers.err_taken")
		}
		if out[f.Field] == "" {
			out[f.Field] = msg
		}
	}
	return out
}

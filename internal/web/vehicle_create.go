package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// vehicleCreate registers a vehicle in the chosen subaccount through
// app.VehicleCreate. Invalid or taken fields show the form again with an
// error under each.
func (w *Web) vehicleCreate(r *request) error {
	if r.Sub == nil {
		return domain.Errorf(domain.ECodeNotFound, "Subaccount not found.")
	}
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	form := r.R.PostForm
	in := domain.VehicleCreate{Code: form.Get("code"), IMEI: form.Get("imei"), Model: form.Get("model")}
	v, err := w.app.VehicleCreate(r.R.Context(), r.actor(""), r.Sub, in)
	switch domain.ErrorCode(err) {
	case "":
		r.flash("success", r.T("vehicles.flash_registered", v.Code))
		return r.redirect(r.url("/vehicles"))
	case domain.ECodeValidation, domain.ECodeConflict:
		in.Normalize()
		f := &vehicleForm{In: in, Errors: r.vehicleFieldErrors(err)}
		return w.renderVehicles(r, f, http.StatusUnprocessableEntity)
	}
	return err
}

// vehicleFieldMessages say in the page's language what a field needs; the
// domain's messages are English and for API clients.
var vehicleFieldMessages = map[string]struct{ invalid, taken string }{
	"code":  {"vehicles.err_code", "vehicles.err_code_taken"},
	"imei":  {"vehicles.err_imei", "vehicles.err_imei_taken"},
	"model": {"vehicles.err_model", "vehicles.err_model"},
}

// vehicleFieldErrors translates the field errors of a refused
// registration. A code or IMEI that another vehicle holds is the store's
// finding ("belongs to another vehicle"), not a typo; a race between two
// registrations ends as a conflict, which names no field.
func (r *request) vehicleFieldErrors(err error) map[string]string {
	out := map[string]string{}
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		out["code"] = r.T("vehicles.err_code_taken")
		return out
	}
	for _, f := range e.Fields {
		msg := f.Message
		if m, ok := vehicleFieldMessages[f.Field]; ok {
			msg = r.T(m.invalid)
			if strings.Contains(f.Message, "another vehicle") {
				msg = r.T(m.taken)
			}
		}
		if out[f.Field] == "" {
			out[f.Field] = msg
		}
	}
	return out
}

package web

import (
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// rideStart starts a trip for the path's customer on the vehicle the form
// names (its id, code or IMEI) through app.RideStart, as the operator, and
// goes back to the profile with a flash: the vehicle on success, the rule
// that refused the start in the page's language when the domain refuses.
func (w *Web) rideStart(r *request) error {
	ref, err := r.form("vehicle")
	if err != nil {
		return err
	}
	ref = strings.TrimSpace(ref)
	c := r.Customer
	back := r.url("/customers/" + c.ID)
	ride, err := w.app.RideStart(r.R.Context(), r.actor(""), c, ref, "operator")
	if err != nil {
		msg, ok := w.rideRefusal(r, err, ref)
		if !ok {
			return err
		}
		r.flash("error", msg)
		return r.redirect(back)
	}
	r.flash("success", r.T("rides.flash_started", c.Name, ride.VehicleCode))
	return r.redirect(back)
}

// rideRefusal says in the page's language why a start was refused: the
// failing eligibility rule, as the checklist words it (with the block's
// reason, the minimum balance, the vehicle's state), or the vehicle that
// could not be found. ok is false for errors that are not refusals.
func (w *Web) rideRefusal(r *request, err error, ref string) (string, bool) {
	c := r.Customer
	if domain.ErrorCode(err) == domain.ECodeValidation {
		if ref == "" {
			return r.T("rides.err_vehicle_required"), true
		}
		return r.T("rides.err_vehicle_unknown", ref), true
	}
	rule := refusalRule(err)
	if rule == "" {
		return r.refusal(err)
	}
	// The vehicle's rules say which vehicle and in what state; the store
	// read it already, but a refusal carries only its code.
	var v *domain.Vehicle
	if rule == "vehicle_available" || rule == "vehicle_online" {
		v, _ = w.app.Store.VehicleFind(r.R.Context(), c.SubaccountID, ref)
	}
	return r.ridesView().ruleText(domain.Check{Rule: rule, Message: domain.ErrorMessage(err)}, c, v), true
}

package web

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// rideEnd ends a ride through app.RideEnd, which measures it and pays for
// it, and goes back to the customer's profile (or to the ride page, when it
// came from there, or when the operator may not open profiles) with the
// amount charged. The ride's own subaccount decides the permission.
func (w *Web) rideEnd(r *request) error {
	ride, err := w.pathRide(r, domain.PermRidesManage)
	if err != nil {
		return err
	}
	from, err := r.form("back")
	if err != nil {
		return err
	}
	back := r.url("/customers/" + ride.CustomerID)
	if from == "ride" || !r.P.Can(domain.PermCustomersView, ride.SubaccountID) {
		back = r.url("/rides/" + ride.ID)
	}
	ended, err := w.app.RideEnd(r.R.Context(), r.actor(""), ride.ID)
	switch domain.ErrorCode(err) {
	case "":
		r.flash("success", r.T("rides.flash_ended", ended.VehicleCode,
			r.ridesView().Money(ended.AmountCharged, ended.Currency)))
	case domain.ECodeRideNotActive:
		r.flash("error", r.T("rides.err_not_active"))
	default:
		return err
	}
	return r.redirect(back)
}

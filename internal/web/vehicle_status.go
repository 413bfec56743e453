package web

import (
	"net/url"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// vehicleStatus sends a vehicle to maintenance, retires it, or makes it
// available again, through app.VehicleSetStatus; the list asks for a
// confirmation first. The vehicle's own subaccount decides the permission.
// It goes back to the list, with the search it came from.
func (w *Web) vehicleStatus(r *request) error {
	ctx := r.R.Context()
	v, err := w.app.Store.VehicleGet(ctx, r.R.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.objectSubaccount(v.SubaccountID, domain.PermVehiclesManage, "Vehicle"); err != nil {
		return err
	}
	status, err := r.form("status")
	if err != nil {
		return err
	}
	back := r.url("/vehicles")
	if q := strings.TrimSpace(r.R.PostForm.Get("q")); q != "" {
		back += "&q=" + url.QueryEscape(q)
	}
	v, err = w.app.VehicleSetStatus(ctx, r.actor(""), v.ID, status)
	switch domain.ErrorCode(err) {
	case "":
		r.flash("success", r.T("vehicles.flash_status", v.Code, r.ridesView().RideBadge("vehicle", v.Status).Label))
	case domain.ECodeVehicleUnavailable:
		r.flash("error", r.T("vehicles.err_in_use"))
	case domain.ECodeValidation:
		r.flash("error", r.T("vehicles.err_status"))
	default:
		return err
	}
	return r.redirect(back)
}

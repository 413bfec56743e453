package web

import (
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// vehiclesShown is how many vehicles the fleet list shows; a search
// narrows a larger fleet.
const vehiclesShown = domain.MaxPageSize

// vehicleForm is the Register vehicle form: the values as typed and the
// errors per field in the page's language.
type vehicleForm struct {
	In     domain.VehicleCreate
	Errors map[string]string
}

// Err is the error shown under field, or "".
func (f *vehicleForm) Err(field string) string { return f.Errors[field] }

// Autofocus says whether field gets the focus: the first with an error.
func (f *vehicleForm) Autofocus(field string) bool {
	for _, name := range []string{"code", "imei", "model"} {
		if f.Errors[name] != "" {
			return name == field
		}
	}
	return false
}

// vehicleTarget is a status an operator may set by hand, with its button
// and confirmation.
type vehicleTarget struct{ Status, Label, Confirm string }

var vehicleTargets = []vehicleTarget{
	{domain.VehicleAvailable, "vehicles.make_available", "vehicles.confirm_available"},
	{domain.VehicleMaintenance, "vehicles.to_maintenance", "vehicles.confirm_maintenance"},
	{domain.VehicleRetired, "vehicles.retire", "vehicles.confirm_retired"},
}

// VehicleTargets are the statuses a vehicle may move to from current by
// hand; a vehicle in use belongs to its ride.
func (v *view) VehicleTargets(current string) []vehicleTarget {
	var out []vehicleTarget
	for _, t := range vehicleTargets {
		if current != domain.VehicleInUse && t.Status != current {
			out = append(out, t)
		}
	}
	return out
}

// vehicleIndex is the fleet: the subaccount's vehicles with their status,
// whether they are online, battery and last signal, a search by code or
// IMEI, and the Register vehicle form for operators who manage vehicles.
func (w *Web) vehicleIndex(r *request) error {
	return w.renderVehicles(r, &vehicleForm{}, http.StatusOK)
}

func (w *Web) renderVehicles(r *request, f *vehicleForm, status int) error {
	if r.Sub == nil {
		r.render("section", map[string]any{"Title": r.T("nav.vehicles"), "Active": "nav.vehicles",
			"Empty": r.T("subaccounts.none"), "Hint": r.T("subaccounts.none_hint")})
		return nil
	}
	q := strings.TrimSpace(r.R.URL.Query().Get("q"))
	list, err := w.app.Store.VehicleList(r.R.Context(), r.Sub.ID, q, vehiclesShown)
	if err != nil {
		return err
	}
	r.renderStatus("vehicles", status, map[string]any{"Title": r.T("nav.vehicles"), "Active": "nav.vehicles",
		"SwitchAction": "/vehicles", "Vehicles": list, "Query": q, "Form": f,
		"Empty": q == "" && len(list) == 0, "More": len(list) == vehiclesShown,
		"Manage": r.P.Can(domain.PermVehiclesManage, r.Sub.ID)})
	return nil
}

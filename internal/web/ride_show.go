package web

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// rideShow is a ride's page: status, times, duration, distance, vehicle,
// price, discount, the charges in the order they were used, and who
// started it. Operators who see rides but not customers (service
// technicians) get the customer's name without a link to the profile.
func (w *Web) rideShow(r *request) error {
	ride, err := w.pathRide(r, domain.PermRidesView)
	if err != nil {
		return err
	}
	c, err := w.app.Store.CustomerGet(r.R.Context(), ride.CustomerID)
	if err != nil {
		return err
	}
	can := func(perm domain.Permission) bool { return r.P.Can(perm, ride.SubaccountID) }
	// A ride belongs with its customer, or with the fleet for operators
	// who do not see customers.
	nav, list := "nav.customers", "/customers"
	if !can(domain.PermCustomersView) {
		nav, list = "nav.vehicles", "/vehicles"
	}
	r.render("ride", map[string]any{"Title": r.T("rides.ride_title", ride.ID), "Active": nav, "SwitchAction": list,
		"Ride": ride, "C": c, "LinkCustomer": can(domain.PermCustomersView), "LinkVehicles": can(domain.PermVehiclesView),
		"End": ride.Status == domain.RideActive && can(domain.PermRidesManage)})
	return nil
}

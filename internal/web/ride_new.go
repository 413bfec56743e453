package web

import (
	"slices"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// rideVehiclesShown is how many vehicles the Start Trip search lists.
const rideVehiclesShown = 8

// rideStartStep is what the Start Trip step shows: the search, the
// vehicles it found, and for the chosen vehicle the eligibility checklist.
type rideStartStep struct {
	C        *domain.Customer
	Query    string
	Vehicles []*domain.Vehicle
	Vehicle  *domain.Vehicle // the chosen one
	Checks   []rideCheck
	Eligible bool
	Problem  string // the chosen vehicle could not be found
}

// rideCheck is one eligibility rule's outcome in the page's language.
type rideCheck struct {
	Rule  string
	Pass  bool
	Label string
}

// Chosen says whether v is the chosen vehicle.
func (s *rideStartStep) Chosen(v *domain.Vehicle) bool {
	return s.Vehicle != nil && s.Vehicle.ID == v.ID
}

// rideNew is the Start Trip step: a vehicle search by code, ID or IMEI,
// and for the chosen vehicle the eligibility checklist, rule by rule, that
// the operator sees before confirming. The profile's Start Trip dialog
// (rides.js) loads its body with X-Partial: ride-start; without scripts it
// is a page of its own, whose forms work the same.
func (w *Web) rideNew(r *request) error {
	ctx := r.R.Context()
	c := r.Customer
	q := r.R.URL.Query()
	s := &rideStartStep{C: c, Query: strings.TrimSpace(q.Get("q"))}
	if s.Query != "" {
		list, err := w.app.Store.VehicleList(ctx, c.SubaccountID, s.Query, rideVehiclesShown)
		if err != nil {
			return err
		}
		// The search matches parts of codes and IMEIs; an id matches whole.
		if v, err := w.app.Store.VehicleFind(ctx, c.SubaccountID, s.Query); err == nil &&
			!slices.ContainsFunc(list, func(x *domain.Vehicle) bool { return x.ID == v.ID }) {
			list = append([]*domain.Vehicle{v}, list...)
		} else if err != nil && domain.ErrorCode(err) != domain.ECodeNotFound {
			return err
		}
		s.Vehicles = list
	}
	if ref := strings.TrimSpace(q.Get("vehicle")); ref != "" {
		v, err := w.app.Store.VehicleFind(ctx, c.SubaccountID, ref)
		switch domain.ErrorCode(err) {
		case "":
			checks, err := w.app.RideEligibility(ctx, c, v.ID)
			if err != nil {
				return err
			}
			page := r.ridesView()
			s.Vehicle, s.Eligible = v, true
			for _, ch := range checks {
				s.Checks = append(s.Checks, rideCheck{Rule: ch.Rule, Pass: ch.Pass, Label: page.ruleText(ch, c, v)})
				s.Eligible = s.Eligible && ch.Pass
			}
		case domain.ECodeNotFound:
			s.Problem = r.T("rides.err_vehicle_unknown", ref)
		default:
			return err
		}
	}
	data := map[string]any{"Title": r.T("rides.start_title", c.Name), "Active": "nav.customers", "C": c,
		"Step": s, "SwitchAction": "/customers"}
	if r.R.Header.Get("X-Partial") == "ride-start" {
		r.renderPartial("ride_new", "ride-start-body", data)
		return nil
	}
	r.render("ride_new", data)
	return nil
}

package web

// Template helpers of the vehicle and ride pages and of the profile's ride
// sections: durations, distances, badges and labels in the page's
// language. They present what the domain decided (a vehicle's Online, a
// card's Status, the order of a ride's charges, which eligibility rule
// failed); no rule is decided here.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/i18n"
	"github.com/mobidesk/mobidesk/internal/store"
)

// objectSubaccount makes the subaccount of an object that is not a
// customer (a vehicle, a ride) the chosen one, and checks perm there. An
// object of a subaccount the operator cannot see answers not found, so
// that its existence does not leak; what names the object in that answer.
func (r *request) objectSubaccount(subaccountID string, perm domain.Permission, what string) error {
	for _, sa := range r.Subs {
		if sa.ID == subaccountID {
			r.Sub = sa
			return r.P.Authorize(perm, sa.ID)
		}
	}
	return domain.Errorf(domain.ECodeNotFound, "%s not found.", what)
}

// pathRide loads the ride of the path and checks perm in its subaccount.
func (w *Web) pathRide(r *request, perm domain.Permission) (*domain.Ride, error) {
	ride, err := w.app.Store.RideGet(r.R.Context(), r.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := r.objectSubaccount(ride.SubaccountID, perm, "Ride"); err != nil {
		return nil, err
	}
	return ride, nil
}

// ridesView is a view of the request without a page, for handlers that
// format money, times and rule texts into a flash.
func (r *request) ridesView() *view {
	return &view{Lang: r.Lang, P: r.P, Sub: r.Sub, Subs: r.Subs, req: r}
}

// RideDuration formats a number of seconds: "1 h 5 min", "12 min 3 s".
func (v *view) RideDuration(seconds int64) string {
	seconds = max(seconds, 0)
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	switch {
	case h > 0:
		return v.T("rides.duration_hm", h, m)
	case m > 0:
		return v.T("rides.duration_ms", m, s)
	}
	return v.T("rides.duration_s", s)
}

// RideTime is how long a ride took, or has taken so far while active.
func (v *view) RideTime(r *domain.Ride) string {
	if r.Status == domain.RideActive {
		return v.RideDuration(int64(time.Since(r.StartedAt) / time.Second))
	}
	return v.RideDuration(r.DurationS)
}

// RideMeters is how far a ride went, or a dash while it is active: the
// distance is measured when it ends.
func (v *view) RideMeters(r *domain.Ride) string {
	if r.Status == domain.RideActive {
		return "—"
	}
	return v.RideDistance(r.DistanceM)
}

// RideFare is a ride's price before its promo discount: the domain's
// Price is after it.
func (v *view) RideFare(r *domain.Ride) int64 { return r.Price + r.Discount }

// RideDistance formats meters: "850 m", "1.2 km" ("1,2 km" in German).
// Units are the same in every language; the decimal mark is not.
func (v *view) RideDistance(meters int64) string {
	if meters < 1000 {
		return i18n.Number(v.Lang, max(meters, 0)) + " m"
	}
	tenths := (meters + 50) / 100
	mark := "."
	if v.Lang == "de" {
		mark = ","
	}
	return i18n.Number(v.Lang, tenths/10) + mark + strconv.FormatInt(tenths%10, 10) + " km"
}

// Battery formats a charge in percent, or a dash when none was reported.
func (v *view) Battery(percent *int) string {
	if percent == nil {
		return "—"
	}
	if v.Lang == "de" {
		return strconv.Itoa(*percent) + " %"
	}
	return strconv.Itoa(*percent) + "%"
}

// CardBrand names a card network as it writes itself.
func (v *view) CardBrand(brand string) string {
	switch brand {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	case "discover":
		return "Discover"
	case "":
		return "—"
	}
	r := []rune(brand)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// CardExpiry is a card's expiry as printed on it: 08/2027.
func (v *view) CardExpiry(p *domain.PaymentMethod) string {
	return fmt.Sprintf("%02d/%d", p.ExpMonth, p.ExpYear)
}

type labelled struct{ class, label string }

// rideBadges are the badges of the rides module, by what they describe and
// its value.
var rideBadges = map[string]map[string]labelled{
	"ride": {
		domain.RideActive:    {"badge-amber", "rides.status_active"},
		domain.RideCompleted: {"badge-green", "rides.status_completed"},
		domain.RideCancelled: {"badge-gray", "rides.status_cancelled"},
	},
	"vehicle": {
		domain.VehicleAvailable:   {"badge-green", "vehicles.status_available"},
		domain.VehicleInUse:       {"badge-blue", "vehicles.status_in_use"},
		domain.VehicleMaintenance: {"badge-amber", "vehicles.status_maintenance"},
		domain.VehicleRetired:     {"badge-gray", "vehicles.status_retired"},
	},
	"card": {
		"active":  {"badge-green", "rides.card_active"},
		"expired": {"badge-red", "rides.card_expired"},
	},
	"verification": {
		"verified":   {"badge-green", "rides.card_verified"},
		"unverified": {"badge-gray", "rides.card_unverified"},
		"failed":     {"badge-red", "rides.card_failed"},
	},
	"subscription": {
		"active":    {"badge-green", "rides.plan_active"},
		"pending":   {"badge-blue", "rides.plan_pending"},
		"cancelled": {"badge-gray", "rides.plan_cancelled"},
		"expired":   {"badge-gray", "rides.plan_expired"},
	},
	"package": {
		"active":    {"badge-green", "rides.plan_active"},
		"exhausted": {"badge-gray", "rides.package_exhausted"},
		"expired":   {"badge-gray", "rides.plan_expired"},
	},
}

// RideBadge is the badge of a value of kind: "ride", "vehicle", "card",
// "verification", "subscription" or "package".
func (v *view) RideBadge(kind, value string) badge {
	if b, ok := rideBadges[kind][value]; ok {
		return badge{Class: b.class, Label: v.T(b.label)}
	}
	return badge{Class: "badge-gray", Label: value}
}

// VehicleOnline is the online or offline badge of a vehicle, with its last
// signal in the tooltip.
func (v *view) VehicleOnline(veh *domain.Vehicle) badge {
	title := v.T("vehicles.last_signal_never")
	if veh.LastSignalAt != nil {
		title = v.T("vehicles.last_signal_at", v.Time(*veh.LastSignalAt))
	}
	if veh.Online {
		return badge{Class: "badge-green", Label: v.T("vehicles.online"), Title: title}
	}
	return badge{Class: "badge-gray", Label: v.T("vehicles.offline"), Title: title}
}

// rideLabels name the rides module's other values, by what they describe.
var rideLabels = map[string]map[string]string{
	"charge": {
		"package": "rides.charge_package",
		"bonus":   "rides.charge_bonus",
		"wallet":  "rides.charge_wallet",
		"card":    "rides.charge_card",
	},
	"started_by": {
		"app":      "rides.started_by_app",
		"operator": "rides.started_by_operator",
	},
	"billing": {
		"daily":   "rides.billing_daily",
		"weekly":  "rides.billing_weekly",
		"monthly": "rides.billing_monthly",
		"yearly":  "rides.billing_yearly",
	},
	"discount": {
		domain.DiscountPercentage:  "rides.discount_percentage",
		domain.DiscountFixedAmount: "rides.discount_fixed_amount",
		domain.DiscountFreeMinutes: "rides.discount_free_minutes",
	},
}

// RideLabel names a value of kind: "charge", "started_by", "billing" or
// "discount"; a value without a label shows itself.
func (v *view) RideLabel(kind, value string) string {
	if key, ok := rideLabels[kind][value]; ok {
		return v.T(key)
	}
	return value
}

// PromoValue is what a promo code takes off: a percentage, an amount or
// free minutes.
func (v *view) PromoValue(p *domain.PromoRedemption, currency string) string {
	switch p.DiscountType {
	case domain.DiscountPercentage:
		if v.Lang == "de" {
			return fmt.Sprintf("%d %%", p.DiscountValue)
		}
		return fmt.Sprintf("%d%%", p.DiscountValue)
	case domain.DiscountFixedAmount:
		return v.Money(p.DiscountValue, currency)
	case domain.DiscountFreeMinutes:
		return v.T("rides.minutes", p.DiscountValue)
	}
	return strconv.FormatInt(p.DiscountValue, 10)
}

// PromoSubaccount names the subaccount a promo code was for.
func (v *view) PromoSubaccount(id string) string {
	for _, sa := range v.Subs {
		if sa.ID == id {
			return sa.Name
		}
	}
	return id
}

// rideRows is a table of rides, for the "ride-table" template, which the
// profile's recent rides and the customer's rides page share.
type rideRows struct {
	V     *view
	Rides []*domain.Ride
}

// RideRows pairs rides with the page's view for "ride-table".
func (v *view) RideRows(rides []*domain.Ride) rideRows { return rideRows{V: v, Rides: rides} }

// endTrip is an End Trip button with its confirmation.
type endTrip struct {
	Action, Confirm, Label, ButtonID, Back string
}

// EndTrip is the End Trip form of an active ride; back says where the
// action returns ("ride" for the ride page, "" for the profile).
func (v *view) EndTrip(r *domain.Ride, buttonID, back string) endTrip {
	return endTrip{Action: "/rides/" + r.ID + "/end", Confirm: v.T("rides.end_confirm", r.VehicleCode),
		Label: v.T("rides.end_trip"), ButtonID: buttonID, Back: back}
}

// rideRule says what one eligibility rule of the domain checks, in the
// page's language when it passes and when it fails, and which error code
// refuses a start when it fails.
type rideRule struct{ code, pass, fail string }

// rideRules are the domain's eligibility rules by name (domain.Check.Rule).
var rideRules = map[string]rideRule{
	"not_deleted":       {domain.ECodeCustomerDeleted, "rides.rule_not_deleted", "rides.rule_not_deleted_fail"},
	"not_blocked":       {domain.ECodeCustomerBlocked, "rides.rule_not_blocked", "rides.rule_not_blocked_fail"},
	"identity":          {domain.ECodeIdentityRequired, "rides.rule_identity", "rides.rule_identity_fail"},
	"funds":             {domain.ECodeInsufficientBalance, "rides.rule_funds", "rides.rule_funds_fail"},
	"vehicle_available": {domain.ECodeVehicleUnavailable, "rides.rule_vehicle_available", "rides.rule_vehicle_available_fail"},
	"vehicle_online":    {domain.ECodeVehicleOffline, "rides.rule_vehicle_online", "rides.rule_vehicle_online_fail"},
	"no_active_ride":    {domain.ECodeRideAlreadyActive, "rides.rule_no_active_ride", "rides.rule_no_active_ride_fail"},
}

// ruleText says in the page's language what a check found, for customer c
// on vehicle veh (nil when the rule is not about a vehicle). A rule this
// page does not know yet speaks in the domain's words.
func (v *view) ruleText(ch domain.Check, c *domain.Customer, veh *domain.Vehicle) string {
	rule, ok := rideRules[ch.Rule]
	vehicleRule := ch.Rule == "vehicle_available" || ch.Rule == "vehicle_online"
	if !ok || (vehicleRule && veh == nil) {
		return ch.Message
	}
	if ch.Pass {
		if vehicleRule {
			return v.T(rule.pass, veh.Code)
		}
		return v.T(rule.pass)
	}
	switch ch.Rule {
	case "not_blocked":
		return v.T(rule.fail, c.BlockedReason)
	case "funds":
		least := int64(domain.DefaultMinRideBalance)
		if v.Sub != nil {
			least = v.Sub.MinRideBalance
		}
		return v.T(rule.fail, v.Money(least, c.Currency))
	case "vehicle_available":
		return v.T(rule.fail, veh.Code, v.RideBadge("vehicle", veh.Status).Label)
	case "vehicle_online":
		if veh.LastSignalAt == nil {
			return v.T("rides.rule_vehicle_online_never", veh.Code)
		}
		return v.T(rule.fail, veh.Code, v.Time(*veh.LastSignalAt))
	}
	return v.T(rule.fail)
}

// refusalRule is the rule whose error code refused a start, or "".
func refusalRule(err error) string {
	code := domain.ErrorCode(err)
	for name, rule := range rideRules {
		if rule.code == code {
			return name
		}
	}
	return ""
}

// rideActivityLabels name the audit entries of the rides module on the
// profile's activity; they join the profile's labels here, so that the
// rides module's words stay in its files.
var rideActivityLabels = map[string]string{
	"ride.start":             "rides.activity_start",
	"ride.end":               "rides.activity_end",
	"payment_method.add":     "rides.activity_card_add",
	"payment_method.default": "rides.activity_card_default",
	"payment_method.remove":  "rides.activity_card_remove",
	"subscription.add":       "rides.activity_subscription",
	"package.add":            "rides.activity_package",
	"promo.redeem":           "rides.activity_promo",
}

func init() {
	for action, key := range rideActivityLabels {
		activityLabels[action] = key
	}
}

// customerRides is what the profile's ride sections show, loaded once per
// page: the active ride, saved cards, plans, promo codes and recent rides,
// and which of their actions the operator may take.
type customerRides struct {
	C             *domain.Customer
	Active        *domain.Ride
	Cards         []*domain.PaymentMethod
	Subscriptions []*domain.Subscription
	Packages      []*domain.PackagePurchase
	Promos        []*domain.PromoRedemption
	Recent        []*domain.Ride
	RidesTotal    int
	ViewRides     bool // rides:view: the banner, recent rides and their links
	Start, End    bool // rides:manage, and whether a ride is active
	EditCards     bool // customers:edit on a customer that is not deleted
}

// recentRidesShown is how many rides the profile lists.
const recentRidesShown = 5

// CustomerRides loads the profile's ride sections. Both of the profile's
// ride templates (the banner at the top, the sections below) use it, so it
// keeps what it loaded in the page's data.
func (v *view) CustomerRides() (*customerRides, error) {
	if cr, ok := v.Data["customerRides"].(*customerRides); ok {
		return cr, nil
	}
	c, _ := v.Data["C"].(*domain.Customer)
	if c == nil || v.P == nil {
		return nil, errors.New("web: the ride sections need the profile's customer")
	}
	ctx := v.req.R.Context()
	s := v.req.web.app.Store
	can := func(perm domain.Permission) bool { return v.P.Can(perm, c.SubaccountID) }
	live := c.DeletedAt == nil
	cr := &customerRides{C: c, ViewRides: can(domain.PermRidesView), EditCards: live && can(domain.PermCustomersEdit)}
	var err error
	if cr.Cards, err = s.PaymentMethodList(ctx, c.ID); err != nil {
		return nil, err
	}
	if cr.Subscriptions, err = s.SubscriptionList(ctx, c.ID); err != nil {
		return nil, err
	}
	if cr.Packages, err = s.PackageList(ctx, c.ID); err != nil {
		return nil, err
	}
	if cr.Promos, err = s.PromoList(ctx, c.ID); err != nil {
		return nil, err
	}
	if cr.ViewRides {
		if cr.Active, err = s.RideActive(ctx, c.ID); err != nil {
			return nil, err
		}
		page, err := s.RideList(ctx, store.RideFilter{CustomerID: c.ID, Limit: recentRidesShown})
		if err != nil {
			return nil, err
		}
		cr.Recent, cr.RidesTotal = page.Data, page.Total
		manage := can(domain.PermRidesManage)
		cr.End = manage && cr.Active != nil
		cr.Start = manage && cr.Active == nil && live
	}
	v.Data["customerRides"] = cr
	return cr, nil
}

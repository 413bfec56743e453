package domain

import (
	"time"
)

// Ride is one trip of a customer on a vehicle.
type Ride struct {
	ID            string     `json:"id"`
	SubaccountID  string     `json:"subaccount_id"`
	CustomerID    string     `json:"customer_id"`
	VehicleID     string     `json:"vehicle_id"`
	VehicleCode   string     `json:"vehicle_code"`
	Status        string     `json:"status"` // active, completed, cancelled
	StartedAt     time.Time  `json:"started_at"`
	EndedAt       *time.Time `json:"ended_at"`
	DurationS     int64      `json:"duration_s"`
	DistanceM     int64      `json:"distance_m"`
	StartedBy     string     `json:"started_by"` // app or operator
	Price         int64      `json:"price"`      // before payment: unlock fee plus minutes, less the promo
	Discount      int64      `json:"discount"`
	AmountCharged int64      `json:"amount_charged"`
	Charges       []Charge   `json:"charges"`
	Currency      string     `json:"currency"`
}

// Ride statuses.
const (
	RideActive    = "active"
	RideCompleted = "completed"
	RideCancelled = "cancelled"
)

// Charge is one part of a ride's payment, in the order used.
type Charge struct {
	Source string `json:"source"` // package, bonus, wallet, card
	Amount int64  `json:"amount"`
}

// Error codes of ride rules.
const (
	ECodeVehicleUnavailable = "vehicle_unavailable"
	ECodeVehicleOffline     = "vehicle_offline"
	ECodeRideAlreadyActive  = "ride_already_active"
	ECodeRideNotActive      = "ride_not_active"
)

// Check is one eligibility rule's outcome.
type Check struct {
	Rule    string `json:"rule"`
	Pass    bool   `json:"pass"`
	Code    string `json:"code,omitempty"` // the error code when it fails
	Message string `json:"message"`
}

// RideContext is what the eligibility rules look at.
type RideContext struct {
	Customer       *Customer
	Vehicle        *Vehicle
	MinBalance     int64
	PaymentMethods []*PaymentMethod
	Subscriptions  []*Subscription
	Packages       []*PackagePurchase
	HasActiveRide  bool
	Now            time.Time
}

// Eligibility evaluates every rule for starting a ride, in order. The first
// failing check is the reason a start is refused.
func Eligibility(rc RideContext) []Check {
	c, v, now := rc.Customer, rc.Vehicle, rc.Now
	validPM, savedPM := false, len(rc.PaymentMethods) > 0
	for _, p := range rc.PaymentMethods {
		validPM = validPM || p.Valid(now)
	}
	plan := false
	for _, s := range rc.Subscriptions {
		s.Refresh(now)
		plan = plan || s.Status == "active"
	}
	for _, p := range rc.Packages {
		p.Refresh(now)
		plan = plan || p.Status == "active"
	}
	min := rc.MinBalance
	if plan && savedPM {
		min = 0 // an active plan with a saved card lifts the minimum
	}
	funded := validPM || c.WalletBalance >= min
	online := v != nil && v.IsOnline(now)
	available := v != nil && v.Status == VehicleAvailable
	check := func(rule string, pass bool, code, ok, fail string) Check {
		if pass {
			return Check{Rule: rule, Pass: true, Message: ok}
		}
		return Check{Rule: rule, Pass: false, Code: code, Message: fail}
	}
	checks := []Check{
		check("not_deleted", c.DeletedAt == nil, ECodeCustomerDeleted, "The customer is not deleted.", "The customer is deleted."),
		check("not_blocked", !c.Blocked, ECodeCustomerBlocked, "The customer is not blocked.",
			"The customer is blocked: "+c.BlockedReason),
		check("identity", !(c.IdentityVerificationRequired && c.IdentityStatus != IdentityVerified),
			ECodeIdentityRequired, "No identity verification is outstanding.",
			"Identity verification is required and not done."),
		check("funds", funded, ECodeInsufficientBalance, "The customer has a valid payment method or enough balance.",
			"The customer has no valid payment method and less than the minimum balance in the wallet."),
	}
	// Without a vehicle, the explainer leaves out the vehicle's rules; a
	// start always names one.
	if v != nil {
		checks = append(checks,
			check("vehicle_available", available, ECodeVehicleUnavailable, "The vehicle is available.",
				"The vehicle is not available (in use, in maintenance or retired)."),
			check("vehicle_online", online, ECodeVehicleOffline, "The vehicle signalled within the last hour.",
				"The vehicle's last signal is more than an hour old."))
	}
	return append(checks, check("no_active_ride", !rc.HasActiveRide, ECodeRideAlreadyActive,
		"The customer has no active ride.", "The customer already has an active ride."))
}

// CanStart returns nil when every rule passes, or the first failure as an
// error with its code. It needs a vehicle.
func CanStart(rc RideContext) error {
	if rc.Vehicle == nil {
		return Errorf(ECodeVehicleUnavailable, "Choose a vehicle.")
	}
	for _, ch := range Eligibility(rc) {
		if !ch.Pass {
			return Errorf(ch.Code, "%s", ch.Message)
		}
	}
	return nil
}

// Pricing is how a ride's price is made.
type Pricing struct {
	UnlockFee      int64
	PricePerMinute int64
}

// Minutes is the billable minutes of a duration: every started minute.
func Minutes(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Minute - 1) / time.Minute)
}

// Bill is the outcome of pricing and paying a ride.
type Bill struct {
	Price        int64 // after the promo
	Discount     int64
	Charges      []Charge
	PackageUsed  map[string]int // minutes taken from each package
	Bonus        int64          // taken from the bonus balance
	Wallet       int64          // taken from the wallet; may exceed its balance when nothing else pays
	Card         int64          // to collect from the default card
	PromoApplied string
}

// BillRide prices a ride and decides who pays what: package minutes first,
// then bonus, then wallet, then the default card; without a card the wallet
// goes negative. packages must be the customer's active packages, oldest
// expiry first.
func BillRide(p Pricing, minutes int64, promo *PromoRedemption, packages []*PackagePurchase, c *Customer, hasCard bool) Bill {
	b := Bill{PackageUsed: map[string]int{}}
	billable := minutes
	if promo != nil && promo.DiscountType == DiscountFreeMinutes {
		free := min(billable, promo.DiscountValue)
		billable -= free
		b.Discount = free * p.PricePerMinute
	}
	gross := p.UnlockFee + billable*p.PricePerMinute
	if promo != nil {
		switch promo.DiscountType {
		case DiscountPercentage:
			b.Discount = gross * promo.DiscountValue / 100
		case DiscountFixedAmount:
			b.Discount = min(gross, promo.DiscountValue)
		}
		b.PromoApplied = promo.ID
	}
	due := gross
	if promo != nil && promo.DiscountType != DiscountFreeMinutes {
		due -= b.Discount
	}
	b.Price = due
	// 1. Package minutes cover minutes at the per-minute price.
	if billable > 0 && p.PricePerMinute > 0 {
		left := billable
		for _, pkg := range packages {
			if left == 0 || due == 0 {
				break
			}
			take := min(int64(pkg.MinutesRemaining), left)
			if take <= 0 {
				continue
			}
			value := min(take*p.PricePerMinute, due)
			b.PackageUsed[pkg.ID] = int(take)
			left -= take
			due -= value
			addCharge(&b.Charges, "package", value)
		}
	}
	// 2. Bonus, 3. wallet, as far as their balances go.
	b.Bonus = min(due, max(c.BonusBalance, 0))
	due -= b.Bonus
	addCharge(&b.Charges, "bonus", b.Bonus)
	b.Wallet = min(due, max(c.WalletBalance, 0))
	due -= b.Wallet
	// 4. The default card; 5. otherwise the wallet goes negative.
	if due > 0 && hasCard {
		b.Card = due
	} else {
		b.Wallet += due
	}
	addCharge(&b.Charges, "wallet", b.Wallet)
	addCharge(&b.Charges, "card", b.Card)
	if b.Charges == nil {
		b.Charges = []Charge{}
	}
	return b
}

func addCharge(list *[]Charge, source string, amount int64) {
	if amount <= 0 {
		return
	}
	for i := range *list {
		if (*list)[i].Source == source {
			(*list)[i].Amount += amount
			return
		}
	}
	*list = append(*list, Charge{Source: source, Amount: amount})
}

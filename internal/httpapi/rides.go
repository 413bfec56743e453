package httpapi

import (
	"context"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// rideRoutes are the vehicle, payment method, plan and ride endpoints.
func rideRoutes() []*Route {
	return []*Route{
		{Method: "GET", Path: "/api/v1/vehicles", Summary: "List a subaccount's vehicles; q matches code or IMEI",
			Perm: domain.PermVehiclesView, Status: 200, Response: domain.Page[*domain.Vehicle]{},
			Query: []Param{pSubaccount, {Name: "q", Description: "part of a code or IMEI"}, pLimit}, Handle: handleVehicleList},
		{Method: "POST", Path: "/api/v1/vehicles", Summary: "Register a vehicle", Perm: domain.PermVehiclesManage,
			Status: 201, Request: domain.VehicleCreate{}, Response: domain.Vehicle{}, Query: []Param{pSubaccount},
			Idempotent: true, Handle: handleVehicleCreate},
		{Method: "GET", Path: "/api/v1/vehicles/{id}", Summary: "A vehicle", Perm: domain.PermVehiclesView,
			Status: 200, Response: domain.Vehicle{}, Handle: func(c *Call) (any, error) { return c.vehicle() }},
		{Method: "POST", Path: "/api/v1/vehicles/{id}/signal", Summary: "Record a telemetry signal: position and battery",
			Perm: domain.PermVehiclesManage, Status: 200, Request: domain.Signal{}, Response: domain.Vehicle{},
			Handle: handleVehicleSignal},
		{Method: "POST", Path: "/api/v1/vehicles/{id}/status", Summary: "Set available, maintenance or retired",
			Perm: domain.PermVehiclesManage, Status: 200, Request: statusInput{}, Response: domain.Vehicle{},
			Handle: handleVehicleStatus},

		{Method: "GET", Path: "/api/v1/customers/{id}/payment-methods", Summary: "A customer's saved cards, the default first",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.Page[*domain.PaymentMethod]{},
			Handle: func(c *Call) (any, error) {
				return customerList(c, c.app.Store.PaymentMethodList)
			}},
		{Method: "POST", Path: "/api/v1/customers/{id}/payment-methods", Summary: "Save a card, as the payment provider reports it",
			Perm: domain.PermCustomersEdit, Status: 201, Request: domain.PaymentMethodCreate{}, Response: domain.PaymentMethod{},
			Idempotent: true, Handle: handlePaymentMethodAdd},
		{Method: "POST", Path: "/api/v1/payment-methods/{id}/default", Summary: "Make a card the customer's default",
			Perm: domain.PermCustomersEdit, Status: 200, Response: domain.PaymentMethod{}, Handle: handlePaymentMethodDefault},
		{Method: "DELETE", Path: "/api/v1/payment-methods/{id}", Summary: "Remove a saved card",
			Perm: domain.PermCustomersEdit, Status: 200, Response: domain.PaymentMethod{}, Handle: handlePaymentMethodRemove},

		{Method: "GET", Path: "/api/v1/customers/{id}/subscriptions", Summary: "A customer's subscriptions",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.Page[*domain.Subscription]{},
			Handle: func(c *Call) (any, error) { return customerList(c, c.app.Store.SubscriptionList) }},
		{Method: "POST", Path: "/api/v1/customers/{id}/subscriptions", Summary: "Record a subscription; refused for a blocked customer",
			Perm: domain.PermCustomersEdit, Status: 201, Request: domain.SubscriptionCreate{}, Response: domain.Subscription{},
			Idempotent: true, Handle: handleSubscriptionAdd},
		{Method: "GET", Path: "/api/v1/customers/{id}/packages", Summary: "A customer's package purchases",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.Page[*domain.PackagePurchase]{},
			Handle: func(c *Call) (any, error) { return customerList(c, c.app.Store.PackageList) }},
		{Method: "POST", Path: "/api/v1/customers/{id}/packages", Summary: "Record a package purchase; refused for a blocked customer",
			Perm: domain.PermCustomersEdit, Status: 201, Request: domain.PackageCreate{}, Response: domain.PackagePurchase{},
			Idempotent: true, Handle: handlePackageAdd},
		{Method: "GET", Path: "/api/v1/customers/{id}/promo-redemptions", Summary: "A customer's promo codes",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.Page[*domain.PromoRedemption]{},
			Handle: func(c *Call) (any, error) { return customerList(c, c.app.Store.PromoList) }},
		{Method: "POST", Path: "/api/v1/customers/{id}/promo-redemptions", Summary: "Record a promo redemption; it applies to the next ride",
			Perm: domain.PermCustomersEdit, Status: 201, Request: domain.PromoCreate{}, Response: domain.PromoRedemption{},
			Idempotent: true, Handle: handlePromoAdd},

		{Method: "GET", Path: "/api/v1/customers/{id}/eligibility", Summary: "Whether the customer may start a ride, rule by rule",
			Perm: domain.PermRidesView, Status: 200, Response: eligibilityResponse{},
			Query:  []Param{{Name: "vehicle", Description: "vehicle id, code or IMEI; without it the vehicle's rules are left out"}},
			Handle: handleEligibility},
		{Method: "POST", Path: "/api/v1/customers/{id}/rides", Summary: "Start a ride on a vehicle named by id, code or IMEI",
			Perm: domain.PermRidesManage, Status: 201, Request: rideInput{}, Response: domain.Ride{}, Idempotent: true,
			Handle: handleRideStart},
		{Method: "GET", Path: "/api/v1/customers/{id}/rides", Summary: "A customer's rides, newest first",
			Perm: domain.PermRidesView, Status: 200, Response: domain.Page[*domain.Ride]{},
			Query: []Param{{Name: "status", Description: "active, completed or cancelled"},
				{Name: "from", Description: "started on or after this date or time"},
				{Name: "to", Description: "started on or before this date, or before this time"}, pCursor, pLimit},
			Handle: handleRideList},
		{Method: "GET", Path: "/api/v1/rides/{id}", Summary: "A ride with its charges", Perm: domain.PermRidesView,
			Status: 200, Response: domain.Ride{}, Handle: func(c *Call) (any, error) { return c.ride() }},
		{Method: "POST", Path: "/api/v1/rides/{id}/end", Summary: "End a ride and pay for it", Perm: domain.PermRidesManage,
			Status: 200, Response: domain.Ride{}, Idempotent: true, Handle: handleRideEnd},
	}
}

type statusInput struct {
	Status string `json:"status"`
}

type rideInput struct {
	Vehicle string `json:"vehicle"` // id, code or IMEI
}

type eligibilityResponse struct {
	Eligible bool           `json:"eligible"`
	Checks   []domain.Check `json:"checks"`
}

func (c *Call) vehicle() (*domain.Vehicle, error) {
	v, err := c.app.Store.VehicleGet(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(v.SubaccountID); err != nil {
		return nil, err
	}
	return v, nil
}

func (c *Call) ride() (*domain.Ride, error) {
	r, err := c.app.Store.RideGet(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(r.SubaccountID); err != nil {
		return nil, err
	}
	return r, nil
}

// customerList answers a customer's list of something as a page.
func customerList[T any](c *Call, list func(ctx context.Context, customerID string) ([]T, error)) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	data, err := list(c.R.Context(), cust.ID)
	if err != nil {
		return nil, err
	}
	return domain.Page[T]{Data: data, Total: len(data)}, nil
}

func handleVehicleList(c *Call) (any, error) {
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	limit, err := c.Limit()
	if err != nil {
		return nil, err
	}
	list, err := c.app.Store.VehicleList(c.R.Context(), sa.ID, c.R.URL.Query().Get("q"), limit)
	if err != nil {
		return nil, err
	}
	return domain.Page[*domain.Vehicle]{Data: list, Total: len(list)}, nil
}

func handleVehicleCreate(c *Call) (any, error) {
	var in domain.VehicleCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	return c.app.VehicleCreate(c.R.Context(), c.Actor(""), sa, in)
}

func handleVehicleSignal(c *Call) (any, error) {
	var sig domain.Signal
	if err := c.Decode(&sig); err != nil {
		return nil, err
	}
	v, err := c.vehicle()
	if err != nil {
		return nil, err
	}
	return c.app.VehicleSignal(c.R.Context(), c.Actor(""), v.ID, sig)
}

func handleVehicleStatus(c *Call) (any, error) {
	var in statusInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	v, err := c.vehicle()
	if err != nil {
		return nil, err
	}
	return c.app.VehicleSetStatus(c.R.Context(), c.Actor(""), v.ID, in.Status)
}

func handlePaymentMethodAdd(c *Call) (any, error) {
	var in domain.PaymentMethodCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	return c.app.PaymentMethodAdd(c.R.Context(), c.Actor(""), cust, in)
}

// paymentMethod loads the card of the path and authorizes its customer's
// subaccount.
func (c *Call) paymentMethod() (*domain.PaymentMethod, *domain.Customer, error) {
	p, err := c.app.Store.PaymentMethodGet(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	cust, err := c.app.Store.CustomerGet(c.R.Context(), p.CustomerID)
	if err != nil {
		return nil, nil, err
	}
	if err := c.Authorize(cust.SubaccountID); err != nil {
		return nil, nil, err
	}
	return p, cust, nil
}

func handlePaymentMethodDefault(c *Call) (any, error) {
	p, cust, err := c.paymentMethod()
	if err != nil {
		return nil, err
	}
	if err := c.app.Store.PaymentMethodSetDefault(c.R.Context(), c.Actor(""), cust.SubaccountID, p); err != nil {
		return nil, err
	}
	return c.app.Store.PaymentMethodGet(c.R.Context(), p.ID)
}

func handlePaymentMethodRemove(c *Call) (any, error) {
	p, cust, err := c.paymentMethod()
	if err != nil {
		return nil, err
	}
	return p, c.app.Store.PaymentMethodRemove(c.R.Context(), c.Actor(""), cust.SubaccountID, p)
}

func handleSubscriptionAdd(c *Call) (any, error) {
	var in domain.SubscriptionCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	return c.app.SubscriptionAdd(c.R.Context(), c.Actor(""), cust, in)
}

func handlePackageAdd(c *Call) (any, error) {
	var in domain.PackageCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	return c.app.PackageAdd(c.R.Context(), c.Actor(""), cust, in)
}

func handlePromoAdd(c *Call) (any, error) {
	var in domain.PromoCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	return c.app.PromoAdd(c.R.Context(), c.Actor(""), cust, in)
}

func handleEligibility(c *Call) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	checks, err := c.app.RideEligibility(c.R.Context(), cust, c.R.URL.Query().Get("vehicle"))
	if err != nil {
		return nil, err
	}
	ok := true
	for _, ch := range checks {
		ok = ok && ch.Pass
	}
	return eligibilityResponse{Eligible: ok, Checks: checks}, nil
}

func handleRideStart(c *Call) (any, error) {
	var in rideInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	startedBy := "operator"
	if c.P.TokenID != "" {
		startedBy = "app"
	}
	return c.app.RideStart(c.R.Context(), c.Actor(""), cust, in.Vehicle, startedBy)
}

func handleRideList(c *Call) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	q := c.R.URL.Query()
	f := store.RideFilter{CustomerID: cust.ID, Status: q.Get("status"), Cursor: q.Get("cursor")}
	var v domain.Validation
	f.From = dateParam(&v, q, "from", time.UTC, false)
	f.To = dateParam(&v, q, "to", time.UTC, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if f.Limit, err = c.Limit(); err != nil {
		return nil, err
	}
	return c.app.Store.RideList(c.R.Context(), f)
}

func handleRideEnd(c *Call) (any, error) {
	r, err := c.ride()
	if err != nil {
		return nil, err
	}
	return c.app.RideEnd(c.R.Context(), c.Actor(""), r.ID)
}

package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

type rideJSON struct {
	ID            string          `json:"id"`
	CustomerID    string          `json:"customer_id"`
	VehicleID     string          `json:"vehicle_id"`
	Status        string          `json:"status"`
	StartedAt     string          `json:"started_at"`
	EndedAt       *string         `json:"ended_at"`
	DurationS     int64           `json:"duration_s"`
	DistanceM     int64           `json:"distance_m"`
	Price         int64           `json:"price"`
	AmountCharged int64           `json:"amount_charged"`
	Charges       []domain.Charge `json:"charges"`
	StartedBy     string          `json:"started_by"`
}

func decodeRide(t *testing.T, r response) rideJSON {
	t.Helper()
	var ride rideJSON
	if err := json.Unmarshal(r.Body, &ride); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return ride
}

func (f *fixture) startRideAPI(t *testing.T, customerID, vehicle string) response {
	t.Helper()
	return f.post("/api/v1/customers/"+customerID+"/rides", f.tokens[domain.RoleFleetManager], fmt.Sprintf(`{"vehicle":%q}`, vehicle))
}

func TestARideFromStartToCharge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		fm := f.tokens[domain.RoleFleetManager]
		c := customerIn(f, f.own)
		f.credit(c, 1000)
		v := vehicleIn(f, f.own)
		r := f.startRideAPI(t, c.ID, v.IMEI) // a vehicle may be named by its IMEI
		expectStatus(t, r, 201)
		ride := decodeRide(t, r)
		if ride.Status != "active" || ride.VehicleID != v.ID || ride.StartedBy != "app" {
			t.Errorf("started: %+v", ride)
		}
		prof := f.get("/api/v1/customers/"+c.ID, fm)
		var withRide struct {
			ActiveRide *rideJSON `json:"active_ride"`
		}
		json.Unmarshal(prof.Body, &withRide)
		if withRide.ActiveRide == nil || withRide.ActiveRide.ID != ride.ID {
			t.Errorf("the profile does not show the active ride: %s", prof.Body)
		}
		var veh domain.Vehicle
		json.Unmarshal(f.get("/api/v1/vehicles/"+v.ID, fm).Body, &veh)
		if veh.Status != domain.VehicleInUse {
			t.Errorf("vehicle status %s", veh.Status)
		}
		// The telemetry moves the scooter about 111 m north.
		expectStatus(t, f.post("/api/v1/vehicles/"+v.ID+"/signal", f.tokens[domain.RoleAdmin], `{"lat":52.521,"lon":13.405,"battery":85}`), 200)
		r = f.post("/api/v1/rides/"+ride.ID+"/end", fm, "")
		expectStatus(t, r, 200)
		ended := decodeRide(t, r)
		// One started minute: unlock 100 + 25 per minute.
		if ended.Status != "completed" || ended.EndedAt == nil || ended.Price != 125 || ended.AmountCharged != 125 ||
			len(ended.Charges) != 1 || ended.Charges[0] != (domain.Charge{Source: "wallet", Amount: 125}) {
			t.Errorf("ended: %s", r.Body)
		}
		if ended.DistanceM < 100 || ended.DistanceM > 125 {
			t.Errorf("distance %d m, want about 111", ended.DistanceM)
		}
		got := decodeCustomer(t, f.get("/api/v1/customers/"+c.ID, fm))
		if got.Status != "active" || got.WalletBalance != 875 || got.ActiveRide != nil {
			t.Errorf("after the ride: %+v", got)
		}
		expectProblem(t, f.post("/api/v1/rides/"+ride.ID+"/end", fm, ""), 409, domain.ECodeRideNotActive)
		var list struct {
			Data  []rideJSON `json:"data"`
			Total int        `json:"total"`
		}
		json.Unmarshal(f.get("/api/v1/customers/"+c.ID+"/rides?status=completed", fm).Body, &list)
		if list.Total != 1 || list.Data[0].ID != ride.ID {
			t.Errorf("rides list: %+v", list)
		}
		var ledger struct {
			Data []map[string]any `json:"data"`
		}
		json.Unmarshal(f.get("/api/v1/customers/"+c.ID+"/wallet/transactions?kind=ride_charge", f.tokens[domain.RoleAdmin]).Body, &ledger)
		if len(ledger.Data) != 1 || ledger.Data[0]["amount"] != float64(-125) {
			t.Errorf("ride charges in the ledger: %v", ledger.Data)
		}
		f.checkLedger(t)
	})
}

func TestEachRefusalHasItsOwnCode(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		admin := f.tokens[domain.RoleAdmin]
		ctx := context.Background()
		sys := domain.Actor{Principal: domain.SystemPrincipal}

		poor := customerIn(f, f.own)
		expectProblem(t, f.startRideAPI(t, poor.ID, vehicleIn(f, f.own).Code), 409, domain.ECodeInsufficientBalance)

		blocked := customerIn(f, f.own)
		f.credit(blocked, 1000)
		f.post("/api/v1/customers/"+blocked.ID+"/block", admin, `{"reason":"fraud"}`)
		expectProblem(t, f.startRideAPI(t, blocked.ID, vehicleIn(f, f.own).Code), 409, domain.ECodeCustomerBlocked)

		unverified := customerIn(f, f.own)
		f.credit(unverified, 1000)
		f.post("/api/v1/customers/"+unverified.ID+"/identity/require", admin, `{"reason":"risk"}`)
		expectProblem(t, f.startRideAPI(t, unverified.ID, vehicleIn(f, f.own).Code), 409, domain.ECodeIdentityRequired)

		rich := customerIn(f, f.own)
		f.credit(rich, 5000)
		silent, _ := f.app.VehicleCreate(ctx, sys, f.own, domain.VehicleCreate{Code: "SILENT-1", IMEI: "490154203237518"})
		expectProblem(t, f.startRideAPI(t, rich.ID, silent.Code), 409, domain.ECodeVehicleOffline)
		broken := vehicleIn(f, f.own)
		f.post("/api/v1/vehicles/"+broken.ID+"/status", admin, `{"status":"maintenance"}`)
		expectProblem(t, f.startRideAPI(t, rich.ID, broken.Code), 409, domain.ECodeVehicleUnavailable)
		expectProblem(t, f.startRideAPI(t, rich.ID, "NO-SUCH"), 422, domain.ECodeValidation)
		foreignVehicle := vehicleIn(f, f.foreign)
		expectProblem(t, f.startRideAPI(t, rich.ID, foreignVehicle.Code), 422, domain.ECodeValidation)

		expectStatus(t, f.startRideAPI(t, rich.ID, vehicleIn(f, f.own).Code), 201)
		expectProblem(t, f.startRideAPI(t, rich.ID, vehicleIn(f, f.own).Code), 409, domain.ECodeRideAlreadyActive)

		// The explainer lists every rule as pass or fail.
		var el struct {
			Eligible bool           `json:"eligible"`
			Checks   []domain.Check `json:"checks"`
		}
		json.Unmarshal(f.get("/api/v1/customers/"+blocked.ID+"/eligibility?vehicle="+silent.Code, admin).Body, &el)
		failed := map[string]bool{}
		for _, ch := range el.Checks {
			if !ch.Pass {
				failed[ch.Code] = true
			}
		}
		if el.Eligible || len(el.Checks) != 7 || !failed[domain.ECodeCustomerBlocked] || !failed[domain.ECodeVehicleOffline] {
			t.Errorf("explainer: %+v", el)
		}
	})
}

func TestConcurrentStartsLeaveOneActiveRide(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		v := vehicleIn(f, f.own)
		var custs []*domain.Customer
		for range 8 {
			c := customerIn(f, f.own)
			f.credit(c, 1000)
			custs = append(custs, c)
		}
		race := func(start func(i int) int) int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if start(i) == 201 {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			return ok
		}
		if n := race(func(i int) int { return f.startRideAPI(t, custs[i].ID, v.Code).Status }); n != 1 {
			t.Errorf("%d rides started on one vehicle", n)
		}
		var vehicles []*domain.Vehicle
		for range 8 {
			vehicles = append(vehicles, vehicleIn(f, f.own))
		}
		lone := custs[7]
		if active, _ := f.app.Store.RideActive(context.Background(), lone.ID); active != nil {
			lone = custs[6]
			if active, _ := f.app.Store.RideActive(context.Background(), lone.ID); active != nil {
				t.Fatal("two customers rode one vehicle")
			}
		}
		if n := race(func(i int) int { return f.startRideAPI(t, lone.ID, vehicles[i].Code).Status }); n != 1 {
			t.Errorf("%d rides started for one customer", n)
		}
	})
}

func TestPaymentOrderPackagesBonusWalletCard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		admin := f.tokens[domain.RoleAdmin]
		c := customerIn(f, f.own)
		f.wallet(t, admin, c.ID, "credit", `{"amount":20}`)
		f.wallet(t, admin, c.ID, "bonus", `{"amount":30,"note":"promo"}`)
		expectStatus(t, f.post("/api/v1/customers/"+c.ID+"/payment-methods", admin,
			`{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030,"verification_status":"verified"}`), 201)
		// A fixed promo of 50 and no package: 125 - 50 = 75 = bonus 30, wallet 20, card 25.
		expectStatus(t, f.post("/api/v1/customers/"+c.ID+"/promo-redemptions", admin,
			`{"code":"SPRING","discount_type":"fixed_amount","discount_value":50}`), 201)
		r := f.startRideAPI(t, c.ID, vehicleIn(f, f.own).Code)
		expectStatus(t, r, 201)
		ended := decodeRide(t, f.post("/api/v1/rides/"+decodeRide(t, r).ID+"/end", admin, ""))
		want := []domain.Charge{{Source: "bonus", Amount: 30}, {Source: "wallet", Amount: 20}, {Source: "card", Amount: 25}}
		if ended.Price != 75 || fmt.Sprint(ended.Charges) != fmt.Sprint(want) {
			t.Errorf("charges %v (price %d), want %v", ended.Charges, ended.Price, want)
		}
		var promos struct{ Data []domain.PromoRedemption }
		json.Unmarshal(f.get("/api/v1/customers/"+c.ID+"/promo-redemptions", admin).Body, &promos)
		if len(promos.Data) != 1 || promos.Data[0].AppliedTo != ended.ID {
			t.Errorf("the promo is not applied to the ride: %+v", promos.Data)
		}
		// A package pays minutes first; the unlock fee falls to the wallet,
		// which, without a card, goes negative.
		d := customerIn(f, f.own)
		expectStatus(t, f.post("/api/v1/customers/"+d.ID+"/packages", admin,
			`{"package_name":"30 minutes","amount_paid":500,"minutes_included":30}`), 201)
		expectStatus(t, f.post("/api/v1/customers/"+d.ID+"/payment-methods", admin,
			`{"brand":"visa","last4":"0002","exp_month":1,"exp_year":2020}`), 201)
		r = f.startRideAPI(t, d.ID, vehicleIn(f, f.own).Code) // an active package and a saved card lift the minimum
		expectStatus(t, r, 201)
		ended = decodeRide(t, f.post("/api/v1/rides/"+decodeRide(t, r).ID+"/end", admin, ""))
		want = []domain.Charge{{Source: "package", Amount: 25}, {Source: "wallet", Amount: 100}}
		if fmt.Sprint(ended.Charges) != fmt.Sprint(want) {
			t.Errorf("charges %v, want %v", ended.Charges, want)
		}
		if got := decodeCustomer(t, f.get("/api/v1/customers/"+d.ID, admin)); got.WalletBalance != -100 {
			t.Errorf("wallet %d, want -100", got.WalletBalance)
		}
		var pkgs struct{ Data []domain.PackagePurchase }
		json.Unmarshal(f.get("/api/v1/customers/"+d.ID+"/packages", admin).Body, &pkgs)
		if len(pkgs.Data) != 1 || pkgs.Data[0].MinutesRemaining != 29 || pkgs.Data[0].Status != "active" {
			t.Errorf("package after the ride: %+v", pkgs.Data)
		}
		f.checkLedger(t)
	})
}

func TestABlockedCustomersRideContinuesButPurchasesAreRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		admin := f.tokens[domain.RoleAdmin]
		c, ride := startRide(f, f.own)
		expectStatus(t, f.post("/api/v1/customers/"+c.ID+"/block", admin, `{"reason":"chargeback"}`), 200)
		expectProblem(t, f.post("/api/v1/customers/"+c.ID+"/subscriptions", admin, `{"package_name":"Monthly","amount":999}`),
			409, domain.ECodeCustomerBlocked)
		expectProblem(t, f.post("/api/v1/customers/"+c.ID+"/packages", admin,
			`{"package_name":"Pack","amount_paid":100,"minutes_included":10}`), 409, domain.ECodeCustomerBlocked)
		r := f.post("/api/v1/rides/"+ride.ID+"/end", admin, "")
		expectStatus(t, r, 200)
		if got := decodeCustomer(t, f.get("/api/v1/customers/"+c.ID, admin)); got.Status != "blocked" {
			t.Errorf("status after the ride %s", got.Status)
		}
	})
}

func TestPaymentMethodsKeepOneDefault(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		admin := f.tokens[domain.RoleAdmin]
		c := customerIn(f, f.own)
		add := func(body string) domain.PaymentMethod {
			r := f.post("/api/v1/customers/"+c.ID+"/payment-methods", admin, body)
			expectStatus(t, r, 201)
			var p domain.PaymentMethod
			json.Unmarshal(r.Body, &p)
			return p
		}
		first := add(`{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}`)
		old := add(`{"brand":"mastercard","last4":"5555","exp_month":3,"exp_year":2021}`)
		if !first.Default || old.Default || old.Status != "expired" || first.Status != "active" {
			t.Errorf("first %+v, old %+v", first, old)
		}
		expectStatus(t, f.post("/api/v1/payment-methods/"+old.ID+"/default", admin, ""), 200)
		expectStatus(t, f.do(req{Method: "DELETE", Path: "/api/v1/payment-methods/" + old.ID, Token: admin}), 200)
		var list struct{ Data []domain.PaymentMethod }
		json.Unmarshal(f.get("/api/v1/customers/"+c.ID+"/payment-methods", admin).Body, &list)
		if len(list.Data) != 1 || !list.Data[0].Default || list.Data[0].ID != first.ID {
			t.Errorf("after removing the default: %+v", list.Data)
		}
		expectProblem(t, f.post("/api/v1/customers/"+c.ID+"/payment-methods", admin,
			`{"brand":"","last4":"12","exp_month":13,"exp_year":99}`), 422, domain.ECodeValidation)
	})
}

func TestEndingARideWithARetriedKeyReplaysTheCharge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		_, ride := startRide(f, f.own)
		end := func() response {
			return f.do(req{Method: "POST", Path: "/api/v1/rides/" + ride.ID + "/end", Token: f.tokens[domain.RoleAdmin],
				Header: map[string]string{"Idempotency-Key": "end-" + ride.ID}})
		}
		first := end()
		expectStatus(t, first, 200)
		second := end()
		expectStatus(t, second, 200)
		if string(first.Body) != string(second.Body) {
			t.Errorf("the retry answered differently:\n%s\n%s", first.Body, second.Body)
		}
		f.checkLedger(t)
	})
}

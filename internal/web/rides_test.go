package web_test

// The vehicle and ride pages over HTTP: the fleet list with its search,
// registration and status changes; the profile's payment methods, plans,
// promo codes and recent rides; Start Trip with its checklist, the active
// ride banner and End Trip; the ride page and the customer's rides. They
// use the subaccount potsdam of customers_test.go.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

var imeis atomic.Int64

// vehicle registers a vehicle in potsdam; online gives it a signal now.
func (d *custDash) vehicle(code string, online bool) *domain.Vehicle {
	d.t.Helper()
	ctx := context.Background()
	v, err := d.app.VehicleCreate(ctx, system, d.sa, domain.VehicleCreate{Code: code,
		IMEI: fmt.Sprintf("%015d", 359000000000000+imeis.Add(1)), Model: "Ninebot Max G30"})
	if err != nil {
		d.t.Fatal(err)
	}
	if online {
		if v, err = d.app.VehicleSignal(ctx, system, v.ID, domain.Signal{Lat: 52.39, Lon: 13.06, Battery: 87}); err != nil {
			d.t.Fatal(err)
		}
	}
	return v
}

// funded is a customer with €20 in the wallet.
func (d *custDash) funded(name string) *domain.Customer {
	d.t.Helper()
	c := d.create(domain.CustomerCreate{Name: name, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com"})
	d.balances(c, 2000, 0)
	return d.reload(c)
}

// rideDone starts and ends a ride of c on v, as the app would.
func (d *custDash) rideDone(c *domain.Customer, v *domain.Vehicle) *domain.Ride {
	d.t.Helper()
	ctx := context.Background()
	r, err := d.app.RideStart(ctx, system, d.reload(c), v.ID, "app")
	if err != nil {
		d.t.Fatal(err)
	}
	if r, err = d.app.RideEnd(ctx, system, r.ID); err != nil {
		d.t.Fatal(err)
	}
	return r
}

func TestVehiclesPageListsSearchesAndShowsOnlineStatusAndBattery(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		p := d.get("/vehicles?subaccount=potsdam")
		if p.status != http.StatusOK {
			t.Fatalf("vehicles: %d", p.status)
		}
		wantIn(t, p.body, "No vehicles yet.", "Register the first vehicle with its code and IMEI.",
			`<form method="post" action="/vehicles?subaccount=potsdam"`, `name="code"`, `name="imei"`, `name="model"`)

		blue := d.vehicle("BLUE-1", true)
		d.vehicle("RED-2", false)
		p = d.get("/vehicles?subaccount=potsdam")
		wantIn(t, p.body, `<strong class="vehicle-code">BLUE-1</strong>`, `<strong class="vehicle-code">RED-2</strong>`,
			"<code>"+blue.IMEI+"</code>", `<span class="badge badge-green vehicle-status">Available</span>`,
			`<span class="badge badge-green vehicle-online" title="Last signal `, `>Online</span>`,
			`<span class="badge badge-gray vehicle-online" title="No signal yet">Offline</span>`, ">87%<", ">Never<")
		wantNotIn(t, p.body, "No vehicles yet.")

		// Search finds a code or a part of an IMEI.
		p = d.get("/vehicles?subaccount=potsdam&q=blue")
		wantIn(t, p.body, "BLUE-1", `name="q" value="blue"`)
		wantNotIn(t, p.body, "RED-2")
		p = d.get("/vehicles?subaccount=potsdam&q=" + blue.IMEI[9:])
		wantIn(t, p.body, "BLUE-1")
		wantNotIn(t, p.body, "RED-2")
		p = d.get("/vehicles?subaccount=potsdam&q=green")
		wantIn(t, p.body, "No vehicle matches green.", "Show all vehicles")

		// Maintenance asks first, and the list shows it.
		p = d.get("/vehicles?subaccount=potsdam")
		wantIn(t, p.body, `data-confirm="Send vehicle BLUE-1 to maintenance? It cannot be ridden until it is available again."`)
		done := d.follow(d.post("/vehicles/"+blue.ID+"/status", url.Values{"status": {"maintenance"}}))
		wantIn(t, done.body, "Vehicle BLUE-1: Maintenance.", `<span class="badge badge-amber vehicle-status">Maintenance</span>`)
		if bad := d.follow(d.post("/vehicles/"+blue.ID+"/status", url.Values{"status": {"in_use"}})); !strings.Contains(bad.body, "Choose available, maintenance or retired.") {
			t.Error("setting in_use by hand is not refused readably")
		}
	})
}

func TestRegisteringAVehicleWithATakenCodeShowsTheFieldError(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.vehicle("SC-1042", true)
		p := d.post("/vehicles?subaccount=potsdam", url.Values{"code": {"sc-1042"}, "imei": {"359111111111111"}, "model": {"G30"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("taken code: %d", p.status)
		}
		wantIn(t, p.body, `<p class="field-error" id="vehicle-code-error">Another vehicle of this subaccount has this code.</p>`,
			`aria-invalid="true" aria-describedby="vehicle-code-error"`, `name="code" value="SC-1042"`,
			`name="imei" value="359111111111111"`, `name="model" value="G30"`, `<details class="card vehicle-register" open>`)
		wantNotIn(t, p.body, `id="vehicle-imei-error"`)

		p = d.post("/vehicles?subaccount=potsdam", url.Values{"code": {"x"}, "imei": {"12"}})
		wantIn(t, p.body, "Use 2 to 32 letters, digits or dashes.", "Enter the 15 digits of the IMEI.")

		p = d.follow(d.post("/vehicles?subaccount=potsdam", url.Values{"code": {"sc-2001"}, "imei": {"359111111111111"}}))
		wantIn(t, p.body, "Vehicle SC-2001 is registered.", `<strong class="vehicle-code">SC-2001</strong>`)
	})
}

func TestAServiceTechnicianOpensARideButNotTheCustomerProfile(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.funded("Greta Fahrer")
		ride := d.rideDone(c, d.vehicle("SC-7", true))
		tech := d.operator("tech@example.com", domain.RoleServiceTechnician, "potsdam")
		head := map[string]string{"Accept-Language": "en"}

		p := d.send("GET", "/rides/"+ride.ID, nil, head, tech)
		if p.status != http.StatusOK {
			t.Fatalf("the technician's ride page: %d", p.status)
		}
		wantIn(t, p.body, "Greta Fahrer", `<span class="badge badge-green" id="ride-status">Completed</span>`,
			`href="/vehicles?subaccount=potsdam&amp;q=SC-7" id="ride-vehicle">SC-7</a>`, "Customer app")
		wantNotIn(t, p.body, `href="/customers/`+c.ID+`"`, `id="ride-end-trip"`)
		if p := d.send("GET", "/customers/"+c.ID, nil, head, tech); p.status != http.StatusForbidden {
			t.Errorf("the technician opens the profile: %d", p.status)
		}
		if p := d.send("POST", "/customers/"+c.ID+"/rides", url.Values{"vehicle": {"SC-7"}}, head, tech); p.status != http.StatusForbidden {
			t.Errorf("the technician starts a trip: %d", p.status)
		}
	})
}

func TestProfileShowsPaymentMethodsWithDefaultBadgeAndExpiredStatus(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		ctx := context.Background()
		c := d.create(domain.CustomerCreate{Name: "Hanna Karte", Email: "hanna@example.com"})
		visa, err := d.app.PaymentMethodAdd(ctx, system, c, domain.PaymentMethodCreate{Brand: "visa", Last4: "4242",
			ExpMonth: 8, ExpYear: 2099, VerificationStatus: "verified"})
		if err != nil {
			t.Fatal(err)
		}
		old, err := d.app.PaymentMethodAdd(ctx, system, c, domain.PaymentMethodCreate{Brand: "mastercard", Last4: "4444",
			ExpMonth: 1, ExpYear: 2020})
		if err != nil {
			t.Fatal(err)
		}
		end := time.Now().AddDate(0, 1, 0)
		if _, err := d.app.SubscriptionAdd(ctx, system, c, domain.SubscriptionCreate{PackageName: "Commuter", EndDate: &end,
			Amount: 1999, RidesIncluded: 30, ProviderRef: "sub_1Nx"}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.app.PackageAdd(ctx, system, c, domain.PackageCreate{PackageName: "100 minutes", AmountPaid: 1500,
			MinutesIncluded: 100}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.app.PromoAdd(ctx, system, c, domain.PromoCreate{Code: "spring10", DiscountType: "percentage",
			DiscountValue: 10}); err != nil {
			t.Fatal(err)
		}

		p := d.get("/customers/" + c.ID)
		wantIn(t, p.body,
			`<tr id="pm-`+visa.ID+`">`, `<span class="card-brand">Visa</span> <span class="card-last4">•••• 4242</span> <span class="badge badge-blue card-default">Default</span>`,
			"08/2099", `<span class="badge badge-green card-status">Active</span>`, `<span class="badge badge-green">Verified</span>`,
			`<span class="card-brand">Mastercard</span> <span class="card-last4">•••• 4444</span></td>`,
			"01/2020", `<span class="badge badge-red card-status">Expired</span>`, `<span class="badge badge-gray">Unverified</span>`,
			`action="/customers/`+c.ID+`/payment-methods/`+old.ID+`/default"`,
			`data-confirm="Remove the Mastercard card ending in 4444? It can no longer pay for rides."`,
			// Subscriptions, packages and promo codes, with the seed's columns.
			"Commuter", "Monthly", "€19.99", ">30<", "<code>sub_1Nx</code>",
			"100 minutes", "€15.00", ">100<", "Never",
			"<code>SPRING10</code>", "Percentage off", ">10%<", "The next ride", "Potsdam Scooters",
			"No rides yet.")
		wantNotIn(t, p.body, `/payment-methods/`+visa.ID+`/default"`)

		p = d.follow(d.post("/customers/"+c.ID+"/payment-methods/"+old.ID+"/default", url.Values{}))
		wantIn(t, p.body, "The Mastercard card ending in 4444 is now the default.",
			`•••• 4444</span> <span class="badge badge-blue card-default">Default</span>`)
		p = d.follow(d.post("/customers/"+c.ID+"/payment-methods/"+visa.ID+"/remove", url.Values{}))
		wantIn(t, p.body, "The Visa card ending in 4242 is removed.")
		wantNotIn(t, p.body, "•••• 4242")

		// Another customer's card is not found through this customer.
		other := d.create(domain.CustomerCreate{Name: "Ida Fremd"})
		if p := d.post("/customers/"+other.ID+"/payment-methods/"+old.ID+"/remove", url.Values{}); p.status != http.StatusNotFound {
			t.Errorf("removing another customer's card: %d", p.status)
		}
	})
}

func TestStartingATripForABlockedCustomerFlashesTheReasonAndStartsNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.funded("Jonas Sperre")
		d.act(c, app.ActionBlock, "Chargeback on the card")
		v := d.vehicle("SC-9", true)

		// The checklist says so before the operator confirms.
		p := d.get("/customers/" + c.ID + "/rides/new?q=SC-9&vehicle=" + v.ID)
		wantIn(t, p.body, `<li class="fail" data-rule="not_blocked">`, "The customer is blocked: Chargeback on the card",
			`id="ride-start-confirm" disabled`, "A trip cannot start until every check passes.")

		// A start posted anyway is refused with the reason.
		p = d.follow(d.post("/customers/"+c.ID+"/rides", url.Values{"vehicle": {"SC-9"}}))
		wantIn(t, p.body, `<div class="flash flash-error" role="status">The customer is blocked: Chargeback on the card`)
		wantNotIn(t, p.body, `id="banner-ride"`)
		if r, err := d.app.Store.RideActive(context.Background(), c.ID); err != nil || r != nil {
			t.Errorf("a ride started for a blocked customer: %v %v", r, err)
		}
		// So is a vehicle that does not exist, or none.
		p = d.follow(d.post("/customers/"+c.ID+"/rides", url.Values{"vehicle": {"NOPE-1"}}))
		wantIn(t, p.body, "There is no vehicle NOPE-1 in this subaccount.")
		p = d.follow(d.post("/customers/"+c.ID+"/rides", url.Values{"vehicle": {""}}))
		wantIn(t, p.body, "Choose a vehicle: its code, ID or IMEI.")
	})
}

func TestStartTripShowsTheChecklistThenTheBannerAndEndTripCharges(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.funded("Klara Fahrt")
		v := d.vehicle("SC-1042", true)
		d.vehicle("SC-1043", false)

		p := d.get("/customers/" + c.ID)
		wantIn(t, p.body, `id="action-start-trip" href="/customers/`+c.ID+`/rides/new" data-ride-start>Start Trip</a>`,
			`<dialog id="ride-start-dialog"`)

		// The dialog's body: a search, its vehicles, and the checklist of the chosen one.
		p = d.send("GET", "/customers/"+c.ID+"/rides/new?q=SC-104", nil, map[string]string{"X-Partial": "ride-start",
			"Accept-Language": "en"}, d.session)
		if p.status != http.StatusOK || strings.Contains(p.body, "<html") {
			t.Fatalf("the dialog's body: %d, whole page: %v", p.status, strings.Contains(p.body, "<html"))
		}
		wantIn(t, p.body, `name="vehicle" value="`+v.ID+`"`, `data-code="SC-1043"`, "Battery 87%")
		wantNotIn(t, p.body, `id="ride-checklist"`)
		p = d.get("/customers/" + c.ID + "/rides/new?q=SC-104&vehicle=" + v.ID)
		if n := strings.Count(p.body, `<li class="pass"`); n != 7 || strings.Contains(p.body, `<li class="fail"`) {
			t.Errorf("checklist: %d rules pass, want all 7\n%s", n, p.body)
		}
		wantIn(t, p.body, "Vehicle SC-1042 is available.", "Vehicle SC-1042 signalled within the last hour.",
			"Every check passes: Klara Fahrt may ride vehicle SC-1042.", `<input type="hidden" name="vehicle" value="`+v.ID+`">`)
		wantNotIn(t, p.body, `id="ride-start-confirm" disabled`)
		// An id finds its vehicle too; an offline one fails its rule.
		p = d.get("/customers/" + c.ID + "/rides/new?q=" + v.ID)
		wantIn(t, p.body, `data-code="SC-1042"`)
		p = d.get("/customers/" + c.ID + "/rides/new?vehicle=SC-1043")
		wantIn(t, p.body, `<li class="fail" data-rule="vehicle_online">`, "Vehicle SC-1043 is offline: it has not signalled yet.")

		// Confirming starts the trip; the banner leads the profile.
		p = d.follow(d.post("/customers/"+c.ID+"/rides", url.Values{"vehicle": {v.ID}}))
		wantIn(t, p.body, "Trip started for Klara Fahrt on vehicle SC-1042.",
			`<div class="banner banner-amber ride-banner" role="status" id="banner-ride">`,
			"<strong>Customer has an active ride</strong>", `id="banner-end-trip">End Trip</button>`,
			`id="action-end-trip">End Trip</button>`,
			`data-confirm="End the ride on vehicle SC-1042 now? It is charged at once."`)
		wantNotIn(t, p.body, `id="action-start-trip"`)
		if strings.Index(p.body, `id="banner-ride"`) > strings.Index(p.body, "<h1>") {
			t.Error("the active ride banner is not at the top of the profile")
		}
		ride, err := d.app.Store.RideActive(context.Background(), c.ID)
		if err != nil || ride == nil || ride.StartedBy != "operator" {
			t.Fatalf("active ride: %+v %v", ride, err)
		}
		wantIn(t, p.body, `href="/rides/`+ride.ID+`" id="banner-ride-link">View ride</a>`)
		p = d.get("/rides/" + ride.ID)
		wantIn(t, p.body, `id="ride-status">Active</span>`, "Still running", "The ride is paid for when it ends.",
			`id="ride-started-by">Operator<`, `id="ride-end-trip">End Trip</button>`)

		// A second start is refused while the ride runs.
		p = d.follow(d.post("/customers/"+c.ID+"/rides", url.Values{"vehicle": {"SC-1042"}}))
		wantIn(t, p.body, "Vehicle SC-1042 is not available: In use.")

		// End Trip charges and goes back to the profile: €1.00 to unlock, €0.25 a started minute.
		p = d.follow(d.post("/rides/"+ride.ID+"/end", url.Values{}))
		wantIn(t, p.body, "The ride on vehicle SC-1042 has ended. Charged: €1.25.",
			`<tr id="ride-`+ride.ID+`">`, `<span class="badge badge-green">Completed</span>`,
			`<td class="num money ride-amount" data-label="Amount charged">€1.25</td>`,
			`href="/customers/`+c.ID+`/rides" id="all-rides">All rides (1)</a>`, "€18.75")
		wantNotIn(t, p.body, `id="banner-ride"`)
		p = d.get("/rides/" + ride.ID)
		wantIn(t, p.body, `id="ride-price">€1.25<`, `id="ride-amount"><strong>€1.25</strong>`,
			`<li><span>Wallet</span> <span class="money">€1.25</span></li>`)
		p = d.follow(d.post("/rides/"+ride.ID+"/end", url.Values{}))
		wantIn(t, p.body, "This ride has ended already.")
	})
}

func TestCustomerRidesFilterByStatusAndDateInCursorPages(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.funded("Lena Viel")
		v := d.vehicle("SC-5", true)
		var rides []*domain.Ride
		for range 3 {
			rides = append(rides, d.rideDone(c, v))
		}
		base := "/customers/" + c.ID + "/rides?subaccount=potsdam"
		p := d.get(base + "&limit=2")
		wantIn(t, p.body, "Rides of Lena Viel", "3 rides", rides[2].ID, rides[1].ID)
		wantNotIn(t, p.body, rides[0].ID)
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body)
		if next == nil {
			t.Fatal("no next page")
		}
		p = d.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		wantIn(t, p.body, rides[0].ID, "First page")
		wantNotIn(t, p.body, rides[1].ID)

		// Days are the subaccount's: Potsdam's.
		berlin := mustZone(t, "Europe/Berlin")
		first, last := rides[0].StartedAt.In(berlin), rides[2].StartedAt.In(berlin)
		for query, want := range map[string]int{
			"&status=completed": 3,
			"&status=active":    0,
			"&from=" + first.Format("2006-01-02") + "&to=" + last.Format("2006-01-02"): 3,
			"&from=" + last.AddDate(0, 0, 1).Format("2006-01-02"):                      0,
		} {
			p := d.get(base + query)
			if got := strings.Count(p.body, `class="ride-link"`); got != want {
				t.Errorf("%s lists %d rides, want %d", query, got, want)
			}
		}
		wantIn(t, d.get(base+"&status=active").body, "No rides match these filters.")
		wantIn(t, d.get(base+"&from=yesterday").body, "Enter dates as YYYY-MM-DD.")
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestARideOrVehicleOfAnotherSubaccountIsNotFound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.funded("Mia Fremd")
		v := d.vehicle("SC-3", true)
		ride := d.rideDone(c, v)
		berlin := d.operator("berlin-admin@example.com", domain.RoleAdmin, "berlin")
		head := map[string]string{"Accept-Language": "en"}
		for _, req := range []struct{ method, path string }{
			{"GET", "/rides/" + ride.ID},
			{"POST", "/rides/" + ride.ID + "/end"},
			{"GET", "/customers/" + c.ID + "/rides"},
			{"POST", "/vehicles/" + v.ID + "/status"},
			{"GET", "/rides/ride_does_not_exist"},
		} {
			var form url.Values
			if req.method == "POST" {
				form = url.Values{"status": {"retired"}}
			}
			if p := d.send(req.method, req.path, form, head, berlin); p.status != http.StatusNotFound {
				t.Errorf("%s %s by an operator of berlin: %d, want 404", req.method, req.path, p.status)
			}
		}
		if got, _ := d.app.Store.VehicleGet(context.Background(), v.ID); got.Status != domain.VehicleAvailable {
			t.Errorf("the foreign operator changed the vehicle to %s", got.Status)
		}
		if p := d.get("/rides/" + ride.ID); p.status != http.StatusOK {
			t.Errorf("the super admin's ride page: %d", p.status)
		}
	})
}

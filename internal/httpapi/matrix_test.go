package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// target builds a request for one route, aimed at a subaccount, as the
// operator of a role. scoped says whether the route acts inside that
// subaccount, so that a foreign one must answer 404.
type target struct {
	scoped bool
	build  func(f *fixture, sa *domain.Subaccount, role domain.Role) req
}

// targets has one entry per API route. TestAccessMatrix fails for a route
// that has none, so a new route cannot skip the matrix.
var targets = map[string]target{
	"GET /api/v1/me":           {build: simple("GET", "/api/v1/me")},
	"GET /api/v1/openapi.json": {build: simple("GET", "/api/v1/openapi.json")},
	"GET /api/v1/subaccounts":  {build: simple("GET", "/api/v1/subaccounts")},
	"POST /api/v1/subaccounts": {build: func(f *fixture, _ *domain.Subaccount, _ domain.Role) req {
		return req{Method: "POST", Path: "/api/v1/subaccounts", Body: fmt.Sprintf(
			`{"slug":"fleet-%d","name":"Fleet","currency":"EUR","timezone":"Europe/Berlin","country":"DE"}`, seq.Add(1))}
	}},
	"GET /api/v1/subaccounts/{id}": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "GET", Path: "/api/v1/subaccounts/" + sa.ID}
	}},
	"GET /api/v1/operators": {build: simple("GET", "/api/v1/operators")},
	"POST /api/v1/operators": {build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "POST", Path: "/api/v1/operators", Body: fmt.Sprintf(
			`{"email":"new-%d@example.com","password":"long enough password","role":"viewer","subaccount":%q}`, seq.Add(1), sa.Slug)}
	}},
	"GET /api/v1/tokens": {build: simple("GET", "/api/v1/tokens")},
	"POST /api/v1/tokens": {build: func(*fixture, *domain.Subaccount, domain.Role) req {
		return req{Method: "POST", Path: "/api/v1/tokens", Body: `{"name":"matrix"}`}
	}},
	"DELETE /api/v1/tokens/{id}": {build: func(f *fixture, _ *domain.Subaccount, role domain.Role) req {
		// A fresh token of the caller's own, so that revoking it succeeds.
		_, t, err := f.app.TokenCreate(context.Background(), domain.Actor{Principal: domain.SystemPrincipal},
			f.ops[role].ID, "to revoke")
		if err != nil {
			f.t.Fatal(err)
		}
		return req{Method: "DELETE", Path: "/api/v1/tokens/" + t.ID}
	}},
	"GET /api/v1/customers": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "GET", Path: "/api/v1/customers?subaccount=" + sa.Slug + "&q=rider"}
	}},
	"GET /api/v1/customers/summary": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "GET", Path: "/api/v1/customers/summary?subaccount=" + sa.Slug}
	}},
	"POST /api/v1/customers": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "POST", Path: "/api/v1/customers?subaccount=" + sa.Slug, Body: `{"name":"Matrix Rider"}`}
	}},
	"GET /api/v1/customers/{id}":                             onCustomer("GET", "", ""),
	"PATCH /api/v1/customers/{id}":                           onCustomer("PATCH", "", `{"phone":"030 1234567","notes":"called"}`),
	"DELETE /api/v1/customers/{id}":                          onCustomer("DELETE", "", "confirm"),
	"POST /api/v1/customers/{id}/restore":                    onCustomer("POST", "/restore", "", app.ActionDelete),
	"POST /api/v1/customers/{id}/block":                      onCustomer("POST", "/block", `{"reason":"chargeback"}`),
	"POST /api/v1/customers/{id}/unblock":                    onCustomer("POST", "/unblock", "", app.ActionBlock),
	"POST /api/v1/customers/{id}/identity/verify":            onCustomer("POST", "/identity/verify", `{"notes":"passport seen"}`, app.ActionRequire),
	"POST /api/v1/customers/{id}/identity/clear-requirement": onCustomer("POST", "/identity/clear-requirement", "", app.ActionRequire),
	"POST /api/v1/customers/{id}/identity/require":           onCustomer("POST", "/identity/require", `{"reason":"risk"}`),
	"POST /api/v1/customers/{id}/wallet/credit":              onCustomer("POST", "/wallet/credit", `{"amount":500,"note":"goodwill"}`),
	"POST /api/v1/customers/{id}/wallet/bonus":               onCustomer("POST", "/wallet/bonus", `{"amount":200,"note":"referral"}`),
	"POST /api/v1/customers/{id}/wallet/fee":                 onCustomer("POST", "/wallet/fee", `{"amount":300,"note":"damage"}`),
	"POST /api/v1/customers/{id}/wallet/debit": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		f.credit(c, 1000)
		return req{Method: "POST", Path: "/api/v1/customers/" + c.ID + "/wallet/debit", Body: `{"amount":100,"note":"correction"}`}
	}},
	"POST /api/v1/customers/{id}/wallet/transactions/{txn}/reverse": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		e := f.credit(c, 1000)
		return req{Method: "POST", Path: "/api/v1/customers/" + c.ID + "/wallet/transactions/" + e.ID + "/reverse", Body: `{"note":"mistake"}`}
	}},
	"GET /api/v1/customers/{id}/wallet/transactions": onCustomer("GET", "/wallet/transactions", ""),
	"GET /api/v1/customers/{id}/notifications":       onCustomer("GET", "/notifications", ""),
	"POST /api/v1/wallet/bulk": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		return req{Method: "POST", Path: "/api/v1/wallet/bulk?subaccount=" + sa.Slug, Body: "customer_id,amount,note\n" + c.ID + ",1.00,x",
			Header: map[string]string{"Content-Type": "text/csv"}}
	}},
	"GET /api/v1/wallet/bulk/{id}":          onBatch("GET", ""),
	"GET /api/v1/wallet/bulk/{id}/results":  onBatch("GET", "/results"),
	"POST /api/v1/wallet/bulk/{id}/process": onBatch("POST", "/process"),
	"GET /api/v1/vehicles": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "GET", Path: "/api/v1/vehicles?subaccount=" + sa.Slug}
	}},
	"POST /api/v1/vehicles": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		n := seq.Add(1)
		return req{Method: "POST", Path: "/api/v1/vehicles?subaccount=" + sa.Slug,
			Body: fmt.Sprintf(`{"code":"MX-%d","imei":"%015d","model":"Ninebot Max"}`, n, 860000000000000+n)}
	}},
	"GET /api/v1/vehicles/{id}":                  onVehicle("GET", "", ""),
	"POST /api/v1/vehicles/{id}/signal":          onVehicle("POST", "/signal", `{"lat":52.52,"lon":13.405,"battery":80}`),
	"POST /api/v1/vehicles/{id}/status":          onVehicle("POST", "/status", `{"status":"maintenance"}`),
	"GET /api/v1/customers/{id}/payment-methods": onCustomer("GET", "/payment-methods", ""),
	"POST /api/v1/customers/{id}/payment-methods": onCustomer("POST", "/payment-methods",
		`{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}`),
	"POST /api/v1/payment-methods/{id}/default": onPaymentMethod("POST", "/default"),
	"DELETE /api/v1/payment-methods/{id}":       onPaymentMethod("DELETE", ""),
	"GET /api/v1/customers/{id}/subscriptions":  onCustomer("GET", "/subscriptions", ""),
	"POST /api/v1/customers/{id}/subscriptions": onCustomer("POST", "/subscriptions", `{"package_name":"Monthly","amount":999}`),
	"GET /api/v1/customers/{id}/packages":       onCustomer("GET", "/packages", ""),
	"POST /api/v1/customers/{id}/packages": onCustomer("POST", "/packages",
		`{"package_name":"100 minutes","amount_paid":1500,"minutes_included":100}`),
	"GET /api/v1/customers/{id}/promo-redemptions": onCustomer("GET", "/promo-redemptions", ""),
	"POST /api/v1/customers/{id}/promo-redemptions": onCustomer("POST", "/promo-redemptions",
		`{"code":"WELCOME","discount_type":"percentage","discount_value":20}`),
	"GET /api/v1/customers/{id}/eligibility": onCustomer("GET", "/eligibility", ""),
	"GET /api/v1/customers/{id}/rides":       onCustomer("GET", "/rides", ""),
	"POST /api/v1/customers/{id}/rides": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		f.credit(c, 1000)
		v := vehicleIn(f, sa)
		return req{Method: "POST", Path: "/api/v1/customers/" + c.ID + "/rides", Body: fmt.Sprintf(`{"vehicle":%q}`, v.Code)}
	}},
	"GET /api/v1/rides/{id}":      onRide("GET", ""),
	"POST /api/v1/rides/{id}/end": onRide("POST", "/end"),
	"GET /api/v1/audit": {scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: "GET", Path: "/api/v1/audit?subaccount=" + sa.Slug}
	}},
}

// customerIn creates a fresh customer in sa, prepared by the lifecycle
// actions given, so that each request of the matrix meets the state it needs.
func customerIn(f *fixture, sa *domain.Subaccount, prepare ...app.CustomerAction) *domain.Customer {
	f.t.Helper()
	ctx := context.Background()
	sys := domain.Actor{Principal: domain.SystemPrincipal}
	n := seq.Add(1)
	c, err := f.app.CustomerCreate(ctx, sys, sa, domain.CustomerCreate{Name: fmt.Sprintf("Rider %d", n),
		Email: fmt.Sprintf("rider-%d@example.com", n)})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, action := range prepare {
		text := "prepared by the test"
		if action == app.ActionDelete {
			text = c.Email
		}
		if c, err = f.app.CustomerLifecycle(ctx, sys, c.ID, action, text); err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

// credit gives a customer wallet credit as the system.
func (f *fixture) credit(c *domain.Customer, amount int64) *domain.LedgerEntry {
	f.t.Helper()
	e, _, err := f.app.WalletAct(context.Background(), domain.Actor{Principal: domain.SystemPrincipal}, c,
		domain.WalletAction{Kind: domain.KindCredit, Amount: amount}, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func onCustomer(method, suffix, body string, prepare ...app.CustomerAction) target {
	return target{scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa, prepare...)
		if body == "confirm" {
			return req{Method: method, Path: "/api/v1/customers/" + c.ID + suffix, Body: fmt.Sprintf(`{"confirm":%q}`, c.Email)}
		}
		return req{Method: method, Path: "/api/v1/customers/" + c.ID + suffix, Body: body}
	}}
}

// onBatch aims at a fresh previewed batch of one valid row in sa.
func onBatch(method, suffix string) target {
	return target{scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		b, err := f.app.BulkWalletPreview(context.Background(), domain.Actor{Principal: domain.SystemPrincipal}, sa, "",
			strings.NewReader("customer_id,amount,note\n"+c.ID+",1.00,x"))
		if err != nil {
			f.t.Fatal(err)
		}
		return req{Method: method, Path: "/api/v1/wallet/bulk/" + b.ID + suffix}
	}}
}

// vehicleIn registers an available vehicle in sa that signalled just now.
func vehicleIn(f *fixture, sa *domain.Subaccount) *domain.Vehicle {
	f.t.Helper()
	ctx := context.Background()
	sys := domain.Actor{Principal: domain.SystemPrincipal}
	n := seq.Add(1)
	v, err := f.app.VehicleCreate(ctx, sys, sa, domain.VehicleCreate{Code: fmt.Sprintf("SC-%d", n),
		IMEI: fmt.Sprintf("%015d", 350000000000000+n), Model: "Ninebot Max G30"})
	if err != nil {
		f.t.Fatal(err)
	}
	if v, err = f.app.VehicleSignal(ctx, sys, v.ID, domain.Signal{Lat: 52.52, Lon: 13.405, Battery: 90}); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func onVehicle(method, suffix, body string) target {
	return target{scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		return req{Method: method, Path: "/api/v1/vehicles/" + vehicleIn(f, sa).ID + suffix, Body: body}
	}}
}

func onPaymentMethod(method, suffix string) target {
	return target{scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		c := customerIn(f, sa)
		p, err := f.app.PaymentMethodAdd(context.Background(), domain.Actor{Principal: domain.SystemPrincipal}, c,
			domain.PaymentMethodCreate{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030})
		if err != nil {
			f.t.Fatal(err)
		}
		return req{Method: method, Path: "/api/v1/payment-methods/" + p.ID + suffix}
	}}
}

// startRide starts a ride in sa for a funded customer.
func startRide(f *fixture, sa *domain.Subaccount) (*domain.Customer, *domain.Ride) {
	f.t.Helper()
	c := customerIn(f, sa)
	f.credit(c, 1000)
	r, err := f.app.RideStart(context.Background(), domain.Actor{Principal: domain.SystemPrincipal}, c, vehicleIn(f, sa).Code, "operator")
	if err != nil {
		f.t.Fatal(err)
	}
	return c, r
}

func onRide(method, suffix string) target {
	return target{scoped: true, build: func(f *fixture, sa *domain.Subaccount, _ domain.Role) req {
		_, r := startRide(f, sa)
		return req{Method: method, Path: "/api/v1/rides/" + r.ID + suffix}
	}}
}

func simple(method, path string) func(*fixture, *domain.Subaccount, domain.Role) req {
	return func(*fixture, *domain.Subaccount, domain.Role) req { return req{Method: method, Path: path} }
}

// TestAccessMatrix sends every route of the router as every role, into its
// own subaccount and a foreign one, anonymously and with a revoked token,
// and checks the status against the role's permissions.
func TestAccessMatrix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		f.startJobs()
		// Each role must meet a success and (but for super_admin) a refusal
		// somewhere, or the matrix proves little.
		succeeded, refused := map[domain.Role]bool{}, map[domain.Role]bool{}
		for _, rt := range f.srv.API.Routes() {
			key := rt.Method + " " + rt.Path
			tg, ok := targets[key]
			if !ok {
				t.Errorf("route %s is missing from the access matrix", key)
				continue
			}
			t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
				anon := tg.build(f, f.own, domain.RoleAdmin)
				expectProblem(t, f.do(anon), http.StatusUnauthorized, domain.ECodeUnauthorized)
				revoked := tg.build(f, f.own, domain.RoleAdmin)
				revoked.Token = f.revoked
				expectProblem(t, f.do(revoked), http.StatusUnauthorized, domain.ECodeUnauthorized)

				for _, role := range domain.Roles {
					p := &domain.Principal{OperatorID: f.ops[role].ID, Grants: f.ops[role].Grants}
					for _, sa := range []*domain.Subaccount{f.own, f.foreign} {
						r := tg.build(f, sa, role)
						r.Token = f.tokens[role]
						got := f.do(r)
						want, code := expected(rt.Perm, rt.Status, tg.scoped, p, sa)
						succeeded[role] = succeeded[role] || got.Status < 300
						refused[role] = refused[role] || got.Status == 403 || got.Status == 404
						if got.Status != want {
							t.Errorf("%s as %s in %s: status %d, want %d: %s", key, role, sa.Slug, got.Status, want, got.Body)
							continue
						}
						if code != "" && got.Code(t) != code {
							t.Errorf("%s as %s in %s: code %q, want %q", key, role, sa.Slug, got.Code(t), code)
						}
					}
				}
			})
		}
		for _, role := range domain.Roles {
			if !succeeded[role] {
				t.Errorf("%s succeeded nowhere", role)
			}
			if role != domain.RoleSuperAdmin && !refused[role] {
				t.Errorf("%s was refused nowhere", role)
			}
		}
		if n := f.schemas.checked.Load(); n == 0 {
			t.Error("no response was validated against the OpenAPI document")
		}
	})
}

// expected derives the answer from the role's permissions: 403 without the
// permission anywhere, 404 for a subaccount the operator cannot see, 403
// without the permission in that subaccount, success otherwise.
func expected(perm domain.Permission, success int, scoped bool, p *domain.Principal, sa *domain.Subaccount) (int, string) {
	switch {
	case perm != "" && !p.CanAnywhere(perm):
		return http.StatusForbidden, domain.ECodeForbidden
	case scoped && !p.Sees(sa.ID):
		return http.StatusNotFound, domain.ECodeNotFound
	case scoped && !p.Can(perm, sa.ID):
		return http.StatusForbidden, domain.ECodeForbidden
	}
	return success, ""
}

package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"testing"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

type customerJSON struct {
	ID             string  `json:"id"`
	Subaccount     string  `json:"subaccount"`
	CustomerNumber int64   `json:"customer_number"`
	ExternalID     string  `json:"external_id"`
	Name           string  `json:"name"`
	Email          string  `json:"email"`
	Phone          string  `json:"phone"`
	Status         string  `json:"status"`
	Verified       bool    `json:"verified"`
	WalletBalance  int64   `json:"wallet_balance"`
	Currency       string  `json:"currency"`
	BlockedReason  string  `json:"blocked_reason"`
	DeletedAt      *string `json:"deleted_at"`
	ActiveRide     any     `json:"active_ride"`
}

func decodeCustomer(t *testing.T, r response) customerJSON {
	t.Helper()
	var c customerJSON
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return c
}

type listJSON struct {
	Data        []customerJSON `json:"data"`
	NextCursor  string         `json:"next_cursor"`
	Total       int            `json:"total"`
	TotalCapped bool           `json:"total_capped"`
}

func (f *fixture) list(t *testing.T, token string, params url.Values) listJSON {
	t.Helper()
	params.Set("subaccount", f.own.Slug)
	r := f.get("/api/v1/customers?"+params.Encode(), token)
	expectStatus(t, r, 200)
	var l listJSON
	if err := json.Unmarshal(r.Body, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fixture) createCustomer(t *testing.T, body string) customerJSON {
	t.Helper()
	r := f.post("/api/v1/customers?subaccount="+f.own.Slug, f.tokens[domain.RoleAdmin], body)
	expectStatus(t, r, 201)
	return decodeCustomer(t, r)
}

func TestCustomerCreateNormalizesAndNumbersInOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		a := f.createCustomer(t, `{"name":"Ada Lovelace","email":"Ada@Example.com","phone":"030 1234567","external_id":"app-1"}`)
		if a.CustomerNumber != 1 || a.Email != "ada@example.com" || a.Phone != "+49301234567" || a.Status != "new" ||
			a.Currency != "EUR" || a.Subaccount != f.own.Slug || a.ActiveRide != nil {
			t.Errorf("created %+v", a)
		}
		b := f.createCustomer(t, `{"name":"Bob"}`)
		if b.CustomerNumber != 2 {
			t.Errorf("second number %d", b.CustomerNumber)
		}
		// Numbers are per subaccount.
		r := f.post("/api/v1/customers?subaccount="+f.foreign.Slug, f.tokens[domain.RoleSuperAdmin], `{"name":"Elsewhere"}`)
		expectStatus(t, r, 201)
		if n := decodeCustomer(t, r).CustomerNumber; n != 1 {
			t.Errorf("the foreign subaccount's first number is %d", n)
		}
	})
}

func TestCustomerCreateRefusesBadInputFieldByField(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		f.createCustomer(t, `{"name":"Ada","email":"ada@example.com","external_id":"app-1"}`)
		token := f.tokens[domain.RoleAdmin]
		before := f.auditCount()
		cases := map[string][]string{
			`{"name":""}`:                                  {"name"},
			`{"name":"X","email":"not-an-email"}`:          {"email"},
			`{"name":"X","phone":"12"}`:                    {"phone"},
			`{"name":"X","email":"ADA@example.com"}`:       {"email"},
			`{"name":"X","external_id":"app-1"}`:           {"external_id"},
			`{"name":"X","device_os":"symbian"}`:           {"device_os"},
			`{"name":"","email":"bad","device_os":"palm"}`: {"name", "email", "device_os"},
		}
		for body, fields := range cases {
			r := f.post("/api/v1/customers?subaccount="+f.own.Slug, token, body)
			expectProblem(t, r, 422, domain.ECodeValidation)
			var p struct{ Errors []domain.FieldError }
			json.Unmarshal(r.Body, &p)
			got := map[string]bool{}
			for _, e := range p.Errors {
				got[e.Field] = true
			}
			for _, field := range fields {
				if !got[field] {
					t.Errorf("%s: no error for %s: %s", body, field, r.Body)
				}
			}
		}
		if f.auditCount() != before {
			t.Error("refused creates wrote audit entries")
		}
		if l := f.list(t, token, url.Values{}); l.Total != 1 {
			t.Errorf("refused creates left %d customers", l.Total)
		}
	})
}

func TestConcurrentCreatesGetGapFreeNumbers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		const n = 40
		var wg sync.WaitGroup
		numbers := make([]int64, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := f.app.CustomerCreate(context.Background(), domain.Actor{Principal: domain.SystemPrincipal},
					f.own, domain.CustomerCreate{Name: fmt.Sprintf("Racer %d", i)})
				if err != nil {
					t.Error(err)
					return
				}
				numbers[i] = c.CustomerNumber
			}()
		}
		wg.Wait()
		sort.Slice(numbers, func(i, j int) bool { return numbers[i] < numbers[j] })
		for i, num := range numbers {
			if num != int64(i+1) {
				t.Fatalf("numbers are not 1..%d without gaps: %v", n, numbers)
			}
		}
	})
}

func TestCustomerEditFollowsWhoMayChangeWhat(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		c := f.createCustomer(t, `{"name":"Ada","email":"ada@example.com"}`)
		path := "/api/v1/customers/" + c.ID
		patch := func(token, body string) response {
			return f.do(req{Method: "PATCH", Path: path, Token: token, Body: body})
		}
		before := f.auditCount()
		r := patch(f.tokens[domain.RoleFleetManager], `{"phone":"+49 170 1234567","address":"Unter den Linden 1","notes":"prefers email"}`)
		expectStatus(t, r, 200)
		if got := decodeCustomer(t, r); got.Phone != "+491701234567" {
			t.Errorf("phone %q", got.Phone)
		}
		if f.auditCount()-before != 1 {
			t.Error("an edit did not write exactly one audit entry")
		}
		expectProblem(t, patch(f.tokens[domain.RoleFleetManager], `{"name":"Eve"}`), 403, domain.ECodeForbidden)
		expectProblem(t, patch(f.tokens[domain.RoleViewer], `{"notes":"x"}`), 403, domain.ECodeForbidden)
		expectStatus(t, patch(f.tokens[domain.RoleAdmin], `{"name":"Ada King","company":"Analytical Engines"}`), 200)
		r = patch(f.tokens[domain.RoleAdmin], `{"email":"new@example.com","customer_number":99}`)
		expectProblem(t, r, 422, domain.ECodeValidation)
		// Integration fields need an API token with customers:integrate;
		// the dashboard's session cannot set them.
		expectStatus(t, patch(f.tokens[domain.RoleAdmin], `{"device_os":"ios","locale":"de","last_active_at":"2026-11-01T10:00:00Z"}`), 200)
		expectProblem(t, patch(f.tokens[domain.RoleFleetManager], `{"device_os":"android"}`), 403, domain.ECodeForbidden)

		got := decodeCustomer(t, f.get(path, f.tokens[domain.RoleViewer]))
		if got.Name != "Ada King" || got.Email != "ada@example.com" || got.CustomerNumber != 1 {
			t.Errorf("after edits: %+v", got)
		}
		page, _ := f.app.Store.AuditList(context.Background(), domain.AuditFilter{TargetID: c.ID, Action: "customer.update", Limit: 10})
		if len(page.Data) == 0 {
			t.Fatal("no audit entry for the edits")
		}
		first := page.Data[len(page.Data)-1]
		var was, is map[string]any
		json.Unmarshal(first.Before, &was)
		json.Unmarshal(first.After, &is)
		if was["phone"] != "" || is["phone"] != "+491701234567" || is["notes"] != "prefers email" {
			t.Errorf("the audit entry lacks before and after: %s -> %s", first.Before, first.After)
		}
	})
}

func TestCustomerLifecycleThroughTheAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		admin := f.tokens[domain.RoleAdmin]
		c := f.createCustomer(t, `{"name":"Ada","email":"ada@example.com"}`)
		path := "/api/v1/customers/" + c.ID
		summary := func() domain.CustomerSummary {
			var s domain.CustomerSummary
			json.Unmarshal(f.get("/api/v1/customers/summary?subaccount="+f.own.Slug, admin).Body, &s)
			return s
		}

		r := f.post(path+"/block", admin, `{"reason":"chargeback"}`)
		expectStatus(t, r, 200)
		if got := decodeCustomer(t, r); got.Status != "blocked" || got.BlockedReason != "chargeback" {
			t.Errorf("blocked: %+v", got)
		}
		if s := summary(); s.Blocked != 1 || s.New != 0 || s.Total != 1 {
			t.Errorf("summary after block: %+v", s)
		}
		expectProblem(t, f.post(path+"/block", admin, `{"reason":"again"}`), 409, domain.ECodeCustomerBlocked)
		expectProblem(t, f.post(path+"/block", admin, `{"notes":"wrong field"}`), 422, domain.ECodeValidation)
		expectStatus(t, f.post(path+"/unblock", admin, ""), 200)

		expectStatus(t, f.post(path+"/identity/require", admin, `{"reason":"risk"}`), 200)
		if s := summary(); s.IdentityRequired != 1 {
			t.Errorf("summary after require: %+v", s)
		}
		r = f.post(path+"/identity/verify", admin, `{"notes":"passport checked"}`)
		if got := decodeCustomer(t, r); got.Status != "new" || !got.Verified {
			t.Errorf("verified: %+v", got)
		}

		expectProblem(t, f.do(req{Method: "DELETE", Path: path, Token: admin, Body: `{"confirm":"someone"}`}), 422, domain.ECodeConfirmation)
		r = f.do(req{Method: "DELETE", Path: path, Token: admin, Body: `{"confirm":"ADA@example.com"}`})
		expectStatus(t, r, 200)
		if got := decodeCustomer(t, r); got.Status != "deleted" || got.DeletedAt == nil {
			t.Errorf("deleted: %+v", got)
		}
		if s := summary(); s.Total != 0 || s.Deleted != 1 {
			t.Errorf("summary after delete: %+v", s)
		}
		if l := f.list(t, admin, url.Values{}); l.Total != 0 || len(l.Data) != 0 {
			t.Errorf("the All tab shows a deleted customer")
		}
		if l := f.list(t, admin, url.Values{"status": {"deleted"}}); l.Total != 1 || len(l.Data) != 1 {
			t.Errorf("the Inactive tab: %+v", l)
		}
		expectProblem(t, f.post(path+"/block", admin, `{"reason":"x"}`), 409, domain.ECodeCustomerDeleted)
		expectStatus(t, f.post(path+"/restore", admin, ""), 200)
		if s := summary(); s.Total != 1 || s.Deleted != 0 || s.New != 1 {
			t.Errorf("summary after restore: %+v", s)
		}
		// The analyst may look but not act.
		expectProblem(t, f.post(path+"/block", f.tokens[domain.RoleAnalyst], `{"reason":"x"}`), 403, domain.ECodeForbidden)
	})
}

func TestCustomerSearchFindsEveryIdentifier(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		token := f.tokens[domain.RoleViewer]
		f.createCustomer(t, `{"name":"Zoë Müller","email":"zoe.mueller@example.com","phone":"030 1234567","external_id":"APP-7781"}`)
		f.createCustomer(t, `{"name":"Ada Lovelace","email":"ada@analytical.example","phone":"+1 512 555 0100"}`)
		for i := range 5 {
			f.createCustomer(t, fmt.Sprintf(`{"name":"Filler %d","email":"filler%d@example.com"}`, i, i))
		}
		cases := map[string]string{
			"müll":           "Zoë Müller",
			"MUELLER@":       "Zoë Müller",
			"030 1234567":    "Zoë Müller",
			"+49301234567":   "Zoë Müller",
			"+49 30 1234567": "Zoë Müller",
			"1234567":        "Zoë Müller",
			"app-77":         "Zoë Müller",
			"(512) 555-0100": "Ada Lovelace",
			"analytic":       "Ada Lovelace",
			"lovelace":       "Ada Lovelace",
			"ad":             "Ada Lovelace", // under 3 characters: a prefix
			"zo":             "Zoë Müller",
		}
		for q, want := range cases {
			l := f.list(t, token, url.Values{"q": {q}})
			if len(l.Data) != 1 || l.Data[0].Name != want || l.Total != 1 {
				names := []string{}
				for _, c := range l.Data {
					names = append(names, c.Name)
				}
				t.Errorf("search %q found %v (total %d), want %s", q, names, l.Total, want)
			}
		}
		// A number of two digits matches the customer number exactly.
		if l := f.list(t, token, url.Values{"q": {"2"}}); len(l.Data) != 1 || l.Data[0].CustomerNumber != 2 {
			t.Errorf("search by number: %+v", l.Data)
		}
		for _, q := range []string{"nobody-here", "%", "_", `\`, `"`, "zz"} {
			if l := f.list(t, token, url.Values{"q": {q}}); len(l.Data) != 0 || l.Total != 0 {
				t.Errorf("search %q found %d", q, len(l.Data))
			}
		}
		if l := f.list(t, token, url.Values{"q": {"example.com"}}); l.Total != 6 {
			t.Errorf("search example.com total %d, want 6", l.Total)
		}
	})
}

func TestCustomerListPagesFiltersAndSorts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		token := f.tokens[domain.RoleViewer]
		sys := domain.Actor{Principal: domain.SystemPrincipal}
		ctx := context.Background()
		for i := range 23 {
			c, err := f.app.CustomerCreate(ctx, sys, f.own, domain.CustomerCreate{Name: fmt.Sprintf("Rider %02d", i),
				DeviceOS: []string{"ios", "android"}[i%2]})
			if err != nil {
				t.Fatal(err)
			}
			if i%5 == 0 {
				f.app.CustomerLifecycle(ctx, sys, c.ID, app.ActionBlock, "test")
			}
		}
		for _, sortKey := range []string{"name", "-name", "joined", "-joined", "last_active", "wallet", "-rides"} {
			seen := map[string]bool{}
			var names []string
			params := url.Values{"limit": {"4"}, "sort": {sortKey}}
			for pages := 0; ; pages++ {
				l := f.list(t, token, params)
				if l.Total != 23 {
					t.Errorf("%s: total %d", sortKey, l.Total)
				}
				for _, c := range l.Data {
					if seen[c.ID] {
						t.Fatalf("%s: %s on two pages", sortKey, c.Name)
					}
					seen[c.ID] = true
					names = append(names, c.Name)
				}
				if l.NextCursor == "" {
					break
				}
				params.Set("cursor", l.NextCursor)
				if pages > 10 {
					t.Fatal("pagination does not end")
				}
			}
			if len(seen) != 23 {
				t.Errorf("%s: paged %d of 23", sortKey, len(seen))
			}
			if sortKey == "name" && !sort.StringsAreSorted(names) {
				t.Errorf("not sorted by name: %v", names)
			}
			if sortKey == "-name" && !sort.SliceIsSorted(names, func(i, j int) bool { return names[i] > names[j] }) {
				t.Errorf("not sorted by name descending: %v", names)
			}
		}
		if l := f.list(t, token, url.Values{"status": {"blocked"}}); l.Total != 5 || len(l.Data) != 5 {
			t.Errorf("blocked tab: %d %d", l.Total, len(l.Data))
		}
		if l := f.list(t, token, url.Values{"device_os": {"ios"}}); l.Total != 12 {
			t.Errorf("ios filter total %d", l.Total)
		}
		if l := f.list(t, token, url.Values{"joined_from": {"2000-01-01"}, "joined_to": {"2001-01-01"}}); l.Total != 0 {
			t.Errorf("joined range total %d", l.Total)
		}
		bad := []string{"status=zombies", "sort=height", "limit=0", "limit=201", "joined_from=yesterday", "cursor=garbage"}
		for _, q := range bad {
			expectProblem(t, f.get("/api/v1/customers?subaccount="+f.own.Slug+"&"+q, token), 422, domain.ECodeValidation)
		}
		// A cursor of one sort cannot continue another.
		l := f.list(t, token, url.Values{"limit": {"2"}, "sort": {"name"}})
		expectProblem(t, f.get("/api/v1/customers?subaccount="+f.own.Slug+"&sort=joined&cursor="+l.NextCursor, token), 422, domain.ECodeValidation)
	})
}

func TestForeignCustomersAnswerNotFound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		r := f.post("/api/v1/customers?subaccount="+f.foreign.Slug, f.tokens[domain.RoleSuperAdmin], `{"name":"Hidden"}`)
		hidden := decodeCustomer(t, r)
		admin := f.tokens[domain.RoleAdmin]
		for _, r := range []req{
			{Method: "GET", Path: "/api/v1/customers/" + hidden.ID},
			{Method: "PATCH", Path: "/api/v1/customers/" + hidden.ID, Body: `{"notes":"x"}`},
			{Method: "POST", Path: "/api/v1/customers/" + hidden.ID + "/block", Body: `{"reason":"x"}`},
			{Method: "GET", Path: "/api/v1/customers?subaccount=" + f.foreign.Slug},
			{Method: "GET", Path: "/api/v1/customers/cust_doesnotexist"},
		} {
			r.Token = admin
			expectProblem(t, f.do(r), http.StatusNotFound, domain.ECodeNotFound)
		}
		if l := f.list(t, admin, url.Values{"q": {"hidden"}}); l.Total != 0 {
			t.Error("search crosses tenants")
		}
	})
}

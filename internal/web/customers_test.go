package web_test

// The customer pages over HTTP: the list with its search, tabs, filters
// and pages; the profile with its banners, actions and activity; the
// new-customer steps and the edit form. Each test gets a subaccount of its
// own ("potsdam"), so that the demo data can grow without changing them.

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
	"github.com/mobidesk/mobidesk/internal/web"
)

// custDash is the dashboard with the subaccount potsdam, and the demo
// operator (a super admin) signed in.
type custDash struct {
	*dash
	sa      *domain.Subaccount
	session *http.Cookie
}

var system = domain.Actor{Principal: domain.SystemPrincipal}

func newCustomersDash(t *testing.T, engine store.Engine) *custDash {
	t.Helper()
	d := newDash(t, engine, web.Config{})
	sa := &domain.Subaccount{Slug: "potsdam", Name: "Potsdam Scooters", Currency: "EUR", Timezone: "Europe/Berlin",
		Country: "DE", DefaultLocale: "de", Regions: []string{"Babelsberg", "Innenstadt"}}
	if err := d.app.SubaccountCreate(context.Background(), system, sa); err != nil {
		t.Fatal(err)
	}
	return &custDash{dash: d, sa: sa, session: d.signIn(d.login.Email, d.login.Password)}
}

// get opens path as the signed-in operator, in English unless path says.
func (d *custDash) get(path string, extra ...*http.Cookie) page {
	d.t.Helper()
	return d.send("GET", path, nil, map[string]string{"Accept-Language": "en"}, append(extra, d.session)...)
}

func (d *custDash) post(path string, form url.Values) page {
	d.t.Helper()
	return d.send("POST", path, form, map[string]string{"Accept-Language": "en"}, d.session)
}

// follow opens where a redirect leads, with the flash it set.
func (d *custDash) follow(p page) page {
	d.t.Helper()
	if p.status != http.StatusSeeOther {
		d.t.Fatalf("want a redirect, got %d\n%s", p.status, p.body)
	}
	return d.get(p.location(), p.cookie("mobidesk_flash"))
}

// create adds a customer to potsdam.
func (d *custDash) create(in domain.CustomerCreate) *domain.Customer {
	d.t.Helper()
	c, err := d.app.CustomerCreate(context.Background(), system, d.sa, in)
	if err != nil {
		d.t.Fatalf("create %s: %v", in.Name, err)
	}
	return c
}

func (d *custDash) act(c *domain.Customer, action app.CustomerAction, text string) {
	d.t.Helper()
	if _, err := d.app.CustomerLifecycle(context.Background(), system, c.ID, action, text); err != nil {
		d.t.Fatalf("%s %s: %v", action, c.Name, err)
	}
}

// ride counts a completed ride, as the rides module will.
func (d *custDash) ride(c *domain.Customer) {
	d.t.Helper()
	if _, err := d.app.Store.CustomerChange(context.Background(), system, c.ID, "test.ride", func(c *domain.Customer) error {
		c.CompleteRide(time.Now().UTC())
		return nil
	}); err != nil {
		d.t.Fatal(err)
	}
}

// balances credits a customer's wallet and bonus through the ledger, in
// steps no larger than one manual action may move.
func (d *custDash) balances(c *domain.Customer, wallet, bonus int64) {
	d.t.Helper()
	for kind, amount := range map[domain.LedgerKind]int64{domain.KindCredit: wallet, domain.KindBonus: bonus} {
		for amount > 0 {
			step := min(amount, domain.DefaultMaxWalletAmount)
			if _, _, err := d.app.WalletAct(context.Background(), system, c,
				domain.WalletAction{Kind: kind, Amount: step, Note: "test"}, ""); err != nil {
				d.t.Fatal(err)
			}
			amount -= step
		}
	}
}

func (d *custDash) reload(c *domain.Customer) *domain.Customer {
	d.t.Helper()
	got, err := d.app.Store.CustomerGet(context.Background(), c.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return got
}

// operator creates an operator with role in subaccount slug and signs in.
func (d *custDash) operator(email string, role domain.Role, slug string) *http.Cookie {
	d.t.Helper()
	if _, err := d.app.OperatorCreate(context.Background(), system, app.OperatorCreateInput{Email: email,
		Password: "long enough password", Role: role, Subaccount: slug}); err != nil {
		d.t.Fatal(err)
	}
	return d.signIn(email, "long enough password")
}

// statuses seeds one customer of each status.
func (d *custDash) statuses() map[string]*domain.Customer {
	d.t.Helper()
	cs := map[string]*domain.Customer{
		"new":      d.create(domain.CustomerCreate{Name: "Anna Neumann", Email: "anna@example.com"}),
		"active":   d.create(domain.CustomerCreate{Name: "Ben Aktiv", Email: "ben@example.com"}),
		"blocked":  d.create(domain.CustomerCreate{Name: "Clara Sperre", Email: "clara@example.com"}),
		"identity": d.create(domain.CustomerCreate{Name: "Dora Pruefung", Email: "dora@example.com"}),
		"verified": d.create(domain.CustomerCreate{Name: "Emil Geprueft", Email: "emil@example.com"}),
		"deleted":  d.create(domain.CustomerCreate{Name: "Fritz Weg", Email: "fritz@example.com"}),
	}
	d.ride(cs["active"])
	d.act(cs["blocked"], app.ActionBlock, "Chargeback on the card")
	d.act(cs["identity"], app.ActionRequire, "Document does not match")
	d.act(cs["verified"], app.ActionVerify, "Passport seen at the depot")
	d.act(cs["deleted"], app.ActionDelete, "fritz@example.com")
	return cs
}

var customerLink = regexp.MustCompile(`class="customer-link" href="/customers/[^"]+">([^<]+)</a>`)

// names are the customers a list page shows, in order.
func names(body string) []string {
	var out []string
	for _, m := range customerLink.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// tabCount is the count a list tab shows.
func tabCount(t *testing.T, body, label string) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="[^"]*"(?: aria-current="page")?>` + label + ` <span class="tab-count">([^<]*)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no tab %q", label)
	}
	return m[1]
}

// href finds the link whose text is text, unescaped.
func href(t *testing.T, body, text string) string {
	t.Helper()
	m := regexp.MustCompile(`href="([^"]*)"[^>]*>` + regexp.QuoteMeta(text) + `<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func wantIn(t *testing.T, body string, want ...string) {
	t.Helper()
	text := html.UnescapeString(body) // html/template writes + as &#43;
	for _, w := range want {
		if !strings.Contains(body, w) && !strings.Contains(text, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func wantNotIn(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page has %q", w)
		}
	}
}

func TestCustomerListShowsBadgesSummaryAndTabCounts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.statuses()
		p := d.get("/customers?subaccount=potsdam")
		if p.status != http.StatusOK {
			t.Fatalf("list: %d", p.status)
		}
		if got, want := names(p.body), []string{"Anna Neumann", "Ben Aktiv", "Clara Sperre", "Dora Pruefung", "Emil Geprueft"}; !slices.Equal(got, want) {
			t.Errorf("All tab shows %q, want %q (deleted customers only in Inactive)", got, want)
		}
		wantIn(t, p.body,
			`<span class="muted" id="customer-count">Potsdam Scooters · 5 customers</span>`,
			`id="stat-total">5<`, `id="stat-active">1<`, `id="stat-wallet">€0.00<`, `id="stat-bonus">€0.00<`,
			`<span class="badge badge-blue">New</span>`,
			`<span class="badge badge-green">Active</span>`,
			`<span class="badge badge-red" title="Blocked on `, `: Chargeback on the card">Blocked</span>`,
			`<span class="badge badge-amber" title="Identity required since `, `: Document does not match">Identity Required</span>`,
			`<span class="badge badge-green badge-verified" title="Identity verified on `, `: Passport seen at the depot"><svg class="icon"`,
		)
		for label, want := range map[string]string{"All": "5", "Active": "1", "New": "2", "Blocked": "1",
			"Identity Required": "1", "Inactive": "1"} {
			if got := tabCount(t, p.body, label); got != want {
				t.Errorf("tab %s counts %s, want %s", label, got, want)
			}
		}
		// The header's actions follow the super admin's permissions; the
		// modules that do not exist yet show, but do nothing.
		wantIn(t, p.body, `href="/wallet/bulk?subaccount=potsdam">Bulk wallet</a>`,
			`href="/customers/new?subaccount=potsdam">New customer</a>`,
			`aria-disabled="true" title="Arrives with its module">Import</button>`,
			`aria-disabled="true" title="Arrives with its module">Export</button>`,
			`data-select-all`, `data-bulk-toolbar hidden`)
	})
}

func TestCustomerTabsShowOneStatusEach(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.statuses()
		for status, want := range map[string][]string{
			"active":            {"Ben Aktiv"},
			"new":               {"Anna Neumann", "Emil Geprueft"},
			"blocked":           {"Clara Sperre"},
			"identity_required": {"Dora Pruefung"},
			"deleted":           {"Fritz Weg"},
		} {
			p := d.get("/customers?subaccount=potsdam&status=" + status)
			if got := names(p.body); !slices.Equal(got, want) {
				t.Errorf("tab %s shows %q, want %q", status, got, want)
			}
			if !strings.Contains(p.body, `status=`+status+`&amp;subaccount=potsdam" aria-current="page"`) {
				t.Errorf("tab %s is not marked current", status)
			}
		}
		p := d.get("/customers?subaccount=potsdam&status=sleeping")
		wantIn(t, p.body, "This status or sorting does not exist.", "Clear filters")
	})
}

func TestCustomerSearchFindsNameFragmentsAndPhonesAsDialled(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.create(domain.CustomerCreate{Name: "Clara Schmidt", Email: "clara@example.com", Phone: "+49 30 1234567"})
		d.create(domain.CustomerCreate{Name: "Klaus Meier", Phone: "+49 40 7654321"})
		d.create(domain.CustomerCreate{Name: "Anna Neumann"})

		for q, want := range map[string][]string{
			"lar":         {"Clara Schmidt"},
			"CLARA":       {"Clara Schmidt"},
			"030 1234567": {"Clara Schmidt"},
			"0407654321":  {"Klaus Meier"},
			"an":          {"Anna Neumann"},
		} {
			p := d.get("/customers?subaccount=potsdam&q=" + url.QueryEscape(q))
			if got := names(p.body); !slices.Equal(got, want) {
				t.Errorf("search %q finds %q, want %q", q, got, want)
			}
			if len(want) > 0 {
				wantIn(t, p.body, `id="results-count">Matches: 1 ·`)
			}
		}

		// The instant search asks for the results region only.
		p := d.send("GET", "/customers?subaccount=potsdam&q=lar", nil, map[string]string{"X-Partial": "results",
			"Accept-Language": "en"}, d.session)
		if p.status != 200 || strings.Contains(p.body, "<html") || strings.Contains(p.body, `role="search"`) {
			t.Errorf("partial: %d, whole page or form included:\n%s", p.status, p.body)
		}
		if got := names(p.body); !slices.Equal(got, []string{"Clara Schmidt"}) {
			t.Errorf("partial shows %q", got)
		}
		// Its links keep the search.
		wantIn(t, p.body, `class="tabs"`, `href="/customers?q=lar&amp;status=blocked&amp;subaccount=potsdam"`)
		if !strings.Contains(p.header.Get("Vary"), "X-Partial") {
			t.Error("the partial answer does not vary on X-Partial")
		}

		p = d.get("/customers?subaccount=potsdam&q=nobody-here")
		wantIn(t, p.body, "No customers match these filters.", `<a href="/customers?subaccount=potsdam">Clear filters</a>`)
		wantNotIn(t, p.body, "No customers yet.")
		// The search box keeps what was typed.
		wantIn(t, p.body, `name="q" value="nobody-here"`)
	})
}

func TestCustomerFiltersAndSortingReadTheURL(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		a := d.create(domain.CustomerCreate{Name: "Anna", Region: "Babelsberg", DeviceOS: "ios"})
		d.create(domain.CustomerCreate{Name: "Bert", Region: "Innenstadt", DeviceOS: "android"})
		c := d.create(domain.CustomerCreate{Name: "Cleo", Region: "Babelsberg", DeviceOS: "android"})
		d.balances(a, 500, 0)
		d.balances(c, 2500, 0)
		p := d.get("/customers?subaccount=potsdam&region=Babelsberg")
		if got := names(p.body); !slices.Equal(got, []string{"Anna", "Cleo"}) {
			t.Errorf("region Babelsberg: %q", got)
		}
		wantIn(t, p.body, `<option value="Babelsberg" selected>Babelsberg</option>`)
		p = d.get("/customers?subaccount=potsdam&region=Babelsberg&device_os=android")
		if got := names(p.body); !slices.Equal(got, []string{"Cleo"}) {
			t.Errorf("Babelsberg on Android: %q", got)
		}
		p = d.get("/customers?subaccount=potsdam&sort=-wallet")
		if got := names(p.body); !slices.Equal(got, []string{"Cleo", "Anna", "Bert"}) {
			t.Errorf("highest wallet first: %q", got)
		}
		// The wallet header sorts the other way round, the name header A to Z.
		wantIn(t, p.body, `<th class="num" aria-sort="descending"><a href="/customers?sort=wallet&amp;subaccount=potsdam">`,
			`<th aria-sort="none"><a href="/customers?subaccount=potsdam">Customer</a>`)
		today := time.Now().In(time.UTC).Format("2006-01-02")
		p = d.get("/customers?subaccount=potsdam&joined_from=2001-01-01&joined_to=" + today)
		if got := names(p.body); len(got) != 3 {
			t.Errorf("joined up to today: %q", got)
		}
		p = d.get("/customers?subaccount=potsdam&joined_to=2001-01-01")
		wantIn(t, p.body, "No customers match these filters.")
		p = d.get("/customers?subaccount=potsdam&active_from=yesterday")
		wantIn(t, p.body, "Enter dates as YYYY-MM-DD.")
	})
}

func TestCustomerListPagesFollowTheCursor(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		for _, n := range []string{"Kunde E", "Kunde C", "Kunde A", "Kunde D", "Kunde B"} {
			d.create(domain.CustomerCreate{Name: n})
		}
		var seen []string
		next := "/customers?subaccount=potsdam&limit=2"
		for pages := 0; next != ""; pages++ {
			if pages > 3 {
				t.Fatal("the pages do not end")
			}
			p := d.get(next)
			seen = append(seen, names(p.body)...)
			if first := href(t, p.body, "First page"); (pages > 0) != (first != "") {
				t.Errorf("page %d: first-page link %q", pages+1, first)
			} else if first != "" && first != "/customers?limit=2&subaccount=potsdam" {
				t.Errorf("first-page link %q", first)
			}
			next = href(t, p.body, "Next page")
		}
		if want := []string{"Kunde A", "Kunde B", "Kunde C", "Kunde D", "Kunde E"}; !slices.Equal(seen, want) {
			t.Errorf("pages show %q, want %q", seen, want)
		}
		p := d.get("/customers?subaccount=potsdam&limit=2&sort=-name")
		if got := names(p.body); !slices.Equal(got, []string{"Kunde E", "Kunde D"}) {
			t.Errorf("Z to A: %q", got)
		}
		next = href(t, p.body, "Next page")
		if p := d.get(next); !slices.Equal(names(p.body), []string{"Kunde C", "Kunde B"}) {
			t.Errorf("Z to A, page 2: %q", names(p.body))
		}
		// A cursor of another sort says so instead of failing.
		p = d.get(strings.Replace(next, "sort=-name", "sort=rides", 1))
		if p.status != 200 || !strings.Contains(p.body, "This page link no longer fits the list.") {
			t.Errorf("a foreign cursor: %d", p.status)
		}
	})
}

func TestEmptySubaccountSaysSoAndOffersNewCustomer(t *testing.T) {
	t.Parallel()
	d := newCustomersDash(t, store.SQLite)
	p := d.get("/customers?subaccount=potsdam")
	wantIn(t, p.body, "No customers yet.", `<a class="button primary" href="/customers/new?subaccount=potsdam">New customer</a>`)
	wantNotIn(t, p.body, "No customers match")
}

func TestCustomerProfileOfAnotherSubaccountAnswers404(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Paula Potsdam", Email: "paula@example.com"})
		berliner := d.operator("fm@example.com", domain.RoleFleetManager, "berlin")
		for _, r := range []struct{ method, path string }{
			{"GET", "/customers/" + c.ID},
			{"GET", "/customers/" + c.ID + "?subaccount=berlin"},
			{"GET", "/customers/" + c.ID + "/edit"},
			{"POST", "/customers/" + c.ID + "/block"},
			{"POST", "/customers/" + c.ID + "/delete"},
		} {
			var form url.Values
			if r.method == "POST" {
				form = url.Values{"reason": {"no"}, "confirm": {"paula@example.com"}}
			}
			p := d.send(r.method, r.path, form, nil, berliner)
			if p.status != http.StatusNotFound || strings.Contains(p.body, "Paula") {
				t.Errorf("%s %s by a Berlin operator: %d", r.method, r.path, p.status)
			}
		}
		if got := d.reload(c); got.Blocked || got.DeletedAt != nil {
			t.Error("a foreign operator changed the customer")
		}
		if p := d.get("/customers/cust_nosuchcustomer"); p.status != http.StatusNotFound {
			t.Errorf("an unknown customer: %d", p.status)
		}
		// The switcher follows the customer's subaccount, whatever was chosen.
		p := d.get("/customers/" + c.ID + "?subaccount=berlin")
		wantIn(t, p.body, `<option value="potsdam" selected>Potsdam Scooters</option>`, `action="/customers" data-autosubmit`)
	})
}

func TestCustomerProfileShowsGeneralInformationWalletAndIdentity(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Greta Gruen", Email: "greta@example.com", Phone: "0331 123456",
			ExternalID: "crm-42", Company: "Gruen GmbH", Region: "Babelsberg", Locale: "de", DeviceOS: "ios",
			Address: "Hauptstr. 1\n14482 Potsdam", Notes: "Prefers email"})
		d.act(c, app.ActionVerify, "Passport seen")
		p := d.get("/customers/" + c.ID)
		if p.status != 200 {
			t.Fatalf("profile: %d", p.status)
		}
		wantIn(t, p.body, "<h1>Greta Gruen</h1>", "greta@example.com", "+49331123456", "iOS", "crm-42", "Gruen GmbH",
			"Babelsberg", "Hauptstr. 1\n14482 Potsdam", "Prefers email",
			`id="wallet-balance">€0.00<`, `id="identity-status">Verified<`, "Passport seen",
			"View wallet activity", `id="wallet-credit-submit"`,
		)
		wantNotIn(t, p.body, "banner-red", "banner-amber", "banner-gray", `id="action-verify"`)
		wantIn(t, p.body, `id="action-block"`, `id="action-delete"`, `id="action-require-identity"`,
			`href="/customers/`+c.ID+`/edit"`)
	})
}

func TestBlockingWithAReasonShowsTheRedBannerAndActivity(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Hans Hart", Email: "hans@example.com"})
		path := "/customers/" + c.ID

		p := d.follow(d.post(path+"/block", url.Values{"reason": {"  "}}))
		wantIn(t, p.body, `class="flash flash-error"`, "Give a reason of at most 500 characters.")
		if d.reload(c).Blocked {
			t.Fatal("blocked without a reason")
		}

		r := d.post(path+"/block", url.Values{"reason": {"Damaged three scooters"}})
		if r.location() != path+"?subaccount=potsdam" {
			t.Errorf("block goes back to %q", r.location())
		}
		p = d.follow(r)
		wantIn(t, p.body, `class="flash flash-success"`, "Hans Hart is blocked.",
			`<div class="banner banner-red" role="status" id="banner-blocked">`, "Damaged three scooters",
			`<span class="badge badge-red" title="Blocked on `, `id="action-unblock"`)
		wantNotIn(t, p.body, `id="action-block"`)
		activity := p.body[strings.Index(p.body, `id="activity"`):]
		wantIn(t, activity, "Blocked", "Created", d.login.Email, "Damaged three scooters")
		if got := d.reload(c); !got.Blocked || got.BlockedReason != "Damaged three scooters" {
			t.Errorf("stored: blocked %v, reason %q", got.Blocked, got.BlockedReason)
		}

		// Blocking twice is refused readably, not with an error page.
		p = d.follow(d.post(path+"/block", url.Values{"reason": {"again"}}))
		wantIn(t, p.body, "This customer is already blocked.")

		p = d.follow(d.post(path+"/unblock", url.Values{}))
		wantIn(t, p.body, "Hans Hart is unblocked.")
		wantNotIn(t, p.body, "banner-red")
	})
}

func TestIdentityActionsMoveTheAmberBanner(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Ida Ident"})
		path := "/customers/" + c.ID
		p := d.follow(d.post(path+"/identity/require", url.Values{"reason": {"Risk score 91"}}))
		wantIn(t, p.body, "Ida Ident must verify their identity before riding.", `id="banner-identity"`, "Risk score 91",
			`id="action-clear-identity"`, `id="action-verify"`, `id="identity-status">Pending<`)
		p = d.follow(d.post(path+"/identity/clear-requirement", url.Values{}))
		wantIn(t, p.body, "Ida Ident no longer needs to verify their identity.", `id="identity-status">Not required<`)
		wantNotIn(t, p.body, `id="banner-identity"`)
		p = d.follow(d.post(path+"/identity/clear-requirement", url.Values{}))
		wantIn(t, p.body, "Identity verification is not required for this customer.")
		p = d.follow(d.post(path+"/identity/verify", url.Values{"notes": {"ID card at the counter"}}))
		wantIn(t, p.body, "The identity of Ida Ident is verified.", "ID card at the counter", "badge-verified")
	})
}

func TestDeletingNeedsTheTypedEmailAndTheInactiveTabRestores(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Lena Los", Email: "lena@example.com"})
		path := "/customers/" + c.ID

		p := d.get(path)
		wantIn(t, p.body, `data-confirm-type="lena@example.com"`, `data-confirm-label="Type lena@example.com to confirm"`,
			`<input id="delete-confirm" name="confirm"`)

		p = d.follow(d.post(path+"/delete", url.Values{"confirm": {"lena@example.org"}}))
		wantIn(t, p.body, `class="flash flash-error"`, "The text you typed is not the customer&#39;s email or name. Nothing was deleted.")
		if d.reload(c).DeletedAt != nil {
			t.Fatal("deleted with the wrong confirmation")
		}

		p = d.follow(d.post(path+"/delete", url.Values{"confirm": {"lena@example.com"}}))
		wantIn(t, p.body, "Lena Los is deleted.", `id="banner-deleted"`, `class="badge badge-gray"`, `id="action-restore"`)
		wantNotIn(t, p.body, `id="action-delete"`, `id="action-block"`, "/edit\"")
		if d.reload(c).DeletedAt == nil {
			t.Fatal("not deleted")
		}
		if p := d.get("/customers/" + c.ID + "/edit"); p.status != http.StatusSeeOther {
			t.Errorf("editing a deleted customer: %d", p.status)
		}

		inactive := "/customers?status=deleted&subaccount=potsdam"
		p = d.get(inactive)
		if got := names(p.body); !slices.Equal(got, []string{"Lena Los"}) {
			t.Fatalf("Inactive tab: %q", got)
		}
		wantIn(t, p.body, `action="/customers/`+c.ID+`/restore" data-confirm="Restore Lena Los?"`)
		r := d.post("/customers/"+c.ID+"/restore", url.Values{"back": {inactive}})
		if r.location() != inactive {
			t.Errorf("restore from the tab goes to %q, want back to the tab", r.location())
		}
		p = d.follow(r)
		wantIn(t, p.body, "Lena Los is restored.", "No customers match these filters.")
		if d.reload(c).DeletedAt != nil {
			t.Error("still deleted")
		}
		// A back address off the customer pages is not followed.
		d.act(c, app.ActionDelete, "Lena Los")
		if r := d.post("/customers/"+c.ID+"/restore", url.Values{"back": {"//evil.example/customers?"}}); r.location() != path+"?subaccount=potsdam" {
			t.Errorf("restore followed %q", r.location())
		}
	})
}

func TestNewCustomerIsCreatedInThreeSteps(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.create(domain.CustomerCreate{Name: "Taken", Email: "taken@example.com"})
		p := d.get("/customers/new?subaccount=potsdam")
		wantIn(t, p.body, `<li aria-current="step">Details</li>`, `name="name" value="" required maxlength="200" autocomplete="off" autofocus`,
			`<option value="Babelsberg">Babelsberg</option>`)

		details := url.Values{"step": {"details"}, "go": {"next"}, "name": {""}, "region": {"Babelsberg"},
			"company": {"Gruen GmbH"}, "external_id": {"crm 42"}}
		p = d.post("/customers?subaccount=potsdam", details)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("missing name: %d", p.status)
		}
		wantIn(t, p.body, `<li aria-current="step">Details</li>`, "Enter a name of at most 200 characters.",
			`aria-invalid="true" aria-describedby="name-error"`, "Use 1 to 100 letters, digits or . _ : / -",
			`value="Gruen GmbH"`, `<option value="Babelsberg" selected>`)

		details.Set("name", "Greta Gruen")
		details.Set("external_id", "crm-42")
		p = d.post("/customers?subaccount=potsdam", details)
		if p.status != 200 {
			t.Fatalf("details: %d\n%s", p.status, p.body)
		}
		wantIn(t, p.body, `<li aria-current="step">Contact</li>`, `<input type="hidden" name="name" value="Greta Gruen">`,
			`name="email" type="email" value="" maxlength="254" autocomplete="off" autofocus`)

		contact := url.Values{"step": {"contact"}, "go": {"next"}, "name": {"Greta Gruen"}, "region": {"Babelsberg"},
			"company": {"Gruen GmbH"}, "external_id": {"crm-42"}, "email": {"greta@"}, "phone": {"0331 123456"}}
		p = d.post("/customers?subaccount=potsdam", contact)
		wantIn(t, p.body, `<li aria-current="step">Contact</li>`, "Enter a valid email address.")

		// Back keeps what was typed.
		contact.Set("go", "back")
		p = d.post("/customers?subaccount=potsdam", contact)
		wantIn(t, p.body, `<li aria-current="step">Details</li>`, `value="Greta Gruen"`, `<input type="hidden" name="email" value="greta@">`)

		contact.Set("go", "next")
		contact.Set("email", "Taken@Example.com")
		p = d.post("/customers?subaccount=potsdam", contact)
		wantIn(t, p.body, `<li aria-current="step">Review</li>`, "taken@example.com", "+49331123456", "Gruen GmbH")

		review := url.Values{"step": {"review"}, "go": {"create"}}
		for k, v := range contact {
			if k != "step" && k != "go" {
				review[k] = v
			}
		}
		review.Set("email", "taken@example.com")
		review.Set("phone", "+49331123456")
		review.Set("go", "back")
		p = d.post("/customers?subaccount=potsdam", review)
		wantIn(t, p.body, `<li aria-current="step">Contact</li>`, `value="taken@example.com"`)
		review.Set("go", "create")
		p = d.post("/customers?subaccount=potsdam", review)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("a taken email: %d", p.status)
		}
		wantIn(t, p.body, `<li aria-current="step">Contact</li>`, "Another customer of this subaccount has this already.")

		review.Set("email", "greta@example.com")
		r := d.post("/customers?subaccount=potsdam", review)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/customers/cust_") {
			t.Fatalf("create: %d to %q\n%s", r.status, r.location(), r.body)
		}
		p = d.follow(r)
		wantIn(t, p.body, "Greta Gruen was created.", "<h1>Greta Gruen</h1>", "+49331123456", "crm-42")
		page, err := d.app.Store.CustomerList(context.Background(), domain.CustomerFilter{SubaccountID: d.sa.ID, Q: "greta"})
		if err != nil || len(page.Data) != 1 {
			t.Fatalf("stored: %v %v", page.Data, err)
		}
		if got := page.Data[0]; got.Region != "Babelsberg" || got.Company != "Gruen GmbH" || got.Email != "greta@example.com" {
			t.Errorf("stored %+v", got)
		}
	})
}

func TestFleetManagersEditOnlyContactFieldsAndNotes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Otto Ort", Email: "otto@example.com", Company: "Ort AG", Region: "Innenstadt"})
		edit := "/customers/" + c.ID + "/edit"

		fm := d.operator("fm@example.com", domain.RoleFleetManager, "potsdam")
		p := d.send("GET", edit, nil, nil, fm)
		if p.status != 200 {
			t.Fatalf("fleet manager's edit form: %d", p.status)
		}
		wantIn(t, p.body, `name="phone"`, `name="address"`, `name="notes"`, `id="readonly-email">otto@example.com<`)
		wantNotIn(t, p.body, `name="name"`, `name="company"`, `name="region"`, `name="email"`)

		r := d.send("POST", edit, url.Values{"phone": {"0331 999999"}, "address": {"Am Markt 2"}, "notes": {"Prefers SMS"}}, nil, fm)
		if r.status != http.StatusSeeOther {
			t.Fatalf("fleet manager saves: %d\n%s", r.status, r.body)
		}
		got := d.reload(c)
		if got.Phone != "+49331999999" || got.Address != "Am Markt 2" || got.Notes != "Prefers SMS" || got.Name != "Otto Ort" {
			t.Errorf("stored %+v", got)
		}
		// A name slipped into the form is refused by the app, not ignored.
		if p := d.send("POST", edit, url.Values{"name": {"Otto Neu"}, "phone": {"0331 999999"}}, nil, fm); p.status != http.StatusForbidden {
			t.Errorf("fleet manager renames: %d", p.status)
		}
		if d.reload(c).Name != "Otto Ort" {
			t.Error("the fleet manager renamed the customer")
		}

		p = d.get(edit)
		wantIn(t, p.body, `name="name"`, `name="company"`, `name="region"`, `<option value="Innenstadt" selected>`)
		p = d.post(edit, url.Values{"name": {""}, "company": {"Ort AG"}, "region": {"Innenstadt"}, "phone": {"12"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid edit: %d", p.status)
		}
		wantIn(t, p.body, "Enter a name of at most 200 characters.", "We cannot read this phone number.")
		p = d.follow(d.post(edit, url.Values{"name": {"Otto Ortmann"}, "company": {""}, "region": {"Babelsberg"},
			"phone": {""}, "address": {""}, "notes": {""}}))
		wantIn(t, p.body, "The changes are saved.", "<h1>Otto Ortmann</h1>")
		activity := p.body[strings.Index(p.body, `id="activity"`):]
		wantIn(t, activity, "Edited", "fm@example.com")
	})
}

func TestViewersSeeCustomersButNoActions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Vera Viewed", Email: "vera@example.com"})
		viewer := d.operator("viewer@example.com", domain.RoleViewer, "potsdam")
		p := d.send("GET", "/customers?subaccount=potsdam", nil, nil, viewer)
		wantIn(t, p.body, "Vera Viewed")
		wantNotIn(t, p.body, "New customer", "Bulk wallet</a>", ">Import<", ">Export<")
		p = d.send("GET", "/customers/"+c.ID, nil, nil, viewer)
		wantIn(t, p.body, "<h1>Vera Viewed</h1>")
		wantNotIn(t, p.body, "actions-menu", "/edit\"", `id="activity"`)
		for _, path := range []string{"/block", "/delete", "/identity/verify", "/edit"} {
			if p := d.send("POST", "/customers/"+c.ID+path, url.Values{"reason": {"x"}}, nil, viewer); p.status != http.StatusForbidden {
				t.Errorf("viewer posts %s: %d", path, p.status)
			}
		}
		if p := d.send("GET", "/customers/new", nil, nil, viewer); p.status != http.StatusForbidden {
			t.Errorf("viewer opens the new-customer form: %d", p.status)
		}
	})
}

func TestGermanPagesWriteMoneyAndDatesTheGermanWay(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Gerda Geld"})
		d.balances(c, 123456, 250)
		p := d.get("/customers?subaccount=potsdam&lang=de")
		wantIn(t, p.body, `lang="de"`, `id="stat-wallet">1.234,56 €<`, `id="stat-bonus">2,50 €<`,
			`<td class="num money" data-label="Guthaben">1.234,56 €</td>`, "Kunden gesamt", "Neuer Kunde",
			`>Alle <span class="tab-count">1</span>`)
		joined := d.reload(c).JoinedAt.In(mustLocation(t, "Europe/Berlin")).Format("02.01.2006")
		wantIn(t, p.body, ">"+joined+"</time>")
		p = d.get("/customers/" + c.ID)
		wantIn(t, p.body, `id="wallet-balance">1.234,56 €<`, "Allgemeine Angaben")

		p = d.get("/customers/" + c.ID + "?lang=en")
		wantIn(t, p.body, `id="wallet-balance">€1,234.56<`, `id="bonus-balance">€2.50<`)
	})
}

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

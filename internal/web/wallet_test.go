package web_test

// The wallet pages over HTTP: the profile's wallet section and its actions
// (credit, bonus, fee, reduce balance) with their confirmation and errors,
// the customer's notifications, the wallet activity with its filters,
// pages, CSV download and reversals, and bulk wallet processing from upload
// to results. They reuse the potsdam dashboard of customers_test.go.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/jobs"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// act posts a wallet action's form as the signed-in operator, confirmed as
// the browser's dialog confirms it.
func (d *custDash) wallet(c *domain.Customer, kind, amount, note string) page {
	d.t.Helper()
	return d.post("/customers/"+c.ID+"/wallet/"+kind, url.Values{"amount": {amount}, "note": {note},
		"key": {fmt.Sprintf("test-%d", time.Now().UnixNano())}, "confirmed": {"yes"}})
}

// ledger is every entry of a customer, newest first.
func (d *custDash) ledger(c *domain.Customer) []*domain.LedgerEntry {
	d.t.Helper()
	page, err := d.app.Store.LedgerList(context.Background(), domain.LedgerFilter{CustomerID: c.ID})
	if err != nil {
		d.t.Fatal(err)
	}
	return page.Data
}

func (d *custDash) notifications(c *domain.Customer) []*domain.Notification {
	d.t.Helper()
	list, err := d.app.Store.NotificationList(context.Background(), c.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return list
}

// entryRows counts the rows of the activity page's ledger table.
func entryRows(body string) int { return strings.Count(body, `<tr id="entry-`) }

// csvRecords reads a downloaded CSV.
func csvRecords(t *testing.T, p page) [][]string {
	t.Helper()
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("download: %d %s\n%s", p.status, p.header.Get("Content-Type"), p.body)
	}
	recs, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestWalletCreditInGermanIsExactMinorUnits(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Greta Geld", Email: "greta@example.com"})
		path := "/customers/" + c.ID + "/wallet/credit?lang=de"

		// Without the dialog's confirmation the server asks first, showing
		// the balance before and after, and nothing moves yet.
		p := d.post(path, url.Values{"amount": {"12,50"}, "key": {"form-1"}})
		if p.status != 200 {
			t.Fatalf("confirmation: %d\n%s", p.status, p.body)
		}
		wantIn(t, p.body, "12,50 € dem Wallet von Greta Geld gutschreiben?", `id="wallet-confirm-balance">0,00 € → 12,50 €<`,
			`name="confirmed" value="yes"`, `name="amount" value="12,50"`, `name="key" value="form-1"`)
		if got := d.reload(c).WalletBalance; got != 0 {
			t.Fatalf("an unconfirmed credit moved %d", got)
		}

		form := url.Values{"amount": {"12,50"}, "key": {"form-1"}, "confirmed": {"yes"}}
		r := d.post(path, form)
		if r.status != http.StatusSeeOther || r.location() != "/customers/"+c.ID+"?subaccount=potsdam" {
			t.Fatalf("credit: %d to %q\n%s", r.status, r.location(), r.body)
		}
		if got := d.reload(c).WalletBalance; got != 1250 {
			t.Fatalf("12,50 € credited %d minor units, want 1250", got)
		}
		p = d.follow(r)
		wantIn(t, p.body, "12,50 € dem Wallet von Greta Geld gutgeschrieben. Wallet-Guthaben: 12,50 €.",
			`id="wallet-balance">12,50 €<`, "+12,50 €", "Gutschrift")

		// The same form sent twice (a double click, a reload) moves money once.
		d.follow(d.post(path, form))
		if got := d.reload(c).WalletBalance; got != 1250 || len(d.ledger(c)) != 1 {
			t.Errorf("a repeated form: balance %d, %d entries", got, len(d.ledger(c)))
		}
		// Changed and sent again under its old key, it says so and moves nothing.
		p = d.follow(d.post(path, url.Values{"amount": {"20,00"}, "key": {"form-1"}, "confirmed": {"yes"}}))
		wantIn(t, p.body, `class="flash flash-error"`, "Dieses Formular wurde schon gesendet")
		if got := d.reload(c).WalletBalance; got != 1250 {
			t.Errorf("a reused form moved the balance to %d", got)
		}

		// Grouping marks only group thousands: "12.50" in German is a typo,
		// not 1.250,00 €; "1.234,5" is over the limit of one action.
		for amount, want := range map[string]string{
			"12.50":   "Geben Sie einen Betrag wie 12,50 ein.",
			"1,234":   "Geben Sie einen Betrag wie 12,50 ein.",
			"1.234,5": "Höchstens 1.000,00 € pro Aktion.",
			"0,00":    "Der Betrag muss größer als null sein.",
		} {
			p := d.post(path, url.Values{"amount": {amount}, "confirmed": {"yes"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("%q: %d", amount, p.status)
			}
			wantIn(t, p.body, want, `value="`+amount+`"`)
		}
		if got := d.reload(c).WalletBalance; got != 1250 {
			t.Errorf("refused amounts moved the balance to %d", got)
		}
	})
}

func TestWalletActionErrorsShowOnTheFormAndChangeNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Emil Error"})
		d.balances(c, 1000, 0)
		long := strings.Repeat("x", 501)
		for _, tc := range []struct{ kind, amount, note, want string }{
			{"credit", "", "", "Enter an amount."},
			{"credit", "abc", "", "Enter an amount like 12.50."},
			{"credit", "1.234", "", "Enter an amount like 12.50."}, // three decimals
			{"credit", "-5", "", "Enter an amount like 12.50."},
			{"credit", "1,000.01", "", "At most €1,000.00 in one action."},
			{"credit", "1", long, "Keep the note to at most 500 characters."},
			{"bonus", "1", "", "Say why: a reason is required."},
			{"fee", "1", "  ", "Say why: a reason is required."},
			{"debit", "1", "", "Say why: a reason is required."},
			{"debit", "10.01", "Correction", "The balance is too low to reduce by this much; charge a fee instead."},
		} {
			p := d.wallet(c, tc.kind, tc.amount, tc.note)
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("%s %q %q: %d", tc.kind, tc.amount, tc.note, p.status)
				continue
			}
			wantIn(t, p.body, tc.want, `action="/customers/`+c.ID+`/wallet/`+tc.kind+`"`)
		}
		if got := d.reload(c); got.WalletBalance != 1000 || got.BonusBalance != 0 || len(d.ledger(c)) != 1 {
			t.Errorf("refused actions changed the wallet: %d, %d, %d entries", got.WalletBalance, got.BonusBalance, len(d.ledger(c)))
		}
		// An unreadable form is a clear error, never a panic.
		for _, body := range []url.Values{{"amount": {"1%zz"}}, {}} {
			if p := d.post("/customers/"+c.ID+"/wallet/fee", body); p.status >= 500 {
				t.Errorf("form %v: %d", body, p.status)
			}
		}
	})
}

func TestWalletFeeCrossingZeroNotifiesAndTheProfileShowsIt(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Fiona Fee"})
		d.balances(c, 500, 0)
		p := d.get("/customers/" + c.ID)
		wantIn(t, p.body, `id="notifications"`, "No notifications yet.")

		p = d.follow(d.wallet(c, "fee", "12.50", "Scooter left in the river"))
		wantIn(t, p.body, "Charged Fiona Fee a fee of €12.50. Wallet balance: -€7.50. The balance is now negative, and Fiona Fee was notified.",
			`id="wallet-balance">-€7.50<`, "Your wallet balance is negative", "Negative balance", "Pending")
		if got := d.reload(c).WalletBalance; got != -750 {
			t.Errorf("balance %d, want -750", got)
		}
		if n := d.notifications(c); len(n) != 1 || n[0].Type != domain.NotificationBalanceNegative {
			t.Fatalf("notifications: %+v", n)
		}
		// Below zero already: another fee does not cross zero again.
		p = d.follow(d.wallet(c, "fee", "1", "Late return"))
		wantNotIn(t, p.body, "was notified")
		if n := d.notifications(c); len(n) != 1 {
			t.Errorf("a fee below zero notified again: %d notifications", len(n))
		}
	})
}

func TestWalletReduceBalanceNeverNotifies(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Rudi Reduziert"})
		d.balances(c, 1000, 0)
		p := d.follow(d.wallet(c, "debit", "10.00", "Duplicate top-up"))
		wantIn(t, p.body, "Reduced the wallet of Rudi Reduziert by €10.00. Wallet balance: €0.00.", "No notifications yet.")
		wantNotIn(t, p.body, "was notified")
		if got := d.reload(c).WalletBalance; got != 0 {
			t.Errorf("balance %d, want 0", got)
		}
		if p := d.wallet(c, "debit", "0.01", "Below zero"); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a reduction below zero: %d", p.status)
		}
		if n := d.notifications(c); len(n) != 0 {
			t.Errorf("reduce balance notified: %+v", n)
		}
	})
}

func TestWalletBonusMovesTheBonusBalance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Bea Bonus"})
		p := d.follow(d.wallet(c, "bonus", "3.00", "Welcome"))
		wantIn(t, p.body, "Added €3.00 bonus for Bea Bonus. Bonus balance: €3.00.", `id="bonus-balance">€3.00<`,
			`id="wallet-balance">€0.00<`)
	})
}

func TestWalletActionsFollowPermissions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Paul Permission"})
		d.balances(c, 1000, 0)
		profile := "/customers/" + c.ID

		// The super admin has the whole menu, each with its confirmation.
		p := d.get(profile)
		wantIn(t, p.body, `id="wallet-actions"`, `id="wallet-credit-submit"`, `id="wallet-bonus-submit"`,
			`id="wallet-fee-submit"`, `id="wallet-debit-submit"`, `data-before="1000"`, `data-sign="-1"`,
			`data-confirm-template="Add {amount} to the wallet of Paul Permission? Wallet balance: {before} → {after}"`,
			`data-money="€{n}"`, `data-decimal="."`, `data-group=","`, `data-exp="2"`,
			`href="/customers/`+c.ID+`/wallet" id="wallet-activity-link"`)

		fm := d.operator("fm@example.com", domain.RoleFleetManager, "potsdam")
		p = d.send("GET", profile, nil, nil, fm)
		wantIn(t, p.body, `id="wallet-credit-submit"`, `id="wallet-bonus-submit"`)
		wantNotIn(t, p.body, `id="wallet-fee-submit"`, `id="wallet-debit-submit"`, "/wallet/fee", "/wallet/debit")
		for kind, want := range map[string]int{"fee": http.StatusForbidden, "debit": http.StatusForbidden, "credit": http.StatusSeeOther} {
			form := url.Values{"amount": {"1.00"}, "note": {"forged"}, "confirmed": {"yes"}}
			if p := d.send("POST", profile+"/wallet/"+kind, form, nil, fm); p.status != want {
				t.Errorf("fleet manager posts %s: %d, want %d", kind, p.status, want)
			}
		}
		if got := d.reload(c).WalletBalance; got != 1100 {
			t.Errorf("balance %d, want 1100: only the credit may apply", got)
		}

		// Viewers and analysts see the balances and the activity, and act on nothing.
		for _, role := range []domain.Role{domain.RoleViewer, domain.RoleAnalyst} {
			s := d.operator(string(role)+"@example.com", role, "potsdam")
			p := d.send("GET", profile, nil, nil, s)
			wantIn(t, p.body, `id="wallet-balance">€11.00<`, `id="wallet-activity-link"`)
			wantNotIn(t, p.body, `id="wallet-actions"`, "data-wallet-action")
			if p := d.send("GET", profile+"/wallet", nil, nil, s); p.status != 200 || strings.Contains(p.body, "/reverse") {
				t.Errorf("%s opens the activity: %d, or may reverse", role, p.status)
			}
		}

		// A deleted customer keeps the history, and offers no actions.
		d.follow(d.post(profile+"/delete", url.Values{"confirm": {"Paul Permission"}}))
		p = d.get(profile)
		wantNotIn(t, p.body, `id="wallet-actions"`)
		if p := d.wallet(c, "credit", "1", ""); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, "This customer is deleted. Restore them first.") {
			t.Errorf("a credit to a deleted customer: %d", p.status)
		}
	})
}

func TestWalletActivityFiltersByKindAndDateAndDownloadsExactlyThoseRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Karl Konto"})
		activity := "/customers/" + c.ID + "/wallet"

		p := d.get(activity)
		wantIn(t, p.body, `id="wallet-empty"`, "No wallet activity yet.")

		d.follow(d.wallet(c, "credit", "20.00", `=HYPERLINK("http://evil.example","click")`))
		d.follow(d.wallet(c, "fee", "5.00", "+damage"))
		d.follow(d.wallet(c, "bonus", "3.00", "@welcome"))
		d.follow(d.wallet(c, "credit", "1.00", "plain"))

		p = d.get(activity)
		if n := entryRows(p.body); n != 4 {
			t.Fatalf("activity lists %d entries, want 4", n)
		}
		// Newest first, with the balances after each entry, the actor and the note.
		wantIn(t, p.body, "4 entries", "+€1.00", "-€5.00", "+€3.00", "€15.00", "€16.00", d.login.Email, "@welcome")

		p = d.get(activity + "?kind=credit")
		if n := entryRows(p.body); n != 2 || strings.Count(p.body, `data-kind="credit"`) != 2 {
			t.Errorf("kind=credit lists %d entries", n)
		}
		wantIn(t, p.body, `<option value="credit" selected>Credit</option>`,
			`href="/customers/`+c.ID+`/wallet/export?kind=credit" id="wallet-csv"`)
		recs := csvRecords(t, d.get(activity+"/export?kind=credit"))
		if len(recs) != 3 || recs[0][2] != "kind" || recs[1][2] != "credit" || recs[2][2] != "credit" {
			t.Fatalf("CSV of kind=credit: %q", recs)
		}
		if recs[1][3] != "1.00" || recs[2][3] != "20.00" || recs[2][4] != "20.00" {
			t.Errorf("CSV amounts: %q", recs)
		}
		if note := recs[2][7]; note != `'=HYPERLINK("http://evil.example","click")` {
			t.Errorf("a formula note is not escaped: %q", note)
		}

		// Dates are days in the subaccount's time zone, as the page shows them.
		day := d.ledger(c)[0].CreatedAt.In(mustLocation(t, "Europe/Berlin"))
		today, before, after := day.Format("2006-01-02"), day.AddDate(0, 0, -1).Format("2006-01-02"), day.AddDate(0, 0, 1).Format("2006-01-02")
		if n := entryRows(d.get(activity + "?from=" + today + "&to=" + today).body); n != 4 {
			t.Errorf("today lists %d entries, want 4", n)
		}
		p = d.get(activity + "?from=" + after)
		wantIn(t, p.body, "No entries match these filters.")
		if n := entryRows(p.body); n != 0 {
			t.Errorf("from tomorrow lists %d entries", n)
		}
		if recs := csvRecords(t, d.get(activity+"/export?to="+before)); len(recs) != 1 {
			t.Errorf("CSV up to yesterday has %d lines, want the header only", len(recs))
		}
		recs = csvRecords(t, d.get(activity+"/export?kind=fee&from="+today))
		if len(recs) != 2 || recs[1][3] != "-5.00" || recs[1][7] != "'+damage" {
			t.Errorf("CSV of today's fees: %q", recs)
		}

		p = d.get(activity + "?from=yesterday")
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad date: %d", p.status)
		}
		wantIn(t, p.body, "Enter dates as YYYY-MM-DD.")
		if p := d.get(activity + "?kind=bribe"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Choose an event type") {
			t.Errorf("a bad kind: %d", p.status)
		}
	})
}

func TestWalletActivityPagesWithAKeysetCursor(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Paula Pages"})
		for i := range domain.DefaultPageSize + 3 {
			if _, _, err := d.app.WalletAct(context.Background(), system, c,
				domain.WalletAction{Kind: domain.KindCredit, Amount: int64(i + 1)}, ""); err != nil {
				t.Fatal(err)
			}
		}
		p := d.get("/customers/" + c.ID + "/wallet?kind=credit")
		if n := entryRows(p.body); n != domain.DefaultPageSize {
			t.Fatalf("first page: %d entries", n)
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body)
		if next == nil {
			t.Fatal("no next page")
		}
		u, _ := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
		if u.Query().Get("kind") != "credit" || u.Query().Get("cursor") == "" {
			t.Errorf("next page %q loses the filter or the cursor", next[1])
		}
		p = d.get(u.RequestURI())
		if n := entryRows(p.body); n != 3 || strings.Contains(p.body, `rel="next"`) {
			t.Errorf("second page: %d entries", n)
		}
		wantIn(t, p.body, "+€0.01", "+€0.03", "First page")
	})
}

func TestWalletReversalUndoesAnEntryOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		c := d.create(domain.CustomerCreate{Name: "Rita Reverse"})
		d.follow(d.wallet(c, "credit", "10.00", "Top-up by phone"))
		entry := d.ledger(c)[0]
		activity := "/customers/" + c.ID + "/wallet"
		reverse := activity + "/entries/" + entry.ID + "/reverse"

		p := d.get(activity)
		wantIn(t, p.body, `action="`+reverse+`"`, `data-confirm="Reverse this entry (Credit, +€10.00)? Wallet balance: €10.00 → €0.00"`)

		p = d.follow(d.post(reverse, url.Values{"note": {"  "}}))
		wantIn(t, p.body, "Give a reason for the reversal, in at most 500 characters.")
		if got := d.reload(c).WalletBalance; got != 1000 {
			t.Fatalf("a reversal without a reason moved the balance to %d", got)
		}

		// It returns to the page it came from, with its filters.
		r := d.post(reverse, url.Values{"note": {"Charged twice"}, "key": {"rev-1"}, "back": {activity + "?kind=credit"}})
		if r.location() != activity+"?kind=credit" {
			t.Errorf("a reversal returns to %q", r.location())
		}
		wantIn(t, d.follow(r).body, "Reversed: -€10.00 for Rita Reverse. Balance: €0.00.", ">Reversed</span>")
		p = d.get(activity)
		wantIn(t, p.body, "Reversal", "Charged twice")
		if got := d.reload(c).WalletBalance; got != 0 {
			t.Fatalf("balance after the reversal: %d", got)
		}
		wantNotIn(t, p.body, `action="`+reverse+`"`)
		reversal := d.ledger(c)[0]
		if reversal.Kind != domain.KindReversal || reversal.CauseID != entry.ID {
			t.Fatalf("reversal entry: %+v", reversal)
		}
		wantNotIn(t, p.body, "/entries/"+reversal.ID+"/reverse")

		r = d.post(reverse, url.Values{"note": {"Again"}, "back": {"//evil.example" + activity}})
		if r.location() != activity+"?subaccount=potsdam" {
			t.Errorf("a reversal follows a foreign back address: %q", r.location())
		}
		wantIn(t, d.follow(r).body, "This entry has been reversed already.")
		p = d.follow(d.post(activity+"/entries/"+reversal.ID+"/reverse", url.Values{"note": {"Undo the undo"}}))
		wantIn(t, p.body, "A reversal cannot be reversed; make a new entry instead.")
		if got := d.reload(c).WalletBalance; got != 0 || len(d.ledger(c)) != 2 {
			t.Errorf("refused reversals changed the wallet: %d, %d entries", got, len(d.ledger(c)))
		}

		// Reversal needs wallet:reverse, which fleet managers lack.
		fm := d.operator("fm@example.com", domain.RoleFleetManager, "potsdam")
		if p := d.send("POST", activity+"/entries/"+entry.ID+"/reverse", url.Values{"note": {"x"}}, nil, fm); p.status != http.StatusForbidden {
			t.Errorf("fleet manager reverses: %d", p.status)
		}
		// An entry of another customer is not found through this one.
		other := d.create(domain.CustomerCreate{Name: "Otto Other"})
		if p := d.post("/customers/"+other.ID+"/wallet/entries/"+entry.ID+"/reverse", url.Values{"note": {"x"}}); p.status != http.StatusNotFound {
			t.Errorf("reversing another customer's entry: %d", p.status)
		}
	})
}

// upload posts a file to the bulk wallet form, as a browser does.
func (d *custDash) upload(path, filename, content string, session *http.Cookie) page {
	d.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		d.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	r := httptest.NewRequest("POST", path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Accept-Language", "en")
	r.AddCookie(session)
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, r)
	return page{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// startJobs runs the real job queue on the dashboard's database.
func (d *custDash) startJobs() {
	d.t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, d.app.Store); err != nil {
		d.t.Fatal(err)
	}
	r, err := jobs.Start(ctx, d.app, slog.New(slog.DiscardHandler))
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(stop)
	})
}

var batchLink = regexp.MustCompile(`^/wallet/bulk/(wb_[a-z0-9]+)\?subaccount=potsdam$`)

func TestBulkWalletUploadPreviewProcessProgressAndResults(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		d.startJobs()
		ada := d.create(domain.CustomerCreate{Name: "Ada", Email: "ada@example.com"})
		bob := d.create(domain.CustomerCreate{Name: "Bob", Email: "bob@example.com"})

		p := d.get("/wallet/bulk?subaccount=potsdam")
		wantIn(t, p.body, `enctype="multipart/form-data"`, `type="file" name="file"`, "customer_id,amount,note",
			"cust_123,10.00,Promotional credit", `href="/wallet/bulk/template?subaccount=potsdam"`, "at most €1,000.00 per row")
		if recs := csvRecords(t, d.get("/wallet/bulk/template?subaccount=potsdam")); len(recs) != 3 ||
			strings.Join(recs[0], ",") != "customer_id,amount,note" {
			t.Errorf("template: %q", recs)
		}

		// Files that cannot be used come back to the form, and store nothing.
		for content, want := range map[string]string{
			"":                   "The file is empty",
			"name,value\nx,1\n":  "The first line must name the columns customer_id and amount",
			"customer_id,amount": "The file has no rows after its first line.",
		} {
			p := d.upload("/wallet/bulk?subaccount=potsdam", "bad.csv", content, d.session)
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("file %q: %d", content, p.status)
			}
			wantIn(t, p.body, want)
		}

		file := strings.Join([]string{
			"customer_id,amount,note",
			ada.ID + ",10.00,Promotional credit",
			"BOB@example.com,5.50,Service credit",
			"nobody@example.com,1.00,unknown",
			ada.ID + ",abc,not a number",
			"=cmd|' /C calc'!A0,1.00,injection",
		}, "\n")
		r := d.upload("/wallet/bulk?subaccount=potsdam", "april.csv", file, d.session)
		m := batchLink.FindStringSubmatch(r.location())
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("upload: %d to %q\n%s", r.status, r.location(), r.body)
		}
		batch := "/wallet/bulk/" + m[1]
		p = d.get(batch)
		wantIn(t, p.body, "<h1>april.csv</h1>", `id="batch-rows">5<`, `id="batch-valid">2<`, `id="batch-invalid">3<`,
			`id="batch-total">€15.50<`, `data-batch-status="previewed"`, ">4</td>", "no customer nobody@example.com in this subaccount",
			`data-confirm="Apply 2 credits totalling €15.50? They cannot be undone as a whole."`, `id="batch-process"`)
		if d.reload(ada).WalletBalance != 0 {
			t.Fatal("a preview moved money")
		}

		p = d.follow(d.post(batch+"/process", url.Values{}))
		wantIn(t, p.body, "Processing of 2 rows has started.")
		wantNotIn(t, p.body, `id="batch-process"`)

		// The page's script polls the batch's region until it is done.
		deadline := time.Now().Add(60 * time.Second)
		for {
			p = d.send("GET", batch+"?subaccount=potsdam", nil, map[string]string{"Accept-Language": "en", "X-Partial": "batch"}, d.session)
			if strings.Contains(p.body, "<html") || !strings.Contains(p.body, "data-batch-status=") {
				t.Fatalf("the partial is not the batch's region:\n%s", p.body)
			}
			if strings.Contains(p.body, `data-batch-status="done"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the batch did not finish:\n%s", p.body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		wantIn(t, p.body, `value="100"`, "Processed 2 of 2 · succeeded 2 · failed 0", `id="batch-results"`)
		if a, b := d.reload(ada).WalletBalance, d.reload(bob).WalletBalance; a != 1000 || b != 550 {
			t.Errorf("balances after processing: %d, %d", a, b)
		}

		// Processing twice changes nothing.
		p = d.follow(d.post(batch+"/process", url.Values{}))
		wantIn(t, p.body, "This batch has been started already; nothing changed.")
		if a := d.reload(ada).WalletBalance; a != 1000 {
			t.Errorf("processing twice: %d", a)
		}

		recs := csvRecords(t, d.get(batch+"/results"))
		if len(recs) != 6 || strings.Join(recs[0], ",") != "line,customer,customer_id,amount,note,status,error,transaction_id" {
			t.Fatalf("results: %q", recs)
		}
		statuses := []string{}
		for _, rec := range recs[1:] {
			statuses = append(statuses, rec[5])
		}
		if got := strings.Join(statuses, ","); got != "applied,applied,invalid,invalid,invalid" {
			t.Errorf("row statuses %s", got)
		}
		if recs[5][1] != "'=cmd|' /C calc'!A0" {
			t.Errorf("a formula cell is not escaped: %q", recs[5][1])
		}
		// The customers' activity shows the bulk credit.
		wantIn(t, d.get("/customers/"+ada.ID+"/wallet").body, "Bulk credit", "Promotional credit")
	})
}

func TestBulkWalletRefusesFilesOver64MiB(t *testing.T) {
	t.Parallel()
	d := newCustomersDash(t, store.SQLite)
	r := httptest.NewRequest("POST", "/wallet/bulk?subaccount=potsdam", strings.NewReader("--x--"))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	r.Header.Set("Accept-Language", "en")
	r.ContentLength = 64<<20 + 1
	r.AddCookie(d.session)
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, r)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "The file is larger than 64 MiB.") {
		t.Errorf("a file over the limit: %d", rec.Code)
	}
}

func TestBulkWalletWithoutValidRowsOffersNoProcessing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		r := d.upload("/wallet/bulk?subaccount=potsdam", "none.csv", "customer_id,amount,note\nnobody@example.com,1.00,x\n", d.session)
		p := d.follow(r)
		wantIn(t, p.body, `id="batch-valid">0<`, "This file has no valid rows to process.")
		wantNotIn(t, p.body, `id="batch-process"`)
		m := batchLink.FindStringSubmatch(r.location())
		p = d.follow(d.post("/wallet/bulk/"+m[1]+"/process", url.Values{}))
		wantIn(t, p.body, `class="flash flash-error"`, "This file has no valid rows to process.")
	})
}

func TestBulkWalletBatchOfAnotherSubaccountIsNotFound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newCustomersDash(t, engine)
		ctx := context.Background()
		berlin, err := d.app.Store.SubaccountBySlug(ctx, "berlin")
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.app.BulkWalletPreview(ctx, system, berlin, "berlin.csv", strings.NewReader("customer_id,amount,note\nx@example.com,1.00,\n"))
		if err != nil {
			t.Fatal(err)
		}
		admin := d.operator("potsdam-admin@example.com", domain.RoleAdmin, "potsdam")
		for _, tc := range []struct{ method, path string }{
			{"GET", "/wallet/bulk/" + b.ID},
			{"GET", "/wallet/bulk/" + b.ID + "?subaccount=potsdam"},
			{"POST", "/wallet/bulk/" + b.ID + "/process"},
			{"GET", "/wallet/bulk/" + b.ID + "/results"},
			{"GET", "/wallet/bulk/wb_nonexistent"},
		} {
			var form url.Values
			if tc.method == "POST" {
				form = url.Values{}
			}
			if p := d.send(tc.method, tc.path, form, nil, admin); p.status != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", tc.method, tc.path, p.status)
			}
		}
		// The same batch opens for an operator of its subaccount.
		if p := d.get("/wallet/bulk/" + b.ID); p.status != 200 || !strings.Contains(p.body, "berlin.csv") {
			t.Errorf("super admin opens the batch: %d", p.status)
		}
	})
}

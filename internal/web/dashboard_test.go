package web_test

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/i18n"
	"github.com/mobidesk/mobidesk/internal/server"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
	"github.com/mobidesk/mobidesk/internal/web"
)

// dash is the whole server on a fresh database with the demo data loaded.
type dash struct {
	t     *testing.T
	app   *app.App
	srv   http.Handler
	login demo.Login
}

func newDash(t *testing.T, engine store.Engine, cfg web.Config) *dash {
	t.Helper()
	a := app.New(testdb.Open(t, engine))
	login, err := demo.Ensure(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(a, server.Config{Web: cfg, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return &dash{t: t, app: a, srv: srv, login: login}
}

// page is a response as the browser would get it.
type page struct {
	status int
	header http.Header
	body   string
}

func (p page) location() string { return p.header.Get("Location") }

func (p page) cookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// send serves one request; from is the client address.
func (d *dash) send(method, target string, form url.Values, header map[string]string, cookies ...*http.Cookie) page {
	d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		if k == "RemoteAddr" {
			r.RemoteAddr = v
			continue
		}
		r.Header.Set(k, v)
	}
	for _, c := range cookies {
		if c != nil {
			r.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, r)
	return page{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// signIn logs in and returns the session cookie.
func (d *dash) signIn(email, password string) *http.Cookie {
	d.t.Helper()
	p := d.send("POST", "/login", url.Values{"email": {email}, "password": {password}}, nil)
	c := p.cookie(web.SessionCookie)
	if p.status != http.StatusSeeOther || c == nil {
		d.t.Fatalf("login as %s: %d %s", email, p.status, p.body)
	}
	return c
}

func TestPagesSendAnonymousVisitorsToLogin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		for _, path := range []string{"/", "/customers", "/audit", "/settings", "/wallet/bulk"} {
			p := d.send("GET", path, nil, nil)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login?next=") {
				t.Errorf("%s: %d to %q", path, p.status, p.location())
			}
		}
		p := d.send("GET", "/login", nil, nil)
		if p.status != 200 || !strings.Contains(p.body, `name="email"`) || !strings.Contains(p.body, `name="password"`) {
			t.Errorf("login page: %d", p.status)
		}
	})
}

func TestLoginSetsAHardenedSessionCookieAndLogoutEndsIt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		p := d.send("POST", "/login", url.Values{"email": {d.login.Email}, "password": {d.login.Password},
			"next": {"/audit?subaccount=berlin"}}, nil)
		c := p.cookie(web.SessionCookie)
		if p.status != http.StatusSeeOther || p.location() != "/audit?subaccount=berlin" || c == nil {
			t.Fatalf("login: %d %q", p.status, p.location())
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.MaxAge <= 0 {
			t.Errorf("cookie on plain HTTP: %+v", c)
		}
		if stored := d.app.Store; stored == nil {
			t.Fatal("no store")
		}
		if strings.Contains(p.body, d.login.Password) {
			t.Error("the password is echoed")
		}
		shell := d.send("GET", "/customers", nil, nil, c)
		if shell.status != 200 || !strings.Contains(shell.body, d.login.Email) {
			t.Fatalf("shell: %d", shell.status)
		}
		if me := d.send("GET", "/api/v1/me", nil, nil, c); me.status != 200 {
			t.Errorf("the API refuses the session cookie: %d", me.status)
		}
		out := d.send("POST", "/logout", url.Values{}, nil, c)
		if out.status != http.StatusSeeOther || out.location() != "/login" {
			t.Errorf("logout: %d %q", out.status, out.location())
		}
		if p := d.send("GET", "/customers", nil, nil, c); p.status != http.StatusSeeOther {
			t.Errorf("the session works after logout: %d", p.status)
		}
		if me := d.send("GET", "/api/v1/me", nil, nil, c); me.status != http.StatusUnauthorized {
			t.Errorf("the API accepts a logged-out session: %d", me.status)
		}
	})
}

func TestCookiesAreSecureOverTLSOrWhenConfigured(t *testing.T) {
	d := newDash(t, store.SQLite, web.Config{SecureCookies: true})
	if c := d.signIn(d.login.Email, d.login.Password); !c.Secure {
		t.Error("configured secure cookies are not Secure")
	}
	plain := newDash(t, store.SQLite, web.Config{})
	r := httptest.NewRequest("POST", "https://desk.example/login",
		strings.NewReader(url.Values{"email": {plain.login.Email}, "password": {plain.login.Password}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	plain.srv.ServeHTTP(rec, r)
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.SessionCookie && !c.Secure {
			t.Error("a session cookie over TLS is not Secure")
		}
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
}

func TestWrongPasswordsAreLimitedPerAddressWithoutLockingOutTheOperator(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		attacker := map[string]string{"RemoteAddr": "203.0.113.9:4000"}
		for i := range 5 {
			p := d.send("POST", "/login", url.Values{"email": {d.login.Email}, "password": {"guess-" + string(rune('a'+i))}}, attacker)
			if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "The email or password is wrong.") {
				t.Fatalf("attempt %d: %d", i, p.status)
			}
		}
		p := d.send("POST", "/login", url.Values{"email": {d.login.Email}, "password": {d.login.Password}}, attacker)
		if p.status != http.StatusTooManyRequests || p.cookie(web.SessionCookie) != nil {
			t.Errorf("sixth attempt from the attacker: %d", p.status)
		}
		owner := map[string]string{"RemoteAddr": "198.51.100.7:5000"}
		p = d.send("POST", "/login", url.Values{"email": {d.login.Email}, "password": {d.login.Password}}, owner)
		if p.status != http.StatusSeeOther || p.cookie(web.SessionCookie) == nil {
			t.Errorf("the real operator is locked out: %d", p.status)
		}
	})
}

func TestCrossOriginFormPostsAreRefused(t *testing.T) {
	d := newDash(t, store.SQLite, web.Config{})
	c := d.signIn(d.login.Email, d.login.Password)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		p := d.send("POST", "/settings/tokens", url.Values{"name": {"stolen"}}, h, c)
		if p.status != http.StatusForbidden {
			t.Errorf("cross-origin post with %v: %d", h, p.status)
		}
		p = d.send("POST", "/login", url.Values{"email": {d.login.Email}, "password": {d.login.Password}}, h)
		if p.status != http.StatusForbidden {
			t.Errorf("cross-origin login with %v: %d", h, p.status)
		}
	}
	tokens, _ := d.app.Store.TokenList(context.Background(), mustOperator(t, d, d.login.Email).ID)
	if len(tokens) != 0 {
		t.Errorf("a cross-origin post created %d tokens", len(tokens))
	}
	if p := d.send("POST", "/settings/tokens", url.Values{"name": {"mine"}}, map[string]string{"Sec-Fetch-Site": "same-origin"}, c); p.status != http.StatusCreated {
		t.Errorf("same-origin post: %d", p.status)
	}
}

func mustOperator(t *testing.T, d *dash, email string) *domain.Operator {
	op, _, err := d.app.Store.OperatorByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func TestLanguageComesFromPreferenceThenQueryThenAcceptLanguage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		german := map[string]string{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
		english := map[string]string{"Accept-Language": "en-US,en;q=0.9"}
		if p := d.send("GET", "/login", nil, german); !strings.Contains(p.body, `lang="de"`) || !strings.Contains(p.body, "Anmelden") {
			t.Error("Accept-Language de does not give German")
		}
		if p := d.send("GET", "/login?lang=en", nil, german); !strings.Contains(p.body, `lang="en"`) {
			t.Error("?lang=en does not beat Accept-Language")
		}
		c := d.signIn(d.login.Email, d.login.Password)
		if p := d.send("GET", "/customers", nil, english, c); !strings.Contains(p.body, "Customers") {
			t.Error("no English shell")
		}
		p := d.send("GET", "/customers?lang=de", nil, english, c)
		for _, want := range []string{`lang="de"`, "Kunden", "Fahrzeuge", "Einstellungen", "Abmelden", "Änderungsprotokoll"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("German shell lacks %q", want)
			}
		}
		// The choice became the operator's preference, which now beats
		// the browser's Accept-Language.
		if p := d.send("GET", "/settings", nil, english, c); !strings.Contains(p.body, `lang="de"`) {
			t.Error("the preference did not stick")
		}
		if op := mustOperator(t, d, d.login.Email); op.Locale != "de" {
			t.Errorf("stored preference %q", op.Locale)
		}
	})
}

func TestSubaccountsAndPagesFollowPermissions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		ctx := context.Background()
		sys := domain.Actor{Principal: domain.SystemPrincipal}
		if _, err := d.app.OperatorCreate(ctx, sys, app.OperatorCreateInput{Email: "tech@example.com",
			Password: "long enough password", Role: domain.RoleServiceTechnician, Subaccount: "berlin"}); err != nil {
			t.Fatal(err)
		}
		c := d.signIn("tech@example.com", "long enough password")
		p := d.send("GET", "/vehicles?lang=en", nil, nil, c)
		if p.status != 200 || strings.Contains(p.body, `href="/customers`) || !strings.Contains(p.body, "Berlin Scooters") ||
			strings.Contains(p.body, "Austin Bikes") {
			t.Errorf("a technician's shell: %d\n%s", p.status, p.body)
		}
		if p := d.send("GET", "/customers", nil, nil, c); p.status != http.StatusForbidden {
			t.Errorf("a technician opens customers: %d", p.status)
		}
		if p := d.send("GET", "/audit?subaccount=austin", nil, nil, c); p.status != http.StatusNotFound {
			t.Errorf("a foreign subaccount answers %d, want 404", p.status)
		}
		if p := d.send("GET", "/no-such-page", nil, nil, c); p.status != http.StatusNotFound || !strings.Contains(p.body, "does not exist") {
			t.Errorf("unknown page: %d", p.status)
		}
	})
}

func TestTokenSecretIsShownOnceAndRevokeAsksFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		d := newDash(t, engine, web.Config{})
		c := d.signIn(d.login.Email, d.login.Password)
		p := d.send("POST", "/settings/tokens?lang=en", url.Values{"name": {"Payments"}}, nil, c)
		secret := regexp.MustCompile(`mdk_[A-Za-z0-9_-]{20,}`).FindString(p.body)
		if p.status != http.StatusCreated || secret == "" {
			t.Fatalf("create: %d", p.status)
		}
		list := d.send("GET", "/settings", nil, nil, c)
		if strings.Contains(list.body, secret) {
			t.Error("the secret is shown twice")
		}
		if !strings.Contains(list.body, `data-confirm="Revoke the token`) {
			t.Error("revoke does not ask for confirmation")
		}
		op := mustOperator(t, d, d.login.Email)
		tokens, _ := d.app.Store.TokenList(context.Background(), op.ID)
		revoke := d.send("POST", "/settings/tokens/"+tokens[0].ID+"/revoke", url.Values{}, nil, c)
		if revoke.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", revoke.status)
		}
		after := d.send("GET", "/settings", nil, nil, c, revoke.cookie("mobidesk_flash"))
		if !strings.Contains(after.body, "is revoked") || !strings.Contains(after.body, "Revoked") {
			t.Error("no flash or badge after revoking")
		}
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		r.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		d.srv.ServeHTTP(rec, r)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("a revoked token answers %d", rec.Code)
		}
	})
}

// TestCatalogsAreCompleteInBothLanguages checks that English and German
// have the same keys, and that every key the templates and handlers use
// exists.
func TestCatalogsAreCompleteInBothLanguages(t *testing.T) {
	en, de := i18n.Keys("en"), i18n.Keys("de")
	if !slices.Equal(en, de) {
		t.Errorf("catalogs differ:\nen only: %v\nde only: %v", missing(en, de), missing(de, en))
	}
	used := regexp.MustCompile(`\.T "([a-z_.]+)"|\bT\("([a-z_.]+)"|"((?:nav|login|customers|vehicles|rides|bulk|wallet|audit|settings|tokens|subaccounts|error|common|confirm)\.[a-z_]+)"`)
	files, _ := os.ReadDir("templates")
	var sources []string
	for _, f := range files {
		sources = append(sources, "templates/"+f.Name())
	}
	goFiles, _ := os.ReadDir(".")
	for _, f := range goFiles {
		if strings.HasSuffix(f.Name(), ".go") && !strings.HasSuffix(f.Name(), "_test.go") {
			sources = append(sources, f.Name())
		}
	}
	n := 0
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2] + m[3]
			n++
			if !slices.Contains(en, key) {
				t.Errorf("%s uses %q, which the catalogs lack", src, key)
			}
		}
	}
	if n < 50 {
		t.Errorf("found only %d catalog uses; is the pattern still right?", n)
	}
	for _, key := range en {
		if i18n.T("en", key) == i18n.T("de", key) && !slices.Contains([]string{"tokens.prefix", "settings.name", "tokens.name",
			"customers.name", "customers.region", "customers.col_bonus"}, key) {
			t.Errorf("%q is not translated", key)
		}
	}
}

func missing(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

func TestAPageShownForAPostLinksToItsGetPage(t *testing.T) {
	d := newDash(t, store.SQLite, web.Config{})
	c := d.signIn(d.login.Email, d.login.Password)
	p := d.send("POST", "/settings/tokens", url.Values{"name": {"ci"}}, nil, c)
	if p.status != http.StatusCreated {
		t.Fatalf("create: %d", p.status)
	}
	if strings.Contains(p.body, `href="/settings/tokens?lang=`) || !strings.Contains(p.body, `href="/settings?`) {
		t.Error("the language links repeat the POST address")
	}
	if strings.Contains(p.body, `action="/settings/tokens" data-autosubmit`) {
		t.Error("the subaccount switcher submits to the POST address")
	}
}

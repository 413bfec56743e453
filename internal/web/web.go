// Package web serves the dashboard: server-rendered pages from embedded
// templates, one file per action. Every page goes through the same steps:
// authenticate the session, pick the language and subaccount, check the
// page's permission, render.
package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
	"github.com/mobidesk/mobidesk/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Cookie names.
const (
	SessionCookie = "mobidesk_session"
	flashCookie   = "mobidesk_flash"
	subCookie     = "mobidesk_subaccount"
)

// Config holds the dashboard's settings.
type Config struct {
	// SecureCookies marks cookies Secure even on plain HTTP, for a server
	// behind a TLS-terminating proxy. Cookies on TLS requests are always Secure.
	SecureCookies bool
}

// Web is the dashboard.
type Web struct {
	app   *app.App
	cfg   Config
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns the dashboard.
func New(a *app.App, cfg Config) (*Web, error) {
	w := &Web{app: a, cfg: cfg, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		// Every page gets the layout and the shared partials (_*.html).
		t, err := template.New(base).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, err
		}
		w.pages[base] = t
	}
	static, _ := fs.Sub(staticFS, "static")
	w.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	for _, rt := range w.routes() {
		w.mux.Handle(rt.pattern, w.serve(rt))
	}
	return w, nil
}

// ServeHTTP serves the dashboard.
func (w *Web) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.mux.ServeHTTP(rw, r) }

// route is one dashboard page or action.
type route struct {
	pattern string
	perm    domain.Permission // checked in the chosen subaccount; "" means any operator
	public  bool              // served without a session
	// customer says the path's {id} is a customer: it is loaded first, its
	// subaccount becomes the chosen one, and one the operator cannot see
	// answers 404.
	customer bool
	handle   func(*request) error
}

// routes is the dashboard's one route table.
func (w *Web) routes() []route {
	return []route{
		{pattern: "GET /login", public: true, handle: w.loginForm},
		{pattern: "POST /login", public: true, handle: w.loginSubmit},
		{pattern: "POST /logout", handle: w.logout},
		{pattern: "GET /{$}", handle: func(r *request) error { return r.redirect(r.home()) }},
		{pattern: "GET /customers", perm: domain.PermCustomersView, handle: w.customersIndex},
		{pattern: "GET /customers/new", perm: domain.PermCustomersCreate, handle: w.customerNew},
		{pattern: "POST /customers", perm: domain.PermCustomersCreate, handle: w.customerCreate},
		{pattern: "GET /customers/{id}", perm: domain.PermCustomersView, customer: true, handle: w.customerShow},
		{pattern: "GET /customers/{id}/edit", perm: domain.PermCustomersEditContact, customer: true, handle: w.customerEdit},
		{pattern: "POST /customers/{id}/edit", perm: domain.PermCustomersEditContact, customer: true, handle: w.customerUpdate},
		{pattern: "POST /customers/{id}/block", perm: domain.PermCustomersBlock, customer: true, handle: w.customerBlock},
		{pattern: "POST /customers/{id}/unblock", perm: domain.PermCustomersBlock, customer: true, handle: w.customerUnblock},
		{pattern: "POST /customers/{id}/delete", perm: domain.PermCustomersDelete, customer: true, handle: w.customerDelete},
		{pattern: "POST /customers/{id}/restore", perm: domain.PermCustomersDelete, customer: true, handle: w.customerRestore},
		{pattern: "POST /customers/{id}/identity/verify", perm: domain.PermCustomersIdentity, customer: true, handle: w.customerIdentityVerify},
		{pattern: "POST /customers/{id}/identity/clear-requirement", perm: domain.PermCustomersIdentity, customer: true, handle: w.customerIdentityClear},
		{pattern: "POST /customers/{id}/identity/require", perm: domain.PermCustomersIdentity, customer: true, handle: w.customerIdentityRequire},
		// Wallet pages and actions.
		{pattern: "GET /customers/{id}/wallet", perm: domain.PermWalletView, customer: true, handle: w.walletShow},
		{pattern: "GET /customers/{id}/wallet/export", perm: domain.PermWalletView, customer: true, handle: w.walletExport},
		{pattern: "POST /customers/{id}/wallet/credit", perm: domain.PermWalletCredit, customer: true, handle: w.walletCredit},
		{pattern: "POST /customers/{id}/wallet/bonus", perm: domain.PermWalletBonus, customer: true, handle: w.walletBonus},
		{pattern: "POST /customers/{id}/wallet/fee", perm: domain.PermWalletFee, customer: true, handle: w.walletFee},
		{pattern: "POST /customers/{id}/wallet/debit", perm: domain.PermWalletDebit, customer: true, handle: w.walletDebit},
		{pattern: "POST /customers/{id}/wallet/entries/{entry}/reverse", perm: domain.PermWalletReverse, customer: true, handle: w.walletReverse},
		{pattern: "GET /wallet/bulk", perm: domain.PermWalletBulk, handle: w.bulkWalletIndex},
		{pattern: "POST /wallet/bulk", perm: domain.PermWalletBulk, handle: w.bulkWalletUpload},
		{pattern: "GET /wallet/bulk/template", perm: domain.PermWalletBulk, handle: w.bulkWalletTemplate},
		{pattern: "GET /wallet/bulk/{id}", perm: domain.PermWalletBulk, handle: w.bulkWalletShow},
		{pattern: "POST /wallet/bulk/{id}/process", perm: domain.PermWalletBulk, handle: w.bulkWalletProcess},
		{pattern: "GET /wallet/bulk/{id}/results", perm: domain.PermWalletBulk, handle: w.bulkWalletResults},
		// Vehicle and ride pages and actions.
		{pattern: "GET /vehicles", perm: domain.PermVehiclesView, handle: w.vehicleIndex},
		{pattern: "POST /vehicles", perm: domain.PermVehiclesManage, handle: w.vehicleCreate},
		// The vehicle's and the ride's own subaccount decide these; their
		// handlers check the permission there (objectSubaccount).
		{pattern: "POST /vehicles/{id}/status", handle: w.vehicleStatus},
		{pattern: "GET /rides/{id}", handle: w.rideShow},
		{pattern: "POST /rides/{id}/end", handle: w.rideEnd},
		{pattern: "GET /customers/{id}/rides", perm: domain.PermRidesView, customer: true, handle: w.rideList},
		{pattern: "GET /customers/{id}/rides/new", perm: domain.PermRidesManage, customer: true, handle: w.rideNew},
		{pattern: "POST /customers/{id}/rides", perm: domain.PermRidesManage, customer: true, handle: w.rideStart},
		{pattern: "POST /customers/{id}/payment-methods/{pm}/default", perm: domain.PermCustomersEdit, customer: true, handle: w.ridePaymentDefault},
		{pattern: "POST /customers/{id}/payment-methods/{pm}/remove", perm: domain.PermCustomersEdit, customer: true, handle: w.ridePaymentRemove},
		{pattern: "GET /audit", perm: domain.PermAuditView, handle: w.auditIndex},
		{pattern: "GET /settings", handle: w.settingsIndex},
		{pattern: "POST /settings/tokens", handle: w.tokenCreate},
		{pattern: "POST /settings/tokens/{id}/revoke", handle: w.tokenRevoke},
		{pattern: "/", public: true, handle: func(r *request) error {
			return domain.Errorf(domain.ECodeNotFound, "Not found.")
		}},
	}
}

// request is one dashboard request on its way through a handler.
type request struct {
	W    http.ResponseWriter
	R    *http.Request
	P    *domain.Principal
	Lang string
	Sub  *domain.Subaccount   // the chosen subaccount, nil when none is visible
	Subs []*domain.Subaccount // the subaccounts the operator sees
	// Customer is the customer of the path, on routes marked customer.
	Customer *domain.Customer
	web      *Web
}

func (w *Web) serve(rt route) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		req := &request{W: rw, R: r, web: w}
		err := w.prepare(req, rt)
		if err == nil {
			err = rt.handle(req)
		}
		if err != nil {
			req.fail(err)
		}
	})
}

// prepare authenticates, picks language and subaccount, and checks the
// route's permission in that subaccount.
func (w *Web) prepare(req *request, rt route) error {
	r := req.R
	ctx := r.Context()
	q := r.URL.Query()
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		p, err := w.app.PrincipalFromSession(ctx, c.Value)
		if err == nil {
			req.P = p
		} else if domain.ErrorCode(err) != domain.ECodeUnauthorized {
			return err
		}
	}
	if req.P == nil && !rt.public {
		req.Lang = i18n.Pick("", q.Get("lang"), r.Header.Get("Accept-Language"))
		return errLoginRequired
	}
	if req.P != nil && i18n.Supported(q.Get("lang")) && q.Get("lang") != req.P.Locale {
		// Choosing a language is a preference that follows the operator.
		if err := w.app.Store.OperatorSetLocale(ctx, req.actor(""), req.P.OperatorID, q.Get("lang")); err != nil {
			return err
		}
		req.P.Locale = q.Get("lang")
	}
	pref := ""
	if req.P != nil {
		pref = req.P.Locale
	}
	req.Lang = i18n.Pick(pref, q.Get("lang"), r.Header.Get("Accept-Language"))
	if req.P == nil {
		return nil
	}
	subs, err := w.app.VisibleSubaccounts(ctx, req.P)
	if err != nil {
		return err
	}
	req.Subs = subs
	want := q.Get("subaccount")
	if want == "" {
		if c, err := r.Cookie(subCookie); err == nil {
			want = c.Value
		}
	}
	if rt.customer {
		// The customer decides the subaccount, so that the switcher
		// follows a link to a customer of another subaccount.
		c, err := w.app.Store.CustomerGet(ctx, r.PathValue("id"))
		if err != nil {
			return err
		}
		req.Customer, want = c, c.SubaccountID
	}
	for _, sa := range subs {
		if sa.Slug == want || sa.ID == want {
			req.Sub = sa
		}
	}
	if req.Sub == nil && rt.customer {
		return domain.Errorf(domain.ECodeNotFound, "Customer not found.")
	}
	if req.Sub == nil && q.Get("subaccount") != "" {
		return domain.Errorf(domain.ECodeNotFound, "Subaccount not found.")
	}
	if req.Sub == nil && len(subs) > 0 {
		req.Sub = subs[0]
	}
	if req.Sub != nil {
		http.SetCookie(req.W, w.cookie(r, subCookie, req.Sub.Slug, 365*24*time.Hour))
	}
	if rt.perm != "" {
		subID := ""
		if req.Sub != nil {
			subID = req.Sub.ID
		}
		return req.P.Authorize(rt.perm, subID)
	}
	return nil
}

var errLoginRequired = errors.New("login required")

// cookie builds a cookie with the house's defaults: HttpOnly, SameSite=Lax,
// and Secure on TLS or when configured.
func (w *Web) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || w.cfg.SecureCookies, MaxAge: int(maxAge.Seconds())}
}

func (req *request) actor(note string) domain.Actor {
	return domain.Actor{Principal: req.P, RequestID: httpx.RequestID(req.R.Context()), Note: note}
}

// url returns path with the chosen subaccount in its query.
func (req *request) url(path string) string {
	if req.Sub == nil {
		return path
	}
	return path + "?subaccount=" + url.QueryEscape(req.Sub.Slug)
}

func (req *request) redirect(to string) error {
	http.Redirect(req.W, req.R, to, http.StatusSeeOther)
	return nil
}

// flash sets a message for the next page the operator sees.
func (req *request) flash(kind, message string) {
	v := url.Values{"k": {kind}, "m": {message}}
	http.SetCookie(req.W, req.web.cookie(req.R, flashCookie, v.Encode(), time.Minute))
}

// fail shows err: the login page for a missing session, a readable error
// page otherwise.
func (req *request) fail(err error) {
	if errors.Is(err, errLoginRequired) {
		next := req.R.URL.RequestURI()
		to := "/login?next=" + url.QueryEscape(next)
		if req.R.Method != http.MethodGet {
			to = "/login"
		}
		http.Redirect(req.W, req.R, to, http.StatusSeeOther)
		return
	}
	p := httpx.ProblemOf(req.R, err)
	req.renderStatus("error", p.Status, map[string]any{"Problem": p})
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

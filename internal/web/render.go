package web

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/i18n"
)

// view is what every template receives.
type view struct {
	Lang   string
	Title  string
	Active string // the sidebar item to highlight
	P      *domain.Principal
	Sub    *domain.Subaccount
	Subs   []*domain.Subaccount
	Nav    []navItem
	Flash  *flash
	Data   map[string]any
	req    *request
	loc    *time.Location
}

type navItem struct {
	Key, Href string
	Icon      template.HTML // see icons.go
}

type flash struct{ Kind, Message string }

// MenuIcon is the drawing of the button that opens the sidebar on a phone.
func (v *view) MenuIcon() template.HTML { return iconMenu }

// T translates a catalog key into the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Self is the address of the page shown: the request's, or for a page
// shown in answer to a POST (a form with errors, a created token) the GET
// page it stands for, so that links built on it do not repeat the POST.
func (v *view) Self() string {
	if self, ok := v.Data["Self"].(string); ok {
		return self
	}
	if v.req.R.Method == http.MethodGet {
		return v.req.R.URL.RequestURI()
	}
	return v.Home()
}

// SelfPath is Self without its query, for forms that send their own.
func (v *view) SelfPath() string {
	if u, err := url.Parse(v.Self()); err == nil {
		return u.Path
	}
	return "/"
}

// LangURL is the current page in another language.
func (v *view) LangURL(lang string) string {
	u, err := url.Parse(v.Self())
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// ErrorTitle is the headline of an error page: the code's own message
// where the catalogs have one, a refusal in general where not.
func (v *view) ErrorTitle(code string) string {
	if key := "error." + code; i18n.Has(key) {
		return v.T(key)
	}
	return v.T("error.refused")
}

// Home is the first page the operator may open.
func (v *view) Home() string { return v.req.home() }

// URL returns path in the chosen subaccount.
func (v *view) URL(path string) string { return v.req.url(path) }

// Time formats t in the subaccount's time zone.
func (v *view) Time(t time.Time) string {
	layout := "Jan 2, 2006 15:04"
	if v.Lang == "de" {
		layout = "02.01.2006 15:04"
	}
	return t.In(v.location()).Format(layout)
}

// location is the subaccount's time zone, loaded once per page: a list
// formats a hundred times.
func (v *view) location() *time.Location {
	if v.loc == nil {
		v.loc = time.UTC
		if v.Sub != nil {
			if l, err := time.LoadLocation(v.Sub.Timezone); err == nil {
				v.loc = l
			}
		}
	}
	return v.loc
}

// nav lists the sidebar items the operator may open in the subaccount.
func (req *request) nav() []navItem {
	subID := ""
	if req.Sub != nil {
		subID = req.Sub.ID
	}
	items := []struct {
		navItem
		perm domain.Permission
	}{
		{navItem{"nav.customers", "/customers", iconCustomers}, domain.PermCustomersView},
		{navItem{"nav.vehicles", "/vehicles", iconVehicles}, domain.PermVehiclesView},
		{navItem{"nav.bulk_wallet", "/wallet/bulk", iconBulkWallet}, domain.PermWalletBulk},
		{navItem{"nav.audit", "/audit", iconAudit}, domain.PermAuditView},
		{navItem{"nav.settings", "/settings", iconSettings}, ""},
	}
	var out []navItem
	for _, it := range items {
		if it.perm == "" || (req.P != nil && req.P.Can(it.perm, subID)) {
			it.Href = req.url(it.Href)
			out = append(out, it.navItem)
		}
	}
	return out
}

// home is the first sidebar page the operator may open.
func (req *request) home() string {
	if nav := req.nav(); len(nav) > 0 {
		return nav[0].Href
	}
	return "/settings"
}

// render writes the page template name with data, in the layout.
func (req *request) render(name string, data map[string]any) {
	req.renderStatus(name, http.StatusOK, data)
}

// renderStatus is render with another status than 200.
func (req *request) renderStatus(name string, status int, data map[string]any) {
	v := &view{Lang: req.Lang, P: req.P, Sub: req.Sub, Subs: req.Subs, Data: data, req: req}
	if title, ok := data["Title"].(string); ok {
		v.Title = title
	}
	v.Active, _ = data["Active"].(string)
	if req.P != nil {
		v.Nav = req.nav()
	}
	if c, err := req.R.Cookie(flashCookie); err == nil {
		if q, err := url.ParseQuery(c.Value); err == nil && q.Get("m") != "" {
			v.Flash = &flash{Kind: q.Get("k"), Message: q.Get("m")}
		}
		http.SetCookie(req.W, req.web.cookie(req.R, flashCookie, "", -time.Second))
	}
	req.execute(name, "layout", status, v)
}

// renderPartial writes only the template block of page name, for scripts
// that replace a region of the page (X-Partial). It leaves the flash for
// the next whole page.
func (req *request) renderPartial(name, block string, data map[string]any) {
	v := &view{Lang: req.Lang, P: req.P, Sub: req.Sub, Subs: req.Subs, Data: data, req: req}
	req.W.Header().Set("Vary", "X-Partial")
	req.execute(name, block, http.StatusOK, v)
}

func (req *request) execute(name, block string, status int, v *view) {
	t, ok := req.web.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		slog.ErrorContext(req.R.Context(), "render", "page", name, "block", block, "err", err)
		http.Error(req.W, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	h := req.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", req.Lang)
	req.W.WriteHeader(status)
	req.W.Write(buf.Bytes())
}

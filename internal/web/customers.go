package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// customersIndex is the customer list: summary cards, search, tabs,
// filters, sorting and cursor pages. Its URL holds every filter and means
// what the API's list means. A request with X-Partial: results gets only
// the results region, for the instant search of app.js.
func (w *Web) customersIndex(r *request) error {
	if r.Sub == nil {
		return w.noSubaccount(r)
	}
	ctx := r.R.Context()
	q := r.R.URL.Query()
	sum, err := w.app.Store.CustomerSummary(ctx, r.Sub)
	if err != nil {
		return err
	}
	l := newCustomerList(r, q, sum)
	f, err := httpapi.CustomerFilterFrom(q, r.Sub)
	if err == nil {
		f.Limit = listLimit(q.Get("limit"))
		l.Page, err = w.app.Store.CustomerList(ctx, f)
	}
	if err != nil {
		if domain.ErrorCode(err) != domain.ECodeValidation {
			return err
		}
		l.Problem = r.listProblem(err)
	}
	data := map[string]any{"Title": r.T("nav.customers"), "Active": "nav.customers", "List": l}
	if r.R.Header.Get("X-Partial") == "results" {
		r.renderPartial("customers", "customer-results", data)
		return nil
	}
	r.render("customers", data)
	return nil
}

// noSubaccount is the customer pages of an operator who sees no subaccount.
func (w *Web) noSubaccount(r *request) error {
	r.render("section", map[string]any{"Title": r.T("nav.customers"), "Active": "nav.customers",
		"Empty": r.T("subaccounts.none"), "Hint": r.T("subaccounts.none_hint")})
	return nil
}

// listLimit reads the page size; the dashboard clamps what the API refuses.
func listLimit(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return domain.DefaultPageSize
	}
	return min(n, domain.MaxPageSize)
}

// listProblem says in the page's language which filter is wrong.
func (r *request) listProblem(err error) string {
	var e *domain.Error
	if !errors.As(err, &e) {
		return domain.ErrorMessage(err)
	}
	for _, f := range e.Fields {
		switch f.Field {
		case "q":
			return r.T("customers.err_search_long")
		case "joined_from", "joined_to", "active_from", "active_to":
			return r.T("customers.err_date")
		case "cursor":
			return r.T("customers.err_cursor")
		case "sort", "status":
			return r.T("customers.err_filter")
		}
	}
	return domain.ErrorMessage(err)
}

// listFilters are the query parameters a list keeps from page to page.
var listFilters = []string{"q", "status", "region", "device_os", "joined_from", "joined_to", "active_from",
	"active_to", "sort", "limit"}

// customerList is what the list template shows.
type customerList struct {
	Summary  domain.CustomerSummary
	Page     domain.CustomerPage
	Problem  string     // a filter that could not be read
	Query    url.Values // the filters, without the cursor
	Status   string
	Sort     string
	Cursor   string
	Filtered bool // a search or a filter narrows the tab
	Tabs     []listTab
	Regions  []string
	OSes     []option
	Sorts    []option
}

type listTab struct {
	Label   string
	Count   int64
	URL     string
	Current bool
}

type option struct{ Value, Label string }

func newCustomerList(r *request, q url.Values, sum domain.CustomerSummary) *customerList {
	l := &customerList{Summary: sum, Query: url.Values{}, Status: q.Get("status"), Sort: q.Get("sort"),
		Cursor: q.Get("cursor"), Regions: r.Sub.Regions}
	l.Query.Set("subaccount", r.Sub.Slug)
	for _, k := range listFilters {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			l.Query.Set(k, v)
			if k != "status" && k != "sort" && k != "limit" {
				l.Filtered = true
			}
		}
	}
	if l.Status == "" {
		l.Status = "all"
	}
	for _, t := range []struct {
		status, label string
		count         int64
	}{
		{"all", "customers.tab_all", sum.Total},
		{"active", "customers.tab_active", sum.Active},
		{"new", "customers.tab_new", sum.New},
		{"blocked", "customers.tab_blocked", sum.Blocked},
		{"identity_required", "customers.tab_identity_required", sum.IdentityRequired},
		{"deleted", "customers.tab_inactive", sum.Deleted},
	} {
		status := t.status
		if status == "all" {
			status = ""
		}
		l.Tabs = append(l.Tabs, listTab{Label: r.T(t.label), Count: t.count, URL: l.URL("status", status),
			Current: l.Status == t.status})
	}
	l.OSes = deviceOptions(r.Lang)
	for _, s := range []struct{ value, label string }{
		{"", "customers.sort_name"}, {"-name", "customers.sort_name_desc"},
		{"-joined", "customers.sort_joined_desc"}, {"joined", "customers.sort_joined"},
		{"-last_active", "customers.sort_active_desc"}, {"last_active", "customers.sort_active"},
		{"-wallet", "customers.sort_wallet_desc"}, {"wallet", "customers.sort_wallet"},
		{"-rides", "customers.sort_rides_desc"}, {"rides", "customers.sort_rides"},
	} {
		l.Sorts = append(l.Sorts, option{s.value, r.T(s.label)})
	}
	return l
}

// URL is the list with the given parameters changed (an empty value
// removes one), on its first page.
func (l *customerList) URL(kv ...string) string {
	q := url.Values{}
	for k, v := range l.Query {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	return "/customers?" + q.Encode()
}

// Next is the link to the page after this one, or "".
func (l *customerList) Next() string {
	if l.Page.NextCursor == "" {
		return ""
	}
	return l.URL("cursor", l.Page.NextCursor)
}

// Clear is the list without search and filters, in the same subaccount.
func (l *customerList) Clear() string {
	return "/customers?" + url.Values{"subaccount": l.Query["subaccount"]}.Encode()
}

// sortKey is the column the list is sorted by, and whether descending.
func (l *customerList) sortKey() (string, bool) {
	if l.Sort == "" {
		return "name", false
	}
	return strings.TrimPrefix(l.Sort, "-"), strings.HasPrefix(l.Sort, "-")
}

// SortURL sorts by col: the other way round when the list is sorted by it
// already; names A to Z and everything else largest or newest first when not.
func (l *customerList) SortURL(col string) string {
	key, desc := l.sortKey()
	next := "-" + col
	switch {
	case key == col && desc:
		next = col
	case key == col:
		next = "-" + col
	case col == "name":
		next = "name"
	}
	if next == "name" {
		next = ""
	}
	return l.URL("sort", next)
}

// SortState is the aria-sort of a column header.
func (l *customerList) SortState(col string) string {
	key, desc := l.sortKey()
	switch {
	case key != col:
		return "none"
	case desc:
		return "descending"
	}
	return "ascending"
}

// Empty says the subaccount has no customers at all, deleted or not.
func (l *customerList) Empty() bool { return l.Summary.Total == 0 && l.Summary.Deleted == 0 }

// Deleted says the list shows the Inactive tab.
func (l *customerList) Deleted() bool { return l.Status == "deleted" }

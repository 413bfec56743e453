package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// rideList is what the customer's rides page shows.
type rideList struct {
	C       *domain.Customer
	Page    domain.Page[*domain.Ride]
	Query   url.Values // the filters, without the cursor
	Cursor  string
	Problem string // a filter that could not be read
	base    string
}

// URL is the list with the given parameters changed (an empty value
// removes one), on its first page.
func (l *rideList) URL(kv ...string) string {
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
	return l.base + "?" + q.Encode()
}

// Next is the link to the page after this one, or "".
func (l *rideList) Next() string {
	if l.Page.NextCursor == "" {
		return ""
	}
	return l.URL("cursor", l.Page.NextCursor)
}

// Filtered says a filter narrows the list.
func (l *rideList) Filtered() bool {
	return l.Query.Get("status") != "" || l.Query.Get("from") != "" || l.Query.Get("to") != ""
}

// rideStatuses are the statuses the list filters by.
var rideStatuses = []string{domain.RideActive, domain.RideCompleted, domain.RideCancelled}

// rideList is a customer's rides, newest first, filtered by the day they
// started (in the subaccount's time zone) and their status, in cursor pages.
func (w *Web) rideList(r *request) error {
	c := r.Customer
	q := r.R.URL.Query()
	l := &rideList{C: c, Query: url.Values{}, Cursor: q.Get("cursor"), base: "/customers/" + c.ID + "/rides"}
	l.Query.Set("subaccount", r.Sub.Slug)
	for _, k := range []string{"status", "from", "to", "limit"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			l.Query.Set(k, v)
		}
	}
	f := store.RideFilter{CustomerID: c.ID, Status: l.Query.Get("status"), Cursor: l.Cursor, Limit: listLimit(q.Get("limit"))}
	loc := r.ridesView().location()
	var bad bool
	f.From, bad = rideDay(l.Query.Get("from"), loc, 0)
	if to, badTo := rideDay(l.Query.Get("to"), loc, 1); badTo {
		bad = true
	} else {
		f.To = to
	}
	var err error
	switch {
	case bad:
		l.Problem = r.T("rides.err_date")
	case f.Status != "" && !slices.Contains(rideStatuses, f.Status):
		l.Problem = r.T("rides.err_status")
	default:
		l.Page, err = w.app.Store.RideList(r.R.Context(), f)
		if domain.ErrorCode(err) == domain.ECodeValidation {
			l.Problem, err = r.T("rides.err_cursor"), nil
		}
	}
	if err != nil {
		return err
	}
	statuses := []option{{"", r.T("rides.all_statuses")}}
	page := r.ridesView()
	for _, s := range rideStatuses {
		statuses = append(statuses, option{s, page.RideBadge("ride", s).Label})
	}
	r.render("rides", map[string]any{"Title": r.T("rides.list_title", c.Name), "Active": "nav.customers",
		"C": c, "List": l, "Statuses": statuses, "SwitchAction": "/customers"})
	return nil
}

// rideDay reads a date (YYYY-MM-DD) as the start of that day in loc, plus
// days; "" is no bound. bad reports a date that could not be read.
func rideDay(s string, loc *time.Location, days int) (*time.Time, bool) {
	if s == "" {
		return nil, false
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return nil, true
	}
	t = t.AddDate(0, 0, days)
	return &t, false
}

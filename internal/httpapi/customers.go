package httpapi

import (
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerRoutes are the customer endpoints.
func customerRoutes() []*Route {
	lifecycle := func(path, summary string, perm domain.Permission, action app.CustomerAction, body any) *Route {
		return &Route{Method: "POST", Path: "/api/v1/customers/{id}/" + path, Summary: summary, Perm: perm,
			Status: 200, Request: body, Response: domain.Customer{},
			Handle: func(c *Call) (any, error) { return handleCustomerLifecycle(c, action) }}
	}
	return []*Route{
		{Method: "GET", Path: "/api/v1/customers", Summary: "List and search a subaccount's customers",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.CustomerPage{},
			Query: []Param{pSubaccount,
				{Name: "q", Description: "search: part of a name, email, phone (any format), customer number or external id"},
				{Name: "status", Description: "all (default, without deleted), active, new, blocked, identity_required, deleted"},
				{Name: "region", Description: "only this region"},
				{Name: "device_os", Description: "only this platform: ios, android, web, other"},
				{Name: "joined_from", Description: "joined on or after this date (YYYY-MM-DD) or time (RFC 3339)"},
				{Name: "joined_to", Description: "joined on or before this date, or before this time"},
				{Name: "active_from", Description: "last active on or after this date or time"},
				{Name: "active_to", Description: "last active on or before this date, or before this time"},
				{Name: "sort", Description: "name (default), joined, last_active, wallet, rides; prefix - to reverse"},
				pCursor, pLimit},
			Handle: handleCustomerList},
		{Method: "GET", Path: "/api/v1/customers/summary", Summary: "Summary cards and tab counts of a subaccount",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.CustomerSummary{}, Query: []Param{pSubaccount},
			Handle: handleCustomerSummary},
		{Method: "POST", Path: "/api/v1/customers", Summary: "Create a customer; only the name is required",
			Perm: domain.PermCustomersCreate, Status: 201, Request: domain.CustomerCreate{}, Response: domain.Customer{},
			Query: []Param{pSubaccount}, Idempotent: true, Handle: handleCustomerCreate},
		{Method: "GET", Path: "/api/v1/customers/{id}", Summary: "A customer's whole profile",
			Perm: domain.PermCustomersView, Status: 200, Response: domain.Customer{}, Handle: handleCustomerGet},
		{Method: "PATCH", Path: "/api/v1/customers/{id}", Summary: "Edit a customer; email, external id and number are fixed",
			Perm: domain.PermCustomersEditContact, Status: 200, Request: domain.CustomerUpdate{}, Response: domain.Customer{},
			Handle: handleCustomerUpdate},
		{Method: "DELETE", Path: "/api/v1/customers/{id}", Summary: "Soft-delete a customer, confirmed by their email or name",
			Perm: domain.PermCustomersDelete, Status: 200, Request: confirmInput{}, Response: domain.Customer{},
			Handle: func(c *Call) (any, error) { return handleCustomerLifecycle(c, app.ActionDelete) }},
		lifecycle("restore", "Restore a soft-deleted customer", domain.PermCustomersDelete, app.ActionRestore, nil),
		lifecycle("block", "Block a customer, with a reason", domain.PermCustomersBlock, app.ActionBlock, reasonInput{}),
		lifecycle("unblock", "Unblock a customer", domain.PermCustomersBlock, app.ActionUnblock, nil),
		lifecycle("identity/verify", "Record a manual identity verification", domain.PermCustomersIdentity, app.ActionVerify, notesInput{}),
		lifecycle("identity/clear-requirement", "Lift the identity verification requirement", domain.PermCustomersIdentity, app.ActionClearIdentity, nil),
		lifecycle("identity/require", "Require identity verification, with a reason", domain.PermCustomersIdentity, app.ActionRequire, reasonInput{}),
	}
}

type confirmInput struct {
	Confirm string `json:"confirm"` // the customer's email or name
}

type reasonInput struct {
	Reason string `json:"reason"`
}

type notesInput struct {
	Notes string `json:"notes"`
}

// customer loads the customer of the path and authorizes the route's
// permission in its subaccount: a foreign customer answers 404.
func (c *Call) customer() (*domain.Customer, error) {
	cust, err := c.app.Store.CustomerGet(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(cust.SubaccountID); err != nil {
		return nil, err
	}
	return cust, nil
}

// handleCustomerGet answers the whole profile, with the active ride.
func handleCustomerGet(c *Call) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	ride, err := c.app.Store.RideActive(c.R.Context(), cust.ID)
	if err != nil {
		return nil, err
	}
	if ride != nil {
		cust.ActiveRide = ride
	}
	return cust, nil
}

func handleCustomerList(c *Call) (any, error) {
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	f, err := CustomerFilterFrom(c.R.URL.Query(), sa)
	if err != nil {
		return nil, err
	}
	if f.Limit, err = c.Limit(); err != nil {
		return nil, err
	}
	return c.app.Store.CustomerList(c.R.Context(), f)
}

// CustomerFilterFrom reads list parameters; the dashboard shares it, so
// that its URLs and the API's mean the same.
func CustomerFilterFrom(q interface{ Get(string) string }, sa *domain.Subaccount) (domain.CustomerFilter, error) {
	f := domain.CustomerFilter{SubaccountID: sa.ID, Q: q.Get("q"), Status: q.Get("status"), Region: q.Get("region"),
		DeviceOS: strings.ToLower(q.Get("device_os")), Sort: q.Get("sort"), Cursor: q.Get("cursor")}
	var v domain.Validation
	loc, err := time.LoadLocation(sa.Timezone)
	if err != nil {
		loc = time.UTC
	}
	f.JoinedFrom = dateParam(&v, q, "joined_from", loc, false)
	f.JoinedTo = dateParam(&v, q, "joined_to", loc, true)
	f.ActiveFrom = dateParam(&v, q, "active_from", loc, false)
	f.ActiveTo = dateParam(&v, q, "active_to", loc, true)
	if len(f.Q) > 200 {
		v.Add("q", "must be at most 200 characters")
	}
	return f, v.Err()
}

// dateParam reads a date (in the subaccount's time zone) or an RFC 3339
// time. A date as an upper bound includes its whole day.
func dateParam(v *domain.Validation, q interface{ Get(string) string }, name string, loc *time.Location, upper bool) *time.Time {
	s := q.Get(name)
	if s == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		v.Add(name, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
		return nil
	}
	if upper {
		t = t.AddDate(0, 0, 1)
	}
	return &t
}

func handleCustomerSummary(c *Call) (any, error) {
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	return c.app.Store.CustomerSummary(c.R.Context(), sa)
}

func handleCustomerCreate(c *Call) (any, error) {
	var in domain.CustomerCreate
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	return c.app.CustomerCreate(c.R.Context(), c.Actor(""), sa, in)
}

func handleCustomerUpdate(c *Call) (any, error) {
	var u domain.CustomerUpdate
	if err := c.Decode(&u); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	return c.app.CustomerUpdate(c.R.Context(), c.Actor(""), cust.ID, u)
}

func handleCustomerLifecycle(c *Call, action app.CustomerAction) (any, error) {
	// Each action takes its own body, so that a field meant for another
	// action is refused rather than ignored.
	var reason reasonInput
	var notes notesInput
	var confirm confirmInput
	var body any = &struct{}{}
	switch action {
	case app.ActionBlock, app.ActionRequire:
		body = &reason
	case app.ActionVerify:
		body = &notes
	case app.ActionDelete:
		body = &confirm
	}
	if err := c.Decode(body); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	text, note := reason.Reason, reason.Reason
	switch action {
	case app.ActionVerify:
		text, note = notes.Notes, notes.Notes
	case app.ActionDelete:
		text = confirm.Confirm
	}
	return c.app.CustomerLifecycle(c.R.Context(), c.Actor(note), cust.ID, action, text)
}

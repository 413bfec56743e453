package httpapi

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// Route is one API endpoint: how it is reached, what it requires, what it
// takes and gives, and its handler. The table is the single source for the
// mux, the permission gate, the OpenAPI document and the access matrix test.
type Route struct {
	Method, Path string
	Summary      string
	Perm         domain.Permission // "" means any authenticated operator
	Status       int               // the status of success
	Request      any               // a value of the body's type, or nil
	Response     any               // a value of the success body's type, or nil
	Query        []Param           // documented query parameters
	Idempotent   bool              // accepts Idempotency-Key
	CSV          bool              // may answer text/csv instead (format=csv)
	RequestCSV   bool              // takes a text/csv body
	BodyLimit    int64             // bytes; 0 means httpx.DefaultBodyLimit
	Handle       func(*Call) (any, error)
}

// Param documents a query parameter.
type Param struct {
	Name, Description string
	Required          bool
}

var (
	pSubaccount = Param{Name: "subaccount", Description: "subaccount slug or id", Required: true}
	pCursor     = Param{Name: "cursor", Description: "next_cursor of the previous page"}
	pLimit      = Param{Name: "limit", Description: "page size, 1 to 200 (default 50)"}
)

// table lists every API route. Keep it sorted by path.
func (api *API) table() []*Route {
	routes := []*Route{
		{Method: "GET", Path: "/api/v1/me", Summary: "Who am I: the authenticated operator and their grants",
			Status: 200, Response: meResponse{}, Handle: handleMe},

		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This API's OpenAPI 3.1 document",
			Status: 200, Response: map[string]any{}, Handle: func(c *Call) (any, error) { return c.api.OpenAPI(), nil }},

		{Method: "GET", Path: "/api/v1/subaccounts", Summary: "List the subaccounts the operator can see",
			Perm: domain.PermSubaccountsView, Status: 200, Response: domain.Page[*domain.Subaccount]{},
			Handle: handleSubaccountList},
		{Method: "POST", Path: "/api/v1/subaccounts", Summary: "Create a subaccount",
			Perm: domain.PermSubaccountsManage, Status: 201, Request: subaccountInput{}, Response: domain.Subaccount{},
			Idempotent: true, Handle: handleSubaccountCreate},
		{Method: "GET", Path: "/api/v1/subaccounts/{id}", Summary: "Get a subaccount by id or slug",
			Perm: domain.PermSubaccountsView, Status: 200, Response: domain.Subaccount{}, Handle: handleSubaccountGet},

		{Method: "GET", Path: "/api/v1/operators", Summary: "List operators",
			Perm: domain.PermOperatorsManage, Status: 200, Response: domain.Page[*domain.Operator]{},
			Handle: handleOperatorList},
		{Method: "POST", Path: "/api/v1/operators", Summary: "Create an operator with one role",
			Perm: domain.PermOperatorsManage, Status: 201, Request: operatorInput{}, Response: domain.Operator{},
			Idempotent: true, Handle: handleOperatorCreate},

		{Method: "GET", Path: "/api/v1/tokens", Summary: "List the operator's own API tokens",
			Status: 200, Response: domain.Page[*domain.Token]{}, Handle: handleTokenList},
		{Method: "POST", Path: "/api/v1/tokens", Summary: "Create an API token; its secret is shown once",
			Status: 201, Request: tokenInput{}, Response: tokenCreated{}, Idempotent: true, Handle: handleTokenCreate},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "Revoke one of the operator's API tokens",
			Status: 200, Response: domain.Token{}, Handle: handleTokenRevoke},

		{Method: "GET", Path: "/api/v1/audit", Summary: "List audit entries, newest first",
			Perm: domain.PermAuditView, Status: 200, Response: domain.Page[*domain.AuditEntry]{},
			Query: []Param{{Name: "subaccount", Description: "subaccount slug or id"},
				{Name: "customer", Description: "only entries about this customer"},
				{Name: "target", Description: "only entries about this object"},
				{Name: "actor", Description: "only entries by this operator id"},
				{Name: "action", Description: "only this action, such as subaccount.create"},
				pCursor, pLimit},
			Handle: handleAuditList},
	}
	routes = append(routes, customerRoutes()...)
	routes = append(routes, walletRoutes()...)
	routes = append(routes, bulkWalletRoutes()...)
	return append(routes, rideRoutes()...)
}

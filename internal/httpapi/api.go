// Package httpapi serves the JSON API under /api/v1. Every request goes the
// same way: authenticate, check the route's permission, decode, call the
// application, encode. Routes live in one table (routes.go), from which the
// OpenAPI document is generated.
package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
)

// Authenticator turns a request's credentials into a principal. The
// dashboard supplies its session cookie check, so the API accepts both.
type Authenticator func(r *http.Request) (*domain.Principal, error)

// API is the JSON API.
type API struct {
	app     *app.App
	mux     *http.ServeMux
	routes  []*Route
	session Authenticator
}

// New returns the API. session authenticates a dashboard cookie; it may be nil.
func New(a *app.App, session Authenticator) *API {
	api := &API{app: a, mux: http.NewServeMux(), session: session}
	api.routes = api.table()
	for _, rt := range api.routes {
		api.mux.Handle(rt.Method+" "+rt.Path, api.serve(rt))
	}
	return api
}

// Routes returns the route table, for tests and documentation.
func (api *API) Routes() []*Route { return api.routes }

// ServeHTTP routes a request; unknown paths and methods answer problems.
func (api *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := api.mux.Handler(r); pattern == "" {
		if allow := api.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			httpx.WriteError(w, r, domain.Errorf(domain.ECodeMethodNotAllowed, "This route does not accept %s.", r.Method))
			return
		}
		httpx.WriteError(w, r, domain.Errorf(domain.ECodeNotFound, "No such API route."))
		return
	}
	api.mux.ServeHTTP(w, r)
}

// allowed lists the methods the path answers to, for 405 responses.
func (api *API) allowed(r *http.Request) string {
	var methods []string
	for _, m := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := api.mux.Handler(probe); p != "" {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

type principalKey struct{}

// written is what a handler returns when it has written the response
// itself (a CSV download).
type written struct{}

// serve wraps a route: authentication, the route's permission gate,
// idempotency, then the handler.
func (api *API) serve(rt *Route) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &Call{W: w, R: r, P: r.Context().Value(principalKey{}).(*domain.Principal), route: rt, app: api.app, api: api}
		v, err := rt.Handle(c)
		if _, ok := v.(written); ok {
			return // the handler wrote its own response
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if v != nil {
			httpx.WriteJSON(w, rt.Status, v)
		} else {
			w.WriteHeader(rt.Status)
		}
	})
	if rt.Idempotent {
		h = api.idempotent(h)
	}
	limit := int64(httpx.DefaultBodyLimit)
	if rt.BodyLimit > 0 {
		limit = rt.BodyLimit
	}
	h = httpx.WithBodyLimit(limit, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := api.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mobidesk"`)
			httpx.WriteError(w, r, err)
			return
		}
		// The gate: a principal without the permission anywhere is refused
		// before any lookup. Handlers then scope it to one subaccount with
		// Call.Authorize, which answers 404 for subaccounts p cannot see.
		if rt.Perm != "" && !p.CanAnywhere(rt.Perm) {
			httpx.WriteError(w, r, domain.Errorf(domain.ECodeForbidden, "You do not have permission to do this (%s).", rt.Perm))
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

var errNoCredentials = domain.Errorf(domain.ECodeUnauthorized, "Authentication is required: send Authorization: Bearer <token>.")

func (api *API) authenticate(r *http.Request) (*domain.Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return nil, errNoCredentials
		}
		return api.app.PrincipalFromToken(r.Context(), strings.TrimSpace(token))
	}
	if api.session != nil {
		return api.session(r)
	}
	return nil, errNoCredentials
}

// Call is one API request on its way through a handler.
type Call struct {
	W     http.ResponseWriter
	R     *http.Request
	P     *domain.Principal
	route *Route
	app   *app.App
	api   *API
}

// Authorize checks the route's permission in a subaccount: the one place
// where a handler asks whether the principal may act on an object.
func (c *Call) Authorize(subaccountID string) error {
	return c.P.Authorize(c.route.Perm, subaccountID)
}

// Actor is the principal as the audit log records it.
func (c *Call) Actor(note string) domain.Actor {
	return domain.Actor{Principal: c.P, RequestID: httpx.RequestID(c.R.Context()), Note: note}
}

// Decode reads the JSON body into v.
func (c *Call) Decode(v any) error { return httpx.DecodeJSON(c.R, v) }

// Subaccount resolves the ?subaccount= parameter (slug or id) and authorizes
// the route's permission in it. A subaccount the principal cannot see
// answers 404 like one that does not exist.
func (c *Call) Subaccount() (*domain.Subaccount, error) {
	ref := c.R.URL.Query().Get("subaccount")
	if ref == "" {
		return nil, &domain.Error{Code: domain.ECodeValidation, Message: "Choose a subaccount.",
			Fields: []domain.FieldError{{Field: "subaccount", Message: "is required"}}}
	}
	sa, err := c.app.SubaccountResolve(c.R.Context(), ref)
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(sa.ID); err != nil {
		return nil, err
	}
	return sa, nil
}

// Limit reads ?limit=, between 1 and domain.MaxPageSize.
func (c *Call) Limit() (int, error) {
	s := c.R.URL.Query().Get("limit")
	if s == "" {
		return domain.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > domain.MaxPageSize {
		return 0, &domain.Error{Code: domain.ECodeValidation, Message: "Some parameters are invalid.",
			Fields: []domain.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 200"}}}
	}
	return n, nil
}

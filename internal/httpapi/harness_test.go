package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/auth"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
	"github.com/mobidesk/mobidesk/internal/server"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// fixture is a running server on a fresh database with two tenants, "own"
// and "foreign", and one operator with an API token per role. Every role
// but super_admin holds its role in "own" only.
type fixture struct {
	t       *testing.T
	engine  store.Engine
	app     *app.App
	srv     *server.Server
	own     *domain.Subaccount
	foreign *domain.Subaccount
	ops     map[domain.Role]*domain.Operator
	tokens  map[domain.Role]string
	revoked string // a revoked token of an admin
	schemas *schemaSet
}

var (
	hashOnce sync.Once
	hash     string
	seq      atomic.Int64
)

// testPassword is the password of every fixture operator; hashing it once
// keeps fixtures fast, since argon2id is slow on purpose.
const testPassword = "correct horse battery"

func setup(t *testing.T, engine store.Engine) *fixture {
	t.Helper()
	hashOnce.Do(func() { hash, _ = auth.HashPassword(testPassword) })
	ctx := context.Background()
	s := testdb.Open(t, engine)
	a := app.New(s)
	srv, err := server.New(a, server.Config{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, engine: engine, app: a, srv: srv, ops: map[domain.Role]*domain.Operator{},
		tokens: map[domain.Role]string{}, schemas: newSchemaSet(t, srv.API)}
	sys := domain.Actor{Principal: domain.SystemPrincipal}
	for i, slug := range []string{"own", "foreign"} {
		sa := &domain.Subaccount{Slug: slug + "-fleet", Name: strings.ToUpper(slug[:1]) + slug[1:] + " Fleet",
			Currency: []string{"EUR", "USD"}[i], Timezone: "Europe/Berlin", Country: "DE"}
		if err := a.SubaccountCreate(ctx, sys, sa); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.own = sa
		} else {
			f.foreign = sa
		}
	}
	for _, role := range domain.Roles {
		f.ops[role], f.tokens[role] = f.operator(role, f.own.ID)
	}
	_, f.revoked = f.operator(domain.RoleAdmin, f.own.ID)
	tok, err := s.TokenByHash(ctx, auth.HashSecret(f.revoked))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TokenRevoke(ctx, sys, tok.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// operator creates an operator with role in subaccountID (or globally for
// super_admin) and returns it with a fresh API token.
func (f *fixture) operator(role domain.Role, subaccountID string) (*domain.Operator, string) {
	f.t.Helper()
	ctx := context.Background()
	g := domain.Grant{Role: role, SubaccountID: subaccountID}
	if role == domain.RoleSuperAdmin {
		g.SubaccountID = ""
	}
	email := fmt.Sprintf("%s-%d@example.com", strings.ReplaceAll(string(role), "_", "-"), seq.Add(1))
	op, err := f.app.Store.OperatorCreate(ctx, domain.Actor{Principal: domain.SystemPrincipal},
		domain.OperatorCreate{Email: email, Name: string(role), Grants: []domain.Grant{g}}, hash)
	if err != nil {
		f.t.Fatal(err)
	}
	secret, _, err := f.app.TokenCreate(ctx, domain.Actor{Principal: domain.SystemPrincipal}, op.ID, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return op, secret
}

// response is a decoded API response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Code returns the problem code of an error response.
func (r response) Code(t *testing.T) string {
	t.Helper()
	code, _ := r.JSON(t)["code"].(string)
	return code
}

// req is a request to send; zero fields are left out.
type req struct {
	Method, Path, Token, Body string
	Header                    map[string]string
}

// do sends a request through the whole server and validates the response
// against the OpenAPI document, so that the document cannot drift.
func (f *fixture) do(r req) response {
	f.t.Helper()
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if r.Body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, hr)
	resp := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	f.schemas.check(f.t, hr, resp)
	return resp
}

func (f *fixture) get(path, token string) response {
	f.t.Helper()
	return f.do(req{Method: "GET", Path: path, Token: token})
}

func (f *fixture) post(path, token, body string) response {
	f.t.Helper()
	return f.do(req{Method: "POST", Path: path, Token: token, Body: body})
}

func (f *fixture) auditCount() int {
	f.t.Helper()
	page, err := f.app.Store.AuditList(context.Background(), domain.AuditFilter{Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	return page.Total
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
}

func expectProblem(t *testing.T, r response, status int, code string) {
	t.Helper()
	expectStatus(t, r, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	if got := r.Code(t); got != code {
		t.Errorf("code %q, want %q: %s", got, code, r.Body)
	}
}

// schemaSet validates responses against the API's own OpenAPI document.
type schemaSet struct {
	api     *httpapi.API
	mu      sync.Mutex
	byRef   map[string]*jsonschema.Schema
	comp    *jsonschema.Compiler
	checked atomic.Int64
}

const docURL = "mem://openapi.json"

func newSchemaSet(t *testing.T, api *httpapi.API) *schemaSet {
	raw, err := json.Marshal(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return &schemaSet{api: api, byRef: map[string]*jsonschema.Schema{}, comp: c}
}

func pointerEscape(s string) string {
	return url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
}

func (s *schemaSet) schema(t *testing.T, ref string) *jsonschema.Schema {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.byRef[ref]; ok {
		return sch
	}
	sch, err := s.comp.Compile(ref)
	if err != nil {
		t.Fatalf("compile %s: %v", ref, err)
	}
	s.byRef[ref] = sch
	return sch
}

// check validates one response: a success must have the route's documented
// status and body; an error must be a documented problem.
func (s *schemaSet) check(t *testing.T, r *http.Request, resp response) {
	t.Helper()
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return
	}
	rt := s.api.Match(r)
	if resp.Status >= 400 || rt == nil {
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: error %d with content type %q", r.Method, r.URL.Path, resp.Status, ct)
			return
		}
		path := "/api/v1/me"
		if rt != nil {
			path = rt.Path
		}
		method := "get"
		if rt != nil {
			method = strings.ToLower(rt.Method)
		}
		s.validate(t, docURL+"#/paths/"+pointerEscape(path)+"/"+method+"/responses/default/content/"+
			pointerEscape("application/problem+json")+"/schema", resp.Body)
		return
	}
	if resp.Status != rt.Status {
		t.Errorf("%s %s: success status %d, documented %d", r.Method, rt.Path, resp.Status, rt.Status)
	}
	if rt.Response == nil {
		return
	}
	if rt.CSV && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		return // documented as text/csv
	}
	s.validate(t, docURL+"#/paths/"+pointerEscape(rt.Path)+"/"+strings.ToLower(rt.Method)+"/responses/"+
		strconv.Itoa(rt.Status)+"/content/"+pointerEscape("application/json")+"/schema", resp.Body)
}

func (s *schemaSet) validate(t *testing.T, ref string, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("response is not JSON: %v\n%s", err, body)
		return
	}
	if err := s.schema(t, ref).Validate(v); err != nil {
		t.Errorf("response does not match the OpenAPI document at %s:\n%v\nbody: %s", ref, err, body)
	}
	s.checked.Add(1)
}

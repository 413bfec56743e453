package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func subaccountBody(slug string) string {
	return fmt.Sprintf(`{"slug":%q,"name":"Hamburg Bikes","currency":"EUR","timezone":"Europe/Berlin","country":"DE","regions":["Altona"]}`, slug)
}

func TestSubaccountCreateAnswersTheObjectAndAuditsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		before := f.auditCount()
		r := f.post("/api/v1/subaccounts", f.tokens[domain.RoleSuperAdmin], subaccountBody("hamburg"))
		expectStatus(t, r, http.StatusCreated)
		sa := r.JSON(t)
		if sa["slug"] != "hamburg" || sa["currency"] != "EUR" || sa["currency_exponent"] != float64(2) ||
			sa["min_ride_balance"] != float64(domain.DefaultMinRideBalance) || sa["default_locale"] != "de" {
			t.Errorf("unexpected subaccount: %s", r.Body)
		}
		if got := f.auditCount() - before; got != 1 {
			t.Errorf("%d audit entries written, want 1", got)
		}
		got := f.get("/api/v1/subaccounts/hamburg", f.tokens[domain.RoleSuperAdmin])
		expectStatus(t, got, http.StatusOK)
		if got.JSON(t)["id"] != sa["id"] {
			t.Errorf("get by slug answered %s", got.Body)
		}
	})
}

func TestBadInputAnswersAProblemAndChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		token := f.tokens[domain.RoleSuperAdmin]
		cases := []struct {
			name, body, contentType string
			status                  int
			code                    string
			fields                  []string
		}{
			{"invalid fields", `{"slug":"X!","name":"","currency":"XYZ","timezone":"Mars/Base","country":"ZZZ"}`, "", 422,
				domain.ECodeValidation, []string{"slug", "name", "currency", "timezone", "country"}},
			{"unknown field", `{"slug":"ok-slug","bogus":1}`, "", 422, domain.ECodeValidation, []string{"bogus"}},
			{"wrong type", `{"slug":5}`, "", 422, domain.ECodeValidation, []string{"slug"}},
			{"broken JSON", `{"slug":`, "", 400, domain.ECodeBadRequest, nil},
			{"two values", `{} {}`, "", 400, domain.ECodeBadRequest, nil},
			{"not JSON", `slug=x`, "application/x-www-form-urlencoded", 415, domain.ECodeUnsupportedMediaType, nil},
			{"too large", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, "", 413, domain.ECodePayloadTooLarge, nil},
			{"taken slug", subaccountBody("own-fleet"), "", 409, domain.ECodeConflict, []string{"slug"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCount()
				r := req{Method: "POST", Path: "/api/v1/subaccounts", Token: token, Body: c.body}
				if c.contentType != "" {
					r.Header = map[string]string{"Content-Type": c.contentType}
				}
				resp := f.do(r)
				expectProblem(t, resp, c.status, c.code)
				var p struct {
					Errors []domain.FieldError `json:"errors"`
					Detail string              `json:"detail"`
				}
				json.Unmarshal(resp.Body, &p)
				if p.Detail == "" {
					t.Error("the problem has no detail")
				}
				for _, field := range c.fields {
					found := false
					for _, e := range p.Errors {
						found = found || e.Field == field
					}
					if !found {
						t.Errorf("no error for field %q in %s", field, resp.Body)
					}
				}
				if after := f.auditCount(); after != before {
					t.Errorf("a refused request wrote %d audit entries", after-before)
				}
			})
		}
		list := f.get("/api/v1/subaccounts", token)
		if total := list.JSON(t)["total"]; total != float64(2) {
			t.Errorf("subaccounts after bad input: %v, want 2", total)
		}
	})
}

func TestUnknownRoutesAndMethodsAnswerProblems(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		token := f.tokens[domain.RoleAdmin]
		expectProblem(t, f.get("/api/v1/nothing-here", token), 404, domain.ECodeNotFound)
		r := f.do(req{Method: "PUT", Path: "/api/v1/subaccounts", Token: token})
		expectProblem(t, r, 405, domain.ECodeMethodNotAllowed)
		if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
			t.Errorf("Allow: %q", allow)
		}
		expectProblem(t, f.do(req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Basic abc"}}),
			401, domain.ECodeUnauthorized)
		expectProblem(t, f.get("/api/v1/me", "mdk_not-a-real-token"), 401, domain.ECodeUnauthorized)
	})
}

func TestEveryResponseCarriesSecurityHeadersAndARequestID(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		for _, path := range []string{"/healthz", "/readyz", "/api/v1/me", "/login", "/customers"} {
			r := f.get(path, "")
			h := r.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" ||
				h.Get("X-Request-Id") == "" {
				t.Errorf("%s: missing security headers: %v", path, h)
			}
		}
		expectStatus(t, f.get("/healthz", ""), 200)
		expectStatus(t, f.get("/readyz", ""), 200)
		echoed := f.do(req{Method: "GET", Path: "/healthz", Header: map[string]string{"X-Request-Id": "trace-12345678"}})
		if echoed.Header.Get("X-Request-Id") != "trace-12345678" {
			t.Errorf("request id not echoed: %q", echoed.Header.Get("X-Request-Id"))
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		token := f.tokens[domain.RoleSuperAdmin]
		send := func(key, body string) response {
			return f.do(req{Method: "POST", Path: "/api/v1/subaccounts", Token: token, Body: body,
				Header: map[string]string{"Idempotency-Key": key}})
		}
		t.Run("same key and body replays the first response", func(t *testing.T) {
			before := f.auditCount()
			first := send("k-replay", subaccountBody("replay"))
			expectStatus(t, first, 201)
			second := send("k-replay", subaccountBody("replay"))
			expectStatus(t, second, 201)
			if string(first.Body) != string(second.Body) || second.Header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replay differs:\n%s\n%s", first.Body, second.Body)
			}
			if got := f.auditCount() - before; got != 1 {
				t.Errorf("%d audit entries, want 1", got)
			}
		})
		t.Run("same key with another body is refused", func(t *testing.T) {
			expectStatus(t, send("k-reuse", subaccountBody("reuse-a")), 201)
			expectProblem(t, send("k-reuse", subaccountBody("reuse-b")), 422, domain.ECodeIdempotencyReused)
			expectProblem(t, f.get("/api/v1/subaccounts/reuse-b", token), 404, domain.ECodeNotFound)
		})
		t.Run("a key is the operator's own", func(t *testing.T) {
			expectStatus(t, send("k-mine", subaccountBody("mine-a")), 201)
			other, otherToken := f.operator(domain.RoleSuperAdmin, "")
			_ = other
			r := f.do(req{Method: "POST", Path: "/api/v1/subaccounts", Token: otherToken, Body: subaccountBody("mine-b"),
				Header: map[string]string{"Idempotency-Key": "k-mine"}})
			expectStatus(t, r, 201)
		})
		t.Run("a key still running answers 409", func(t *testing.T) {
			body := subaccountBody("running")
			probe, _ := http.NewRequest("POST", "/api/v1/subaccounts", strings.NewReader(body))
			scope := httpapi.IdempotencyScope(&domain.Principal{OperatorID: f.ops[domain.RoleSuperAdmin].ID})
			outcome, _, err := f.app.Store.IdempotencyBegin(context.Background(), scope, "k-running",
				httpapi.RequestHash(probe, []byte(body)), idempotencyLease)
			if err != nil || outcome != store.IdempotencyProceed {
				t.Fatalf("claim: %v %v", outcome, err)
			}
			expectProblem(t, send("k-running", body), 409, domain.ECodeIdempotencyInUse)
			expectProblem(t, f.get("/api/v1/subaccounts/running", token), 404, domain.ECodeNotFound)
		})
		t.Run("a refused request replays its refusal", func(t *testing.T) {
			bad := `{"slug":"!"}`
			first := send("k-bad", bad)
			expectProblem(t, first, 422, domain.ECodeValidation)
			second := send("k-bad", bad)
			expectProblem(t, second, 422, domain.ECodeValidation)
		})
		t.Run("concurrent retries create exactly one", func(t *testing.T) {
			var wg sync.WaitGroup
			statuses := make([]int, 16)
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = send("k-storm", subaccountBody("storm")).Status
				}()
			}
			wg.Wait()
			for _, s := range statuses {
				if s != 201 && s != 409 {
					t.Errorf("status %d in a retry storm", s)
				}
			}
			page, err := f.app.Store.AuditList(context.Background(), domain.AuditFilter{Action: "subaccount.create"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range page.Data {
				if strings.Contains(string(e.After), `"storm"`) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d subaccounts created by one key, want 1", n)
			}
		})
	})
}

const idempotencyLease = 60e9 // a minute, as time.Duration

func TestTokensAreShownOnceRecordUseAndCanBeRevoked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		created := f.post("/api/v1/tokens", f.tokens[domain.RoleViewer], `{"name":"integration"}`)
		expectStatus(t, created, 201)
		tok := created.JSON(t)
		secret, _ := tok["token"].(string)
		if !strings.HasPrefix(secret, "mdk_") {
			t.Fatalf("token secret %q", secret)
		}
		me := f.get("/api/v1/me", secret)
		expectStatus(t, me, 200)
		if m := me.JSON(t); m["via"] != "token" || m["email"] != f.ops[domain.RoleViewer].Email {
			t.Errorf("me: %s", me.Body)
		}
		list := f.get("/api/v1/tokens", secret)
		if strings.Contains(string(list.Body), secret) {
			t.Error("the token list shows a secret")
		}
		stored, err := f.app.Store.TokenGet(context.Background(), tok["id"].(string))
		if err != nil || stored.LastUsedAt == nil {
			t.Errorf("last use not recorded: %+v %v", stored, err)
		}
		// Another operator cannot revoke it, nor learn that it exists.
		expectProblem(t, f.do(req{Method: "DELETE", Path: "/api/v1/tokens/" + stored.ID, Token: f.tokens[domain.RoleAdmin]}),
			404, domain.ECodeNotFound)
		expectStatus(t, f.do(req{Method: "DELETE", Path: "/api/v1/tokens/" + stored.ID, Token: secret}), 200)
		expectProblem(t, f.get("/api/v1/me", secret), 401, domain.ECodeUnauthorized)
	})
}

func TestAuditListIsScopedToWhatTheOperatorMaySee(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		super := f.tokens[domain.RoleSuperAdmin]
		for i := range 3 {
			expectStatus(t, f.post("/api/v1/operators", super, fmt.Sprintf(
				`{"email":"foreign-%d@example.com","password":"long enough password","role":"viewer","subaccount":"foreign-fleet"}`, i)), 201)
		}
		admin := f.tokens[domain.RoleAdmin]
		all := f.get("/api/v1/audit", admin)
		expectStatus(t, all, 200)
		var page struct {
			Data  []domain.AuditEntry `json:"data"`
			Total int                 `json:"total"`
		}
		json.Unmarshal(all.Body, &page)
		for _, e := range page.Data {
			if e.SubaccountID != f.own.ID {
				t.Errorf("an admin of %s sees entry %s of %q", f.own.Slug, e.Action, e.SubaccountID)
			}
		}
		expectProblem(t, f.get("/api/v1/audit?subaccount=foreign-fleet", admin), 404, domain.ECodeNotFound)

		// The super admin pages through everything without gaps or repeats.
		seen := map[string]bool{}
		next, total := "/api/v1/audit?limit=2", -1
		for next != "" {
			r := f.get(next, super)
			expectStatus(t, r, 200)
			var p struct {
				Data       []domain.AuditEntry `json:"data"`
				NextCursor string              `json:"next_cursor"`
				Total      int                 `json:"total"`
			}
			json.Unmarshal(r.Body, &p)
			total = p.Total
			for _, e := range p.Data {
				if seen[e.ID] {
					t.Fatalf("entry %s on two pages", e.ID)
				}
				seen[e.ID] = true
			}
			next = ""
			if p.NextCursor != "" {
				next = "/api/v1/audit?limit=2&cursor=" + p.NextCursor
			}
		}
		if len(seen) != total || total < 3 {
			t.Errorf("paged %d of %d entries", len(seen), total)
		}
		expectProblem(t, f.get("/api/v1/audit?limit=500", super), 422, domain.ECodeValidation)
		expectProblem(t, f.get("/api/v1/audit?cursor=not-a-cursor!", super), 422, domain.ECodeValidation)
	})
}

func TestOpenAPIDocumentDescribesEveryRoute(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		r := f.get("/api/v1/openapi.json", f.tokens[domain.RoleViewer])
		expectStatus(t, r, 200)
		var doc struct {
			OpenAPI string                               `json:"openapi"`
			Paths   map[string]map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.OpenAPI != "3.1.0" {
			t.Errorf("openapi %q", doc.OpenAPI)
		}
		for _, rt := range f.srv.API.Routes() {
			op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
			if !ok {
				t.Errorf("%s %s is not documented", rt.Method, rt.Path)
				continue
			}
			if op["summary"] == "" {
				t.Errorf("%s %s has no summary", rt.Method, rt.Path)
			}
		}
	})
}

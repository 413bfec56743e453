// The conformance suite: every store behaviour, proved the same on SQLite and
// PostgreSQL. Each test runs once per engine through testdb.Each.
package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// ---- helpers ---------------------------------------------------------------

// admin is an operator acting through the dashboard.
var admin = domain.Actor{
	Principal: &domain.Principal{OperatorID: "op_admin", Email: "admin@mobidesk.example",
		Grants: []domain.Grant{{Role: domain.RoleSuperAdmin}}},
	RequestID: "req-admin",
}

func ctx(t *testing.T) context.Context { return t.Context() }

// wantCode fails unless err is a domain error with code. It also makes sure
// no driver error leaks through the boundary.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("sql.ErrNoRows leaked out of the store: %v", err)
	}
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newSubaccount returns a valid, normalized subaccount that no other call
// returns the slug of.
func newSubaccount(t *testing.T, slug string) *domain.Subaccount {
	t.Helper()
	sa := &domain.Subaccount{Slug: slug, Name: "Fleet " + slug, Currency: "EUR", Timezone: "Europe/Berlin",
		Country: "DE", Regions: []string{"Mitte", "Kreuzberg"}, MinRideBalance: 50, UnlockFee: 100,
		PricePerMinute: 25, RiskThreshold: 70}
	sa.Normalize()
	must(t, sa.Validate())
	return sa
}

func createSubaccount(t *testing.T, s *store.Store, slug string) *domain.Subaccount {
	t.Helper()
	sa := newSubaccount(t, slug)
	must(t, s.SubaccountCreate(ctx(t), admin, sa))
	return sa
}

func createOperator(t *testing.T, s *store.Store, email string, grants ...domain.Grant) *domain.Operator {
	t.Helper()
	in := domain.OperatorCreate{Email: email, Name: "Op " + email, Password: "long enough password", Grants: grants}
	must(t, in.Validate())
	op, err := s.OperatorCreate(ctx(t), admin, in, "hash-of-"+email)
	must(t, err)
	return op
}

func createSession(t *testing.T, s *store.Store, operatorID string, at time.Time) *domain.Session {
	t.Helper()
	at = at.UTC().Truncate(time.Microsecond)
	sess := &domain.Session{ID: ids.New("sesshash"), OperatorID: operatorID, CreatedAt: at, LastSeenAt: at,
		ExpiresAt: at.Add(domain.SessionAbsoluteTimeout)}
	must(t, s.SessionCreate(ctx(t), admin, sess))
	return sess
}

func createToken(t *testing.T, s *store.Store, operatorID, name string) (*domain.Token, string) {
	t.Helper()
	hash := "tokhash-" + ids.New("h")
	tok := &domain.Token{ID: ids.New("tok"), OperatorID: operatorID, Name: name, Prefix: "mdk_abcdef"}
	must(t, s.TokenCreate(ctx(t), admin, tok, hash))
	return tok, hash
}

// auditAll returns every audit entry matching f, newest first.
func auditAll(t *testing.T, s *store.Store, f domain.AuditFilter) []*domain.AuditEntry {
	t.Helper()
	f.Limit = domain.MaxPageSize
	var out []*domain.AuditEntry
	for {
		page, err := s.AuditList(ctx(t), f)
		must(t, err)
		out = append(out, page.Data...)
		if page.NextCursor == "" {
			return out
		}
		f.Cursor = page.NextCursor
	}
}

func auditCount(t *testing.T, s *store.Store) int {
	t.Helper()
	page, err := s.AuditList(ctx(t), domain.AuditFilter{Limit: 1})
	must(t, err)
	return page.Total
}

// expectOneAudit runs fn and checks that it wrote exactly one audit entry,
// which it returns.
func expectOneAudit(t *testing.T, s *store.Store, fn func()) *domain.AuditEntry {
	t.Helper()
	before := auditCount(t, s)
	fn()
	if got := auditCount(t, s) - before; got != 1 {
		t.Fatalf("wrote %d audit entries, want 1", got)
	}
	page, err := s.AuditList(ctx(t), domain.AuditFilter{Limit: 1})
	must(t, err)
	return page.Data[0]
}

// expectNoAudit runs fn and checks that it left the audit log as it was.
func expectNoAudit(t *testing.T, s *store.Store, fn func()) {
	t.Helper()
	before := auditCount(t, s)
	fn()
	if got := auditCount(t, s) - before; got != 0 {
		t.Fatalf("wrote %d audit entries, want none", got)
	}
}

func decodeJSON[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func isJSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || strings.TrimSpace(string(raw)) == "null"
}

func sortGrants(g []domain.Grant) []domain.Grant {
	g = slices.Clone(g)
	slices.SortFunc(g, func(a, b domain.Grant) int { return strings.Compare(a.SubaccountID, b.SubaccountID) })
	return g
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, got.Location())
	}
}

// ---- opening and migrating ---------------------------------------------------

func TestOpenRejectsUnknownScheme(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"mysql://root:hunter2@localhost/db", "mobidesk.db", "", "sqlite:"} {
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) error shows the password: %v", dsn, err)
		}
	}
}

func TestOpenReportsItsEngine(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		if s.Engine() != engine {
			t.Fatalf("Engine() = %q, want %q", s.Engine(), engine)
		}
		must(t, s.Ping(ctx(t)))
	})
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		dsn := testdb.DSN(t, engine)
		s, err := store.Open(ctx(t), dsn)
		must(t, err)
		defer s.Close()
		sa := createSubaccount(t, s, "berlin")
		must(t, s.Migrate(ctx(t)))

		// A second process opening the same database migrates again, and
		// finds the data as it was.
		s2, err := store.Open(ctx(t), dsn)
		must(t, err)
		defer s2.Close()
		must(t, s2.Migrate(ctx(t)))
		got, err := s2.SubaccountBySlug(ctx(t), "berlin")
		must(t, err)
		if got.ID != sa.ID {
			t.Fatalf("after migrating again, berlin has id %q, want %q", got.ID, sa.ID)
		}
		if n := auditCount(t, s2); n != 1 {
			t.Fatalf("after migrating again, the audit log holds %d entries, want 1", n)
		}
	})
}

// ---- subaccounts -----------------------------------------------------------

func TestSubaccountCreateRoundTripsEveryField(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		cases := []*domain.Subaccount{
			{Slug: "tokyo", Name: "Tokyo Bikes", Currency: "JPY", Timezone: "Asia/Tokyo", Country: "JP",
				Regions: []string{"Shibuya", "新宿", "Zürich-Ost \"quoted\""}, MinRideBalance: 100, UnlockFee: 0,
				PricePerMinute: 15, RiskThreshold: 0},
			{Slug: "berlin", Name: "Berlin Scooters", Currency: "EUR", Timezone: "Europe/Berlin", Country: "DE",
				MinRideBalance: 50, UnlockFee: 100, PricePerMinute: 25, RiskThreshold: 100},
			{Slug: "manama", Name: "Manama Parking", Currency: "BHD", Timezone: "Asia/Bahrain", Country: "BH",
				DefaultLocale: "en", Regions: []string{"Seef"}, MinRideBalance: 500, RiskThreshold: 55},
		}
		for _, want := range cases {
			want.Normalize()
			must(t, want.Validate())
			start := time.Now()
			must(t, s.SubaccountCreate(ctx(t), admin, want))
			if !strings.HasPrefix(want.ID, "sub_") {
				t.Errorf("new subaccount id %q does not start with sub_", want.ID)
			}
			if d := want.CreatedAt.Sub(start); d < -time.Second || d > time.Minute {
				t.Errorf("CreatedAt %v is not about now (%v)", want.CreatedAt, start)
			}
			byID, err := s.SubaccountGet(ctx(t), want.ID)
			must(t, err)
			bySlug, err := s.SubaccountBySlug(ctx(t), want.Slug)
			must(t, err)
			for _, got := range []*domain.Subaccount{byID, bySlug} {
				sameTime(t, want.Slug+" created_at", got.CreatedAt, want.CreatedAt)
				g, w := *got, *want
				g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
				gj, _ := json.Marshal(g)
				wj, _ := json.Marshal(w)
				if string(gj) != string(wj) {
					t.Errorf("read back\n %s\nwant\n %s", gj, wj)
				}
				if got.Regions == nil {
					t.Errorf("%s: regions read back as nil, want an empty list", want.Slug)
				}
			}
		}
		// The currency exponent survives, whatever it is.
		jpy, err := s.SubaccountBySlug(ctx(t), "tokyo")
		must(t, err)
		bhd, err := s.SubaccountBySlug(ctx(t), "manama")
		must(t, err)
		if jpy.CurrencyExponent != 0 || bhd.CurrencyExponent != 3 {
			t.Errorf("currency exponents JPY=%d BHD=%d, want 0 and 3", jpy.CurrencyExponent, bhd.CurrencyExponent)
		}
	})
}

func TestSubaccountListIsSortedByName(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		list, err := s.SubaccountList(ctx(t))
		must(t, err)
		if list == nil || len(list) != 0 {
			t.Fatalf("empty database lists %v, want an empty non-nil list", list)
		}
		for _, name := range []string{"Zeta Mobility", "Alpha Charging", "Mid Parking"} {
			sa := newSubaccount(t, strings.ToLower(strings.Fields(name)[0]))
			sa.Name = name
			must(t, s.SubaccountCreate(ctx(t), admin, sa))
		}
		list, err = s.SubaccountList(ctx(t))
		must(t, err)
		var names []string
		for _, sa := range list {
			names = append(names, sa.Name)
			if len(sa.Regions) != 2 || sa.Currency != "EUR" {
				t.Errorf("listed %s without its fields: %+v", sa.Name, sa)
			}
		}
		if want := []string{"Alpha Charging", "Mid Parking", "Zeta Mobility"}; !slices.Equal(names, want) {
			t.Fatalf("listed %v, want %v", names, want)
		}
	})
}

func TestSubaccountCreateRejectsTakenSlug(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		first := createSubaccount(t, s, "berlin")
		dup := newSubaccount(t, "berlin")
		dup.Name = "Another Berlin"
		expectNoAudit(t, s, func() {
			wantCode(t, s.SubaccountCreate(ctx(t), admin, dup), domain.ECodeConflict)
		})
		got, err := s.SubaccountBySlug(ctx(t), "berlin")
		must(t, err)
		if got.ID != first.ID || got.Name != first.Name {
			t.Fatalf("the taken slug now names %+v, want the first subaccount", got)
		}
		list, err := s.SubaccountList(ctx(t))
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("%d subaccounts after a rejected duplicate, want 1", len(list))
		}
	})
}

func TestSubaccountMissingIsNotFound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		createSubaccount(t, s, "berlin")
		_, err := s.SubaccountGet(ctx(t), "sub_nope")
		wantCode(t, err, domain.ECodeNotFound)
		_, err = s.SubaccountBySlug(ctx(t), "hamburg")
		wantCode(t, err, domain.ECodeNotFound)
		// An id is not a slug, and a slug is not an id.
		_, err = s.SubaccountGet(ctx(t), "berlin")
		wantCode(t, err, domain.ECodeNotFound)
	})
}

// ---- operators ---------------------------------------------------------------

func TestOperatorCreateStoresGrantsGlobalAndPerSubaccount(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		b := createSubaccount(t, s, "munich")
		grants := []domain.Grant{{Role: domain.RoleAdmin, SubaccountID: a.ID}, {Role: domain.RoleViewer, SubaccountID: b.ID}}
		op := createOperator(t, s, "ops@fleet.example", grants...)
		boss := createOperator(t, s, "boss@fleet.example", domain.Grant{Role: domain.RoleSuperAdmin})
		if !strings.HasPrefix(op.ID, "op_") || op.ID == boss.ID {
			t.Fatalf("operator ids %q and %q", op.ID, boss.ID)
		}

		got, err := s.OperatorGet(ctx(t), op.ID)
		must(t, err)
		if got.Email != "ops@fleet.example" || got.Name != "Op ops@fleet.example" || got.Locale != "" {
			t.Errorf("read back %+v", got)
		}
		sameTime(t, "created_at", got.CreatedAt, op.CreatedAt)
		if g, w := sortGrants(got.Grants), sortGrants(grants); !slices.Equal(g, w) {
			t.Errorf("grants %v, want %v", g, w)
		}
		gotBoss, err := s.OperatorGet(ctx(t), boss.ID)
		must(t, err)
		if len(gotBoss.Grants) != 1 || !gotBoss.Grants[0].Global() || gotBoss.Grants[0].Role != domain.RoleSuperAdmin {
			t.Errorf("global grant read back as %v", gotBoss.Grants)
		}

		list, err := s.OperatorList(ctx(t))
		must(t, err)
		if len(list) != 2 || list[0].Email != "boss@fleet.example" || list[1].Email != "ops@fleet.example" {
			t.Fatalf("OperatorList = %v, want boss then ops", list)
		}
		if len(list[1].Grants) != 2 {
			t.Errorf("OperatorList left out grants: %v", list[1].Grants)
		}

		_, err = s.OperatorGet(ctx(t), "op_nope")
		wantCode(t, err, domain.ECodeNotFound)
	})
}

func TestOperatorCreateDefaultsNameToEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op, err := s.OperatorCreate(ctx(t), admin, domain.OperatorCreate{Email: "anon@fleet.example",
			Grants: []domain.Grant{{Role: domain.RoleViewer}}}, "h")
		must(t, err)
		got, err := s.OperatorGet(ctx(t), op.ID)
		must(t, err)
		if got.Name != "anon@fleet.example" {
			t.Fatalf("name %q, want the email", got.Name)
		}
	})
}

func TestOperatorCreateRejectsTakenEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		first := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		expectNoAudit(t, s, func() {
			_, err := s.OperatorCreate(ctx(t), admin, domain.OperatorCreate{Email: "ops@fleet.example",
				Grants: []domain.Grant{{Role: domain.RoleSuperAdmin}}}, "other-hash")
			wantCode(t, err, domain.ECodeConflict)
		})
		got, hash, err := s.OperatorByEmail(ctx(t), "ops@fleet.example")
		must(t, err)
		if got.ID != first.ID || hash != "hash-of-ops@fleet.example" || got.Grants[0].Role != domain.RoleViewer {
			t.Fatalf("the duplicate changed the first operator: %+v %q", got, hash)
		}
	})
}

func TestOperatorCreateWithUnknownSubaccountWritesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		for _, grants := range [][]domain.Grant{
			{{Role: domain.RoleAdmin, SubaccountID: "sub_nope"}},
			// A valid grant first must not survive the failing second one.
			{{Role: domain.RoleAdmin, SubaccountID: a.ID}, {Role: domain.RoleViewer, SubaccountID: "sub_nope"}},
		} {
			expectNoAudit(t, s, func() {
				_, err := s.OperatorCreate(ctx(t), admin, domain.OperatorCreate{Email: "ops@fleet.example",
					Grants: grants}, "h")
				wantCode(t, err, domain.ECodeNotFound)
			})
			_, _, err := s.OperatorByEmail(ctx(t), "ops@fleet.example")
			wantCode(t, err, domain.ECodeNotFound)
		}
		list, err := s.OperatorList(ctx(t))
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("%d operators after failed creates, want 0", len(list))
		}
		// The email is still free.
		createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID})
	})
}

func TestOperatorByEmailReturnsPasswordHash(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createOperator(t, s, "a@fleet.example", domain.Grant{Role: domain.RoleViewer})
		createOperator(t, s, "b@fleet.example", domain.Grant{Role: domain.RoleViewer})
		got, hash, err := s.OperatorByEmail(ctx(t), "a@fleet.example")
		must(t, err)
		if got.ID != a.ID || hash != "hash-of-a@fleet.example" {
			t.Fatalf("got %s with hash %q", got.ID, hash)
		}
		if len(got.Grants) != 1 {
			t.Fatalf("grants %v", got.Grants)
		}
		_, _, err = s.OperatorByEmail(ctx(t), "c@fleet.example")
		wantCode(t, err, domain.ECodeNotFound)
	})
}

func TestOperatorGrantReplacesRoleInSameScope(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		b := createSubaccount(t, s, "munich")
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID})

		entry := expectOneAudit(t, s, func() {
			must(t, s.OperatorGrant(ctx(t), admin, op.ID, domain.Grant{Role: domain.RoleViewer, SubaccountID: a.ID}))
		})
		if entry.Action != "operator.grant" || entry.TargetID != op.ID || entry.SubaccountID != a.ID {
			t.Errorf("audit entry %+v", entry)
		}
		if before := decodeJSON[[]domain.Grant](t, entry.Before); !slices.Equal(before, []domain.Grant{{Role: domain.RoleAdmin, SubaccountID: a.ID}}) {
			t.Errorf("audit before = %v", before)
		}
		if after := decodeJSON[[]domain.Grant](t, entry.After); !slices.Equal(after, []domain.Grant{{Role: domain.RoleViewer, SubaccountID: a.ID}}) {
			t.Errorf("audit after = %v", after)
		}

		must(t, s.OperatorGrant(ctx(t), admin, op.ID, domain.Grant{Role: domain.RoleFleetManager, SubaccountID: b.ID}))
		must(t, s.OperatorGrant(ctx(t), admin, op.ID, domain.Grant{Role: domain.RoleAnalyst}))
		must(t, s.OperatorGrant(ctx(t), admin, op.ID, domain.Grant{Role: domain.RoleGlobalAdmin}))
		got, err := s.OperatorGet(ctx(t), op.ID)
		must(t, err)
		want := sortGrants([]domain.Grant{
			{Role: domain.RoleViewer, SubaccountID: a.ID},
			{Role: domain.RoleFleetManager, SubaccountID: b.ID},
			{Role: domain.RoleGlobalAdmin},
		})
		if g := sortGrants(got.Grants); !slices.Equal(g, want) {
			t.Fatalf("grants %v, want %v", g, want)
		}
	})
}

func TestOperatorGrantToUnknownSubaccountIsNotFound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID})
		expectNoAudit(t, s, func() {
			err := s.OperatorGrant(ctx(t), admin, op.ID, domain.Grant{Role: domain.RoleAdmin, SubaccountID: "sub_nope"})
			wantCode(t, err, domain.ECodeNotFound)
		})
		got, err := s.OperatorGet(ctx(t), op.ID)
		must(t, err)
		if len(got.Grants) != 1 {
			t.Fatalf("grants %v after a failed grant", got.Grants)
		}
	})
}

func TestOperatorGrantToUnknownOperatorIsNotFound(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		expectNoAudit(t, s, func() {
			err := s.OperatorGrant(ctx(t), admin, "op_nope", domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID})
			wantCode(t, err, domain.ECodeNotFound)
		})
	})
}

func TestOperatorSetPasswordEndsTheirSessionsOnly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		victim := createOperator(t, s, "victim@fleet.example", domain.Grant{Role: domain.RoleViewer})
		other := createOperator(t, s, "other@fleet.example", domain.Grant{Role: domain.RoleViewer})
		now := time.Now()
		s1 := createSession(t, s, victim.ID, now)
		s2 := createSession(t, s, victim.ID, now)
		s3 := createSession(t, s, other.ID, now)

		entry := expectOneAudit(t, s, func() {
			must(t, s.OperatorSetPassword(ctx(t), admin, victim.ID, "new-secret-hash"))
		})
		if entry.Action != "operator.password_reset" || entry.TargetID != victim.ID {
			t.Errorf("audit entry %+v", entry)
		}
		if strings.Contains(string(entry.Before)+string(entry.After), "new-secret-hash") {
			t.Errorf("the audit log holds the password hash: %s %s", entry.Before, entry.After)
		}
		for _, sess := range []*domain.Session{s1, s2} {
			_, err := s.SessionGet(ctx(t), sess.ID)
			wantCode(t, err, domain.ECodeNotFound)
		}
		if _, err := s.SessionGet(ctx(t), s3.ID); err != nil {
			t.Fatalf("another operator's session ended too: %v", err)
		}
		_, hash, err := s.OperatorByEmail(ctx(t), "victim@fleet.example")
		must(t, err)
		if hash != "new-secret-hash" {
			t.Fatalf("hash %q after reset", hash)
		}
		_, hash, err = s.OperatorByEmail(ctx(t), "other@fleet.example")
		must(t, err)
		if hash != "hash-of-other@fleet.example" {
			t.Fatalf("the other operator's hash changed to %q", hash)
		}

		expectNoAudit(t, s, func() {
			wantCode(t, s.OperatorSetPassword(ctx(t), admin, "op_nope", "x"), domain.ECodeNotFound)
		})
	})
}

func TestOperatorSetLocaleAuditsBeforeAndAfter(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		entry := expectOneAudit(t, s, func() { must(t, s.OperatorSetLocale(ctx(t), admin, op.ID, "de")) })
		if entry.Action != "operator.locale" || entry.TargetID != op.ID {
			t.Errorf("audit entry %+v", entry)
		}
		if b, a := decodeJSON[map[string]string](t, entry.Before), decodeJSON[map[string]string](t, entry.After); b["locale"] != "" || a["locale"] != "de" {
			t.Errorf("before %v after %v", b, a)
		}
		got, err := s.OperatorGet(ctx(t), op.ID)
		must(t, err)
		if got.Locale != "de" {
			t.Fatalf("locale %q", got.Locale)
		}
		expectNoAudit(t, s, func() {
			wantCode(t, s.OperatorSetLocale(ctx(t), admin, "op_nope", "de"), domain.ECodeNotFound)
		})
	})
}

// ---- tokens ------------------------------------------------------------------

func TestTokenCreateFindRevoke(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		other := createOperator(t, s, "other@fleet.example", domain.Grant{Role: domain.RoleViewer})
		t1, h1 := createToken(t, s, op.ID, "ci")
		t2, h2 := createToken(t, s, op.ID, "billing export")
		t3, _ := createToken(t, s, other.ID, "theirs")

		got, err := s.TokenByHash(ctx(t), h2)
		must(t, err)
		if got.ID != t2.ID || got.OperatorID != op.ID || got.Name != "billing export" || got.Prefix != "mdk_abcdef" ||
			got.LastUsedAt != nil || got.RevokedAt != nil {
			t.Fatalf("TokenByHash = %+v", got)
		}
		sameTime(t, "token created_at", got.CreatedAt, t2.CreatedAt)
		_, err = s.TokenByHash(ctx(t), "not-a-hash")
		wantCode(t, err, domain.ECodeNotFound)
		_, err = s.TokenGet(ctx(t), "tok_nope")
		wantCode(t, err, domain.ECodeNotFound)

		list, err := s.TokenList(ctx(t), op.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != t2.ID || list[1].ID != t1.ID {
			t.Fatalf("TokenList = %v, want t2 then t1", list)
		}
		if empty, err := s.TokenList(ctx(t), "op_nobody"); err != nil || empty == nil || len(empty) != 0 {
			t.Fatalf("TokenList of nobody = %v, %v; want an empty list", empty, err)
		}

		entry := expectOneAudit(t, s, func() { must(t, s.TokenRevoke(ctx(t), admin, t1.ID)) })
		if entry.Action != "token.revoke" || entry.TargetID != t1.ID {
			t.Errorf("audit entry %+v", entry)
		}
		revoked, err := s.TokenByHash(ctx(t), h1)
		must(t, err)
		if revoked.RevokedAt == nil || time.Since(*revoked.RevokedAt) > time.Minute {
			t.Fatalf("revoked token has RevokedAt %v", revoked.RevokedAt)
		}
		expectNoAudit(t, s, func() {
			wantCode(t, s.TokenRevoke(ctx(t), admin, t1.ID), domain.ECodeNotFound)
			wantCode(t, s.TokenRevoke(ctx(t), admin, "tok_nope"), domain.ECodeNotFound)
		})
		for _, id := range []string{t2.ID, t3.ID} {
			tok, err := s.TokenGet(ctx(t), id)
			must(t, err)
			if tok.RevokedAt != nil {
				t.Errorf("revoking t1 revoked %s too", id)
			}
		}
	})
}

func TestTokenCreateAuditLeavesOutTheSecretHash(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		var tok *domain.Token
		var hash string
		entry := expectOneAudit(t, s, func() { tok, hash = createToken(t, s, op.ID, "ci") })
		if entry.Action != "token.create" || entry.TargetID != tok.ID {
			t.Errorf("audit entry %+v", entry)
		}
		if strings.Contains(string(entry.After), hash) {
			t.Fatalf("audit entry holds the token hash: %s", entry.After)
		}
		if after := decodeJSON[domain.Token](t, entry.After); after.ID != tok.ID || after.Name != "ci" {
			t.Errorf("audit after = %+v", after)
		}
	})
}

func TestTokenTouchWritesAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		tok, _ := createToken(t, s, op.ID, "ci")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		load := func() *domain.Token {
			got, err := s.TokenGet(ctx(t), tok.ID)
			must(t, err)
			return got
		}

		expectNoAudit(t, s, func() { must(t, s.TokenTouch(ctx(t), load(), t0)) })
		got := load()
		if got.LastUsedAt == nil {
			t.Fatal("first use was not recorded")
		}
		sameTime(t, "last_used_at", *got.LastUsedAt, t0)

		must(t, s.TokenTouch(ctx(t), load(), t0.Add(59*time.Second)))
		sameTime(t, "last_used_at after a use 59s later", *load().LastUsedAt, t0)

		t2 := t0.Add(61 * time.Second)
		must(t, s.TokenTouch(ctx(t), load(), t2))
		sameTime(t, "last_used_at after a use 61s later", *load().LastUsedAt, t2)
	})
}

// ---- sessions ----------------------------------------------------------------

func TestSessionCreateGetTouchDelete(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		t0 := time.Now()
		var sess *domain.Session
		entry := expectOneAudit(t, s, func() { sess = createSession(t, s, op.ID, t0) })
		if entry.Action != "operator.login" || entry.TargetID != op.ID {
			t.Errorf("login audit entry %+v", entry)
		}

		got, err := s.SessionGet(ctx(t), sess.ID)
		must(t, err)
		if got.ID != sess.ID || got.OperatorID != op.ID {
			t.Fatalf("SessionGet = %+v", got)
		}
		sameTime(t, "created_at", got.CreatedAt, sess.CreatedAt)
		sameTime(t, "last_seen_at", got.LastSeenAt, sess.LastSeenAt)
		sameTime(t, "expires_at", got.ExpiresAt, sess.ExpiresAt)

		// Touching within a minute changes nothing; later it moves last_seen_at.
		expectNoAudit(t, s, func() {
			must(t, s.SessionTouch(ctx(t), got, sess.LastSeenAt.Add(30*time.Second)))
		})
		again, err := s.SessionGet(ctx(t), sess.ID)
		must(t, err)
		sameTime(t, "last_seen_at after 30s", again.LastSeenAt, sess.LastSeenAt)
		later := sess.LastSeenAt.Add(5 * time.Minute)
		must(t, s.SessionTouch(ctx(t), again, later))
		again, err = s.SessionGet(ctx(t), sess.ID)
		must(t, err)
		sameTime(t, "last_seen_at after 5m", again.LastSeenAt, later)
		sameTime(t, "expires_at after touch", again.ExpiresAt, sess.ExpiresAt)

		entry = expectOneAudit(t, s, func() { must(t, s.SessionDelete(ctx(t), admin, sess)) })
		if entry.Action != "operator.logout" || entry.TargetID != op.ID {
			t.Errorf("logout audit entry %+v", entry)
		}
		_, err = s.SessionGet(ctx(t), sess.ID)
		wantCode(t, err, domain.ECodeNotFound)
	})
}

func TestSessionCreateSweepsExpiredSessions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		now := time.Now()
		idle := createSession(t, s, op.ID, now.Add(-domain.SessionIdleTimeout-time.Minute))
		fresh := createSession(t, s, op.ID, now.Add(-time.Minute))
		createSession(t, s, op.ID, now)
		_, err := s.SessionGet(ctx(t), idle.ID)
		wantCode(t, err, domain.ECodeNotFound)
		if _, err := s.SessionGet(ctx(t), fresh.ID); err != nil {
			t.Fatalf("a live session was swept: %v", err)
		}
	})
}

// ---- audit log -----------------------------------------------------------------

func TestAuditEntryRecordsActorRequestAndNote(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		actors := []domain.Actor{
			{Principal: &domain.Principal{OperatorID: "op_1", Email: "jo@fleet.example"}, RequestID: "req-1", Note: "onboarding"},
			{Principal: &domain.Principal{OperatorID: "op_2", Email: "ci@fleet.example", TokenID: "tok_9"}, RequestID: "req-2"},
			{Principal: domain.SystemPrincipal},
			{},
		}
		for i, a := range actors {
			sa := newSubaccount(t, fmt.Sprintf("fleet-%d", i))
			start := time.Now()
			entry := expectOneAudit(t, s, func() { must(t, s.SubaccountCreate(ctx(t), a, sa)) })
			if entry.Actor != a.Label() || entry.Actor == "" {
				t.Errorf("actor %q, want %q", entry.Actor, a.Label())
			}
			wantID := ""
			if a.Principal != nil {
				wantID = a.Principal.OperatorID
			}
			if entry.ActorID != wantID || entry.RequestID != a.RequestID || entry.Note != a.Note {
				t.Errorf("entry %+v for actor %+v", entry, a)
			}
			if entry.Action != "subaccount.create" || entry.TargetType != "subaccount" || entry.TargetID != sa.ID ||
				entry.SubaccountID != sa.ID {
				t.Errorf("entry %+v", entry)
			}
			if !strings.HasPrefix(entry.ID, "aud_") {
				t.Errorf("audit id %q", entry.ID)
			}
			if d := entry.CreatedAt.Sub(start); d < -time.Second || d > time.Minute {
				t.Errorf("entry created_at %v, not about now", entry.CreatedAt)
			}
			if !isJSONNull(entry.Before) {
				t.Errorf("a creation has before %s, want null", entry.Before)
			}
			if after := decodeJSON[domain.Subaccount](t, entry.After); after.Slug != sa.Slug || after.ID != sa.ID ||
				!slices.Equal(after.Regions, sa.Regions) {
				t.Errorf("after = %+v", after)
			}
		}
		// The token actor names the token, so an integration's changes stand apart.
		if !strings.Contains(actors[1].Label(), "tok_9") {
			t.Errorf("token actor label %q does not name the token", actors[1].Label())
		}
	})
}

func TestOperatorCreateAuditHoldsNoPasswordHash(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		var op *domain.Operator
		entry := expectOneAudit(t, s, func() {
			op = createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID})
		})
		if entry.Action != "operator.create" || entry.TargetType != "operator" || entry.TargetID != op.ID {
			t.Errorf("entry %+v", entry)
		}
		if strings.Contains(string(entry.After), "hash-of-") {
			t.Fatalf("the audit log holds the password hash: %s", entry.After)
		}
		after := decodeJSON[domain.Operator](t, entry.After)
		if after.Email != op.Email || !slices.Equal(after.Grants, op.Grants) {
			t.Errorf("after = %+v", after)
		}
	})
}

func TestAuditEntriesAreAppendOnly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		createSubaccount(t, s, "berlin")
		createSubaccount(t, s, "munich")
		before := auditAll(t, s, domain.AuditFilter{})
		if _, err := s.ExecForTest(ctx(t), `UPDATE audit_entries SET note = 'rewritten'`); err == nil {
			t.Error("UPDATE audit_entries succeeded")
		}
		if _, err := s.ExecForTest(ctx(t), `DELETE FROM audit_entries`); err == nil {
			t.Error("DELETE FROM audit_entries succeeded")
		}
		if _, err := s.ExecForTest(ctx(t), `DELETE FROM audit_entries WHERE id = $1`, before[0].ID); err == nil {
			t.Error("deleting one audit entry succeeded")
		}
		after := auditAll(t, s, domain.AuditFilter{})
		if len(after) != len(before) {
			t.Fatalf("%d entries, want %d", len(after), len(before))
		}
		for i := range after {
			if after[i].ID != before[i].ID || after[i].Note != before[i].Note {
				t.Fatalf("entry %d changed: %+v", i, after[i])
			}
		}
	})
}

func TestAuditListFilters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := createSubaccount(t, s, "berlin")
		b := createSubaccount(t, s, "munich")
		c := createSubaccount(t, s, "hamburg")
		jo := &domain.Principal{OperatorID: "op_jo", Email: "jo@fleet.example"}
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer, SubaccountID: a.ID})
		must(t, s.OperatorGrant(ctx(t), domain.Actor{Principal: jo}, op.ID, domain.Grant{Role: domain.RoleAdmin, SubaccountID: a.ID}))
		must(t, s.OperatorGrant(ctx(t), domain.Actor{Principal: jo}, op.ID, domain.Grant{Role: domain.RoleAdmin, SubaccountID: b.ID}))
		must(t, s.OperatorSetLocale(ctx(t), admin, op.ID, "de"))

		all := auditAll(t, s, domain.AuditFilter{})
		if len(all) != 7 {
			t.Fatalf("%d entries in all, want 7", len(all))
		}
		cases := []struct {
			name string
			f    domain.AuditFilter
			keep func(*domain.AuditEntry) bool
		}{
			{"subaccount", domain.AuditFilter{SubaccountID: a.ID}, func(e *domain.AuditEntry) bool { return e.SubaccountID == a.ID }},
			{"subaccount list", domain.AuditFilter{SubaccountIDs: []string{a.ID, c.ID}},
				func(e *domain.AuditEntry) bool { return e.SubaccountID == a.ID || e.SubaccountID == c.ID }},
			{"empty subaccount list", domain.AuditFilter{SubaccountIDs: []string{}}, func(*domain.AuditEntry) bool { return false }},
			{"nil subaccount list", domain.AuditFilter{SubaccountIDs: nil}, func(*domain.AuditEntry) bool { return true }},
			{"list and one", domain.AuditFilter{SubaccountIDs: []string{a.ID, b.ID}, SubaccountID: b.ID},
				func(e *domain.AuditEntry) bool { return e.SubaccountID == b.ID }},
			{"list without the one", domain.AuditFilter{SubaccountIDs: []string{a.ID}, SubaccountID: b.ID},
				func(*domain.AuditEntry) bool { return false }},
			{"target", domain.AuditFilter{TargetID: op.ID}, func(e *domain.AuditEntry) bool { return e.TargetID == op.ID }},
			{"action", domain.AuditFilter{Action: "operator.grant"}, func(e *domain.AuditEntry) bool { return e.Action == "operator.grant" }},
			{"actor", domain.AuditFilter{ActorID: "op_jo"}, func(e *domain.AuditEntry) bool { return e.ActorID == "op_jo" }},
			{"target and subaccount", domain.AuditFilter{TargetID: op.ID, SubaccountID: b.ID},
				func(e *domain.AuditEntry) bool { return e.TargetID == op.ID && e.SubaccountID == b.ID }},
			{"nothing matches", domain.AuditFilter{Action: "no.such"}, func(*domain.AuditEntry) bool { return false }},
		}
		for _, tc := range cases {
			var want []string
			for _, e := range all {
				if tc.keep(e) {
					want = append(want, e.ID)
				}
			}
			f := tc.f
			f.Limit = domain.MaxPageSize
			page, err := s.AuditList(ctx(t), f)
			must(t, err)
			var got []string
			for _, e := range page.Data {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, want)
			}
			if page.Total != len(want) {
				t.Errorf("%s: total %d, want %d", tc.name, page.Total, len(want))
			}
			if page.Data == nil {
				t.Errorf("%s: data is nil, want a list", tc.name)
			}
		}
		// Sanity: the filters above are not vacuous.
		for _, n := range []int{countIf(all, func(e *domain.AuditEntry) bool { return e.SubaccountID == a.ID }),
			countIf(all, func(e *domain.AuditEntry) bool { return e.ActorID == "op_jo" })} {
			if n < 1 || n == len(all) {
				t.Fatalf("filter fixture is degenerate: %d of %d", n, len(all))
			}
		}
	})
}

func countIf(es []*domain.AuditEntry, keep func(*domain.AuditEntry) bool) int {
	n := 0
	for _, e := range es {
		if keep(e) {
			n++
		}
	}
	return n
}

func TestAuditListPagesWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		other := createOperator(t, s, "other@fleet.example", domain.Grant{Role: domain.RoleViewer})
		var locales []string
		for i := range 24 {
			loc := fmt.Sprintf("l%02d", i)
			locales = append(locales, loc)
			must(t, s.OperatorSetLocale(ctx(t), admin, op.ID, loc))
			if i%5 == 0 { // interleave entries the filter must skip
				must(t, s.OperatorSetLocale(ctx(t), admin, other.ID, loc))
			}
		}
		// 25 entries target op: its creation and 24 locale changes.
		for _, limit := range []int{1, 5, 7, 25, 26} {
			f := domain.AuditFilter{TargetID: op.ID, Limit: limit}
			var got []*domain.AuditEntry
			seen := map[string]bool{}
			pages := 0
			for {
				page, err := s.AuditList(ctx(t), f)
				must(t, err)
				pages++
				if page.Total != 25 {
					t.Fatalf("limit %d page %d: total %d, want 25", limit, pages, page.Total)
				}
				if len(page.Data) > limit || len(page.Data) == 0 {
					t.Fatalf("limit %d page %d: %d entries", limit, pages, len(page.Data))
				}
				for _, e := range page.Data {
					if seen[e.ID] {
						t.Fatalf("limit %d: %s appears twice", limit, e.ID)
					}
					seen[e.ID] = true
				}
				got = append(got, page.Data...)
				if page.NextCursor == "" {
					break
				}
				f.Cursor = page.NextCursor
			}
			if len(got) != 25 {
				t.Fatalf("limit %d: paged through %d entries, want 25", limit, len(got))
			}
			if want := (25 + limit - 1) / limit; pages != want {
				t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
			}
			// Newest first: the changes come back in reverse order, then the creation.
			for i, e := range got[:24] {
				wantLocale := locales[23-i]
				if e.Action != "operator.locale" || decodeJSON[map[string]string](t, e.After)["locale"] != wantLocale {
					t.Fatalf("limit %d: entry %d is %s %s, want locale %s", limit, i, e.Action, e.After, wantLocale)
				}
			}
			if got[24].Action != "operator.create" {
				t.Fatalf("limit %d: oldest entry is %s, want operator.create", limit, got[24].Action)
			}
		}
	})
}

func TestAuditListClampsLimit(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		for i := range domain.DefaultPageSize + 5 {
			must(t, s.OperatorSetLocale(ctx(t), admin, op.ID, fmt.Sprint(i)))
		}
		for _, limit := range []int{0, -3} {
			page, err := s.AuditList(ctx(t), domain.AuditFilter{Limit: limit})
			must(t, err)
			if len(page.Data) != domain.DefaultPageSize || page.NextCursor == "" {
				t.Errorf("limit %d: %d entries, cursor %q; want a default page", limit, len(page.Data), page.NextCursor)
			}
		}
		page, err := s.AuditList(ctx(t), domain.AuditFilter{Limit: domain.MaxPageSize * 10})
		must(t, err)
		if len(page.Data) != domain.DefaultPageSize+6 {
			t.Errorf("large limit: %d entries, want all %d", len(page.Data), domain.DefaultPageSize+6)
		}
	})
}

func TestAuditListRejectsBadCursor(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		createSubaccount(t, s, "berlin")
		for _, c := range []string{"!!!", "a b", "%%%%", strings.Repeat("QUFB", 100)} {
			_, err := s.AuditList(ctx(t), domain.AuditFilter{Cursor: c})
			wantCode(t, err, domain.ECodeValidation)
			var de *domain.Error
			if errors.As(err, &de) && (len(de.Fields) == 0 || de.Fields[0].Field != "cursor") {
				t.Errorf("cursor %q: fields %v, want one naming cursor", c, de.Fields)
			}
		}
	})
}

// ---- idempotency keys ---------------------------------------------------------

const lease = time.Minute

func TestIdempotencyProceedInUseFinishReplay(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		expectNoAudit(t, s, func() {
			out, stored, err := s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
			must(t, err)
			if out != store.IdempotencyProceed || stored != nil {
				t.Fatalf("first Begin = %v %v, want Proceed", out, stored)
			}
			out, _, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
			must(t, err)
			if out != store.IdempotencyInUse {
				t.Fatalf("Begin while running = %v, want InUse", out)
			}
			body := []byte(`{"id":"cust_1","amount":1000}` + "\x00\xff")
			must(t, s.IdempotencyFinish(c, "op_1", "k1", store.StoredResponse{Status: 201, ContentType: "application/json", Body: body}))
			for range 2 {
				out, stored, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
				must(t, err)
				if out != store.IdempotencyReplay || stored == nil {
					t.Fatalf("Begin after Finish = %v %v, want Replay", out, stored)
				}
				if stored.Status != 201 || stored.ContentType != "application/json" || string(stored.Body) != string(body) {
					t.Fatalf("replayed %d %q %q", stored.Status, stored.ContentType, stored.Body)
				}
			}
		})
	})
}

func TestIdempotencyKeyWithDifferentRequestIsReused(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		out, _, err := s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("first Begin = %v", out)
		}
		// While running, and after finishing, a different request is refused.
		out, stored, err := s.IdempotencyBegin(c, "op_1", "k1", "hash-b", lease)
		must(t, err)
		if out != store.IdempotencyReused || stored != nil {
			t.Fatalf("different hash while running = %v %v, want Reused", out, stored)
		}
		must(t, s.IdempotencyFinish(c, "op_1", "k1", store.StoredResponse{Status: 200, ContentType: "application/json", Body: []byte(`{}`)}))
		out, stored, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-b", lease)
		must(t, err)
		if out != store.IdempotencyReused || stored != nil {
			t.Fatalf("different hash after finish = %v %v, want Reused", out, stored)
		}
	})
}

func TestIdempotencyKeysAreScoped(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		for _, scope := range []string{"op_1", "op_2"} {
			out, _, err := s.IdempotencyBegin(c, scope, "same-key", "hash-"+scope, lease)
			must(t, err)
			if out != store.IdempotencyProceed {
				t.Fatalf("scope %s: Begin = %v, want Proceed: one sender's key must not block another's", scope, out)
			}
		}
	})
}

func TestIdempotencyExpiredLeaseProceedsAgain(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		out, _, err := s.IdempotencyBegin(c, "op_1", "k1", "hash-a", 20*time.Millisecond)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("first Begin = %v", out)
		}
		time.Sleep(60 * time.Millisecond)
		out, _, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("Begin after the lease ran out = %v, want Proceed", out)
		}
		// The new claim holds its own, longer lease.
		out, _, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyInUse {
			t.Fatalf("Begin during the new lease = %v, want InUse", out)
		}
	})
}

func TestIdempotencyReleaseLetsARetryProceed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		out, _, err := s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("first Begin = %v", out)
		}
		must(t, s.IdempotencyRelease(c, "op_1", "k1"))
		out, _, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("Begin after Release = %v, want Proceed", out)
		}
		// A finished key is kept: Release must not forget a response.
		must(t, s.IdempotencyFinish(c, "op_1", "k1", store.StoredResponse{Status: 201, Body: []byte("x")}))
		must(t, s.IdempotencyRelease(c, "op_1", "k1"))
		out, _, err = s.IdempotencyBegin(c, "op_1", "k1", "hash-a", lease)
		must(t, err)
		if out != store.IdempotencyReplay {
			t.Fatalf("Begin after releasing a finished key = %v, want Replay", out)
		}
	})
}

func TestIdempotencyExpireForgetsOldFinishedKeys(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		for _, k := range []string{"done-1", "done-2", "running"} {
			if out, _, err := s.IdempotencyBegin(c, "op_1", k, "h", lease); err != nil || out != store.IdempotencyProceed {
				t.Fatalf("Begin %s = %v, %v", k, out, err)
			}
		}
		for _, k := range []string{"done-1", "done-2"} {
			must(t, s.IdempotencyFinish(c, "op_1", k, store.StoredResponse{Status: 200, Body: []byte("{}")}))
		}
		n, err := s.IdempotencyExpire(c, time.Now().Add(-time.Hour))
		must(t, err)
		if n != 0 {
			t.Fatalf("expiring keys older than an hour removed %d, want 0", n)
		}
		n, err = s.IdempotencyExpire(c, time.Now().Add(time.Second))
		must(t, err)
		if n != 2 {
			t.Fatalf("expired %d keys, want the 2 finished ones", n)
		}
		out, _, err := s.IdempotencyBegin(c, "op_1", "done-1", "h2", lease)
		must(t, err)
		if out != store.IdempotencyProceed {
			t.Fatalf("an expired key answers %v, want Proceed", out)
		}
		out, _, err = s.IdempotencyBegin(c, "op_1", "running", "h", lease)
		must(t, err)
		if out != store.IdempotencyInUse {
			t.Fatalf("a running key was expired: Begin = %v", out)
		}
	})
}

func TestIdempotencyConcurrentBeginHasOneWinner(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		const n = 16
		var wg sync.WaitGroup
		start := make(chan struct{})
		outcomes := make([]store.IdempotencyOutcome, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				outcomes[i], _, errs[i] = s.IdempotencyBegin(context.Background(), "op_1", "race", "hash-a", lease)
			})
		}
		close(start)
		wg.Wait()
		proceed := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("goroutine %d: %v", i, errs[i])
			}
			switch outcomes[i] {
			case store.IdempotencyProceed:
				proceed++
			case store.IdempotencyInUse:
			default:
				t.Fatalf("goroutine %d: outcome %v, want Proceed or InUse", i, outcomes[i])
			}
		}
		if proceed != 1 {
			t.Fatalf("%d goroutines may proceed, want exactly 1", proceed)
		}
	})
}

func TestEveryMutationWritesOneAuditEntry(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		sa := createSubaccount(t, s, "berlin")
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer, SubaccountID: sa.ID})
		tok, _ := createToken(t, s, op.ID, "ci")
		sess := createSession(t, s, op.ID, time.Now())

		type mutation struct {
			action, targetType, targetID, subaccountID string
			run                                        func(a domain.Actor) error
		}
		var newSub *domain.Subaccount
		var newOp *domain.Operator
		var newTok *domain.Token
		mutations := []mutation{
			{"subaccount.create", "subaccount", "", "", func(a domain.Actor) error {
				newSub = newSubaccount(t, "munich")
				return s.SubaccountCreate(c, a, newSub)
			}},
			{"operator.create", "operator", "", "", func(a domain.Actor) error {
				var err error
				newOp, err = s.OperatorCreate(c, a, domain.OperatorCreate{Email: "new@fleet.example",
					Grants: []domain.Grant{{Role: domain.RoleAnalyst}}}, "h")
				return err
			}},
			{"operator.grant", "operator", op.ID, sa.ID, func(a domain.Actor) error {
				return s.OperatorGrant(c, a, op.ID, domain.Grant{Role: domain.RoleAdmin, SubaccountID: sa.ID})
			}},
			{"operator.locale", "operator", op.ID, "", func(a domain.Actor) error {
				return s.OperatorSetLocale(c, a, op.ID, "de")
			}},
			{"token.create", "token", "", "", func(a domain.Actor) error {
				newTok = &domain.Token{ID: ids.New("tok"), OperatorID: op.ID, Name: "new", Prefix: "mdk_x"}
				return s.TokenCreate(c, a, newTok, "another-hash")
			}},
			{"token.revoke", "token", tok.ID, "", func(a domain.Actor) error { return s.TokenRevoke(c, a, tok.ID) }},
			{"operator.logout", "operator", op.ID, "", func(a domain.Actor) error { return s.SessionDelete(c, a, sess) }},
			{"operator.login", "operator", op.ID, "", func(a domain.Actor) error {
				now := time.Now().UTC().Truncate(time.Microsecond)
				return s.SessionCreate(c, a, &domain.Session{ID: "new-session", OperatorID: op.ID, CreatedAt: now,
					LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
			}},
			{"operator.password_reset", "operator", op.ID, "", func(a domain.Actor) error {
				return s.OperatorSetPassword(c, a, op.ID, "h2")
			}},
		}
		for i, m := range mutations {
			a := domain.Actor{
				Principal: &domain.Principal{OperatorID: fmt.Sprintf("op_actor%d", i), Email: fmt.Sprintf("actor%d@fleet.example", i),
					TokenID: fmt.Sprintf("tok_actor%d", i)},
				RequestID: fmt.Sprintf("req-%d", i),
				Note:      fmt.Sprintf("because %d", i),
			}
			entry := expectOneAudit(t, s, func() {
				if err := m.run(a); err != nil {
					t.Fatalf("%s: %v", m.action, err)
				}
			})
			targetID := m.targetID
			switch m.action {
			case "subaccount.create":
				targetID, m.subaccountID = newSub.ID, newSub.ID
			case "operator.create":
				targetID = newOp.ID
			case "token.create":
				targetID = newTok.ID
			}
			if entry.Action != m.action || entry.TargetType != m.targetType || entry.TargetID != targetID ||
				entry.SubaccountID != m.subaccountID {
				t.Errorf("%s: entry %s %s %s in %q, want %s %s in %q", m.action, entry.Action, entry.TargetType,
					entry.TargetID, entry.SubaccountID, m.targetType, targetID, m.subaccountID)
			}
			if entry.Actor != a.Label() || entry.ActorID != a.Principal.OperatorID || entry.RequestID != a.RequestID ||
				entry.Note != a.Note {
				t.Errorf("%s: actor %q (%s) request %q note %q; want %q (%s) %q %q", m.action, entry.Actor, entry.ActorID,
					entry.RequestID, entry.Note, a.Label(), a.Principal.OperatorID, a.RequestID, a.Note)
			}
			for _, raw := range []json.RawMessage{entry.Before, entry.After} {
				if !json.Valid(raw) {
					t.Errorf("%s: invalid JSON %q", m.action, raw)
				}
			}
		}
	})
}

func TestBookkeepingWritesNoAuditEntry(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		op := createOperator(t, s, "ops@fleet.example", domain.Grant{Role: domain.RoleViewer})
		tok, _ := createToken(t, s, op.ID, "ci")
		sess := createSession(t, s, op.ID, time.Now().Add(-time.Hour))
		expectNoAudit(t, s, func() {
			must(t, s.TokenTouch(c, tok, time.Now()))
			must(t, s.SessionTouch(c, sess, time.Now()))
			if _, _, err := s.IdempotencyBegin(c, "op_1", "k", "h", lease); err != nil {
				t.Fatal(err)
			}
			must(t, s.IdempotencyFinish(c, "op_1", "k", store.StoredResponse{Status: 200}))
			if _, err := s.IdempotencyExpire(c, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		})
	})
}

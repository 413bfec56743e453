package domain_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

const (
	own     = "sub_own"
	foreign = "sub_foreign"
)

// roleSpec is what DESIGN.md's role table promises, written down
// independently of domain.RolePermissions so that the two can disagree.
type roleSpec struct {
	may    []domain.Permission
	mayNot []domain.Permission
}

var (
	walletChanges = []domain.Permission{domain.PermWalletCredit, domain.PermWalletBonus, domain.PermWalletFee,
		domain.PermWalletDebit, domain.PermWalletBulk}
	customerChanges = []domain.Permission{domain.PermCustomersCreate, domain.PermCustomersEdit, domain.PermCustomersEditContact,
		domain.PermCustomersBlock, domain.PermCustomersDelete, domain.PermCustomersIdentity, domain.PermCustomersImport}
	everythingInASubaccount = []domain.Permission{
		domain.PermCustomersView, domain.PermCustomersCreate, domain.PermCustomersEdit, domain.PermCustomersEditContact,
		domain.PermCustomersBlock, domain.PermCustomersDelete, domain.PermCustomersIdentity, domain.PermCustomersImport,
		domain.PermCustomersExport, domain.PermWalletView, domain.PermWalletCredit, domain.PermWalletBonus,
		domain.PermWalletFee, domain.PermWalletDebit, domain.PermWalletBulk, domain.PermRidesView, domain.PermRidesManage,
		domain.PermNotificationsView, domain.PermNotificationsSend, domain.PermAuditView,
	}
	platform = []domain.Permission{domain.PermSubaccountsManage, domain.PermOperatorsManage}
)

func join(lists ...[]domain.Permission) []domain.Permission { return slices.Concat(lists...) }

var roleSpecs = map[domain.Role]roleSpec{
	// Super Admin: everything, in every subaccount, and manage operators and subaccounts.
	domain.RoleSuperAdmin: {may: join(everythingInASubaccount, platform)},
	// Global Admin: everything, in the subaccounts assigned to them.
	domain.RoleGlobalAdmin: {may: everythingInASubaccount, mayNot: platform},
	// Admin: view and edit customers, block and unblock, all wallet actions,
	// rides, identity, notifications, import and export.
	domain.RoleAdmin: {
		may: []domain.Permission{domain.PermCustomersView, domain.PermCustomersEdit, domain.PermCustomersEditContact,
			domain.PermCustomersBlock, domain.PermWalletCredit, domain.PermWalletBonus, domain.PermWalletFee,
			domain.PermWalletDebit, domain.PermRidesView, domain.PermRidesManage, domain.PermCustomersIdentity,
			domain.PermNotificationsView, domain.PermNotificationsSend, domain.PermCustomersImport, domain.PermCustomersExport},
		mayNot: platform,
	},
	// Fleet Manager: view customers, edit contact fields and notes, start and
	// end rides, add credit and bonus.
	domain.RoleFleetManager: {
		may: []domain.Permission{domain.PermCustomersView, domain.PermCustomersEditContact, domain.PermRidesView,
			domain.PermRidesManage, domain.PermWalletCredit, domain.PermWalletBonus},
		mayNot: join(platform, []domain.Permission{domain.PermWalletFee, domain.PermWalletDebit, domain.PermWalletBulk,
			domain.PermCustomersEdit, domain.PermCustomersBlock, domain.PermCustomersDelete, domain.PermCustomersIdentity,
			domain.PermCustomersImport, domain.PermCustomersExport}),
	},
	// Analyst: view customers and export; no wallet changes.
	domain.RoleAnalyst: {
		may:    []domain.Permission{domain.PermCustomersView, domain.PermCustomersExport},
		mayNot: join(platform, walletChanges, customerChanges, []domain.Permission{domain.PermRidesManage, domain.PermNotificationsSend}),
	},
	// Service Technician: view customer information on rides only.
	domain.RoleServiceTechnician: {
		may: []domain.Permission{domain.PermRidesView},
		mayNot: join(platform, walletChanges, customerChanges, []domain.Permission{domain.PermCustomersView,
			domain.PermCustomersExport, domain.PermRidesManage, domain.PermNotificationsSend}),
	},
	// Viewer: read only.
	domain.RoleViewer: {
		may: []domain.Permission{domain.PermCustomersView},
		mayNot: join(platform, walletChanges, customerChanges, []domain.Permission{domain.PermCustomersExport,
			domain.PermRidesManage, domain.PermNotificationsSend}),
	},
}

// readOnly says which roles may hold nothing but ":view" permissions, and
// the one exception each may have.
var readOnly = map[domain.Role][]domain.Permission{
	domain.RoleViewer:            nil,
	domain.RoleServiceTechnician: nil,
	domain.RoleAnalyst:           {domain.PermCustomersExport}, // exporting reads
}

func principal(grants ...domain.Grant) *domain.Principal {
	return &domain.Principal{OperatorID: "op_1", Email: "jo@fleet.example", Grants: grants}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	got := "<nil>"
	if err != nil {
		got = domain.ErrorCode(err)
	}
	want := code
	if want == "" {
		want = "<nil>"
	}
	if got != want {
		t.Errorf("got %s (%v), want %s", got, err, want)
	}
}

func TestEveryRoleHasASpec(t *testing.T) {
	t.Parallel()
	if len(domain.Roles) != 7 {
		t.Fatalf("%d roles, DESIGN.md names 7", len(domain.Roles))
	}
	for _, r := range domain.Roles {
		if _, ok := roleSpecs[r]; !ok {
			t.Errorf("role %s has no spec in this test", r)
		}
		if !r.Valid() {
			t.Errorf("role %s is not Valid", r)
		}
	}
	for _, r := range []domain.Role{"", "root", "Admin", "superadmin"} {
		if r.Valid() {
			t.Errorf("role %q is Valid", r)
		}
	}
}

func TestAuthorizeFollowsTheRoleTable(t *testing.T) {
	t.Parallel()
	for _, role := range domain.Roles {
		spec := roleSpecs[role]
		scope := own
		if role == domain.RoleSuperAdmin {
			scope = "" // a super admin holds the role everywhere
		}
		p := principal(domain.Grant{Role: role, SubaccountID: scope})
		t.Run(string(role), func(t *testing.T) {
			t.Parallel()
			for _, perm := range spec.may {
				sub := own
				if slices.Contains(platform, perm) {
					sub = ""
				}
				if err := p.Authorize(perm, sub); err != nil {
					t.Errorf("may not %s in its subaccount: %v", perm, err)
				}
			}
			for _, perm := range spec.mayNot {
				for _, sub := range []string{own, ""} {
					err := p.Authorize(perm, sub)
					if domain.ErrorCode(err) != domain.ECodeForbidden {
						t.Errorf("Authorize(%s, %q) = %v, want forbidden", perm, sub, err)
					}
				}
			}
		})
	}
}

func TestReadOnlyRolesHoldNoChangingPermission(t *testing.T) {
	t.Parallel()
	for role, except := range readOnly {
		p := principal(domain.Grant{Role: role, SubaccountID: own})
		for _, perm := range domain.AllPermissions() {
			if strings.HasSuffix(string(perm), ":view") || slices.Contains(except, perm) {
				continue
			}
			if p.Authorize(perm, own) == nil {
				t.Errorf("%s may %s, but the role is read only", role, perm)
			}
		}
	}
}

func TestNoOneButTheDesignedRolesMayChargeFees(t *testing.T) {
	t.Parallel()
	for _, role := range []domain.Role{domain.RoleAnalyst, domain.RoleServiceTechnician, domain.RoleViewer, domain.RoleFleetManager} {
		for _, scope := range []string{own, ""} {
			p := principal(domain.Grant{Role: role, SubaccountID: scope})
			wantCode(t, p.Authorize(domain.PermWalletFee, own), domain.ECodeForbidden)
			wantCode(t, p.Authorize(domain.PermWalletDebit, own), domain.ECodeForbidden)
		}
	}
	fm := principal(domain.Grant{Role: domain.RoleFleetManager, SubaccountID: own})
	wantCode(t, fm.Authorize(domain.PermWalletCredit, own), "")
	wantCode(t, fm.Authorize(domain.PermWalletBonus, own), "")
	st := principal(domain.Grant{Role: domain.RoleServiceTechnician, SubaccountID: own})
	wantCode(t, st.Authorize(domain.PermCustomersView, own), domain.ECodeForbidden)
}

func TestAuthorizeHidesForeignSubaccounts(t *testing.T) {
	t.Parallel()
	for _, role := range domain.Roles {
		p := principal(domain.Grant{Role: role, SubaccountID: own})
		for _, perm := range domain.AllPermissions() {
			err := p.Authorize(perm, foreign)
			if domain.ErrorCode(err) != domain.ECodeNotFound {
				t.Errorf("%s in %s: Authorize(%s) = %v, want not_found", role, foreign, perm, err)
			}
		}
		if p.Sees(foreign) || !p.Sees(own) {
			t.Errorf("%s: Sees(own)=%v Sees(foreign)=%v", role, p.Sees(own), p.Sees(foreign))
		}
	}
}

func TestGlobalGrantsReachEverySubaccount(t *testing.T) {
	t.Parallel()
	for _, role := range domain.Roles {
		p := principal(domain.Grant{Role: role})
		for _, sub := range []string{own, foreign, "sub_created_tomorrow"} {
			if !p.Sees(sub) {
				t.Errorf("global %s does not see %s", role, sub)
			}
			for _, perm := range roleSpecs[role].may {
				if err := p.Authorize(perm, sub); err != nil {
					t.Errorf("global %s may not %s in %s: %v", role, perm, sub, err)
				}
			}
		}
	}
}

func TestPlatformPermissionsNeedAGlobalSuperAdmin(t *testing.T) {
	t.Parallel()
	for _, perm := range platform {
		for _, role := range domain.Roles {
			for _, scope := range []string{"", own} {
				p := principal(domain.Grant{Role: role, SubaccountID: scope})
				want := role == domain.RoleSuperAdmin && scope == ""
				for _, sub := range []string{"", own} {
					got := p.Authorize(perm, sub) == nil
					if got != want {
						t.Errorf("%s (scope %q) Authorize(%s, %q) allowed=%v, want %v", role, scope, perm, sub, got, want)
					}
				}
				if p.CanAnywhere(perm) != want {
					t.Errorf("%s (scope %q) CanAnywhere(%s) = %v, want %v", role, scope, perm, !want, want)
				}
			}
		}
	}
}

func TestAuthorizeWithGrantsInSeveralSubaccounts(t *testing.T) {
	t.Parallel()
	const other = "sub_other"
	p := principal(domain.Grant{Role: domain.RoleViewer, SubaccountID: own},
		domain.Grant{Role: domain.RoleAdmin, SubaccountID: other})
	wantCode(t, p.Authorize(domain.PermWalletFee, other), "")
	wantCode(t, p.Authorize(domain.PermWalletFee, own), domain.ECodeForbidden) // admin elsewhere does not carry over
	wantCode(t, p.Authorize(domain.PermCustomersView, own), "")
	wantCode(t, p.Authorize(domain.PermCustomersView, foreign), domain.ECodeNotFound)
	// A subaccount-wide permission asked without a subaccount is not granted.
	wantCode(t, p.Authorize(domain.PermWalletFee, ""), domain.ECodeForbidden)
	if !p.CanAnywhere(domain.PermWalletFee) || p.CanAnywhere(domain.PermSubaccountsManage) {
		t.Error("CanAnywhere disagrees with the grants")
	}

	// A global viewer who is admin in one subaccount.
	q := principal(domain.Grant{Role: domain.RoleViewer}, domain.Grant{Role: domain.RoleAdmin, SubaccountID: own})
	wantCode(t, q.Authorize(domain.PermWalletFee, own), "")
	wantCode(t, q.Authorize(domain.PermWalletFee, foreign), domain.ECodeForbidden)
	wantCode(t, q.Authorize(domain.PermCustomersView, foreign), "")
}

func TestAuthorizeNobodyAndSystem(t *testing.T) {
	t.Parallel()
	var nobody *domain.Principal
	wantCode(t, nobody.Authorize(domain.PermCustomersView, own), domain.ECodeUnauthorized)
	if nobody.Can(domain.PermCustomersView, own) || nobody.Sees(own) || nobody.CanAnywhere(domain.PermCustomersView) {
		t.Error("a nil principal may do something")
	}
	noGrants := principal()
	wantCode(t, noGrants.Authorize(domain.PermCustomersView, own), domain.ECodeNotFound)
	wantCode(t, noGrants.Authorize(domain.PermSubaccountsView, ""), domain.ECodeForbidden)
	for _, perm := range domain.AllPermissions() {
		for _, sub := range []string{"", own, foreign} {
			wantCode(t, domain.SystemPrincipal.Authorize(perm, sub), "")
		}
	}
}

func TestAllPermissionsListsEachOnce(t *testing.T) {
	t.Parallel()
	all := domain.AllPermissions()
	for _, perm := range join(everythingInASubaccount, platform) {
		if !slices.Contains(all, perm) {
			t.Errorf("AllPermissions leaves out %s", perm)
		}
	}
	seen := map[domain.Permission]bool{}
	for _, p := range all {
		if seen[p] {
			t.Errorf("%s listed twice", p)
		}
		seen[p] = true
	}
}

func TestActorLabel(t *testing.T) {
	t.Parallel()
	if got := (domain.Actor{}).Label(); got != "system" {
		t.Errorf("no principal: %q", got)
	}
	if got := (domain.Actor{Principal: domain.SystemPrincipal}).Label(); got != "system" {
		t.Errorf("system: %q", got)
	}
	if got := (domain.Actor{Principal: principal()}).Label(); got != "jo@fleet.example" {
		t.Errorf("operator: %q", got)
	}
	tok := principal()
	tok.TokenID = "tok_42"
	got := (domain.Actor{Principal: tok}).Label()
	if !strings.Contains(got, "jo@fleet.example") || !strings.Contains(got, "tok_42") {
		t.Errorf("token: %q should name the operator and the token", got)
	}
}

// ---- subaccounts ---------------------------------------------------------

func validSubaccount() domain.Subaccount {
	return domain.Subaccount{Slug: "berlin", Name: "Berlin Scooters", Currency: "EUR", Timezone: "Europe/Berlin",
		Country: "DE", Regions: []string{"Mitte"}, MinRideBalance: 50, UnlockFee: 100, PricePerMinute: 25, RiskThreshold: 70}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *domain.Error", err)
	}
	if de.Code != domain.ECodeValidation {
		t.Fatalf("code %s, want validation_failed", de.Code)
	}
	var out []string
	for _, f := range de.Fields {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Field)
		}
		out = append(out, f.Field)
	}
	return out
}

func TestSubaccountNormalize(t *testing.T) {
	t.Parallel()
	sa := domain.Subaccount{Slug: "  Berlin-Mitte ", Name: "  Berlin  ", Currency: " eur", Country: "de "}
	sa.Normalize()
	if sa.Slug != "berlin-mitte" || sa.Name != "Berlin" || sa.Currency != "EUR" || sa.Country != "DE" {
		t.Errorf("canonical forms: %+v", sa)
	}
	if sa.Timezone != "UTC" {
		t.Errorf("empty timezone became %q, want UTC", sa.Timezone)
	}
	if sa.DefaultLocale != "de" {
		t.Errorf("a German subaccount speaks %q by default, want de", sa.DefaultLocale)
	}
	if sa.Regions == nil {
		t.Error("regions stay nil; they should become an empty list")
	}
	if sa.CurrencyExponent != 2 {
		t.Errorf("EUR exponent %d, want 2", sa.CurrencyExponent)
	}
	if err := sa.Validate(); err != nil {
		t.Errorf("normalized subaccount is invalid: %v", err)
	}

	for country, locale := range map[string]string{"AT": "de", "CH": "de", "FR": "en", "US": "en"} {
		sa := domain.Subaccount{Country: country}
		sa.Normalize()
		if sa.DefaultLocale != locale {
			t.Errorf("country %s: default locale %q, want %q", country, sa.DefaultLocale, locale)
		}
	}
	kept := domain.Subaccount{Country: "DE", DefaultLocale: "en"}
	kept.Normalize()
	if kept.DefaultLocale != "en" {
		t.Errorf("a chosen locale was overridden: %q", kept.DefaultLocale)
	}
}

func TestCurrencyExponentFollowsISO4217(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"JPY": 0, "KRW": 0, "EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "BHD": 3, "KWD": 3} {
		got, err := domain.CurrencyExponent(code)
		if err != nil || got != want {
			t.Errorf("CurrencyExponent(%s) = %d, %v; want %d", code, got, err, want)
		}
		sa := validSubaccount()
		sa.Currency = code
		sa.Normalize()
		if sa.CurrencyExponent != want {
			t.Errorf("Normalize with %s: exponent %d, want %d", code, sa.CurrencyExponent, want)
		}
	}
	for _, code := range []string{"XYZ", "XXX", "", "EURO", "eur", "€"} {
		if _, err := domain.CurrencyExponent(code); domain.ErrorCode(err) != domain.ECodeValidation {
			t.Errorf("CurrencyExponent(%q) = %v, want validation_failed", code, err)
		}
	}
}

func TestSubaccountNormalizeDerivesExponentFromCurrency(t *testing.T) {
	t.Parallel()
	// A stale exponent (say, from a currency that was changed) must not
	// survive: it scales every amount of the subaccount.
	sa := validSubaccount()
	sa.Currency, sa.CurrencyExponent = "JPY", 2
	sa.Normalize()
	if sa.CurrencyExponent != 0 {
		t.Fatalf("JPY subaccount keeps exponent %d, want 0", sa.CurrencyExponent)
	}
}

func TestSubaccountValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		edit   func(*domain.Subaccount)
		fields []string // nil: valid
	}{
		{"valid", func(*domain.Subaccount) {}, nil},
		{"two char slug", func(s *domain.Subaccount) { s.Slug = "b1" }, nil},
		{"forty char slug", func(s *domain.Subaccount) { s.Slug = strings.Repeat("a", 40) }, nil},
		{"slug with dashes", func(s *domain.Subaccount) { s.Slug = "berlin-mitte-2" }, nil},
		{"uppercase slug is lowered", func(s *domain.Subaccount) { s.Slug = "BERLIN" }, nil},
		{"empty slug", func(s *domain.Subaccount) { s.Slug = "" }, []string{"slug"}},
		{"one char slug", func(s *domain.Subaccount) { s.Slug = "b" }, []string{"slug"}},
		{"41 char slug", func(s *domain.Subaccount) { s.Slug = strings.Repeat("a", 41) }, []string{"slug"}},
		{"slug starts with dash", func(s *domain.Subaccount) { s.Slug = "-berlin" }, []string{"slug"}},
		{"slug with underscore", func(s *domain.Subaccount) { s.Slug = "berlin_mitte" }, []string{"slug"}},
		{"slug with space", func(s *domain.Subaccount) { s.Slug = "berlin mitte" }, []string{"slug"}},
		{"slug with umlaut", func(s *domain.Subaccount) { s.Slug = "münchen" }, []string{"slug"}},
		{"slug with slash", func(s *domain.Subaccount) { s.Slug = "berlin/../x" }, []string{"slug"}},
		{"empty name", func(s *domain.Subaccount) { s.Name = "   " }, []string{"name"}},
		{"long name", func(s *domain.Subaccount) { s.Name = strings.Repeat("n", 201) }, []string{"name"}},
		{"200 characters of umlauts", func(s *domain.Subaccount) { s.Name = strings.Repeat("ü", 200) }, nil},
		{"unknown currency", func(s *domain.Subaccount) { s.Currency = "XYZ" }, []string{"currency"}},
		{"no currency", func(s *domain.Subaccount) { s.Currency = "" }, []string{"currency"}},
		{"lowercase currency is raised", func(s *domain.Subaccount) { s.Currency = "jpy" }, nil},
		{"bad timezone", func(s *domain.Subaccount) { s.Timezone = "Mars/Olympus_Mons" }, []string{"timezone"}},
		{"Local timezone", func(s *domain.Subaccount) { s.Timezone = "Local" }, []string{"timezone"}},
		{"offset as timezone", func(s *domain.Subaccount) { s.Timezone = "+02:00" }, []string{"timezone"}},
		{"empty timezone is UTC", func(s *domain.Subaccount) { s.Timezone = "" }, nil},
		{"other IANA zone", func(s *domain.Subaccount) { s.Timezone = "America/Argentina/Buenos_Aires" }, nil},
		{"no country", func(s *domain.Subaccount) { s.Country = "" }, []string{"country"}},
		{"alpha-3 country", func(s *domain.Subaccount) { s.Country = "DEU" }, []string{"country"}},
		{"numeric country", func(s *domain.Subaccount) { s.Country = "276" }, []string{"country"}},
		{"unknown country", func(s *domain.Subaccount) { s.Country = "ZZ" }, []string{"country"}},
		{"private use country", func(s *domain.Subaccount) { s.Country = "XX" }, []string{"country"}},
		{"a union is not a country", func(s *domain.Subaccount) { s.Country = "EU" }, []string{"country"}},
		{"UK is not the ISO code", func(s *domain.Subaccount) { s.Country = "UK" }, []string{"country"}},
		{"the Eurozone is not a country", func(s *domain.Subaccount) { s.Country = "EZ" }, []string{"country"}},
		{"GB is", func(s *domain.Subaccount) { s.Country = "GB" }, nil},
		{"lowercase country is raised", func(s *domain.Subaccount) { s.Country = "at" }, nil},
		{"unknown locale", func(s *domain.Subaccount) { s.DefaultLocale = "fr" }, []string{"default_locale"}},
		{"blank region", func(s *domain.Subaccount) { s.Regions = []string{"Mitte", "  "} }, []string{"regions"}},
		{"long region", func(s *domain.Subaccount) { s.Regions = []string{strings.Repeat("r", 101)} }, []string{"regions"}},
		{"100 character region of umlauts", func(s *domain.Subaccount) { s.Regions = []string{strings.Repeat("ö", 100)} }, nil},
		{"no regions", func(s *domain.Subaccount) { s.Regions = nil }, nil},
		{"negative min balance", func(s *domain.Subaccount) { s.MinRideBalance = -1 }, []string{"min_ride_balance"}},
		{"negative unlock fee", func(s *domain.Subaccount) { s.UnlockFee = -1 }, []string{"unlock_fee"}},
		{"negative price", func(s *domain.Subaccount) { s.PricePerMinute = -1 }, []string{"price_per_minute"}},
		{"zero money", func(s *domain.Subaccount) { s.MinRideBalance, s.UnlockFee, s.PricePerMinute = 0, 0, 0 }, nil},
		{"risk threshold 0", func(s *domain.Subaccount) { s.RiskThreshold = 0 }, nil},
		{"risk threshold 100", func(s *domain.Subaccount) { s.RiskThreshold = 100 }, nil},
		{"risk threshold -1", func(s *domain.Subaccount) { s.RiskThreshold = -1 }, []string{"risk_threshold"}},
		{"risk threshold 101", func(s *domain.Subaccount) { s.RiskThreshold = 101 }, []string{"risk_threshold"}},
		{"everything wrong", func(s *domain.Subaccount) {
			*s = domain.Subaccount{Slug: "x", Currency: "XYZ", Timezone: "Nowhere", Country: "ZZ", DefaultLocale: "fr",
				MinRideBalance: -1, UnlockFee: -1, PricePerMinute: -1, RiskThreshold: 1000}
		}, []string{"slug", "name", "currency", "timezone", "country", "default_locale", "min_ride_balance",
			"unlock_fee", "price_per_minute", "risk_threshold"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sa := validSubaccount()
			tc.edit(&sa)
			sa.Normalize()
			got := fieldsOf(t, sa.Validate())
			slices.Sort(got)
			want := slices.Clone(tc.fields)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("invalid fields %v, want %v", got, want)
			}
		})
	}
}

// ---- operators, sessions, errors -------------------------------------------

func TestOperatorCreateValidate(t *testing.T) {
	t.Parallel()
	good := func() domain.OperatorCreate {
		return domain.OperatorCreate{Email: "jo@fleet.example", Password: "ten chars!", Grants: []domain.Grant{{Role: domain.RoleAdmin, SubaccountID: own}}}
	}
	cases := []struct {
		name   string
		edit   func(*domain.OperatorCreate)
		fields []string
	}{
		{"valid", func(*domain.OperatorCreate) {}, nil},
		{"global super admin", func(o *domain.OperatorCreate) { o.Grants = []domain.Grant{{Role: domain.RoleSuperAdmin}} }, nil},
		{"bad email", func(o *domain.OperatorCreate) { o.Email = "jo" }, []string{"email"}},
		{"email without a dot in the domain", func(o *domain.OperatorCreate) { o.Email = "jo@localhost" }, []string{"email"}},
		{"email with a display name", func(o *domain.OperatorCreate) { o.Email = "Jo <jo@fleet.example>" }, []string{"email"}},
		{"short password", func(o *domain.OperatorCreate) { o.Password = "nine char" }, []string{"password"}},
		{"no role", func(o *domain.OperatorCreate) { o.Grants = nil }, []string{"role"}},
		{"unknown role", func(o *domain.OperatorCreate) { o.Grants = []domain.Grant{{Role: "root"}} }, []string{"role"}},
		{"super admin of one subaccount", func(o *domain.OperatorCreate) {
			o.Grants = []domain.Grant{{Role: domain.RoleSuperAdmin, SubaccountID: own}}
		}, []string{"subaccount"}},
	}
	for _, tc := range cases {
		o := good()
		tc.edit(&o)
		got := fieldsOf(t, o.Validate())
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%s: invalid fields %v, want %v", tc.name, got, tc.fields)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	if got := domain.NormalizeEmail("  Jo.Doe@Fleet.EXAMPLE \n"); got != "jo.doe@fleet.example" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestSessionExpired(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	s := &domain.Session{CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(domain.SessionAbsoluteTimeout)}
	if s.Expired(t0.Add(time.Minute)) {
		t.Error("a fresh session is expired")
	}
	if !s.Expired(t0.Add(domain.SessionIdleTimeout)) {
		t.Error("an idle session is not expired")
	}
	s.LastSeenAt = t0.Add(domain.SessionAbsoluteTimeout - time.Minute)
	if s.Expired(t0.Add(domain.SessionAbsoluteTimeout - time.Second)) {
		t.Error("an active session expired before its absolute limit")
	}
	if !s.Expired(t0.Add(domain.SessionAbsoluteTimeout)) {
		t.Error("an active session outlived its absolute limit")
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	t.Parallel()
	e := domain.Errorf(domain.ECodeNotFound, "Customer %s not found.", "cust_1")
	wrapped := fmt.Errorf("loading profile: %w", e)
	if domain.ErrorCode(wrapped) != domain.ECodeNotFound || domain.ErrorMessage(wrapped) != "Customer cust_1 not found." {
		t.Errorf("wrapped: %s %q", domain.ErrorCode(wrapped), domain.ErrorMessage(wrapped))
	}
	leak := errors.New(`pq: relation "customers" does not exist`)
	if domain.ErrorCode(leak) != domain.ECodeInternal || strings.Contains(domain.ErrorMessage(leak), "customers") {
		t.Errorf("a foreign error shows %s %q", domain.ErrorCode(leak), domain.ErrorMessage(leak))
	}
	var v domain.Validation
	if v.Err() != nil {
		t.Error("an empty Validation fails")
	}
	v.Add("email", "must be valid")
	v.Add("name", "is required, at most %d characters", 200)
	if got := fieldsOf(t, v.Err()); !slices.Equal(got, []string{"email", "name"}) {
		t.Errorf("fields %v", got)
	}
}

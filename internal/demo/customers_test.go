package demo_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

var anchor = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func subaccount(slug string) *domain.Subaccount {
	for _, sa := range demo.Subaccounts {
		if sa.Slug == slug {
			sa.ID = "sub_" + slug
			return &sa
		}
	}
	panic(slug)
}

func generate(sa *domain.Subaccount, seed uint64, n int) []*domain.Customer {
	g := demo.NewGenerator(sa, seed, 0, n, anchor)
	out := make([]*domain.Customer, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func TestGeneratorIsDeterministicForASeed(t *testing.T) {
	sa := subaccount("berlin")
	a, _ := json.Marshal(generate(sa, 42, 300))
	b, _ := json.Marshal(generate(sa, 42, 300))
	c, _ := json.Marshal(generate(sa, 43, 300))
	if string(a) != string(b) {
		t.Error("the same seed gave different customers")
	}
	if string(a) == string(c) {
		t.Error("another seed gave the same customers")
	}
}

func TestGeneratedCustomersFitTheirSubaccount(t *testing.T) {
	for slug, want := range map[string]struct{ phone, locale string }{
		"berlin": {"+49", "de"}, "austin": {"+1", "en"},
	} {
		t.Run(slug, func(t *testing.T) {
			sa := subaccount(slug)
			customers := generate(sa, 1, 5000)
			emails := map[string]bool{}
			statuses := map[domain.CustomerStatus]int{}
			var negative, zero, locals, lastJoined int
			prev := time.Time{}
			for _, c := range customers {
				in := domain.CustomerCreate{ExternalID: c.ExternalID, Name: c.Name, Email: c.Email, Phone: c.Phone,
					Address: c.Address, Notes: c.Notes, Company: c.Company, Region: c.Region, Locale: c.Locale,
					DeviceOS: c.DeviceOS}
				norm := in
				norm.Normalize(sa.Country)
				if norm != in {
					t.Fatalf("%+v is not normalized: %+v", in, norm)
				}
				if err := in.Validate(sa); err != nil {
					t.Fatalf("%+v: %v", in, err)
				}
				if c.Phone != "" && !strings.HasPrefix(c.Phone, want.phone) {
					t.Errorf("%s: phone %s", slug, c.Phone)
				}
				if c.Phone != "" && domain.NationalDigits(c.Phone) == "" {
					t.Errorf("%s: phone %s has no national form", slug, c.Phone)
				}
				if c.Email != "" {
					if emails[c.Email] {
						t.Errorf("email %s twice", c.Email)
					}
					emails[c.Email] = true
				}
				if c.Locale == want.locale {
					locals++
				}
				if c.JoinedAt.Before(prev) {
					lastJoined++
				}
				prev = c.JoinedAt
				if c.JoinedAt.Before(anchor.AddDate(-3, 0, -1)) || c.JoinedAt.After(anchor) ||
					c.LastActiveAt != nil && (c.LastActiveAt.Before(c.JoinedAt) || c.LastActiveAt.After(anchor)) {
					t.Errorf("joined %v, last active %v", c.JoinedAt, c.LastActiveAt)
				}
				if c.Blocked && c.BlockedReason == "" {
					t.Error("blocked without a reason")
				}
				switch {
				case c.WalletBalance < 0:
					negative++
				case c.WalletBalance == 0:
					zero++
				}
				statuses[c.ComputeStatus()]++
				if c.IdentityStatus == domain.IdentityVerified {
					statuses["verified"]++
				}
			}
			if lastJoined > 0 {
				t.Errorf("%d customers joined before the one made before them", lastJoined)
			}
			if locals < len(customers)*3/4 {
				t.Errorf("only %d of %d speak %s", locals, len(customers), want.locale)
			}
			if negative == 0 || negative > len(customers)/10 || zero < len(customers)/5 {
				t.Errorf("wallets: %d negative, %d zero of %d", negative, zero, len(customers))
			}
			n := len(customers)
			for status, share := range map[domain.CustomerStatus][2]int{ // percent, low and high
				domain.StatusActive: {55, 85}, domain.StatusNew: {10, 35}, domain.StatusBlocked: {1, 6},
				domain.StatusIdentityRequired: {1, 5}, domain.StatusDeleted: {0, 3}, "verified": {2, 7},
			} {
				if got := statuses[status] * 100; got < share[0]*n || got > share[1]*n || statuses[status] == 0 {
					t.Errorf("%s: %d of %d, want %d%%–%d%%", status, statuses[status], n, share[0], share[1])
				}
			}
		})
	}
}

func TestLoadCustomersAddsToTheDemoSubaccounts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		a := app.New(s)
		c := t.Context()
		if _, err := demo.Ensure(c, a); err != nil {
			t.Fatal(err)
		}
		for range 2 { // a second run adds customers, with fresh emails
			if err := demo.LoadCustomers(c, s, demo.LoadOptions{Customers: 500, Seed: 1}); err != nil {
				t.Fatal(err)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		var total int64
		for _, tmpl := range demo.Subaccounts {
			sa, err := s.SubaccountBySlug(c, tmpl.Slug)
			must(err)
			sum, err := s.CustomerSummary(c, sa)
			must(err)
			total += sum.Total + sum.Deleted
			drift, err := s.CustomerStatsRecount(c, sa.ID)
			must(err)
			if drift {
				t.Errorf("%s: the summary drifted", sa.Slug)
			}
			page, err := s.CustomerList(c, domain.CustomerFilter{SubaccountID: sa.ID, Sort: "joined", Limit: 5})
			must(err)
			if len(page.Data) == 0 || !slices.Contains(sa.Regions, page.Data[0].Region) && page.Data[0].Region != "" {
				t.Errorf("%s: first customers %+v", sa.Slug, page.Data)
			}
		}
		if total != 1000 {
			t.Errorf("%d customers loaded, want 1000", total)
		}
		must(s.Optimize(c))
	})
}

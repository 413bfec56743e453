package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// loadBatchOf returns n demo customers of sa, continuing after existing.
func loadBatchOf(sa *domain.Subaccount, seed uint64, existing int64, n int) []*domain.Customer {
	g := demo.NewGenerator(sa, seed, existing, n, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	out := make([]*domain.Customer, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// loadAllCustomers lists every customer of sa, deleted ones included, by id.
func loadAllCustomers(t *testing.T, s *store.Store, sa *domain.Subaccount) map[string]*domain.Customer {
	t.Helper()
	out := map[string]*domain.Customer{}
	for _, status := range []string{"all", "deleted"} {
		f := domain.CustomerFilter{SubaccountID: sa.ID, Status: status, Sort: "joined", Limit: domain.MaxPageSize}
		for {
			page, err := s.CustomerList(ctx(t), f)
			must(t, err)
			for _, c := range page.Data {
				out[c.ID] = c
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
	}
	return out
}

func TestCustomerLoadNumbersCountersSearchAndAuditMatchCustomerCreate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		sa := createSubaccount(t, s, "berlin")
		other := createSubaccount(t, s, "munich")
		schema, err := s.CustomerSchemaForTest(c)
		must(t, err)
		for _, name := range []string{"Erste Kundin", "Zweiter Kunde"} {
			_, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: name}, time.Now())
			must(t, err)
		}

		// Large enough to rebuild the indexes (see the export test), in three
		// batches of one transaction, then a small load that updates them.
		big := loadBatchOf(sa, 7, 2, 240)
		l, err := s.CustomerLoadBegin(c, admin, len(big))
		must(t, err)
		for i := 0; i < len(big); i += 80 {
			must(t, l.Load(c, sa, big[i:i+80]))
		}
		must(t, l.Commit(c))
		small := loadBatchOf(sa, 7, 242, 30)
		must(t, s.CustomerLoad(c, admin, sa, small))
		must(t, s.CustomerLoad(c, admin, other, loadBatchOf(other, 8, 0, 20)))
		last, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: "Letzte Kundin"}, time.Now())
		must(t, err)

		for i, cu := range append(big, small...) {
			if want := int64(3 + i); cu.CustomerNumber != want {
				t.Fatalf("customer %d has number %d, want %d", i, cu.CustomerNumber, want)
			}
		}
		if last.CustomerNumber != 273 {
			t.Errorf("the next created customer has number %d, want 273", last.CustomerNumber)
		}
		after, err := s.CustomerSchemaForTest(c)
		must(t, err)
		if !slices.Equal(schema, after) {
			t.Errorf("the load changed the schema:\nbefore %q\nafter  %q", schema, after)
		}
		must(t, s.CheckSearchIndexForTest(c))

		// Stored as loaded, with the derived fields CustomerCreate gives.
		stored := loadAllCustomers(t, s, sa)
		if len(stored) != 273 {
			t.Fatalf("%d customers stored, want 273", len(stored))
		}
		statuses := map[domain.CustomerStatus]int{}
		for _, want := range append(big, small...) {
			got := stored[want.ID]
			if got == nil {
				t.Fatalf("customer %s is missing", want.ID)
			}
			statuses[got.Status]++
			if got.Name != want.Name || got.Email != want.Email || got.Phone != want.Phone ||
				got.CustomerNumber != want.CustomerNumber || got.Status != want.ComputeStatus() ||
				got.WalletBalance != want.WalletBalance || got.Currency != "EUR" || !got.JoinedAt.Equal(want.JoinedAt) {
				t.Fatalf("stored %+v\nloaded %+v", got, want)
			}
		}
		if len(statuses) < 3 {
			t.Errorf("statuses %v: the demo batch should mix them", statuses)
		}
		drift, err := s.CustomerStatsRecount(c, sa.ID)
		must(t, err)
		if drift {
			t.Error("the summary counters drifted from the customers")
		}

		// Search finds what the search text holds, on the loaded and the
		// created customers alike.
		for _, term := range []string{"müller", "gmail", "+4917", "crm-0", big[17].Email, small[3].Phone, "kund"} {
			var want int
			for _, cu := range stored {
				if cu.Status != domain.StatusDeleted && strings.Contains(cu.SearchText(), domain.SearchTerm(term)) {
					want++
				}
			}
			page, err := s.CustomerList(c, domain.CustomerFilter{SubaccountID: sa.ID, Q: term, Limit: 200})
			must(t, err)
			if page.Total != want || len(page.Data) != want {
				t.Errorf("search %q: total %d, %d rows; want %d", term, page.Total, len(page.Data), want)
			}
		}

		// A change of status moves the customer between the tabs' searches.
		blocked, deleted := big[5], big[6]
		if blocked.Status == domain.StatusBlocked || blocked.Status == domain.StatusDeleted || blocked.Email == "" ||
			deleted.Status == domain.StatusDeleted || deleted.Email == "" {
			t.Fatalf("pick other customers: %+v %+v", blocked, deleted)
		}
		for _, ch := range []struct {
			c      *domain.Customer
			action string
			apply  func(*domain.Customer) error
		}{
			{blocked, "customer.block", func(c *domain.Customer) error { return c.Block("test", time.Now()) }},
			{deleted, "customer.delete", func(c *domain.Customer) error { return c.SoftDelete(c.Email, time.Now()) }},
		} {
			_, err := s.CustomerChange(c, admin, ch.c.ID, ch.action, ch.apply)
			must(t, err)
		}
		for _, tc := range []struct {
			q, status string
			want      int
		}{
			{blocked.Email, "blocked", 1}, {blocked.Email, "all", 1}, {blocked.Email, string(blocked.Status), 0},
			{deleted.Email, "deleted", 1}, {deleted.Email, "all", 0},
		} {
			page, err := s.CustomerList(c, domain.CustomerFilter{SubaccountID: sa.ID, Q: tc.q, Status: tc.status})
			must(t, err)
			if page.Total != tc.want || len(page.Data) != tc.want {
				t.Errorf("search %q in %s: total %d, %d rows; want %d", tc.q, tc.status, page.Total, len(page.Data), tc.want)
			}
		}
		must(t, s.CheckSearchIndexForTest(c))

		// One audit entry per batch, naming the subaccount and the count.
		entries := auditAll(t, s, domain.AuditFilter{SubaccountID: sa.ID, Action: "customer.load"})
		if len(entries) != 4 {
			t.Fatalf("%d customer.load entries, want 4", len(entries))
		}
		counts := decodeJSON[map[string]int](t, entries[0].After)
		if counts["count"] != 30 || counts["first_number"] != 243 || counts["last_number"] != 272 ||
			entries[0].TargetID != sa.ID || entries[0].Actor != admin.Label() {
			t.Errorf("latest entry: %+v after %s", entries[0], entries[0].After)
		}
	})
}

func TestCustomerLoadWithATakenEmailWritesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		sa := createSubaccount(t, s, "berlin")
		schema, err := s.CustomerSchemaForTest(c)
		must(t, err)
		for _, n := range []int{150, 10} { // rebuilding, then updating
			batch := loadBatchOf(sa, 3, 0, n)
			batch[n-1].Email = batch[0].Email
			wantCode(t, s.CustomerLoad(c, admin, sa, batch), domain.ECodeConflict)
			if batch[0].CustomerNumber != 0 {
				t.Errorf("load of %d: a failed load leaves numbers on the customers", n)
			}
		}
		sum, err := s.CustomerSummary(c, sa)
		must(t, err)
		if sum.Total+sum.Deleted != 0 {
			t.Errorf("summary %+v after failed loads", sum)
		}
		after, err := s.CustomerSchemaForTest(c)
		must(t, err)
		if !slices.Equal(schema, after) {
			t.Errorf("a failed load changed the schema:\nbefore %q\nafter  %q", schema, after)
		}
		cu, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: "Erste Kundin"}, time.Now())
		must(t, err)
		if cu.CustomerNumber != 1 {
			t.Errorf("after failed loads the first customer has number %d, want 1", cu.CustomerNumber)
		}
	})
}

func TestLoadedBalancesOpenTheirLedgers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		ctx := context.Background()
		sa := &domain.Subaccount{Slug: "load", Name: "Load", Currency: "EUR", CurrencyExponent: 2, Timezone: "UTC",
			Country: "DE", DefaultLocale: "de", Regions: []string{}}
		if err := s.SubaccountCreate(ctx, domain.Actor{Principal: domain.SystemPrincipal}, sa); err != nil {
			t.Fatal(err)
		}
		custs := []*domain.Customer{{Name: "Plus", WalletBalance: 1250, BonusBalance: 300},
			{Name: "Minus", WalletBalance: -75}, {Name: "Zero"}}
		if err := s.CustomerLoad(ctx, domain.Actor{Principal: domain.SystemPrincipal}, sa, custs); err != nil {
			t.Fatal(err)
		}
		bad, err := s.LedgerCheck(ctx)
		if err != nil || len(bad) != 0 {
			t.Fatalf("loaded balances differ from their ledgers: %+v %v", bad, err)
		}
		page, err := s.LedgerList(ctx, domain.LedgerFilter{CustomerID: custs[0].ID})
		if err != nil || page.Total != 2 {
			t.Errorf("Plus has %d opening entries, want 2 (%v)", page.Total, err)
		}
	})
}

// The list sorted by wallet: on PostgreSQL it walks a table of its own,
// which every change of a balance or a tab must keep exact.
package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// walletSorted pages through a list sorted by wallet (sort "wallet" or
// "-wallet") and returns its ids in order, failing unless the page's
// balances are in the sort's order and the total counts them.
func walletSorted(t *testing.T, s *store.Store, f domain.CustomerFilter) []string {
	t.Helper()
	f.Limit = 7
	var ids []string
	seen := map[string]bool{}
	var last *domain.Customer
	for {
		page, err := s.CustomerList(ctx(t), f)
		must(t, err)
		for _, c := range page.Data {
			if seen[c.ID] {
				t.Fatalf("%s %q lists %s twice", f.Sort, f.Status, c.ID)
			}
			seen[c.ID] = true
			if last != nil && walletCmp(last, c, f.Sort) >= 0 {
				t.Errorf("%s %q: %s (%d) comes after %s (%d)", f.Sort, f.Status, c.ID, c.WalletBalance, last.ID,
					last.WalletBalance)
			}
			last = c
			ids = append(ids, c.ID)
		}
		if page.NextCursor == "" {
			if f.Q == "" && page.Total != len(ids) {
				t.Errorf("%s %q: total %d, listed %d", f.Sort, f.Status, page.Total, len(ids))
			}
			return ids
		}
		f.Cursor = page.NextCursor
	}
}

// walletCmp compares two customers in the order of sort.
func walletCmp(a, b *domain.Customer, sort string) int {
	n := cmp.Or(cmp.Compare(a.WalletBalance, b.WalletBalance), cmp.Compare(a.ID, b.ID))
	if sort == "-wallet" {
		return -n
	}
	return n
}

// checkWalletOrder fails unless every tab sorted by wallet, both ways,
// lists exactly the tab's customers in wallet order, and a search sorted
// by wallet finds what it finds sorted otherwise.
func checkWalletOrder(t *testing.T, s *store.Store, sa *domain.Subaccount) {
	t.Helper()
	bad, err := s.WalletOrderCheck(ctx(t))
	must(t, err)
	if len(bad) > 0 {
		t.Errorf("the wallet order differs from the customers: %v", bad)
	}
	all := loadAllCustomers(t, s, sa)
	for _, status := range []string{"all", "new", "active", "blocked", "identity_required", "deleted"} {
		for _, sort := range []string{"wallet", "-wallet"} {
			var want []*domain.Customer
			for _, c := range all {
				if string(c.Status) == status || status == "all" && c.Status != domain.StatusDeleted {
					want = append(want, c)
				}
			}
			slices.SortFunc(want, func(a, b *domain.Customer) int { return walletCmp(a, b, sort) })
			wantIDs := make([]string, len(want))
			for i, c := range want {
				wantIDs[i] = c.ID
			}
			got := walletSorted(t, s, domain.CustomerFilter{SubaccountID: sa.ID, Status: status, Sort: sort})
			if !slices.Equal(got, wantIDs) {
				t.Errorf("%s %s lists %v, want %v", status, sort, got, wantIDs)
			}
		}
	}
	// A short term, a long one, and a filter: the same customers as sorted
	// by name.
	for _, f := range []domain.CustomerFilter{{Q: "a"}, {Q: "ann"}, {Region: "Mitte"},
		{Status: "active", Region: "Kreuzberg", DeviceOS: "ios"}} {
		f.SubaccountID = sa.ID
		byWallet := f
		byWallet.Sort = "-wallet"
		got := walletSorted(t, s, byWallet)
		var want []string
		f.Limit = domain.MaxPageSize
		for {
			page, err := s.CustomerList(ctx(t), f)
			must(t, err)
			for _, c := range page.Data {
				want = append(want, c.ID)
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%+v sorted by wallet finds %v, by name %v", f, got, want)
		}
	}
}

func TestWalletSortedListStaysExact(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		sys := domain.Actor{Principal: domain.SystemPrincipal}
		// A load large enough to rebuild the indexes, then one added row
		// by row.
		loaded := loadBatchOf(sa, 7, 0, 150)
		must(t, s.CustomerLoad(ctx(t), sys, sa, loaded))
		must(t, s.CustomerLoad(ctx(t), sys, sa, loadBatchOf(sa, 8, 150, 20)))
		ann := createCustomer(t, s, sa, "ann")
		bob := createCustomer(t, s, sa, "bob")
		checkWalletOrder(t, s, sa)

		// Money moves, one by one and in a bulk file.
		for i, c := range []*domain.Customer{ann, bob, loaded[3], loaded[40], loaded[41]} {
			_, _, err := s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, int64(500*(i+1))))
			must(t, err)
		}
		_, _, err := s.WalletApply(ctx(t), admin, walletOp(loaded[5].ID, domain.KindFee, 99999))
		must(t, err)
		b := &domain.WalletBatch{ID: "wb_order", SubaccountID: sa.ID, Status: domain.BatchPreviewed, CreatedBy: "test"}
		var rows []domain.BatchRow
		for i := range 30 {
			c := loaded[(i*11)%len(loaded)]
			rows = append(rows, domain.BatchRow{Line: i + 2, CustomerRef: c.ID, CustomerID: c.ID,
				Amount: int64(1000 * i), Status: domain.RowValid})
		}
		b.Rows, b.Valid = len(rows), len(rows)
		must(t, s.BatchCreate(ctx(t), admin, b, rows))
		_, err = s.BatchStart(ctx(t), admin, b.ID)
		must(t, err)
		for more := true; more; {
			more, err = s.BatchProcessChunk(ctx(t), admin, b.ID, 8)
			must(t, err)
		}
		checkWalletOrder(t, s, sa)

		// Tabs and filtered columns change: blocked, deleted, restored,
		// moved; and rides make a customer active and charge the wallet.
		for _, change := range []struct {
			c      *domain.Customer
			action string
			apply  func(c *domain.Customer) error
		}{
			{ann, "customer.block", func(c *domain.Customer) error { return c.Block("test", time.Now()) }},
			{loaded[3], "customer.delete", func(c *domain.Customer) error { return c.SoftDelete(c.Name, time.Now()) }},
			{loaded[40], "customer.delete", func(c *domain.Customer) error { return c.SoftDelete(c.Name, time.Now()) }},
			{loaded[40], "customer.restore", func(c *domain.Customer) error { return c.Restore() }},
			{loaded[41], "customer.update", func(c *domain.Customer) error {
				c.Region, c.DeviceOS = "Kreuzberg", "ios"
				return nil
			}},
		} {
			_, err := s.CustomerChange(ctx(t), admin, change.c.ID, change.action, change.apply)
			must(t, err)
		}
		v, err := s.VehicleCreate(ctx(t), admin, sa, domain.VehicleCreate{Code: "V-1", IMEI: "123456789012345"})
		must(t, err)
		_, err = s.VehicleSignal(ctx(t), admin, v.ID, domain.Signal{Lat: 52.5, Lon: 13.4, Battery: 80})
		must(t, err)
		// The first ride makes bob active; the second changes no tab.
		for range 2 {
			ride, err := s.RideStart(ctx(t), admin, bob.ID, v, "operator")
			must(t, err)
			before, _ := balances(t, s, bob.ID)
			_, err = s.RideEnd(ctx(t), admin, ride.ID)
			must(t, err)
			if after, _ := balances(t, s, bob.ID); after == before {
				t.Fatalf("the ride charged nothing from bob's %d", before)
			}
		}
		checkWalletOrder(t, s, sa)
		checkBooks(t, s, sa)
		if got := walletSorted(t, s, domain.CustomerFilter{SubaccountID: sa.ID, Status: "blocked", Sort: "wallet"}); !slices.Contains(got, ann.ID) {
			t.Errorf("the blocked tab sorted by wallet leaves out ann: %s", fmt.Sprint(got))
		}
	})
}

package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// TestFilteredListPagesEqualAScanOfEveryCustomer compares filtered lists,
// in every tab and sort and page by page, with what a plain scan of every
// customer finds: filters that match few rows and many, time ranges on the
// sort column itself (which the cursor then bounds too), and pages of one
// row, which SQLite's planner once served by sorting a whole subaccount.
func TestFilteredListPagesEqualAScanOfEveryCustomer(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		sa := createSubaccount(t, s, "berlin")
		other := createSubaccount(t, s, "munich")
		must(t, s.CustomerLoad(c, admin, sa, loadBatchOf(sa, 21, 0, 500)))
		must(t, s.CustomerLoad(c, admin, other, loadBatchOf(other, 22, 0, 60)))
		all := loadAllCustomers(t, s, sa)
		var joined []time.Time
		for _, cu := range all {
			joined = append(joined, cu.JoinedAt)
		}
		slices.SortFunc(joined, time.Time.Compare)
		at := func(q int) *time.Time { t := joined[len(joined)*q/8]; return &t }
		active := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

		filters := []domain.CustomerFilter{
			{},
			{Region: "Kreuzberg"},
			{Region: "Mitte", DeviceOS: "ios"},
			{DeviceOS: "web"},
			{JoinedFrom: at(2), JoinedTo: at(5)},
			{JoinedFrom: at(6)},
			{JoinedTo: at(1)},
			{Region: "Mitte", JoinedFrom: at(1), JoinedTo: at(7)},
			{DeviceOS: "android", JoinedFrom: at(3), JoinedTo: at(4)},
			{ActiveFrom: &active},
			{Region: "Kreuzberg", ActiveTo: &active},
		}
		tabs := []string{"all", "new", "active", "blocked", "identity_required", "deleted"}
		sorts := []string{"name", "-name", "joined", "-joined", "last_active", "-last_active", "wallet", "-wallet",
			"rides", "-rides"}
		for fi, base := range filters {
			for _, tab := range tabs {
				for _, sort := range sorts {
					f := base
					f.SubaccountID, f.Status, f.Sort, f.Limit = sa.ID, tab, sort, 9
					if fi == 0 || fi == 4 {
						f.Limit = 1
					}
					want := scanList(all, f)
					got := pageThrough(t, s, f, len(want))
					if !slices.Equal(got, want) {
						t.Fatalf("filter %d %s %s: pages hold\n%v\nwant\n%v", fi, tab, sort, got, want)
					}
				}
			}
		}
	})
}

// pageThrough follows the cursors of a list to its end, checking each
// page's total, and returns the ids in page order.
func pageThrough(t *testing.T, s *store.Store, f domain.CustomerFilter, total int) []string {
	t.Helper()
	var got []string
	for pages := 0; ; pages++ {
		page, err := s.CustomerList(ctx(t), f)
		must(t, err)
		if page.Total != total {
			t.Fatalf("%s %s %+v: total %d, want %d", f.Status, f.Sort, f, page.Total, total)
		}
		for _, cu := range page.Data {
			got = append(got, cu.ID)
		}
		if page.NextCursor == "" || pages > total {
			return got
		}
		f.Cursor = page.NextCursor
	}
}

// scanList is what a list should hold: every customer that passes the
// filter, in the sort's order with the id breaking ties.
func scanList(all map[string]*domain.Customer, f domain.CustomerFilter) []string {
	in := func(ts time.Time, from, to *time.Time) bool {
		return (from == nil || !ts.Before(*from)) && (to == nil || ts.Before(*to))
	}
	var want []*domain.Customer
	for _, cu := range all {
		lastActive := time.UnixMicro(0) // never, as stored
		if cu.LastActiveAt != nil {
			lastActive = *cu.LastActiveAt
		}
		if inTab(cu, f.Status) && (f.Region == "" || cu.Region == f.Region) &&
			(f.DeviceOS == "" || cu.DeviceOS == f.DeviceOS) && in(cu.JoinedAt, f.JoinedFrom, f.JoinedTo) &&
			in(lastActive, f.ActiveFrom, f.ActiveTo) {
			want = append(want, cu)
		}
	}
	key := func(cu *domain.Customer) string {
		n := func(v int64) string { return fmt.Sprintf("%020d", v+1<<62) }
		switch strings.TrimPrefix(f.Sort, "-") {
		case "joined":
			return n(cu.JoinedAt.UnixMicro())
		case "last_active":
			if cu.LastActiveAt == nil {
				return n(0)
			}
			return n(cu.LastActiveAt.UnixMicro())
		case "wallet":
			return n(cu.WalletBalance)
		case "rides":
			return n(cu.RidesCount)
		}
		return strings.ToLower(cu.Name)
	}
	slices.SortFunc(want, func(a, b *domain.Customer) int {
		return cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.ID, b.ID))
	})
	if strings.HasPrefix(f.Sort, "-") {
		slices.Reverse(want)
	}
	ids := make([]string, len(want))
	for i, cu := range want {
		ids[i] = cu.ID
	}
	return ids
}

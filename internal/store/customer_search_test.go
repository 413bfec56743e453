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

// TestSearchPagesEqualAScanOfEveryCustomer compares search pages, in
// every tab and both name orders and page by page, with what a plain scan
// of every customer finds: names that gather in one place of the name
// order, names that start with umlauts, digits or punctuation, and terms
// both rare and common.
func TestSearchPagesEqualAScanOfEveryCustomer(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		c := ctx(t)
		sa := createSubaccount(t, s, "berlin")
		other := createSubaccount(t, s, "munich")
		must(t, s.CustomerLoad(c, admin, sa, loadBatchOf(sa, 11, 0, 600)))
		must(t, s.CustomerLoad(c, admin, other, loadBatchOf(other, 12, 0, 50)))
		odd := []string{"Öztürk Anna", "Émile Anna", "(Test) Anna", "0815 Anna", "anna", "Anna", "ANNA ANNA", "Ånna",
			"Zoë Annaberg", "anna-lena", "annab", "Anna Zz", "Ω Anna", "aaaa anna", "annz anna", "Anna Schmidt"}
		for i, name := range odd {
			cu, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: name,
				Email: fmt.Sprintf("odd%d@example.org", i)}, time.Now())
			must(t, err)
			if i%4 == 1 {
				_, err = s.CustomerChange(c, admin, cu.ID, "customer.block", func(cu *domain.Customer) error {
					return cu.Block("test", time.Now())
				})
				must(t, err)
			}
		}
		// A customer whose external id ends like another's: the index finds
		// both by the rare end, and only the other holds the whole id.
		var crm string
		for _, cu := range loadAllCustomers(t, s, sa) {
			if strings.HasPrefix(cu.ExternalID, "crm-") {
				crm = strings.ToLower(cu.ExternalID)
				break
			}
		}
		if crm == "" {
			t.Fatal("the demo customers have no crm ids")
		}
		_, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: "Decoy Anna",
			ExternalID: "old-" + strings.TrimPrefix(crm, "crm-")}, time.Now())
		must(t, err)
		// A full name gathers at the end of its first name's bucket; a
		// customer named by the first name alone matches it too when the
		// email goes on with the last name, one named "Anna Schmidtke" only
		// in part of the tabs, and one in the same bucket further in.
		for i, p := range [][2]string{{"Anna Schmidt", ""}, {"anna schmidt-berg", ""}, {"Anna", "schmidt.anna@example.org"},
			{"Anna", "weber@example.org"}, {"Anna Schmidtke", ""}, {"Anna Schmidt", ""}, {"Annabel Anna Schmidt", ""}} {
			cu, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: p[0], Email: p[1]}, time.Now())
			must(t, err)
			if i == 4 {
				_, err = s.CustomerChange(c, admin, cu.ID, "customer.block", func(cu *domain.Customer) error {
					return cu.Block("test", time.Now())
				})
				must(t, err)
			}
		}
		// More of the full name than a search reads the keys of at once, so
		// that the page is found in the name index while the total is
		// counted beside it; "Annabel Anna Schmidt" is in the same bucket but
		// not where the names start with the term, and "Maria Anna Schmidt"
		// in another bucket. A full name of those many and only others
		// elsewhere: "Lena Weber" after other Lenas, and "Marie Lena Weber".
		many := [][2]string{{"Maria Anna Schmidt", ""}, {"Marie Lena Weber", ""}}
		for i := range 45 {
			many = append(many, [2]string{"Anna Schmidt", ""}, [2]string{"Lena Weber", fmt.Sprintf("lw%d@example.org", i)})
		}
		for _, first := range []string{"Lena Abel", "Lena Berg", "Lena Cole", "Lena Dorn", "Lena Eck", "Lena Fuchs"} {
			many = append(many, [2]string{first, ""})
		}
		for i, p := range many {
			cu, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: p[0], Email: p[1]}, time.Now())
			must(t, err)
			if i%7 == 3 {
				_, err = s.CustomerChange(c, admin, cu.ID, "customer.block", func(cu *domain.Customer) error {
					return cu.Block("test", time.Now())
				})
				must(t, err)
			}
		}
		// A renamed customer moves in the name order.
		renamed, err := s.CustomerCreate(c, admin, sa, domain.CustomerCreate{Name: "Zacharias Anna"}, time.Now())
		must(t, err)
		_, err = s.CustomerChange(c, admin, renamed.ID, "customer.edit", func(cu *domain.Customer) error {
			cu.Name = "Aaron Anna"
			return nil
		})
		must(t, err)

		// SQLite's index keys hold the name buckets the Go code computes.
		mismatched, err := s.SearchBucketMismatchesForTest(c)
		must(t, err)
		if len(mismatched) > 0 {
			t.Fatalf("the search keys' buckets differ from nameBucket for %q", mismatched)
		}
		must(t, s.SearchIndexMerge(c))
		must(t, s.CheckSearchIndexForTest(c))

		all := loadAllCustomers(t, s, sa)
		terms := []string{"anna", "ann", "nna", "müller", "gmail", "example.org", "+49", "a zz", "nobody", crm,
			"anna schmidt", "anna schmidtk", "anna s", "lena weber"}
		for _, cu := range all {
			// The start of a number in E.164, which the index finds by its
			// rarer end.
			if len(cu.Phone) > 10 {
				terms = append(terms, cu.Phone[:9], cu.Phone[:11])
				break
			}
		}
		for _, term := range terms {
			for _, tab := range []string{"all", "new", "active", "blocked", "identity_required", "deleted"} {
				for _, sort := range []string{"name", "-name"} {
					var want []string
					for _, cu := range all {
						if strings.Contains(cu.SearchText(), term) && inTab(cu, tab) {
							want = append(want, cu.ID)
						}
					}
					key := func(id string) string { return strings.ToLower(all[id].Name) + "\x00" + id }
					slices.SortFunc(want, func(a, b string) int { return cmp.Compare(key(a), key(b)) })
					if sort == "-name" {
						slices.Reverse(want)
					}
					var got []string
					f := domain.CustomerFilter{SubaccountID: sa.ID, Q: term, Status: tab, Sort: sort, Limit: 7}
					for pages := 0; ; pages++ {
						page, err := s.CustomerList(c, f)
						must(t, err)
						if page.Total != len(want) {
							t.Fatalf("%q %s %s: total %d, want %d", term, tab, sort, page.Total, len(want))
						}
						for _, cu := range page.Data {
							got = append(got, cu.ID)
						}
						if page.NextCursor == "" || pages > len(want) {
							break
						}
						f.Cursor = page.NextCursor
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%q %s %s: pages hold\n%v\nwant\n%v", term, tab, sort, names(all, got), names(all, want))
					}
				}
			}
		}
	})
}

func inTab(c *domain.Customer, tab string) bool {
	if tab == "all" {
		return c.Status != domain.StatusDeleted
	}
	return string(c.Status) == tab
}

func names(all map[string]*domain.Customer, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = all[id].Name
	}
	return out
}

// WarmSearch draws the search samples ahead of the first search, so that
// no operator's search waits for them.
func TestWarmSearchDrawsTheSamples(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "warm")
		createCustomer(t, s, sa, "Warm Welcome")
		if s.SearchWarmForTest() {
			t.Fatal("samples drawn before any search or warm-up")
		}
		s.WarmSearch(ctx(t))
		if !s.SearchWarmForTest() {
			t.Fatal("WarmSearch left the samples undrawn")
		}
	})
}

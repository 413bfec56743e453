package store

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/testdb/testpg"
)

// Small zones, and few estimated matches for a lookup in one pass, so that
// the searches of the tests in this package, with their few hundred
// customers, take every way of PostgreSQL's search.
func init() {
	pgZoneRows, pgRareBelow, earlyWalk, sortAtMost = 16, 25, 40, 3
}

// TestPostgresSearchWaysEqualAScan compares PostgreSQL's search pages and
// totals with a scan of every customer, with each way of finding them
// forced in turn, and a cap small enough that the zoned counts stop early,
// walk on, and count on. The customers are loaded in name order, then
// created, renamed, blocked and deleted one by one, so that zones hold rows
// out of order too.
func TestPostgresSearchWaysEqualAScan(t *testing.T) {
	dsn := postgresForTest(t)
	c := t.Context()
	s, err := Open(c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin := domain.Actor{Principal: &domain.Principal{OperatorID: "op_admin",
		Grants: []domain.Grant{{Role: domain.RoleSuperAdmin}}}}
	var subs []*domain.Subaccount
	for _, slug := range []string{"berlin", "munich"} {
		sa := &domain.Subaccount{Slug: slug, Name: "Fleet " + slug, Currency: "EUR", Timezone: "Europe/Berlin",
			Country: "DE", MinRideBalance: 50, UnlockFee: 100, PricePerMinute: 25, RiskThreshold: 70}
		sa.Normalize()
		if err := s.SubaccountCreate(c, admin, sa); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sa)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	first := []string{"Anna", "Anna", "Anna", "Lukas", "Lukas", "Maria", "Marie", "Paul", "Zoe", "Émile", "Ben"}
	last := []string{"Weber", "Schmidt", "Annaberg", "Müller", "Lukasik", "Paulsen", "Bauer", "Zander"}
	person := func(i int) *domain.Customer {
		name := first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
		return &domain.Customer{Name: name, Email: fmt.Sprintf("%s.%d@%s", strings.ToLower(strings.Fields(name)[1]), i,
			[]string{"gmx.de", "web.de", "mail.example"}[rng.IntN(3)]),
			Phone: fmt.Sprintf("+4917%08d", rng.IntN(100000000)), Region: []string{"Mitte", "Pankow"}[rng.IntN(2)],
			JoinedAt: time.Now().Add(-time.Duration(i) * time.Hour)}
	}
	var batch []*domain.Customer
	for i := range 400 {
		batch = append(batch, person(i))
	}
	if err := s.CustomerLoad(c, admin, subs[0], batch); err != nil {
		t.Fatal(err)
	}
	batch = nil
	for i := range 60 {
		batch = append(batch, person(1000+i))
	}
	if err := s.CustomerLoad(c, admin, subs[1], batch); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		p := person(2000 + i)
		cu, err := s.CustomerCreate(c, admin, subs[i%2], domain.CustomerCreate{Name: p.Name, Email: p.Email,
			Phone: p.Phone}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CustomerChange(c, admin, cu.ID, "customer.edit", func(cu *domain.Customer) error {
			switch i % 4 {
			case 0:
				cu.Name = "Aaron " + cu.Name
			case 1:
				return cu.Block("test", time.Now())
			case 2:
				return cu.SoftDelete(cu.Email, time.Now())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all := map[string][]*domain.Customer{}
	rows, err := s.r.QueryContext(c, `SELECT id FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		cu, err := s.CustomerGet(c, id)
		if err != nil {
			t.Fatal(err)
		}
		all[cu.SubaccountID] = append(all[cu.SubaccountID], cu)
	}
	rows.Close()

	defer func(cap, rare int) { pgCap, pgRareBelow = cap, rare }(pgCap, pgRareBelow)
	terms := []string{"anna", "lukas", "luka", "paul", "mari", "weber", "+4917", "gmx.de", "zoe", "émile", "nobody",
		"anna web", "mü"}
	for _, way := range []struct {
		name      string
		rareBelow int
		cap       int
	}{{"one pass", 1 << 30, capped}, {"zones", 0, capped}, {"zones to a small cap", 0, 9},
		{"zones to a larger cap", 0, 40}, {"one pass to a small cap", 1 << 30, 9}} {
		pgRareBelow, pgCap = way.rareBelow, way.cap
		for _, sa := range subs {
			for _, term := range terms {
				for _, tab := range []string{"all", "blocked", "deleted"} {
					for _, sort := range []string{"name", "-name", "joined"} {
						checkSearch(t, s, way.name, all[sa.ID], domain.CustomerFilter{SubaccountID: sa.ID, Q: term,
							Status: tab, Sort: sort, Limit: 7})
					}
				}
				checkSearch(t, s, way.name, all[sa.ID], domain.CustomerFilter{SubaccountID: sa.ID, Q: term,
					Status: "all", Region: "Pankow", Sort: "-name", Limit: 7})
			}
		}
	}
}

// checkSearch pages through a search and compares it with a scan of all.
func checkSearch(t *testing.T, s *Store, way string, all []*domain.Customer, f domain.CustomerFilter) {
	t.Helper()
	term := domain.SearchTerm(f.Q)
	var want []*domain.Customer
	for _, cu := range all {
		inTab := cu.Status != domain.StatusDeleted
		if f.Status != "all" {
			inTab = string(cu.Status) == f.Status
		}
		if inTab && strings.Contains(cu.SearchText(), term) && (f.Region == "" || cu.Region == f.Region) {
			want = append(want, cu)
		}
	}
	key := func(cu *domain.Customer) string {
		if f.Sort == "joined" {
			return fmt.Sprintf("%020d\x00%s", cu.JoinedAt.UnixMicro(), cu.ID)
		}
		return strings.ToLower(cu.Name) + "\x00" + cu.ID
	}
	slices.SortFunc(want, func(a, b *domain.Customer) int { return cmp.Compare(key(a), key(b)) })
	if f.Sort == "-name" {
		slices.Reverse(want)
	}
	var got []string
	for pages := 0; ; pages++ {
		page, err := s.CustomerList(context.Background(), f)
		if err != nil {
			t.Fatalf("%s: %q %s %s: %v", way, term, f.Status, f.Sort, err)
		}
		if n := len(want); n < pgCap && page.Total != n || n >= pgCap && page.Total < min(pgCap, capped-1) {
			t.Fatalf("%s: %q %s %s: total %d, want %d (cap %d)", way, term, f.Status, f.Sort, page.Total, n, pgCap)
		}
		for _, cu := range page.Data {
			got = append(got, cu.ID)
		}
		if page.NextCursor == "" || pages > len(want) {
			break
		}
		f.Cursor = page.NextCursor
	}
	wantIDs := make([]string, len(want))
	for i, cu := range want {
		wantIDs[i] = cu.ID
	}
	if !slices.Equal(got, wantIDs) {
		t.Fatalf("%s: %q %s %s: pages hold\n%v\nwant\n%v", way, term, f.Status, f.Sort, got, wantIDs)
	}
}

// postgresForTest returns the DSN of a fresh PostgreSQL database, or
// skips the test when PostgreSQL is skipped.
func postgresForTest(t *testing.T) string {
	t.Helper()
	dsn := testpg.Fresh(t)
	if dsn == "" {
		t.Skip("PostgreSQL is not available")
	}
	return dsn
}

// TestOnePassPatternsAreChosenForEverySubaccount: the one pass asks the
// trigram index about the rows of every subaccount, so the trigrams it
// asks for must be rare together in all of them. Here the digits of an
// Austin number are rare together in Austin's phone numbers but common
// together in Berlin's, where every number starts +49 162 462 916: chosen on
// Austin's sample alone, the pass would check most of Berlin's customers.
func TestOnePassPatternsAreChosenForEverySubaccount(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	sp := &searchSampling{bySub: map[string]*searchSample{}}
	var texts []string
	for i := range 600 {
		sub, text := "austin", fmt.Sprintf("ann lee%d@mail.example +1512%07d", i, rng.IntN(10000000))
		if i%2 == 1 {
			sub, text = "berlin", fmt.Sprintf("max weber%d@web.de +49162462916%04d", i, i)
		}
		sp.add(sub, "new", 0, text, 1, 600)
		texts = append(texts, text)
	}
	term := "512462916"
	checked := func(patterns []string) int {
		n := 0
		for _, text := range texts {
			all := true
			for _, p := range patterns {
				all = all && strings.Contains(text, strings.Trim(p, "%"))
			}
			if all {
				n++
			}
		}
		return n
	}
	own, _ := trigramPatterns(term, sp.bySub["austin"])
	onePass, share := trigramPatterns(term, sp.bySub[""])
	if got := checked(onePass); got > 3 {
		t.Errorf("the one pass's patterns %q find %d sampled rows to check; want at most 3", onePass, got)
	}
	if est, got := int(share*float64(len(texts))), checked(onePass); est > got+3 || got > est+3 {
		t.Errorf("the one pass's patterns %q are estimated to find %d rows; they find %d", onePass, est, got)
	}
	// The test means something only if Austin's sample alone chooses
	// worse.
	if checked(own) <= checked(onePass) {
		t.Fatalf("Austin's own patterns %q find %d rows, no more than the one pass's %q; the test shows nothing",
			own, checked(own), onePass)
	}

	// A search of the term takes the one pass, asking for its patterns.
	sp.at = time.Now()
	s := &Store{dsn: "sampled:" + t.Name()}
	searchSamples.Lock()
	searchSamples.m[s.dsn] = sp
	searchSamples.Unlock()
	t.Cleanup(func() {
		searchSamples.Lock()
		delete(searchSamples.m, s.dsn)
		searchSamples.Unlock()
	})
	q := &listQuery{engine: Postgres, args: []any{"austin"}, sub: "$1", filters: []filter{{test: "<> 'deleted'"}}}
	p := s.newPGSearch(t.Context(), q, term, "all", false, 51)
	if !p.rare() {
		t.Fatalf("a term matching one customer is not looked up in one pass (matches %d, candidates %d)",
			p.matches, p.candidates)
	}
	for _, pattern := range onePass {
		if !slices.Contains(q.args, any(pattern)) {
			t.Errorf("the one pass asks for %q, not for the patterns chosen on every subaccount %q", q.args[1:], onePass)
		}
	}
}

// TestPostgresSearchesNeverExhaustThePool: a search holds its connection
// while it asks the pool for others, so searches let in without a limit
// would take every connection and each wait for one more, forever. On a
// pool of four, sixteen operators search at once, each several times; all
// of them finish, and a wallet operation beside them too.
func TestPostgresSearchesNeverExhaustThePool(t *testing.T) {
	dsn := postgresForTest(t)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const conns = 4
	s.r.SetMaxOpenConns(conns)
	s.searchSlots = make(chan struct{}, searchSlotsFor(conns))
	admin := domain.Actor{Principal: &domain.Principal{OperatorID: "op_admin",
		Grants: []domain.Grant{{Role: domain.RoleSuperAdmin}}}}
	sa := &domain.Subaccount{Slug: "berlin", Name: "Fleet berlin", Currency: "EUR", Timezone: "Europe/Berlin",
		Country: "DE", MinRideBalance: 50, UnlockFee: 100, PricePerMinute: 25, RiskThreshold: 70}
	sa.Normalize()
	if err := s.SubaccountCreate(t.Context(), admin, sa); err != nil {
		t.Fatal(err)
	}
	var batch []*domain.Customer
	for i := range 300 {
		batch = append(batch, &domain.Customer{Name: []string{"Anna Weber", "Lukas Schmidt", "Marie Bauer"}[i%3],
			Email: fmt.Sprintf("person%d@web.de", i), Phone: fmt.Sprintf("+4917%08d", i*7919),
			JoinedAt: time.Now().Add(-time.Duration(i) * time.Hour)})
	}
	if err := s.CustomerLoad(t.Context(), admin, sa, batch); err != nil {
		t.Fatal(err)
	}
	// Without the limit this deadlocks; the deadline turns that into a
	// failure instead of a hung test.
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	terms := []string{"anna", "web.de", "Schmidt", "marie bauer", "+4917", "erso"}
	errs := make(chan error, 17)
	for g := range 16 {
		go func() {
			for i := range 6 {
				page, err := s.CustomerList(c, domain.CustomerFilter{SubaccountID: sa.ID,
					Q: terms[(g+i)%len(terms)], Limit: 50})
				if err == nil && len(page.Data) == 0 {
					err = fmt.Errorf("search %q found nothing", terms[(g+i)%len(terms)])
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	go func() {
		cu, err := s.CustomerList(c, domain.CustomerFilter{SubaccountID: sa.ID, Limit: 1})
		if err == nil {
			_, _, err = s.WalletApply(c, admin, WalletOp{CustomerID: cu.Data[0].ID,
				Action: domain.WalletAction{Kind: domain.KindCredit, Amount: 100, Note: "beside the searches"}})
		}
		errs <- err
	}()
	for range 17 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

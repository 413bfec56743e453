package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// TestSearchCountInHalvesIsExact counts terms that gather at the start of
// the name order, at its end, or all along it, in two halves and up to
// every need from one past their number down to one: each count is exact
// below the need and reaches it otherwise, whichever half runs out first.
func TestSearchCountInHalvesIsExact(t *testing.T) {
	c := t.Context()
	s, err := Open(c, "sqlite:"+filepath.Join(t.TempDir(), "count.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin := domain.Actor{Principal: &domain.Principal{OperatorID: "op_admin",
		Grants: []domain.Grant{{Role: domain.RoleSuperAdmin}}}}
	sa := &domain.Subaccount{Slug: "berlin", Name: "Fleet berlin", Currency: "EUR", Timezone: "Europe/Berlin",
		Country: "DE", MinRideBalance: 50, UnlockFee: 100, PricePerMinute: 25, RiskThreshold: 70}
	sa.Normalize()
	if err := s.SubaccountCreate(c, admin, sa); err != nil {
		t.Fatal(err)
	}
	first := []string{"Anna", "Ben", "Lukas", "Maria", "Paul", "Zoe"}
	var batch []*domain.Customer
	for i := range 300 {
		name := first[i%len(first)] + fmt.Sprintf(" Weber%d", i%7)
		batch = append(batch, &domain.Customer{Name: name, Email: fmt.Sprintf("c%d@web.de", i),
			JoinedAt: time.Now().Add(-time.Duration(i) * time.Hour)})
	}
	if err := s.CustomerLoad(c, admin, sa, batch); err != nil {
		t.Fatal(err)
	}
	if s.searchEstimates(c).middleBucket(sa.ID, 0) <= 0 {
		t.Fatal("the sample has no middle bucket to cut the count at")
	}
	q := &listQuery{engine: SQLite}
	q.sub = q.arg(sa.ID)
	q.statusLo, q.statusHi = 0, searchStatusCodes["deleted"]
	b := &bucketSearch{s: s, q: q}
	if err := s.r.QueryRowContext(c, `SELECT code FROM customer_numbers WHERE subaccount_id = $1`,
		sa.ID).Scan(&b.code); err != nil {
		t.Fatal(err)
	}
	from, to := b.key(0), b.key(0)|(1<<searchCodeShift-1)
	for _, term := range []string{"anna", "zoe", "weber", "web.de", "weber3", "nobody"} {
		b.m = q.match(term, nil)
		want := 0
		for _, cu := range batch {
			if strings.Contains(cu.SearchText(), term) {
				want++
			}
		}
		for need := want + 1; need >= 1; need-- {
			got, err := b.countRest(c, from, to, need)
			if err != nil {
				t.Fatal(err)
			}
			if need > want && got != want || need <= want && (got < need || got > want) {
				t.Fatalf("%q up to %d: counted %d of %d", term, need, got, want)
			}
		}
	}
}

package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// ServeCustomers is how many customers `serve --demo` loads into a fresh
// database: enough for every list, tab and filter to show something.
const ServeCustomers = 2000

// DefaultSeed is the seed of the demo data set when none is given.
const DefaultSeed = 1

// loadBatch is how many customers go into one audit entry; all of them go
// into one transaction.
const loadBatch = 10000

// LoadOptions says how many customers to load and from which seed.
type LoadOptions struct {
	Customers int
	Seed      uint64
	// Now anchors join and activity dates; zero means the start of today
	// (UTC), so that one seed gives the same data all day.
	Now time.Time
	// Progress, when set, learns how many customers are loaded so far.
	Progress func(loaded, total int)
}

// LoadCustomers generates o.Customers synthetic customers, split across
// the demo subaccounts (which must exist: see Ensure), and bulk-loads them.
// On a database that holds demo customers already it adds more: emails and
// external ids continue from each subaccount's count, so they stay unique.
// The same seed on the same database gives the same customers. The load is
// one transaction: it lands whole or not at all, and while it runs other
// writers wait (see store.CustomerLoader).
func LoadCustomers(ctx context.Context, s *store.Store, o LoadOptions) error {
	if o.Customers <= 0 {
		return nil
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(24 * time.Hour)
	}
	sys := domain.Actor{Principal: domain.SystemPrincipal, Note: "demo data"}
	// The German fleet is the larger one.
	shares := []int{o.Customers - o.Customers*45/100, o.Customers * 45 / 100}
	gens := make([]*Generator, len(Subaccounts))
	subs := make([]*domain.Subaccount, len(Subaccounts))
	for i, tmpl := range Subaccounts {
		sa, err := s.SubaccountBySlug(ctx, tmpl.Slug)
		if err != nil {
			return fmt.Errorf("demo subaccount %s: %w", tmpl.Slug, err)
		}
		sum, err := s.CustomerSummary(ctx, sa)
		if err != nil {
			return err
		}
		subs[i], gens[i] = sa, NewGenerator(sa, o.Seed, sum.Total+sum.Deleted, shares[i], o.Now)
	}
	// Generating the next batch overlaps with writing this one.
	type batch struct {
		sub       int
		customers []*domain.Customer
	}
	batches := make(chan batch, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for i, g := range gens {
			for left := shares[i]; left > 0; {
				b := make([]*domain.Customer, min(left, loadBatch))
				for j := range b {
					b[j] = g.Next()
				}
				left -= len(b)
				select {
				case batches <- batch{i, b}:
				case <-stop:
					return
				}
			}
		}
	}()
	l, err := s.CustomerLoadBegin(ctx, sys, o.Customers)
	if err != nil {
		return err
	}
	loaded := 0
	for b := range batches {
		if err := l.Load(ctx, subs[b.sub], b.customers); err != nil {
			l.Rollback()
			return fmt.Errorf("load demo customers of %s: %w", subs[b.sub].Slug, err)
		}
		loaded += len(b.customers)
		if o.Progress != nil {
			o.Progress(loaded, o.Customers)
		}
	}
	if err := ctx.Err(); err != nil {
		l.Rollback()
		return err
	}
	return l.Commit(ctx)
}

// Generator makes synthetic customers of one subaccount that fit its
// locale: names, email providers, phone numbers, streets, languages.
type Generator struct {
	sa      *domain.Subaccount
	p       *people
	rng     *rand.Rand
	now     int64 // microseconds
	ordinal int64 // customers of the subaccount so far; keeps emails unique
	made    int   // customers this generator made
	count   int   // customers it is to make, to spread their join dates
}

// NewGenerator returns a generator of count customers of sa that continue
// after existing ones. seed and existing decide its sequence; now anchors
// dates. The customers join in order over the three years before now, as
// customer numbers would have been given.
func NewGenerator(sa *domain.Subaccount, seed uint64, existing int64, count int, now time.Time) *Generator {
	p := &austinPeople
	if sa.Country == "DE" || sa.DefaultLocale == "de" {
		p = &berlinPeople
	}
	h := fnv.New64a()
	h.Write([]byte(sa.Slug))
	return &Generator{sa: sa, p: p, rng: rand.New(rand.NewPCG(seed, h.Sum64()^uint64(existing))),
		now: now.UnixMicro(), ordinal: existing, count: max(count, 1)}
}

const (
	day  = int64(24 * time.Hour / time.Microsecond)
	year = 365 * day
)

// Next returns the next customer. Its number, subaccount and derived fields
// are left to the store. Past count, join dates start over.
func (g *Generator) Next() *domain.Customer {
	g.ordinal++
	r, p := g.rng, g.p
	c := &domain.Customer{IdentityStatus: domain.IdentityNotRequired}

	first, last := skewed(r, p.first), skewed(r, p.last)
	if r.IntN(100) < 4 {
		last += "-" + skewed(r, p.last)
	}
	c.Name = first + " " + last
	if r.IntN(100) < 97 {
		c.Email = g.email(first, last)
	}
	if r.IntN(100) < 98 {
		c.Phone = g.phone()
	}
	if r.IntN(100) < 35 {
		// A bijection of the ordinal: unique, but not in join order.
		c.ExternalID = fmt.Sprintf("crm-%08d", (g.ordinal*48271)%100000000)
	}
	if r.IntN(100) < 55 {
		c.Address = fmt.Sprintf("%s %d, %s %s", pick(r, p.streets), 1+r.IntN(180), pick(r, p.postcodes), p.city)
		if p.city != "Berlin" {
			c.Address = fmt.Sprintf("%d %s, %s %s", 100+r.IntN(4900), pick(r, p.streets), p.city, pick(r, p.postcodes))
		}
	}
	if r.IntN(100) < 4 {
		c.Company = pick(r, p.companies)
	}
	if r.IntN(100) < 3 {
		c.Notes = pick(r, p.notes)
	}
	if len(g.sa.Regions) > 0 && r.IntN(100) < 97 {
		c.Region = skewed(r, g.sa.Regions)
	}
	switch n := r.IntN(100); {
	case n < p.osShare[0]:
		c.DeviceOS = "ios"
	case n < p.osShare[0]+p.osShare[1]:
		c.DeviceOS = "android"
	case n < p.osShare[0]+p.osShare[1]+p.osShare[2]:
		c.DeviceOS = "web"
	default:
		c.DeviceOS = "other"
	}
	c.Locale = p.locales[0]
	if r.IntN(100) < 20 {
		c.Locale = pick(r, p.locales)
	}

	// Joins over three years in order, growing: the density rises towards
	// today. Each customer joins within their own slot of the span.
	slot := (float64(g.made%g.count) + r.Float64()) / float64(g.count)
	g.made++
	joined := g.now - 3*year + int64(math.Sqrt(slot)*float64(3*year))
	tenure := g.now - joined
	updated := joined
	c.JoinedAt = time.UnixMicro(joined).UTC()
	if r.Float64() < 0.8-0.6*math.Exp(-float64(tenure)/float64(60*day)) {
		mean := 2 + 40*float64(tenure)/float64(year)
		c.RidesCount = min(1+int64(-mean*math.Log(1-r.Float64())), 5000)
		updated = joined + int64((1-math.Pow(r.Float64(), 3))*float64(tenure))
		c.LastActiveAt = micro(updated)
	} else if r.IntN(2) == 0 {
		updated = joined + r.Int64N(min(3*day, tenure+1))
		c.LastActiveAt = micro(updated)
	}

	switch n := r.IntN(100); {
	case n < 35:
	case n < 90:
		c.WalletBalance = 1 + r.Int64N(3000)
	case n < 97:
		c.WalletBalance = 3000 + r.Int64N(22000)
	default:
		c.WalletBalance = -1 - r.Int64N(1500)
	}
	switch n := r.IntN(100); {
	case n < 60:
	case n < 95:
		c.BonusBalance = 100 + 50*r.Int64N(19)
	default:
		c.BonusBalance = 1000 + 100*r.Int64N(41)
	}

	// Statuses: a few blocked, identity checks required or done, deleted.
	since := func() int64 { return joined + r.Int64N(tenure+1) }
	if r.IntN(100) < 4 {
		at := since()
		c.IdentityStatus, c.IdentityVerifiedAt = domain.IdentityVerified, micro(at)
		c.IdentityNotes = pick(r, []string{"ID card checked", "Driving licence checked", "Passport checked"})
		if r.IntN(2) == 0 {
			c.IdentityVerificationRequired, c.IdentityRequiredAt = true, micro(at-r.Int64N(3*day))
			c.IdentityRequiredReason = pick(r, p.identityReasons)
		}
		updated = max(updated, at)
	} else if r.IntN(100) < 2 {
		at := since()
		c.IdentityVerificationRequired, c.IdentityRequiredAt = true, micro(at)
		c.IdentityRequiredReason = pick(r, p.identityReasons)
		c.IdentityStatus = domain.IdentityPending
		if r.IntN(5) == 0 {
			c.IdentityStatus = domain.IdentityFailed
		}
		updated = max(updated, at)
	}
	if r.IntN(100) < 3 {
		at := since()
		c.Blocked, c.BlockedAt, c.BlockedReason = true, micro(at), pick(r, p.blockReasons)
		if r.IntN(3) == 0 {
			c.WalletBalance = -1 - r.Int64N(5000)
		}
		updated = max(updated, at)
	}
	if r.IntN(100) < 1 {
		at := since()
		c.DeletedAt = micro(at)
		updated = max(updated, at)
	}
	c.CreatedAt, c.UpdatedAt = c.JoinedAt, time.UnixMicro(updated).UTC()

	var id ulid.ULID
	id.SetTime(uint64(joined / 1000))
	var entropy [10]byte
	for i := range entropy {
		entropy[i] = byte(r.Uint32())
	}
	id.SetEntropy(entropy[:])
	c.ID = "cust_" + strings.ToLower(id.String())
	return c
}

func micro(us int64) *time.Time {
	t := time.UnixMicro(us).UTC()
	return &t
}

// email makes an address from the name in one of the usual shapes, with the
// ordinal in it so that it is unique in the subaccount.
func (g *Generator) email(first, last string) string {
	r := g.rng
	f, l := asciiFold(first), asciiFold(last)
	n := strconv.FormatInt(g.ordinal, 10)
	var local string
	switch r.IntN(6) {
	case 0:
		local = f + "." + l + n
	case 1:
		local = f + l + n
	case 2:
		local = f[:1] + "." + l + n
	case 3:
		local = f + "_" + l + "_" + n
	case 4:
		local = l + "." + f + "." + n
	default:
		local = f + n
	}
	return local + "@" + skewed(r, g.p.emailDomains)
}

// phone returns a number in E.164: German mobiles and Berlin landlines, or
// Austin and other Texan and US numbers.
func (g *Generator) phone() string {
	r := g.rng
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	if g.p == &berlinPeople {
		if r.IntN(100) < 15 {
			return "+4930" + strconv.Itoa(2+r.IntN(8)) + digits(6+r.IntN(2))
		}
		prefix := pick(r, []string{"151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173",
			"174", "175", "176", "177", "178", "179"})
		n := 8
		if prefix[1] != '5' && r.IntN(2) == 0 {
			n = 7
		}
		return "+49" + prefix + digits(n)
	}
	area := "512"
	switch n := r.IntN(100); {
	case n < 25:
		area = "737"
	case n < 40:
		area = pick(r, []string{"210", "214", "281", "713", "832", "972", "415", "646", "312", "303"})
	}
	return "+1" + area + strconv.Itoa(2+r.IntN(8)) + digits(6)
}

// skewed picks from a list ordered from common to rare: the first tenth of
// the list gets about a third of the draws, the last entries a fraction of a
// percent each.
func skewed(r *rand.Rand, list []string) string {
	return list[int(math.Pow(r.Float64(), 2.2)*float64(len(list)))]
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

var fold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue",
	"ş", "s", "Ş", "s", "ı", "i", "ç", "c", "Ç", "c", "ğ", "g", "ś", "s", "ł", "l", "'", "", "-", "", " ", "")

// asciiFold turns a name into the letters an email address would use.
func asciiFold(s string) string { return strings.ToLower(fold.Replace(s)) }

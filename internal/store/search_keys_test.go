package store

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// randomNameKey draws name keys from letters and the characters around
// them that the bucket codes treat as ranges.
func randomNameKey(r *rand.Rand) string {
	alphabet := []rune("abcmnyz ab.-'09(AZ{~äöüßåéøΩ李\u00bf\u00c0\u00ff\u0100")
	var b strings.Builder
	for range r.IntN(7) {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestNameBucketsKeepTheNameOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		a, b := randomNameKey(r), randomNameKey(r)
		if a > b {
			a, b = b, a
		}
		if ba, bb := nameBucket(a), nameBucket(b); ba > bb {
			t.Fatalf("%q < %q but bucket %x > %x", a, b, ba, bb)
		}
	}
}

func TestBucketStartIsWhereItsNamesBegin(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomNameKey(r)
		b := nameBucket(s)
		if !validBucket(b) {
			t.Fatalf("%q has bucket %x, which is not valid", s, b)
		}
		// Every name at or after a bucket's start is in that bucket or a
		// later one, and every name before it in an earlier one.
		other := nameBucket(randomNameKey(r))
		start, after := bucketStart(other)
		past := s >= start
		if after {
			past = s > start
		}
		if past != (b >= other) {
			t.Fatalf("%q (bucket %x) against the start %q (after %v) of bucket %x", s, b, start, after, other)
		}
		// No valid bucket lies between a bucket and the next.
		next := nextBucket(b)
		for n := b + 1; n < 1<<20 && n < next; n++ {
			if validBucket(n) {
				t.Fatalf("next bucket of %x is %x, but %x is valid", b, next, n)
			}
		}
		if next >= 0 && !validBucket(next) || next < 0 && b != 30<<15 {
			t.Fatalf("next bucket of %x is %x", b, next)
		}
	}
}

// The rarest trigrams are looked up while each spares more checking than
// its list costs: common ones are left out.
func TestRareTrigramsAreTheRarestOfLongTerms(t *testing.T) {
	share := map[string]float64{"crm": 0.9, "rm-": 0.9, "m-7": 0.2, "-72": 0.01, "721": 0.02, "217": 0.03,
		"177": 0.04, "770": 0.05, "703": 0.06, "036": 0.07,
		"+49": 1, "491": 0.85, "917": 0.5, "173": 0.06, "732": 0.016, "328": 0.013}
	for term, want := range map[string]string{
		"crm-72177036": "-72 721 217",
		"crm-7217":     "-72 721 217",
		"crm-7":        "", // too short: looked up whole
		"+4917328":     "328 732 173",
		// Unseen trigrams are rare: two leave few customers to check.
		"qxyzvwk": "qxy vwk",
	} {
		if got := strings.Join(rareTrigrams(term, share), " "); got != want {
			t.Errorf("rareTrigrams(%q) = %q, want %q", term, got, want)
		}
	}
	if got := rareTrigrams("crm-72177036", nil); got != nil {
		t.Errorf("without estimates: %q", got)
	}
}

// A term's rare trigrams may find more customers to check when its whole
// lookup would read long lists, and fewer when they are short.
func TestCheckAtMostWeighsTheWholeLookup(t *testing.T) {
	est := &searchEstimates{customers: map[string]float64{"sa": 500000},
		share: map[string]float64{"+49": 1, "491": 0.85, "917": 0.5, "173": 0.06, "732": 0.016, "328": 0.013,
			"lla": 0.05, "lan": 0.05, "anu": 0.01, "nue": 0.01}}
	for _, c := range []struct {
		sub, term string
		want      int
	}{
		{"sa", "+4917328", verifyAtMost},  // "+49" alone is half a million entries
		{"sa", "llanue", 120},             // 60,000 entries, or 120 rows
		{"other", "llanue", verifyAtMost}, // not sampled: small
	} {
		if got := est.checkAtMost(c.sub, c.term); got != c.want {
			t.Errorf("checkAtMost(%q, %q) = %d, want %d", c.sub, c.term, got, c.want)
		}
	}
	if got := (*searchEstimates)(nil).checkAtMost("sa", "llanue"); got != verifyAtMost {
		t.Errorf("without estimates: %d", got)
	}
}

package store

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SQLite's search index reads every trigram of a term and then compares
// their positions, and a trigram that many customers have (the "+49" of
// German numbers, the "crm" of an integration's ids, the "sch" of German
// names) costs it milliseconds. A long term is found faster through its
// rarest trigrams alone: the index finds the few customers that have all
// of them, and the whole term is then checked on each (match.verify).

// trigramSample is how many customers the estimates are drawn from, in
// runs of sampleRun consecutive seqs: a run's rows share pages, and the
// first search, which draws the sample, reads a few dozen pages rather
// than two thousand. trigramTTL is how long estimates are used before they
// are drawn again.
const (
	trigramSample = 2000
	sampleRun     = 50
	trigramTTL    = 10 * time.Minute
)

// lookupTrigrams is the most of a long term's rarest trigrams the search
// index looks up.
const lookupTrigrams = 5

// checkCost is what checking one customer that the index found costs, in
// entries of a trigram's list that the index reads. The index steps
// through a list, whose pages hold a thousand entries, in hundredths of a
// microsecond; a customer's row takes a few microseconds when its page is
// in SQLite's cache, but tens when it is not, as is usual at a million
// customers (about 50 µs, measured cold, against 4 warm).
const checkCost = 500

// trigramStats holds the current searchEstimates.
type trigramStats struct {
	mu      sync.Mutex
	at      time.Time
	est     *searchEstimates
	drawing bool // new estimates are being drawn in the background
}

// searchEstimates are drawn from a sample of the customers: the share of
// them whose search text has each trigram, how many customers each
// subaccount has, and the name buckets of those drawn.
type searchEstimates struct {
	share     map[string]float64
	customers map[string]float64 // by subaccount id
	buckets   map[string][]int64 // by subaccount id, sorted
}

// searchEstimates returns the current estimates; nil when there are no
// customers to draw from. The first call draws them; later ones draw them
// again in the background when they are old, using the old ones meanwhile.
func (s *Store) searchEstimates(ctx context.Context) *searchEstimates {
	t := &s.trigrams
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.est == nil:
		if est, err := s.sampleTrigrams(ctx); err == nil {
			t.est, t.at = est, time.Now()
		}
	case time.Since(t.at) >= trigramTTL && !t.drawing:
		t.drawing = true
		go func() {
			est, err := s.sampleTrigrams(context.WithoutCancel(ctx))
			t.mu.Lock()
			defer t.mu.Unlock()
			if err == nil && est != nil {
				t.est = est
			}
			t.at, t.drawing = time.Now(), false
		}()
	}
	return t.est
}

// shareOf is the estimated share of customers whose search text has the
// trigram tg. A trigram that no sampled customer has is rare, not absent.
func shareOf(share map[string]float64, tg string) float64 {
	return max(share[tg], 0.5/trigramSample)
}

// shares returns the trigrams' shares; nil without estimates.
func (e *searchEstimates) shares() map[string]float64 {
	if e == nil {
		return nil
	}
	return e.share
}

// checkAtMost is the most customers that a term's rare trigrams may find
// for each to be checked for the term: more cost more to check than the
// index costs to look up the whole term, reading the list of each of its
// trigrams. A subaccount too small to be sampled is cheap either way.
func (e *searchEstimates) checkAtMost(subaccountID, term string) int {
	if e == nil {
		return verifyAtMost
	}
	n, ok := e.customers[subaccountID]
	if !ok {
		return verifyAtMost
	}
	var entries float64
	for _, tg := range trigramsOf(term) {
		entries += n * shareOf(e.share, tg)
	}
	return min(verifyAtMost, int(entries/checkCost))
}

// sampleTrigrams reads the search text of customers picked at random by
// seq and counts, per trigram, the customers that have it, and per
// subaccount, the customers drawn.
func (s *Store) sampleTrigrams(ctx context.Context) (*searchEstimates, error) {
	var maxSeq int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(max(seq), 0) FROM customers`).Scan(&maxSeq); err != nil {
		return nil, err
	}
	if maxSeq == 0 {
		return nil, nil
	}
	seqs := make([]string, 0, trigramSample)
	for len(seqs) < trigramSample {
		first := 1 + rand.Int64N(maxSeq)
		for seq := first; seq < first+sampleRun; seq++ {
			seqs = append(seqs, strconv.FormatInt(seq, 10))
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT search, subaccount_id, name_key FROM customers
		WHERE seq IN (`+strings.Join(seqs, ", ")+`)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	subs := map[string]int{}
	est := &searchEstimates{share: map[string]float64{}, customers: map[string]float64{}, buckets: map[string][]int64{}}
	n := 0
	for rows.Next() {
		var text, sub, name string
		if err := rows.Scan(&text, &sub, &name); err != nil {
			return nil, err
		}
		n++
		subs[sub]++
		est.buckets[sub] = append(est.buckets[sub], nameBucket(name))
		seen := map[string]bool{}
		for _, tg := range trigramsOf(text) {
			if !seen[tg] {
				seen[tg] = true
				counts[tg]++
			}
		}
	}
	if err := rows.Err(); err != nil || n == 0 {
		return nil, err
	}
	for tg, c := range counts {
		est.share[tg] = float64(c) / float64(n)
	}
	// The seqs drawn are spread over every seq given, so each subaccount's
	// part of them is its part of the customers.
	for sub, c := range subs {
		est.customers[sub] = float64(c) / float64(n) * float64(maxSeq)
		slices.Sort(est.buckets[sub])
	}
	return est, nil
}

// middleBucket is the bucket that halves a subaccount's customers from
// bucket from on, in the index's order, or -1 when the sample has none
// there.
func (e *searchEstimates) middleBucket(subaccountID string, from int64) int64 {
	if e == nil {
		return -1
	}
	bs := e.buckets[subaccountID]
	i, _ := slices.BinarySearch(bs, from)
	if i == len(bs) {
		return -1
	}
	return bs[i+(len(bs)-i)/2]
}

// trigramsOf lists the trigrams of a lowercased text, in order.
func trigramsOf(text string) []string {
	runes := []rune(text)
	var out []string
	for i := 0; i+3 <= len(runes); i++ {
		out = append(out, string(runes[i:i+3]))
	}
	return out
}

// rareTrigrams returns the rarest trigrams of a term of six characters or
// more, for the search index to look up instead of the whole term; nil for
// shorter terms, which it looks up whole.
//
// Each trigram looked up costs the index its whole list, and each one
// leaves fewer customers to check. The rarest is looked up; each next
// rarest only while the customers it would spare checking, assuming the
// trigrams independent, cost more than its list: a phone number's "+49"
// or "017" is in half the lists of a German subaccount, and looking it up
// cost more than all the checking it spared.
func rareTrigrams(term string, share map[string]float64) []string {
	tgs := trigramsOf(term)
	if share == nil || len(tgs) < 4 {
		return nil
	}
	slices.Sort(tgs)
	tgs = slices.Compact(tgs)
	est := func(tg string) float64 { return shareOf(share, tg) }
	slices.SortStableFunc(tgs, func(a, b string) int { return cmp.Compare(est(a), est(b)) })
	left := est(tgs[0]) // the share of customers left to check
	n := 1
	for ; n < min(lookupTrigrams, len(tgs)); n++ {
		next := est(tgs[n])
		if next >= left*(1-next)*checkCost {
			break
		}
		left *= next
	}
	return tgs[:n]
}

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

// trigramSample is how many customers the estimates are drawn from, and
// trigramTTL how long they are used before they are drawn again.
const (
	trigramSample = 2000
	trigramTTL    = 10 * time.Minute
)

// lookupTrigrams is the most of a long term's rarest trigrams the search
// index looks up.
const lookupTrigrams = 5

// checkCost is what checking one customer that the index found costs, in
// entries of a trigram's list that the index reads: the index steps
// through a list in hundredths of a microsecond, while a customer's row is
// read and compared in a few microseconds.
const checkCost = 100

// trigramStats holds the share of sampled customers whose search text has
// each trigram.
type trigramStats struct {
	mu      sync.Mutex
	at      time.Time
	share   map[string]float64
	drawing bool // new estimates are being drawn in the background
}

// trigramShares returns the current estimates; nil when there are no
// customers to draw from. The first call draws them; later ones draw them
// again in the background when they are old, using the old ones meanwhile.
func (s *Store) trigramShares(ctx context.Context) map[string]float64 {
	t := &s.trigrams
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.share == nil:
		if share, err := s.sampleTrigrams(ctx); err == nil {
			t.share, t.at = share, time.Now()
		}
	case time.Since(t.at) >= trigramTTL && !t.drawing:
		t.drawing = true
		go func() {
			share, err := s.sampleTrigrams(context.WithoutCancel(ctx))
			t.mu.Lock()
			defer t.mu.Unlock()
			if err == nil && share != nil {
				t.share = share
			}
			t.at, t.drawing = time.Now(), false
		}()
	}
	return t.share
}

// sampleTrigrams reads the search text of customers picked at random by
// seq and counts, per trigram, the customers that have it.
func (s *Store) sampleTrigrams(ctx context.Context) (map[string]float64, error) {
	var maxSeq int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(max(seq), 0) FROM customers`).Scan(&maxSeq); err != nil {
		return nil, err
	}
	if maxSeq == 0 {
		return nil, nil
	}
	seqs := make([]string, trigramSample)
	for i := range seqs {
		seqs[i] = strconv.FormatInt(1+rand.Int64N(maxSeq), 10)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT search FROM customers WHERE seq IN (`+strings.Join(seqs, ", ")+`)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	n := 0
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		n++
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
	share := make(map[string]float64, len(counts))
	for tg, c := range counts {
		share[tg] = float64(c) / float64(n)
	}
	return share, nil
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
	// A trigram that no sampled customer has is rare, not absent.
	est := func(tg string) float64 { return max(share[tg], 0.5/trigramSample) }
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

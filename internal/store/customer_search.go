package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// sortInBucket is the most matches of one name bucket that a search sorts
// to find its page there, reading a row per match; a bucket with more
// (a first name, searched alone) is walked in name order, an entry of the
// name index per name, and holds its matches densely.
var sortInBucket = 10000

// sortFew is the most matches of a bucket that are sorted without trying
// to walk to them first; walkFirst is how many names that walk reads.
// Tests make them small.
var (
	sortFew   = 1000
	walkFirst = 3000
)

// fewKeys is the most matches a search reads all the keys of, in one
// pass: their number is the total, and the page is found among them bucket
// by bucket. It is at least verifyAtMost, so that a term whose matches are
// checked row by row is read once; tests make it small.
var fewKeys = verifyAtMost

// searchByName finds a page of a search sorted by name, and the total, on
// SQLite. The search index yields a term's matches in buckets of the name
// order (see search_keys.go): the first matches it yields are in the
// buckets of the page, and every match of the buckets before the last one
// belongs to the page; that last bucket's matches are sorted, or walked in
// name order when they are many.
//
// A term of few matches is read whole, once, for both the total and the
// page. A term of many has the rest of its matches counted beside the
// page, on two other connections (countRest): a dense term's count reads
// ten thousand matches, while its page reads a few buckets.
func (s *Store) searchByName(ctx context.Context, q *listQuery, m *match, walkable func(string) bool,
	cur *cursorArgs, desc bool, limit int) ([]*domain.Customer, int, error) {
	b := &bucketSearch{s: s, q: q, m: m, walkable: walkable, desc: desc}
	err := s.r.QueryRowContext(ctx, `SELECT code FROM customer_numbers WHERE subaccount_id = $1`,
		q.args[0]).Scan(&b.code)
	if err == sql.ErrNoRows {
		return []*domain.Customer{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	need := limit + 1
	lo, hi := b.span()
	all, err := b.keys(ctx, b.between(lo, hi, "ORDER BY f.rowid", fewKeys+1))
	if err != nil {
		return nil, 0, err
	}
	if len(all) <= fewKeys {
		seqs, err := b.fromKeys(ctx, all, cur, need)
		if err != nil {
			return nil, 0, err
		}
		data, err := s.rowsBySeq(ctx, q, seqs, "name_key", b.dir())
		return data, len(all), err
	}

	countCtx, stopCount := context.WithCancel(ctx)
	defer stopCount()
	counted := make(chan countResult, 1)
	go func(c bucketSearch, from, to int64) {
		n, err := c.countRest(countCtx, from, to, capped-len(all))
		counted <- countResult{len(all) + n, err}
	}(bucketSearch{s: s, q: &listQuery{engine: q.engine, args: slices.Clone(q.args), statusLo: q.statusLo,
		statusHi: q.statusHi}, m: m, code: b.code}, all[len(all)-1]+1, hi)
	b.total = sync.OnceValue(func() countResult { return <-counted })

	var seqs []string
	if cur != nil {
		// The rest of the cursor's bucket, then the buckets after it.
		bucket := nameBucket(cur.at.Key)
		if seqs, err = b.inBucket(ctx, bucket, cur, need); err != nil {
			return nil, 0, err
		}
		if desc {
			hi = b.key(bucket) - 1
		} else {
			lo = b.key(bucket + 1)
		}
	}
	if take := need - len(seqs); take > 0 {
		keys, err := b.firstMatches(ctx, lo, hi, take)
		if err != nil {
			return nil, 0, err
		}
		more, err := b.page(ctx, keys, take)
		if err != nil {
			return nil, 0, err
		}
		seqs = append(seqs, more...)
	}
	r := b.total()
	if r.err != nil {
		return nil, 0, r.err
	}
	data, err := s.rowsBySeq(ctx, q, seqs, "name_key", b.dir())
	return data, r.n, err
}

// fromKeys returns the seqs of the first n matches past the cursor, if
// there is one, in the page's order, given the keys of every match in the
// index's order.
func (b *bucketSearch) fromKeys(ctx context.Context, keys []int64, cur *cursorArgs, n int) ([]string, error) {
	if b.desc {
		keys = slices.Clone(keys)
		slices.Reverse(keys)
	}
	var seqs []string
	if cur != nil {
		// The cursor's bucket past the cursor, then the buckets after it.
		bucket := nameBucket(cur.at.Key)
		from := slices.IndexFunc(keys, func(k int64) bool { return !b.before(bucketOf(k), bucket) })
		if from < 0 {
			return nil, nil
		}
		keys = keys[from:]
		in := bucketRun(keys)
		if bucketOf(keys[0]) != bucket {
			in = 0
		}
		var err error
		if seqs, err = b.bucketPage(ctx, bucket, keys[:in], cur, n); err != nil {
			return nil, err
		}
		keys = keys[in:]
	}
	take := min(n-len(seqs), len(keys))
	if take <= 0 {
		return seqs, nil
	}
	// The buckets before the last one of the first take matches belong to
	// the page whole; the last one, whose matches are all at hand, gives
	// the rest.
	last := bucketOf(keys[take-1])
	first := slices.IndexFunc(keys, func(k int64) bool { return bucketOf(k) == last })
	whole, err := b.sorted(ctx, keys[:first], nil, take)
	if err != nil {
		return nil, err
	}
	rest, err := b.bucketPage(ctx, last, keys[first:first+bucketRun(keys[first:])], nil, take-first)
	return append(append(seqs, whole...), rest...), err
}

// bucketPage returns the seqs of the first n matches of a bucket, past the
// cursor if there is one, in the page's order, given the keys of all of
// them: from the names that start with the term, when those are all of
// them, or sorted.
func (b *bucketSearch) bucketPage(ctx context.Context, bucket int64, keys []int64, cur *cursorArgs,
	n int) ([]string, error) {
	if arms := b.nameArms(bucket); len(keys) > sortFew && arms != nil {
		found, err := b.namesCount(ctx, arms)
		if err != nil {
			return nil, err
		}
		if found == len(keys) {
			return b.namesPage(ctx, arms, cur, n)
		}
	}
	return b.sorted(ctx, keys, cur, n)
}

// before reports whether bucket a comes before bucket c in the page's
// order.
func (b *bucketSearch) before(a, c int64) bool {
	if b.desc {
		return a > c
	}
	return a < c
}

// bucketRun is how many of keys, from the first, are in its bucket.
func bucketRun(keys []int64) int {
	if len(keys) == 0 {
		return 0
	}
	n := slices.IndexFunc(keys, func(k int64) bool { return bucketOf(k) != bucketOf(keys[0]) })
	if n < 0 {
		return len(keys)
	}
	return n
}

// countRest counts the matches between the keys from and to, up to need.
// The customers there are cut in two halves, by the name buckets of a
// sample, counted side by side on two connections, each up to half of
// need: a common term is counted to the cap in half the time. A half that
// has fewer leaves the rest to the other, which goes on where it stopped.
func (b *bucketSearch) countRest(ctx context.Context, from, to int64, need int) (int, error) {
	sub, _ := b.q.args[0].(string)
	middle := b.s.searchEstimates(ctx).middleBucket(sub, bucketOf(from))
	if middle <= bucketOf(from) {
		n, _, err := b.count(ctx, from, to, need)
		return n, err
	}
	mid, half := b.key(middle), (need+1)/2
	type part struct {
		n    int
		last int64
		err  error
	}
	second := make(chan part, 1)
	go func() {
		n, last, err := b.count(ctx, mid, to, half)
		second <- part{n, last, err}
	}()
	n, last, err := b.count(ctx, from, mid-1, half)
	p := <-second
	if err != nil || p.err != nil {
		return 0, cmp.Or(err, p.err)
	}
	switch {
	case n+p.n >= need:
	case n == half:
		more, _, err := b.count(ctx, last+1, mid-1, need-n-p.n)
		return n + p.n + more, err
	case p.n == half:
		more, _, err := b.count(ctx, p.last+1, to, need-n-p.n)
		return n + p.n + more, err
	}
	return n + p.n, nil
}

// count counts the matches between the keys lo and hi, up to upTo, and
// returns the key of the last one counted.
func (b *bucketSearch) count(ctx context.Context, lo, hi int64, upTo int) (n int, last int64, err error) {
	err = b.s.listRow(ctx, b.q, `SELECT count(*), COALESCE(max(k), 0) FROM (`+
		b.between(lo, hi, "ORDER BY f.rowid", upTo)+`)`).Scan(&n, &last)
	return n, last, err
}

// page returns the seqs of the first take matches, given the keys of the
// first take matches in the index's order.
func (b *bucketSearch) page(ctx context.Context, keys []int64, take int) ([]string, error) {
	if len(keys) < take {
		return b.sorted(ctx, keys, nil, take)
	}
	// The buckets before the last one belong to the page whole; the last
	// one gives the rest.
	last := bucketOf(keys[len(keys)-1])
	first := slices.IndexFunc(keys, func(k int64) bool { return bucketOf(k) == last })
	seqs, err := b.sorted(ctx, keys[:first], nil, take)
	if err != nil {
		return nil, err
	}
	more, err := b.inBucket(ctx, last, nil, take-first)
	return append(seqs, more...), err
}

// bucketOf is the name bucket of a search index key.
func bucketOf(key int64) int64 {
	return key >> searchBucketShift & (1<<(bucketCharBits*bucketChars) - 1)
}

type countResult struct {
	n   int
	err error
}

// bucketSearch is one search sorted by name on SQLite.
type bucketSearch struct {
	s        *Store
	q        *listQuery
	m        *match
	walkable func(string) bool
	desc     bool
	code     int64 // the subaccount's code in the index's keys
	// total waits for the search's total, counted beside the page; nil
	// where nothing counts it.
	total func() countResult
}

// span is the first and the last key of the subaccount.
func (b *bucketSearch) span() (lo, hi int64) {
	return b.code << searchCodeShift, b.code<<searchCodeShift | (1<<searchCodeShift - 1)
}

// key is the first key of a bucket of the subaccount.
func (b *bucketSearch) key(bucket int64) int64 {
	return b.code<<searchCodeShift | bucket<<searchBucketShift
}

// dir is the order of the page.
func (b *bucketSearch) dir() string {
	if b.desc {
		return "DESC"
	}
	return "ASC"
}

// firstMatches returns the keys of the first n matches between the keys lo
// and hi, in the index's order: bucket by bucket, in name order.
func (b *bucketSearch) firstMatches(ctx context.Context, lo, hi int64, n int) ([]int64, error) {
	return b.keys(ctx, b.between(lo, hi, "ORDER BY f.rowid "+b.dir(), n))
}

// between is the statement of the keys of at most n matches between the
// keys lo and hi, in the order given.
func (b *bucketSearch) between(lo, hi int64, order string, n int) string {
	return fmt.Sprintf(`SELECT f.rowid AS k FROM %s WHERE f.customer_search MATCH %s
		AND f.rowid >= %d AND f.rowid <= %d AND %s%s %s LIMIT %d`,
		b.from(), b.m.fts, lo, hi, b.q.statusBits(), b.m.verified(), order, n)
}

// from is the search index f, joined to the customers c when its matches
// must be checked row by row.
func (b *bucketSearch) from() string {
	if b.m.verify {
		return fmt.Sprintf("customer_search f CROSS JOIN customers c ON c.seq = (f.rowid & %d)", searchSeqMask)
	}
	return "customer_search f"
}

func (b *bucketSearch) keys(ctx context.Context, sqlText string) ([]int64, error) {
	return scanInts(b.s.listSelect(ctx, b.q, sqlText))
}

// sorted returns the seqs of the customers of keys, past the cursor if
// there is one, in the page's order, at most n.
func (b *bucketSearch) sorted(ctx context.Context, keys []int64, cur *cursorArgs, n int) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	seqs := make([]int64, len(keys))
	for i, k := range keys {
		seqs[i] = k & searchSeqMask
	}
	return b.seqs(ctx, `SELECT c.seq FROM customers c WHERE c.seq IN (`+strings.Join(decimals(seqs), ", ")+`)`+b.after(cur)+`
		ORDER BY +c.name_key `+b.dir()+`, c.id `+b.dir()+` LIMIT `+strconv.Itoa(n))
}

func (b *bucketSearch) seqs(ctx context.Context, sqlText string) ([]string, error) {
	keys, err := b.keys(ctx, sqlText)
	return decimals(keys), err
}

// inBucket returns the seqs of the first n matches of one bucket, past the
// cursor if there is one, in the page's order. A bucket of few matches has
// them sorted. One of many is walked in name order, where they are usually
// found at once; when a first stretch of the walk finds too few (the
// matches sit at the far end), they are sorted after all, or, too many to
// sort, walked to the end.
func (b *bucketSearch) inBucket(ctx context.Context, bucket int64, cur *cursorArgs, n int) ([]string, error) {
	lo, hi := b.key(bucket), b.key(bucket+1)-1
	keys, err := b.keys(ctx, fmt.Sprintf(`SELECT f.rowid FROM %s WHERE f.customer_search MATCH %s
		AND f.rowid >= %d AND f.rowid <= %d AND %s%s LIMIT %d`,
		b.from(), b.m.fts, lo, hi, b.q.statusBits(), b.m.verified(), sortFew+1))
	if err != nil {
		return nil, err
	}
	if len(keys) <= sortFew {
		return b.sorted(ctx, keys, cur, n)
	}
	seqs, err := b.walk(ctx, bucket, cur, n, walkFirst)
	if err != nil || len(seqs) == n {
		return seqs, err
	}
	// A full name's matches are usually all where the name index holds
	// names that start with it. Its total is being counted anyway: when the
	// matches there and those of the other buckets, usually few, add up to
	// it, the page is there, and the bucket's matches need no count of their
	// own, which read each of them a second time.
	arms := b.nameArms(bucket)
	found := -1
	if arms != nil && b.total != nil {
		if t := b.total(); t.err == nil && t.n < capped {
			if found, err = b.namesCount(ctx, arms); err != nil {
				return nil, err
			}
			if found <= t.n {
				elsewhere, err := b.countElsewhere(ctx, bucket, t.n-found+1)
				if err != nil {
					return nil, err
				}
				if found+elsewhere == t.n {
					return b.namesPage(ctx, arms, cur, n)
				}
			}
		}
	}
	var many int
	err = b.s.listRow(ctx, b.q, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s
		WHERE f.customer_search MATCH %s AND f.rowid >= %d AND f.rowid <= %d AND %s%s LIMIT %d)`,
		b.from(), b.m.fts, lo, hi, b.q.statusBits(), b.m.verified(), sortInBucket+1)).Scan(&many)
	if err != nil {
		return nil, err
	}
	if many <= sortInBucket && arms != nil {
		if found < 0 {
			if found, err = b.namesCount(ctx, arms); err != nil {
				return nil, err
			}
		}
		if found == many {
			return b.namesPage(ctx, arms, cur, n)
		}
	}
	if many > sortInBucket {
		return b.walk(ctx, bucket, cur, n, 0)
	}
	return b.seqs(ctx, fmt.Sprintf(`SELECT c.seq FROM customer_search f CROSS JOIN customers c
		ON c.seq = (f.rowid & %d) WHERE f.customer_search MATCH %s AND f.rowid >= %d AND f.rowid <= %d AND %s%s%s
		ORDER BY +c.name_key %s, c.id %s LIMIT %d`, searchSeqMask, b.m.fts, lo, hi, b.q.statusBits(),
		b.m.verified(), b.after(cur), b.dir(), b.dir(), n))
}

// A full name ("Anna Weber") has thousands of matches in its first name's
// bucket, all after the other names of that bucket: they would be sorted,
// reading a row each, or walked to past those names. Its matches are
// usually where the name index holds the names that start with the term,
// and so may be a name that is the term's start up to a space ("anna"), its
// email going on with the rest. When as many matches are there as the
// bucket has, the page is read from the name index alone.

// nameArms returns, for a bucket of many matches, the stretches of the name
// index where its matches may start with the term, in the page's order:
// each a condition on customers c of one range of the name. It returns nil
// when the names that start with the term are not in the bucket, as for a
// term shorter than a bucket's prefix.
func (b *bucketSearch) nameArms(bucket int64) []string {
	term := b.m.term
	if utf8.RuneCountInString(term) < bucketChars || nameBucket(term) != bucket {
		return nil
	}
	// The names that start with the term, and those that are its start up
	// to a space, in the name order, all before the first.
	arms := []string{"c.name_key >= " + b.q.arg(term) + " AND c.name_key < " + b.q.arg(term+"\U0010FFFF")}
	for i := len(term) - 1; i > 0; i-- {
		if term[i] == ' ' && nameBucket(term[:i]) == bucket {
			arms = append(arms, "c.name_key = "+b.q.arg(term[:i]))
		}
	}
	if !b.desc {
		slices.Reverse(arms)
	}
	return arms
}

// armsFrom is the name index with the tab's conditions, for an arm to
// follow: each arm's bounds alone, as SQLite seeks one range of a column.
func (b *bucketSearch) armsFrom() string {
	return `customers c INDEXED BY customers_by_name WHERE ` + b.q.where(b.walkable) + ` AND `
}

// namesCount counts the matches in the arms.
func (b *bucketSearch) namesCount(ctx context.Context, arms []string) (int, error) {
	found := 0
	for _, arm := range arms {
		var c int
		if err := b.s.listRow(ctx, b.q, `SELECT count(*) FROM `+b.armsFrom()+arm+` AND `+b.m.residual).Scan(&c); err != nil {
			return 0, err
		}
		found += c
	}
	return found, nil
}

// namesPage returns the seqs of the first n matches in the arms, past the
// cursor if there is one, in the page's order.
func (b *bucketSearch) namesPage(ctx context.Context, arms []string, cur *cursorArgs, n int) ([]string, error) {
	var seqs []string
	order := ` ORDER BY c.name_key ` + b.dir() + `, c.id ` + b.dir() + ` LIMIT `
	for _, arm := range arms {
		more, err := b.seqs(ctx, `SELECT c.seq FROM `+b.armsFrom()+arm+` AND `+b.m.residual+b.after(cur)+order+
			strconv.Itoa(n-len(seqs)))
		if err != nil {
			return nil, err
		}
		if seqs = append(seqs, more...); len(seqs) == n {
			break
		}
	}
	return seqs, nil
}

// countElsewhere counts the subaccount's matches outside a bucket, up to
// upTo.
func (b *bucketSearch) countElsewhere(ctx context.Context, bucket int64, upTo int) (int, error) {
	lo, hi := b.span()
	before, _, err := b.count(ctx, lo, b.key(bucket)-1, upTo)
	if err != nil || before >= upTo {
		return before, err
	}
	after, _, err := b.count(ctx, b.key(bucket+1), hi, upTo-before)
	return before + after, err
}

// after is the condition on a row of customers c to be past the cursor.
func (b *bucketSearch) after(cur *cursorArgs) string {
	if cur == nil {
		return ""
	}
	return fmt.Sprintf(" AND (c.name_key, c.id) %s (%s, %s)", map[bool]string{false: ">", true: "<"}[b.desc],
		cur.key, cur.id)
}

// stretch is the condition on a row of customers c to be in the bucket's
// stretch of the name order, past the cursor if there is one.
func (b *bucketSearch) stretch(bucket int64, cur *cursorArgs) string {
	start, strict := bucketStart(bucket)
	where := b.q.where(b.walkable) + " AND c.name_key " + map[bool]string{false: ">= ", true: "> "}[strict] +
		b.q.arg(start)
	if next := nextBucket(bucket); next >= 0 {
		end, strict := bucketStart(next)
		where += " AND c.name_key " + map[bool]string{false: "< ", true: "<= "}[strict] + b.q.arg(end)
	}
	return where + b.after(cur)
}

// walk returns the seqs of the first n matches of one bucket, past the
// cursor if there is one, walking the bucket's stretch of the name index,
// which holds the search text; at most the first upTo names of it, unless
// upTo is 0.
func (b *bucketSearch) walk(ctx context.Context, bucket int64, cur *cursorArgs, n, upTo int) ([]string, error) {
	order := ` ORDER BY c.name_key ` + b.dir() + `, c.id ` + b.dir()
	where := b.stretch(bucket, cur)
	if upTo == 0 {
		return b.seqs(ctx, `SELECT c.seq FROM customers c WHERE `+where+` AND `+b.m.residual+order+
			` LIMIT `+strconv.Itoa(n))
	}
	// The stretch's names are read from the index alone, its matches kept.
	return b.seqs(ctx, `SELECT w.seq FROM (SELECT c.seq, c.search FROM customers c WHERE `+where+order+
		` LIMIT `+strconv.Itoa(upTo)+`) w WHERE `+strings.ReplaceAll(b.m.residual, "c.search", "w.search")+
		` LIMIT `+strconv.Itoa(n))
}

// SearchIndexMerge merges a bounded part of SQLite's search index: as
// customers come and go the index gathers small segments, each of which a
// search reads. PostgreSQL keeps its indexes itself.
func (s *Store) SearchIndexMerge(ctx context.Context) error {
	if s.engine != SQLite {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO customer_search (customer_search, rank) VALUES ('merge', 500)`)
	return translate(err, "search index")
}

// WarmSearch draws the samples that searches choose their plans by, which
// the first search would otherwise draw while its operator waits: a few
// hundred milliseconds at a million customers. Serve runs it in the
// background as it starts.
func (s *Store) WarmSearch(ctx context.Context) {
	if s.engine == SQLite {
		s.searchEstimates(ctx)
		return
	}
	s.searchSample(ctx, "")
}

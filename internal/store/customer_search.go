package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// searchByName finds a page of a search sorted by name, and the total, on
// SQLite. The search index yields a term's matches in buckets of the name
// order (see search_keys.go): the first matches it yields are in the
// buckets of the page, and every match of the buckets before the last one
// belongs to the page; that last bucket's matches are sorted, or walked in
// name order when they are many.
//
// The total is counted beside the page, on another connection: a dense
// term's count reads ten thousand matches, while its page reads a few
// buckets. A page that holds every match has the total itself.
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
	countCtx, stopCount := context.WithCancel(ctx)
	defer stopCount()
	counted := make(chan countResult, 1)
	go func(q listQuery) {
		n, err := s.listCount(countCtx, &q, m, capped)
		counted <- countResult{n, err}
	}(listQuery{engine: q.engine, args: slices.Clone(q.args), sub: q.sub, filters: q.filters,
		statusLo: q.statusLo, statusHi: q.statusHi})

	need := limit + 1
	lo, hi := b.code<<searchCodeShift, b.code<<searchCodeShift|(1<<searchCodeShift-1)
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
	total := -1
	if take := need - len(seqs); take > 0 {
		keys, err := b.firstMatches(ctx, lo, hi, take)
		if err != nil {
			return nil, 0, err
		}
		if cur == nil && len(keys) < take {
			total = len(keys)
		}
		more, err := b.page(ctx, keys, take)
		if err != nil {
			return nil, 0, err
		}
		seqs = append(seqs, more...)
	}
	if total < 0 {
		r := <-counted
		if r.err != nil {
			return nil, 0, r.err
		}
		total = r.n
	}
	data, err := s.rowsBySeq(ctx, q, seqs, "name_key", b.dir())
	return data, total, err
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
	return b.keys(ctx, fmt.Sprintf(`SELECT f.rowid FROM %s WHERE f.customer_search MATCH %s
		AND f.rowid >= %d AND f.rowid <= %d AND %s%s ORDER BY f.rowid %s LIMIT %d`,
		b.from(), b.m.fts, lo, hi, b.q.statusBits(), b.m.verified(), b.dir(), n))
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
	var many int
	err = b.s.listRow(ctx, b.q, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s
		WHERE f.customer_search MATCH %s AND f.rowid >= %d AND f.rowid <= %d AND %s%s LIMIT %d)`,
		b.from(), b.m.fts, lo, hi, b.q.statusBits(), b.m.verified(), sortInBucket+1)).Scan(&many)
	if err != nil || many > sortInBucket {
		return b.walk(ctx, bucket, cur, n, 0)
	}
	return b.seqs(ctx, fmt.Sprintf(`SELECT c.seq FROM customer_search f CROSS JOIN customers c
		ON c.seq = (f.rowid & %d) WHERE f.customer_search MATCH %s AND f.rowid >= %d AND f.rowid <= %d AND %s%s%s
		ORDER BY +c.name_key %s, c.id %s LIMIT %d`, searchSeqMask, b.m.fts, lo, hi, b.q.statusBits(),
		b.m.verified(), b.after(cur), b.dir(), b.dir(), n))
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

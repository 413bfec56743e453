package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// PostgreSQL searches terms of three characters or more in customer_search
// (migration 00006): a narrow row per customer, the rows in name order and
// cut into zones of consecutive names, with a trigram index keyed by zone.
//
// A search counts its matches up to one past the cap and finds a page of
// them. Every match counted is a row checked for the term, and every row
// the trigram index yields for checking is one more; the index itself
// reads every row of each trigram it is asked for, in the part of the
// table it is asked about. So:
//
//   - The index is asked for a few rare trigrams of the term (from a
//     sample of the subaccount kept in memory, searchSamples), and each row
//     they find is checked for the whole term.
//   - A term with few matches, and few rows to check, is looked up in one
//     pass over the subaccount, which also sorts the page ("rare").
//   - Any other term is looked up zone by zone, in name order, on two
//     connections that take every other zone. A common term ("+49") is
//     counted to the cap from the first zones only, each half stopping at
//     its share of the cap; its page comes from the zones read to their
//     end, and from a walk in the name index where a zone was cut short.
//     A term that gathers far along the names (a first name) reads few
//     rows in the zones before its own.
//
// Every statement gets the matches apart from the order it sorts them in,
// and the walks leave the trigram index out: PostgreSQL would otherwise
// pick the name index for a rare term, or a sort of all matches for a
// common one.

// Tests make these small, to cover each way with few customers.
var (
	// pgRareBelow is the estimated number of matches below which a term
	// is looked up in one pass, when the index finds fewer than half as many
	// rows to check in all subaccounts: more are checked faster by two
	// connections, zone by zone.
	pgRareBelow = 2000
	// pgZoneRows is how many customers a zone holds when the zones are cut.
	pgZoneRows = 32768
	// pgCap is where a count stops: one past the cap of a total.
	pgCap = capped
	// sortAtMost is the most matches of a zone that a first page sorts; a
	// zone with more is walked in name order, where they are then dense.
	sortAtMost = 2000
	// earlyWalk is how far a walk from the start of the name order reads
	// for the first page of a term that is dense there.
	earlyWalk = 4000
)

// pgSearch is one search of three characters or more on PostgreSQL.
type pgSearch struct {
	s    *Store
	q    *listQuery // the arguments; a statement run beside others binds a clone
	conn *sql.Conn  // the search's connection; statements beside it take others
	code string     // the subaccount's code, as SQL
	term string     // the term's placeholder
	tab  string     // the tab, as a condition on customer_search cs
	// cond is the term's matches in the tab, as a condition on
	// customer_search cs: the trigram index serves its patterns, and each
	// row it finds is checked for the term.
	cond string
	desc bool
	dir  string // ASC or DESC
	// From the sample: how many customers the term matches; how many of
	// all subaccounts' the trigram index finds for the patterns; the share
	// of the matches in the zones of each parity; whether the first zone is
	// dense with them.
	matches, candidates int
	shares              [2]float64
	denseStart          bool
}

// searchPostgres finds a page of a search of three characters or more, and
// the total, on PostgreSQL. f is the list asked for; col the sort column,
// cur and after the cursor; walk walks the sort index with a condition on
// customers c added.
func (s *Store) searchPostgres(ctx context.Context, q *listQuery, f domain.CustomerFilter, col string, desc bool,
	cur *cursorArgs, after string, walk func(string) ([]*domain.Customer, error), limit int) ([]*domain.Customer, int, error) {
	select {
	case s.searchSlots <- struct{}{}:
		defer func() { <-s.searchSlots }()
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	p := s.newPGSearch(ctx, q, domain.SearchTerm(f.Q), f.Status, desc, limit+1)
	var err error
	if p.conn, err = s.searchConn(ctx); err != nil {
		return nil, 0, err
	}
	defer p.conn.Close()
	if col == "name_key" && len(q.filters) == 1 {
		return p.byName(ctx, cur, limit+1)
	}
	return p.other(ctx, col, after, walk, limit+1)
}

// newPGSearch builds the search of term in the subaccount and tab of q (tab
// names it); need is the page's rows.
func (s *Store) newPGSearch(ctx context.Context, q *listQuery, term, tab string, desc bool, need int) *pgSearch {
	sample := s.searchSample(ctx, q.args[0].(string))
	p := &pgSearch{s: s, q: q, desc: desc, dir: "ASC", matches: sample.estimate(term, tab),
		shares: sample.parityShares(term), denseStart: sample.denseStart(term, desc, need)}
	if desc {
		p.dir = "DESC"
	}
	p.code = `(SELECT code FROM customer_search_codes WHERE subaccount_id = ` + q.sub + `)`
	p.tab = "cs.status " + q.filters[0].test
	if tab == "" || tab == "all" {
		p.tab = "cs.status <> 'deleted'"
	}
	// The zoned passes ask the index about the subaccount's zones, so their
	// patterns are chosen on its sample. The one pass asks it about every
	// subaccount's rows: its patterns are chosen, and the rows it will
	// check counted, on the sample of all of them. Digits that are rare
	// together in one subaccount's phone numbers can be common together in
	// another's, whose rows the one pass would then check one by one.
	var patterns []string
	onePass := false
	if all := s.searchSample(ctx, ""); all != nil {
		var share float64
		patterns, share = trigramPatterns(term, all)
		p.candidates = int(share * float64(all.customers))
		onePass = p.rare()
	}
	if !onePass {
		patterns, _ = trigramPatterns(term, sample)
	}
	var conds []string
	for _, pattern := range patterns {
		conds = append(conds, "cs.search LIKE "+q.arg(pattern))
	}
	p.term = q.arg(term)
	// strpos, which the trigram index does not serve: it is asked for the
	// patterns alone.
	p.cond = strings.Join(append(conds, "strpos(cs.search, "+p.term+") > 0", p.tab), " AND ")
	return p
}

// rare reports whether the term is looked up in one pass.
func (p *pgSearch) rare() bool { return p.matches < pgRareBelow && p.candidates < pgRareBelow/2 }

// clone returns arguments for a statement run beside others.
func (p *pgSearch) clone() *listQuery {
	c := *p.q
	c.args = slices.Clone(p.q.args)
	return &c
}

// byName finds the first need matches sorted by name, after cur, and the
// total.
func (p *pgSearch) byName(ctx context.Context, cur *cursorArgs, need int) ([]*domain.Customer, int, error) {
	var total int
	var seqs []string
	if p.rare() {
		r, err := p.rarePass(ctx, p.conn, p.q, cur, need)
		if err != nil {
			return nil, 0, err
		}
		total, seqs = r.total, r.seqs()
		if total >= pgCap {
			// More than estimated: the pass stopped before it had them all,
			// and its page may miss some.
			if seqs, err = p.zonedPage(ctx, p.conn, p.q, cur, need); err != nil {
				return nil, 0, err
			}
		}
	} else {
		var data []*domain.Customer
		var err error
		if total, seqs, data, err = p.zoned(ctx, cur, need); err != nil || data != nil {
			return data, total, err
		}
	}
	data, err := p.s.rowsBySeq(ctx, p.q, seqs, "name_key", p.dir)
	return data, total, err
}

// passResult is what a pass over the matches read: how many, up to its
// limit, and the first of them in the page's order. A pass zone by zone
// also says the zone it ended in (its last in the page's order), how many
// it read there, and the subaccount's last zone.
type passResult struct {
	total              int
	rows               []passRow
	edge, inEdge, last int64
}

// passRow is a match a pass read.
type passRow struct {
	zone         int64
	seq, key, id string
}

func (r passResult) seqs() []string {
	out := make([]string, len(r.rows))
	for i, row := range r.rows {
		out[i] = row.seq
	}
	return out
}

// rarePass reads the matches in one pass over the subaccount, up to one
// past the cap: it counts them and sorts the first need after cur. code + 0
// keeps the name index, which starts with the code, from serving it.
func (p *pgSearch) rarePass(ctx context.Context, c *sql.Conn, q *listQuery, cur *cursorArgs, need int) (passResult, error) {
	after := ""
	if cur != nil {
		after = fmt.Sprintf(" WHERE (name_key, id) %s (%s, %s)", p.cmp(), cur.key, cur.id)
	}
	return p.pass(ctx, c, q, `WITH m AS MATERIALIZED (SELECT cs.seq, cs.name_key, cs.id FROM customer_search cs
		WHERE cs.code + 0 = `+p.code+` AND `+p.cond+` LIMIT `+strconv.Itoa(pgCap)+`)
		SELECT n.total, 0, 0, 0, 0, p.seq, p.name_key, p.id FROM (SELECT count(*) AS total FROM m) n
		LEFT JOIN (SELECT seq, name_key, id FROM m`+after+` ORDER BY name_key `+p.dir+`, id `+p.dir+
		` LIMIT `+strconv.Itoa(need)+`) p ON true ORDER BY p.name_key `+p.dir+`, p.id `+p.dir)
}

// zonedPass reads the matches zone by zone in the page's order, up to
// limit: the zones of a parity (0 or 1; -1 for all), from the zone that
// holds cur, leaving out the matches before cur. The first need matches
// come back with their zones.
func (p *pgSearch) zonedPass(ctx context.Context, c *sql.Conn, q *listQuery, parity int, cur *cursorArgs, limit,
	need int) (passResult, error) {
	from, after := "", ""
	if cur != nil {
		from = `(SELECT zone FROM customer_search_zones WHERE zone >= ` + p.code + `::bigint << 16 AND zone <= ` +
			`(SELECT max(zone) FROM z) AND (first_key, first_id) <= (` + cur.key + `, ` + cur.id +
			`) ORDER BY zone DESC LIMIT 1)`
		after = fmt.Sprintf(" AND (cs.name_key, cs.id) %s (%s, %s)", p.cmp(), cur.key, cur.id)
	}
	edge := map[bool]string{false: "max", true: "min"}[p.desc]
	// OFFSET 0 keeps each zone's lookup in the trigram index apart, keyed
	// by the zone.
	return p.pass(ctx, c, q, `WITH z AS MATERIALIZED (`+p.zones()+`),
		m AS MATERIALIZED (SELECT z.zone, x.seq, x.name_key, x.id
			FROM (SELECT zone FROM z`+p.zoneFilter(parity, from)+` ORDER BY zone `+p.dir+`) z
			CROSS JOIN LATERAL (SELECT cs.seq, cs.name_key, cs.id FROM customer_search cs
				WHERE cs.zone = z.zone AND `+p.cond+after+` OFFSET 0) x
			LIMIT `+strconv.Itoa(limit)+`),
		e AS (SELECT `+edge+`(zone) AS zone FROM m)
		SELECT n.total, n.edge, n.in_edge, n.last, p.zone, p.seq, p.name_key, p.id
		FROM (SELECT (SELECT count(*) FROM m) AS total, COALESCE((SELECT zone FROM e), 0) AS edge,
			(SELECT count(*) FROM m WHERE zone = (SELECT zone FROM e)) AS in_edge,
			(SELECT COALESCE(max(zone), 0) FROM z) AS last) n
		LEFT JOIN (SELECT zone, seq, name_key, id FROM m ORDER BY name_key `+p.dir+`, id `+p.dir+
		` LIMIT `+strconv.Itoa(need)+`) p ON true ORDER BY p.name_key `+p.dir+`, p.id `+p.dir)
}

// pass runs a pass's statement.
func (p *pgSearch) pass(ctx context.Context, c *sql.Conn, q *listQuery, sqlText string) (passResult, error) {
	var r passResult
	text, args := p.s.bind(q, sqlText)
	rows, err := c.QueryContext(ctx, text, args...)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var zone, seq sql.NullInt64
		var key, id sql.NullString
		if err := rows.Scan(&r.total, &r.edge, &r.inEdge, &r.last, &zone, &seq, &key, &id); err != nil {
			return r, err
		}
		if seq.Valid {
			r.rows = append(r.rows, passRow{zone: zone.Int64, seq: strconv.FormatInt(seq.Int64, 10), key: key.String,
				id: id.String})
		}
	}
	return r, rows.Err()
}

// zones lists the subaccount's zones.
func (p *pgSearch) zones() string {
	return `SELECT zone FROM customer_search_zones
		WHERE zone >= ` + p.code + `::bigint << 16 AND zone < (` + p.code + `::bigint + 1) << 16`
}

// zoneFilter keeps the zones of a parity (0 or 1; -1 for all), from the
// zone from on in the page's order (SQL; "" for the first).
func (p *pgSearch) zoneFilter(parity int, from string) string {
	var which []string
	if parity >= 0 {
		which = append(which, "zone % 2 = "+strconv.Itoa(parity))
	}
	if from != "" {
		which = append(which, "zone "+map[bool]string{false: ">=", true: "<="}[p.desc]+" "+from)
	}
	if len(which) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(which, " AND ")
}

// cmp is how a later row of the page compares with an earlier one.
func (p *pgSearch) cmp() string {
	if p.desc {
		return "<"
	}
	return ">"
}

// before reports whether zone a comes before zone b in the page's order.
func (p *pgSearch) before(a, b int64) bool {
	if p.desc {
		return a > b
	}
	return a < b
}

// halfCap is what each half of a zoned count reads, when both share it
// alike: together they reach the cap.
func halfCap() int { return (pgCap + 1) / 2 }

// zoned counts the matches zone by zone, and finds the first need after
// cur: their seqs, or the customers themselves.
//
// With a cursor, one connection counts every zone while another reads the
// page from the cursor's zone on. Without one, two connections take every
// other zone. A term of fewer matches than half the cap, by the sample, is
// read whole that way, and the page sorted from both. A common term is only
// counted; the page is then read from what the counts say, and when the
// sample says the first zone is dense with matches, a third connection
// walks to the page from the start meanwhile, and reads its customers
// while the counts go on.
func (p *pgSearch) zoned(ctx context.Context, cur *cursorArgs, need int) (int, []string, []*domain.Customer, error) {
	if cur != nil {
		var total int
		var seqs []string
		err := p.both(ctx, func(ctx context.Context, c *sql.Conn) error {
			counts, err := p.countPass(ctx, c, p.clone(), -1, "", pgCap)
			total = counts.total()
			return err
		}, func(ctx context.Context, c *sql.Conn) (err error) {
			seqs, err = p.zonedPage(ctx, c, p.clone(), cur, need)
			return err
		})
		return total, seqs, nil, err
	}
	if p.matches < pgCap/2 {
		var half [2]passResult
		err := p.both(ctx, func(ctx context.Context, c *sql.Conn) (err error) {
			half[0], err = p.zonedPass(ctx, c, p.clone(), 0, nil, pgCap, need)
			return err
		}, func(ctx context.Context, c *sql.Conn) (err error) {
			half[1], err = p.zonedPass(ctx, c, p.clone(), 1, nil, pgCap, need)
			return err
		})
		if err != nil {
			return 0, nil, nil, err
		}
		if half[0].total < pgCap && half[1].total < pgCap {
			rows := append(half[0].rows, half[1].rows...)
			slices.SortFunc(rows, func(a, b passRow) int {
				c := cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.id, b.id))
				if p.desc {
					return -c
				}
				return c
			})
			page := passResult{rows: rows[:min(need, len(rows))]}
			return half[0].total + half[1].total, page.seqs(), nil, nil
		}
		// More than estimated: count them as a common term.
	}
	var early []*domain.Customer
	walked := make(chan error, 1)
	if p.denseStart {
		q := p.clone()
		go func() {
			c, err := p.s.searchConn(ctx)
			if err == nil {
				early, err = p.walkStart(ctx, c, q, need)
				c.Close()
			}
			walked <- err
		}()
	} else {
		walked <- nil
	}
	total, half, err := p.halves(ctx)
	if errWalk := <-walked; err == nil {
		err = errWalk
	}
	if err != nil {
		return 0, nil, nil, err
	}
	if len(early) == need {
		return total, nil, early, nil
	}
	seqs, err := p.firstPage(ctx, half, need)
	return total, seqs, nil, err
}

// zoneCounts is what a count pass read: matches per zone, in the page's
// order, and the subaccount's last zone.
type zoneCounts struct {
	zones   []int64
	n       []int
	first   []string // the first name among the matches read in the zone
	last    int64
	stopped bool // at its limit: the last zone read may hold more
}

func (z zoneCounts) total() int {
	t := 0
	for _, n := range z.n {
		t += n
	}
	return t
}

// countPass counts the matches zone by zone in the page's order, up to
// limit: the zones of a parity (0 or 1; -1 for all), from the zone from on
// (a placeholder; "" for the first).
func (p *pgSearch) countPass(ctx context.Context, c *sql.Conn, q *listQuery, parity int, from string,
	limit int) (zoneCounts, error) {
	var z zoneCounts
	text, args := p.s.bind(q, `WITH z AS MATERIALIZED (`+p.zones()+`),
		x AS (SELECT z.zone, m.name_key FROM (SELECT zone FROM z`+p.zoneFilter(parity, from)+` ORDER BY zone `+p.dir+`) z
			CROSS JOIN LATERAL (SELECT cs.name_key FROM customer_search cs WHERE cs.zone = z.zone AND `+p.cond+
		` OFFSET 0) m LIMIT `+strconv.Itoa(limit)+`)
		SELECT zone, count(*), `+map[bool]string{false: "min", true: "max"}[p.desc]+`(name_key) FROM x GROUP BY zone
		UNION ALL SELECT -1, COALESCE(max(zone), 0), '' FROM z`)
	rows, err := c.QueryContext(ctx, text, args...)
	if err != nil {
		return z, err
	}
	defer rows.Close()
	read, first := map[int64]int{}, map[int64]string{}
	for rows.Next() {
		var zone, n int64
		var key string
		if err := rows.Scan(&zone, &n, &key); err != nil {
			return z, err
		}
		if zone < 0 {
			z.last = n
			continue
		}
		read[zone], first[zone] = int(n), key
		z.zones = append(z.zones, zone)
	}
	if err := rows.Err(); err != nil {
		return z, err
	}
	slices.SortFunc(z.zones, func(a, b int64) int {
		if p.before(a, b) {
			return -1
		}
		return 1
	})
	for _, zone := range z.zones {
		z.n, z.first = append(z.n, read[zone]), append(z.first, first[zone])
	}
	z.stopped = z.total() == limit
	return z, nil
}

// halves counts the matches zone by zone on two connections, each
// counting every other zone. Together they count one past the cap: half
// each for a term that matches many more, about as many in both; else as
// the sample shares them, with some to spare, so that a term whose matches gather in few zones is
// counted to the cap by one half alone. When a half stops early and the
// other does not make up the rest, it counts on from the zone it stopped
// in.
func (p *pgSearch) halves(ctx context.Context) (int, [2]zoneCounts, error) {
	var half [2]zoneCounts
	limit := [2]int{halfCap(), halfCap()}
	if p.matches < 3*pgCap/2 || min(p.shares[0], p.shares[1]) < 0.35 {
		for i := range limit {
			limit[i] = min(pgCap, int(float64(pgCap)*p.shares[i]*1.15)+1)
		}
		if limit[0]+limit[1] <= pgCap {
			limit[0], limit[1] = halfCap(), halfCap()
		}
	}
	err := p.both(ctx, func(ctx context.Context, c *sql.Conn) (err error) {
		half[0], err = p.countPass(ctx, c, p.clone(), 0, "", limit[0])
		return err
	}, func(ctx context.Context, c *sql.Conn) (err error) {
		half[1], err = p.countPass(ctx, c, p.clone(), 1, "", limit[1])
		return err
	})
	if err != nil {
		return 0, half, err
	}
	total := half[0].total() + half[1].total()
	for i, h := range half {
		if h.stopped && total < pgCap {
			counted := total - h.n[len(h.n)-1]
			more, err := p.countPass(ctx, p.conn, p.q, i, p.q.arg(h.zones[len(h.zones)-1]), pgCap-counted)
			if err != nil {
				return 0, half, err
			}
			total = counted + more.total()
		}
	}
	return total, half, nil
}

// firstPage finds the first need matches from what the halves counted. The
// zones read to their end hold the first matches in order; they are read
// again and sorted, up to the zone that fills the page. That zone, when it
// holds many matches, is walked in name order from its first match for the
// rest; or else the first zone a half stopped in, from its start.
func (p *pgSearch) firstPage(ctx context.Context, half [2]zoneCounts, need int) ([]string, error) {
	stop := int64(-1) // the first zone a half stopped in
	counts, first := map[int64]int{}, map[int64]string{}
	var zones []int64
	for _, h := range half {
		if h.stopped && (stop < 0 || p.before(h.zones[len(h.zones)-1], stop)) {
			stop = h.zones[len(h.zones)-1]
		}
		for i, zone := range h.zones {
			counts[zone], first[zone] = h.n[i], h.first[i]
			zones = append(zones, zone)
		}
	}
	slices.SortFunc(zones, func(a, b int64) int {
		if p.before(a, b) {
			return -1
		}
		return 1
	})
	var sorted []string
	walk, took := int64(-1), 0
	for _, zone := range zones {
		if took >= need {
			break
		}
		if zone == stop || counts[zone] > sortAtMost && took+counts[zone] > need {
			walk = zone
			break
		}
		sorted = append(sorted, strconv.FormatInt(zone, 10))
		took += counts[zone]
	}
	q := p.clone()
	var parts []string
	if len(sorted) > 0 {
		parts = append(parts, `(SELECT 0 AS part, x.seq, x.name_key, x.id FROM unnest(ARRAY[`+strings.Join(sorted, ", ")+
			`]::bigint[]) z(zone) CROSS JOIN LATERAL (SELECT cs.seq, cs.name_key, cs.id FROM customer_search cs
			WHERE cs.zone = z.zone AND `+p.cond+` OFFSET 0) x ORDER BY x.name_key `+p.dir+`, x.id `+p.dir+
			` LIMIT `+strconv.Itoa(need)+`)`)
	}
	if walk >= 0 {
		bound := p.walkBound(q, walk, half[0].last)
		if walk != stop {
			// A zone read to its end: the walk starts at its first match.
			bound += " AND cs.name_key " + map[bool]string{false: ">=", true: "<="}[p.desc] + " " +
				q.arg(first[walk]) + ` COLLATE "C"`
		}
		parts = append(parts, `(SELECT 1 AS part, cs.seq, cs.name_key, cs.id FROM customer_search cs WHERE cs.code = `+
			p.code+bound+` AND strpos(cs.search, `+p.term+`) > 0 AND `+p.tab+
			` ORDER BY cs.name_key `+p.dir+`, cs.id `+p.dir+` LIMIT `+strconv.Itoa(need)+`)`)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return p.seqs(ctx, p.conn, q, `SELECT seq FROM (`+strings.Join(parts, " UNION ALL ")+`) p
		ORDER BY part, name_key `+p.dir+`, id `+p.dir+` LIMIT `+strconv.Itoa(need))
}

// walkStart reads the customers of the first need matches among the first
// earlyWalk customers in name order; fewer when those hold fewer.
func (p *pgSearch) walkStart(ctx context.Context, c *sql.Conn, q *listQuery, need int) ([]*domain.Customer, error) {
	order := ` ORDER BY cs.name_key ` + p.dir + `, cs.id ` + p.dir
	text, args := p.s.bind(q, `SELECT `+customerColumns+` FROM (SELECT cs.seq FROM (SELECT cs.seq, cs.name_key, cs.id,
		cs.status, cs.search FROM customer_search cs WHERE cs.code = `+p.code+order+` LIMIT `+strconv.Itoa(earlyWalk)+`) cs
		WHERE strpos(cs.search, `+p.term+`) > 0 AND `+p.tab+order+` LIMIT `+strconv.Itoa(need)+`) p
		JOIN customers c ON c.seq = p.seq JOIN subaccounts s ON s.id = c.subaccount_id
		ORDER BY c.name_key `+p.dir+`, c.id `+p.dir)
	rows, err := c.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.Customer
	for rows.Next() {
		cu, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, cu)
	}
	return out, rows.Err()
}

// zonedPage finds the first need matches after cur zone by zone, from the
// cursor's zone on; when the pass stops at the cap in a zone before the
// page is full, a walk goes on from that zone.
func (p *pgSearch) zonedPage(ctx context.Context, c *sql.Conn, q *listQuery, cur *cursorArgs, need int) ([]string, error) {
	r, err := p.zonedPass(ctx, c, q, -1, cur, pgCap, need)
	if err != nil {
		return nil, err
	}
	var seqs []string
	for _, row := range r.rows {
		if r.total == pgCap && !p.before(row.zone, r.edge) {
			break
		}
		seqs = append(seqs, row.seq)
	}
	if len(seqs) < need && r.total == pgCap {
		q := &listQuery{engine: q.engine, args: slices.Clone(q.args), sub: q.sub, filters: q.filters}
		bound := p.walkBound(q, r.edge, r.last)
		if cur != nil {
			bound += fmt.Sprintf(" AND (cs.name_key, cs.id) %s (%s, %s)", p.cmp(), cur.key, cur.id)
		}
		more, err := p.seqs(ctx, c, q, `SELECT cs.seq FROM customer_search cs WHERE cs.code = `+p.code+bound+
			` AND strpos(cs.search, `+p.term+`) > 0 AND `+p.tab+` ORDER BY cs.name_key `+p.dir+`, cs.id `+p.dir+
			` LIMIT `+strconv.Itoa(need-len(seqs)))
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, more...)
	}
	return seqs, nil
}

// walkBound is the condition on customer_search cs of a walk in the name
// index from the start of zone (from its end, sorted backwards; last is
// the subaccount's last zone).
func (p *pgSearch) walkBound(q *listQuery, zone, last int64) string {
	switch {
	case !p.desc:
		return ` AND (cs.name_key, cs.id) >= (SELECT first_key, first_id FROM customer_search_zones WHERE zone = ` +
			q.arg(zone) + `)`
	case zone < last:
		return ` AND (cs.name_key, cs.id) < (SELECT first_key, first_id FROM customer_search_zones WHERE zone > ` +
			q.arg(zone) + ` ORDER BY zone LIMIT 1)`
	}
	return ""
}

// seqs runs a statement that answers seqs.
func (p *pgSearch) seqs(ctx context.Context, c *sql.Conn, q *listQuery, sqlText string) ([]string, error) {
	text, args := p.s.bind(q, sqlText)
	seqs, err := scanInts(c.QueryContext(ctx, text, args...))
	return decimals(seqs), err
}

// other finds a page of a search in another order, or with filters beside
// the tab, and the total. Without filters it is counted as sorted by name;
// with them, in one pass over the matches joined with their customers. A
// page of few matches is sorted; many are walked to in the sort index.
func (p *pgSearch) other(ctx context.Context, col, after string, walk func(string) ([]*domain.Customer, error),
	need int) ([]*domain.Customer, int, error) {
	var total int
	var err error
	join := `customer_search cs JOIN customers c ON c.seq = cs.seq WHERE cs.code + 0 = ` + p.code + ` AND ` + p.cond +
		` AND ` + p.q.where(nil)
	switch {
	case len(p.q.filters) > 1:
		text, args := p.s.bind(p.q, `SELECT count(*) FROM (SELECT 1 FROM `+join+` LIMIT `+strconv.Itoa(pgCap)+`) x`)
		err = p.conn.QueryRowContext(ctx, text, args...).Scan(&total)
	case p.rare():
		var r passResult
		r, err = p.rarePass(ctx, p.conn, p.q, nil, 0)
		total = r.total
	default:
		total, _, err = p.halves(ctx)
	}
	if err != nil || total == 0 {
		return []*domain.Customer{}, total, err
	}
	if total >= fewMatches {
		data, err := walk(" AND strpos(c.search, " + p.term + ") > 0")
		return data, total, err
	}
	seqs, err := p.seqs(ctx, p.conn, p.q, `WITH m AS MATERIALIZED (SELECT c.seq, c.`+col+` AS k, c.id AS i FROM `+
		join+after+`) SELECT seq FROM m ORDER BY k `+p.dir+`, i `+p.dir+` LIMIT `+strconv.Itoa(need))
	if err != nil {
		return nil, 0, err
	}
	data, err := p.s.rowsBySeq(ctx, p.q, seqs, col, p.dir)
	return data, total, err
}

// both runs a and b at once, a on the search's connection and b on
// another, and returns the first error.
func (p *pgSearch) both(ctx context.Context, a, b func(context.Context, *sql.Conn) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 1)
	go func() {
		c, err := p.s.searchConn(ctx)
		if err == nil {
			err = b(ctx, c)
			c.Close()
		}
		if err != nil {
			cancel()
		}
		errs <- err
	}()
	err := a(ctx, p.conn)
	if err != nil {
		cancel()
	}
	if errB := <-errs; err == nil {
		err = errB
	}
	return err
}

// searchSettings keep PostgreSQL from compiling a search's statements
// (JIT takes seconds, for statements that take milliseconds, whenever the
// planner overestimates a term's matches) and from starting workers for
// them (the search runs its own statements side by side); and they let it
// ask for many of the pages a bitmap scan will read at once: those not
// read for a while are no longer cached, and come several times faster
// together than one by one. The settings stay with the connection, which
// suits the other statements as well.
const searchSettings = `SELECT set_config('jit', 'off', false), set_config('max_parallel_workers_per_gather', '0', false),
	set_config('effective_io_concurrency', '64', false)`

// A search holds its connection while it takes others from the pool: up to
// two at once while it runs statements beside its own (walkStart, and the
// other half of a count in both), and one when it reads its page's rows
// (rowsBySeq). Had every connection of the pool gone to searches waiting
// for another, none would ever return one: fifty operators searching at
// once stopped every statement of the process, wallet operations
// included. So at most searchSlotsFor(pool) searches run at once, together
// needing no more than the pool less a reserve for everything else; the
// rest wait for their turn, which on a database of a few cores costs little,
// as search statements are busy on its CPUs anyway.

// searchConnsEach is the most connections a search holds at once.
const searchConnsEach = 3

// searchSlotsFor is how many searches may run at once on a pool of conns
// connections: what leaves a quarter of the pool to other work.
func searchSlotsFor(conns int) int { return max(1, (conns-conns/4)/searchConnsEach) }

// searchConn returns a connection of the readers for a search's
// statements; Close returns it.
func (s *Store) searchConn(ctx context.Context) (*sql.Conn, error) {
	c, err := s.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.ExecContext(ctx, searchSettings); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// trigramPatterns returns the LIKE patterns the trigram index is asked
// for, and the share of the sample's customers that have all their
// trigrams (0 without a sample).
//
// The index splits a text into words of letters and digits, and knows
// each word's trigrams, with two spaces before the word and one after it.
// A pattern is a part of the term that makes one or two of them: three
// letters or digits ("abc"), two that end a word and the character after
// ("me." of "@me.com": "me "), or one or two that start a word and the
// character before ("-7" of "rm-7": "  7"). Each trigram the index looks
// up costs it a pass over the rows that have it, and each row that has
// them all is then checked for the whole term; the sample says which
// patterns, at most three, cost least together. Without a sample they are
// the start, the end and the middle of the term. A term without letters
// or digits is looked up whole.
func trigramPatterns(term string, sample *searchSample) ([]string, float64) {
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	runes := []rune(term)
	var parts []termPart
	add := func(from, to int, grams ...string) {
		parts = append(parts, termPart{from: from, to: to, text: string(runes[from:to]), grams: grams})
	}
	for a := 0; a < len(runes); a++ {
		if !word(runes[a]) || a > 0 && word(runes[a-1]) {
			continue
		}
		b := a
		for b < len(runes) && word(runes[b]) {
			b++
		}
		w := string(runes[a:b])
		for i := a; i+3 <= b; i++ {
			add(i, i+3, string(runes[i:i+3]))
		}
		if b < len(runes) && b-a >= 2 {
			add(b-2, b+1, string(runes[b-2:b])+" ")
		}
		if a > 0 {
			first := []rune(w)[:1]
			add(a-1, a+1, "  "+string(first))
			if b-a >= 2 {
				add(a-1, a+2, "  "+string(first), " "+string(runes[a:a+2]))
			}
		}
	}
	if len(parts) == 0 {
		return []string{"%" + escapeLike(term) + "%"}, 0
	}
	var chosen []termPart
	share := 0.0
	if sample == nil || len(sample.texts) < 100 {
		chosen = append(chosen, parts[0])
		if len(parts) > 1 {
			chosen = append(chosen, parts[len(parts)-1])
		}
		if c := parts[len(parts)/2]; !c.overlaps(chosen) {
			chosen = append(chosen, c)
		}
	} else {
		// The eight whose rarest trigram is rarest, in threes at most.
		for i := range parts {
			parts[i].share = 1
			for _, g := range parts[i].grams {
				parts[i].share = min(parts[i].share, sample.share(g))
			}
		}
		slices.SortStableFunc(parts, func(a, b termPart) int { return cmp.Compare(a.share, b.share) })
		parts = parts[:min(8, len(parts))]
		have := map[string][]uint64{} // which sampled texts have each trigram
		for _, c := range parts {
			for _, g := range c.grams {
				if have[g] == nil {
					have[g] = sample.bits(g)
				}
			}
		}
		best := -1.0
		for i := range parts {
			for j := i; j < len(parts); j++ {
				for k := j; k < len(parts); k++ {
					set := slices.CompactFunc([]termPart{parts[i], parts[j], parts[k]},
						func(a, b termPart) bool { return a.from == b.from && a.to == b.to })
					all := slices.Clone(have[set[0].grams[0]])
					read, seen := 0.0, map[string]bool{}
					for _, c := range set {
						for _, g := range c.grams {
							if !seen[g] {
								seen[g] = true
								read += sample.share(g) / 50
								for w := range all {
									all[w] &= have[g][w]
								}
							}
						}
					}
					n := 0
					for _, w := range all {
						n += bits.OnesCount64(w)
					}
					found := max(float64(n), 0.5) / float64(len(sample.texts))
					if c := read + found; best < 0 || c < best {
						best, chosen, share = c, set, found
					}
				}
			}
		}
	}
	patterns := make([]string, len(chosen))
	for i, c := range chosen {
		patterns[i] = "%" + escapeLike(c.text) + "%"
	}
	return patterns, share
}

// termPart is a part of a term, runes from to to, that makes trigrams of
// the index, and the share of sampled customers that have the rarest.
type termPart struct {
	from, to int
	text     string
	grams    []string
	share    float64
}

// overlaps reports whether c shares a character with one of others.
func (c termPart) overlaps(others []termPart) bool {
	for _, o := range others {
		if c.from < o.to && o.from < c.to {
			return true
		}
	}
	return false
}

// searchSample is a sample of a subaccount's customers, for estimates.
type searchSample struct {
	rows      int // the customers each sampled one stands for
	customers int // in all subaccounts
	texts     []string
	status    []string
	zone      []int64
	// grams lists, for each trigram of the index, the sampled texts that
	// have it, in order.
	grams map[string][]int32
}

// share is the share of sampled texts that have a trigram, or a guess below
// any sampled one when none has it.
func (sm *searchSample) share(gram string) float64 {
	if n := len(sm.grams[gram]); n > 0 {
		return float64(n) / float64(len(sm.texts))
	}
	return 0.5 / float64(len(sm.texts))
}

// bits returns which sampled texts have a trigram, a bit for each.
func (sm *searchSample) bits(gram string) []uint64 {
	out := make([]uint64, (len(sm.texts)+63)/64)
	for _, t := range sm.grams[gram] {
		out[t/64] |= 1 << (t % 64)
	}
	return out
}

// indexGrams returns the trigrams the index keeps for a text, each once:
// those of its words of letters and digits, with two spaces before each
// word and one after.
func indexGrams(text string) []string {
	seen := map[string]bool{}
	var out []string
	word := []rune{' ', ' '}
	flush := func() {
		if len(word) > 2 {
			word = append(word, ' ')
			for i := 0; i+3 <= len(word); i++ {
				if g := string(word[i : i+3]); !seen[g] {
					seen[g] = true
					out = append(out, g)
				}
			}
		}
		word = word[:2]
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			word = append(word, r)
		} else {
			flush()
		}
	}
	flush()
	return out
}

// estimate returns how many customers of the tab ("" or "all" for all but
// the deleted) the term matches; 0 without a sample.
func (sm *searchSample) estimate(term, tab string) int {
	if sm == nil {
		return 0
	}
	hits := 0
	for i, text := range sm.texts {
		if strings.Contains(text, term) && (sm.status[i] == tab || sm.status[i] != "deleted" && (tab == "" || tab == "all")) {
			hits++
		}
	}
	return hits * sm.rows
}

// parityShares estimates the share of the term's matches in the zones of
// each parity; half and half without a sample.
func (sm *searchSample) parityShares(term string) [2]float64 {
	hits := [2]float64{1, 1}
	if sm != nil {
		for i, text := range sm.texts {
			if strings.Contains(text, term) {
				hits[sm.zone[i]%2]++
			}
		}
	}
	return [2]float64{hits[0] / (hits[0] + hits[1]), hits[1] / (hits[0] + hits[1])}
}

// denseStart reports whether a walk from the start of the name order (its
// end, sorted backwards) finds need matches within earlyWalk customers, by
// the sample's rows of the first zone.
func (sm *searchSample) denseStart(term string, desc bool, need int) bool {
	if sm == nil || len(sm.texts) == 0 {
		return false
	}
	first := slices.Min(sm.zone)
	if desc {
		first = slices.Max(sm.zone)
	}
	rows, hits := 0, 0
	for i, text := range sm.texts {
		if sm.zone[i] == first {
			rows++
			if strings.Contains(text, term) {
				hits++
			}
		}
	}
	return hits >= 3 && need*rows <= earlyWalk*hits
}

// searchSampling holds a database's samples, drawn at once for every
// subaccount: customers picked at random by seq. (Pages picked at random
// would hold runs of the same few names, the rows lying in name order, and
// miss a name altogether.)
type searchSampling struct {
	at      time.Time
	bySub   map[string]*searchSample // "" holds the sample of all
	drawing bool
}

// sampleSize is how many customers a sampling picks; they are picked
// again after sampleTTL, in the background.
var (
	sampleSize = 6000
	sampleTTL  = 10 * time.Minute
)

// searchSamples holds the samplings of the stores in the process, by DSN.
var searchSamples = struct {
	sync.Mutex
	m map[string]*searchSampling
}{m: map[string]*searchSampling{}}

// searchSample returns the sample of a subaccount, or of every subaccount
// for ""; nil when it has none.
// The first call draws the database's samples; later ones draw them again
// in the background when they are old, using the old ones meanwhile.
func (s *Store) searchSample(ctx context.Context, subaccountID string) *searchSample {
	ss := &searchSamples
	ss.Lock()
	cur, ok := ss.m[s.dsn]
	stale := ok && time.Since(cur.at) >= sampleTTL && !cur.drawing
	if stale {
		cur.drawing = true
	}
	ss.Unlock()
	if ok && !stale {
		return cur.bySub[subaccountID]
	}
	draw := func(ctx context.Context) *searchSampling {
		fresh, err := s.drawSamples(ctx)
		ss.Lock()
		defer ss.Unlock()
		if err != nil {
			if ok {
				cur.drawing = false
			}
			return cur
		}
		if len(ss.m) >= 100 {
			clear(ss.m)
		}
		ss.m[s.dsn] = fresh
		return fresh
	}
	if stale {
		go draw(context.WithoutCancel(ctx))
		return cur.bySub[subaccountID]
	}
	if got := draw(ctx); got != nil {
		return got.bySub[subaccountID]
	}
	return nil
}

// drawSamples picks customers of every subaccount at random by seq.
func (s *Store) drawSamples(ctx context.Context) (*searchSampling, error) {
	sp := &searchSampling{at: time.Now(), bySub: map[string]*searchSample{}}
	var maxSeq int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(max(seq), 0) FROM customer_search`).Scan(&maxSeq); err != nil {
		return nil, err
	}
	n := min(int64(sampleSize), maxSeq)
	seqs := make([]int64, n)
	for i := range seqs {
		// All of a table small enough, without repeats.
		seqs[i] = int64(i) + 1
		if n < maxSeq {
			seqs[i] = 1 + rand.Int64N(maxSeq)
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT k.subaccount_id, cs.status, cs.zone, cs.search FROM customer_search cs
		JOIN customer_search_codes k ON k.code = cs.code WHERE cs.seq = ANY($1)`, seqs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sub, status, text string
		var zone int64
		if err := rows.Scan(&sub, &status, &zone, &text); err != nil {
			return nil, err
		}
		sp.add(sub, status, zone, text, int(max(1, maxSeq/max(n, 1))), int(maxSeq))
	}
	return sp, rows.Err()
}

// add puts a sampled customer into its subaccount's sample and into the
// sample of all, kept under "". Each sampled customer stands for rows of
// the customers in all subaccounts.
func (sp *searchSampling) add(sub, status string, zone int64, text string, rows, customers int) {
	grams := indexGrams(text)
	for _, key := range []string{sub, ""} {
		sm := sp.bySub[key]
		if sm == nil {
			sm = &searchSample{rows: rows, customers: customers, grams: map[string][]int32{}}
			sp.bySub[key] = sm
		}
		for _, g := range grams {
			sm.grams[g] = append(sm.grams[g], int32(len(sm.texts)))
		}
		sm.texts, sm.status, sm.zone = append(sm.texts, text), append(sm.status, status), append(sm.zone, zone)
	}
}

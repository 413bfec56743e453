package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// sortColumns maps a list sort to its column; every one has an index
// (subaccount_id, column, id) and (subaccount_id, status, column, id).
var sortColumns = map[string]string{
	"name": "name_key", "joined": "joined_at", "last_active": "last_active_at",
	"wallet": "wallet_balance", "rides": "rides_count",
}

// fewMatches is where a filtered list changes plan. Below it, the matches
// are found through the search or filter indexes and sorted; above it,
// walking the sort index and testing each row finds a page sooner (about
// 50 × N / matches rows). The total, counted first, says which applies.
// Filters whose index holds the sort key sort more (fewAtMost).
const fewMatches = 5000

// searchWalk is how many rows of the sort index a search with many
// matches reads for a page, before it finds the matches through the search
// index and sorts them.
const searchWalk = 2000

// notDeleted is the "all" tab. Naming the four statuses, rather than
// excluding the fifth, lets both engines seek the status indexes and count
// from them alone.
const notDeleted = "('new', 'active', 'blocked', 'identity_required')"

// listCursor is the position after the last row of a page.
type listCursor struct {
	Sort string `json:"s"`
	Key  string `json:"k"` // the sort column's value; integers in decimal
	ID   string `json:"i"`
}

// query builds one SQL statement with numbered arguments.
type query struct {
	where []string
	args  []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) and(cond string) { q.where = append(q.where, cond) }

func (q *query) cond() string { return strings.Join(q.where, " AND ") }

func (q *query) clone() query {
	return query{where: append([]string(nil), q.where...), args: append([]any(nil), q.args...)}
}

func timeRange(q *query, col string, from, to *time.Time) {
	if from != nil {
		q.and(col + " >= " + q.arg(ts(*from)))
	}
	if to != nil {
		q.and(col + " < " + q.arg(ts(*to)))
	}
}

// listQuery builds the statements of one list request, with numbered
// arguments shared by all of them.
type listQuery struct {
	engine  Engine
	args    []any
	sub     string   // the subaccount id's placeholder
	filters []filter // status, region, device OS and time ranges
	// SQLite: the statuses' codes in the search index's keys, lo to hi.
	statusLo, statusHi int
}

// searchStatusCodes are the statuses' codes in the search index's keys.
var searchStatusCodes = map[string]int{"new": 0, "active": 1, "blocked": 2, "identity_required": 3, "deleted": 4}

// scope is the range of the search index's keys of the subaccount, and
// the tab's statuses in them.
func (q *listQuery) scope() string {
	code := "(SELECT code FROM customer_numbers WHERE subaccount_id = " + q.sub + ")"
	return fmt.Sprintf("f.rowid >= (%s << %d) AND f.rowid <= ((%s << %d) | %d) AND %s", code, searchCodeShift,
		code, searchCodeShift, int64(1)<<searchCodeShift-1, q.statusBits())
}

// statusBits tests the status in a search index key f.rowid.
func (q *listQuery) statusBits() string {
	bits := fmt.Sprintf("((f.rowid >> %d) & %d)", searchStatusShift, searchStatusMask)
	if q.statusHi == q.statusLo+1 {
		return fmt.Sprintf("%s = %d", bits, q.statusLo)
	}
	return fmt.Sprintf("%s >= %d AND %s < %d", bits, q.statusLo, bits, q.statusHi)
}

// ftsMatches are the rows of customers c that match m, through the search
// index f, in the subaccount and tab.
func (q *listQuery) ftsMatches(m *match) string {
	return fmt.Sprintf(`customer_search f CROSS JOIN customers c ON c.seq = (f.rowid & %d)
		WHERE f.customer_search MATCH %s AND %s AND %s%s`, searchSeqMask, m.fts, q.scope(), q.where(nil), m.verified())
}

// filter is a condition on one column, "c.<col> <test>".
type filter struct {
	col, test string
	// byCursor: a bound of the sort column on the side of the page's cursor,
	// which the cursor implies. Walking with both bounds and the cursor on
	// one column, SQLite's planner skip-scans the index and sorts the whole
	// range (200 ms at 1M customers); a walk leaves this one to the cursor.
	byCursor bool
}

func (q *listQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// where renders the subaccount and the filters. On SQLite, filters on
// columns outside keep are written +c.col, which the planner cannot serve
// from an index: that is how a statement chooses its index there.
func (q *listQuery) where(keep func(col string) bool) string {
	prefix := func(f filter) string {
		if q.engine == SQLite && keep != nil && (!keep(f.col) || f.byCursor) {
			return "+c."
		}
		return "c."
	}
	parts := []string{prefix(filter{col: "subaccount_id"}) + "subaccount_id = " + q.sub}
	for _, f := range q.filters {
		parts = append(parts, prefix(f)+f.col+" "+f.test)
	}
	return strings.Join(parts, " AND ")
}

// CustomerList returns one page of a subaccount's customers. Search finds
// a substring of at least 3 characters in the name, email, phone, number or
// external id; shorter terms match prefixes. The total is exact up to
// domain.SearchTotalCap and capped beyond it.
func (s *Store) CustomerList(ctx context.Context, f domain.CustomerFilter) (domain.CustomerPage, error) {
	page := domain.CustomerPage{Data: []*domain.Customer{}}
	sortKey, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	if sortKey == "" {
		sortKey = "name"
	}
	col, ok := sortColumns[sortKey]
	if !ok {
		return page, fieldErr("sort", "must be one of name, joined, last_active, wallet, rides, with - to reverse")
	}
	q := &listQuery{engine: s.engine}
	q.sub = q.arg(f.SubaccountID)
	oneStatus := true
	switch f.Status {
	case "", "all":
		q.filters = append(q.filters, filter{col: "status", test: "IN " + notDeleted})
		oneStatus = false
		q.statusLo, q.statusHi = 0, searchStatusCodes["deleted"]
	case "new", "active", "blocked", "identity_required", "deleted":
		q.filters = append(q.filters, filter{col: "status", test: "= " + q.arg(f.Status)})
		q.statusLo = searchStatusCodes[f.Status]
		q.statusHi = q.statusLo + 1
	default:
		return page, fieldErr("status", "must be one of all, active, new, blocked, identity_required, deleted")
	}
	if f.Region != "" {
		q.filters = append(q.filters, filter{col: "region", test: "= " + q.arg(f.Region)})
	}
	if f.DeviceOS != "" {
		q.filters = append(q.filters, filter{col: "device_os", test: "= " + q.arg(f.DeviceOS)})
	}
	q.timeRange("joined_at", f.JoinedFrom, f.JoinedTo)
	q.timeRange("last_active_at", f.ActiveFrom, f.ActiveTo)
	term := domain.SearchTerm(f.Q)
	var est *searchEstimates
	if s.engine == SQLite && utf8.RuneCountInString(term) >= 3 {
		est = s.searchEstimates(ctx)
	}
	m := q.match(term, est.shares())
	if m != nil && m.verify {
		// The rarest trigrams find few rows; or checking each costs more
		// than looking up the whole term.
		most := est.checkAtMost(f.SubaccountID, term)
		var n int
		err := s.listRow(ctx, q, `SELECT count(*) FROM (SELECT 1 FROM customer_search f WHERE f.customer_search MATCH `+
			m.fts+` AND `+q.scope()+` LIMIT `+strconv.Itoa(most+1)+`)`).Scan(&n)
		if err != nil {
			return page, translate(err, "customer")
		}
		if n > most {
			m.fts, m.verify = m.whole, false
		}
	}
	// The sort index serves the subaccount, one status and a range of the
	// sort column; anything else is tested row by row while walking it.
	// On SQLite no index leads with the status before the wallet balance
	// (see migration 00009): a tab sorted by wallet walks the balance order
	// and skips other tabs' customers by the status the index holds.
	statusLeads := oneStatus && !(s.engine == SQLite && col == "wallet_balance")
	walkable := func(c string) bool { return c == "subaccount_id" || c == col || c == "status" && statusLeads }
	// Filtered lists may match few rows, so few that walking the sort index
	// would read most of the subaccount to fill a page. The "all" tab is
	// not one: it leaves out only the deleted.
	filtered := m != nil
	for _, fl := range q.filters {
		filtered = filtered || fl.col != "status" && fl.col != col
	}

	limit := clampLimit(f.Limit)
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	var after string
	var cur *cursorArgs
	if f.Cursor != "" {
		c, err := decodeListCursor(f.Cursor, f.Sort)
		if err != nil {
			return page, err
		}
		var key any = c.Key
		if col != "name_key" {
			n, err := strconv.ParseInt(c.Key, 10, 64)
			if err != nil {
				return page, fieldErr("cursor", "is not a cursor this server gave out")
			}
			key = n
		}
		cur = &cursorArgs{key: q.arg(key), id: q.arg(c.ID), at: c}
		after = fmt.Sprintf(" AND (c.%s, c.id) %s (%s, %s)", col, cmp, cur.key, cur.id)
		q.markByCursor(col, desc)
	}
	sw := s.sortWalkOf(sortKey, statusLeads)
	walk := func(extra string) ([]*domain.Customer, error) {
		return s.listRows(ctx, q, `SELECT `+customerColumns+` FROM `+sw.from+`
			JOIN subaccounts s ON s.id = c.subaccount_id WHERE `+sw.where(q, walkable)+sw.after(cur, cmp)+extra+
			sw.order(dir)+` LIMIT `+strconv.Itoa(limit+1))
	}

	var err error
	switch {
	case m == nil && !filtered && f.JoinedFrom == nil && f.JoinedTo == nil && f.ActiveFrom == nil && f.ActiveTo == nil:
		// An unfiltered tab: the counters give the total at once.
		var sum domain.CustomerSummary
		if sum, err = s.CustomerSummary(ctx, &domain.Subaccount{ID: f.SubaccountID}); err == nil {
			page.Total = int(tabCount(sum, f.Status))
			page.Data, err = walk("")
		}
	case m == nil:
		// Filters: counted from the filter indexes alone, up to the cap.
		if page.Total, err = s.listCount(ctx, q, nil, capped); err != nil || page.Total == 0 {
			break
		}
		if filtered && page.Total < q.fewAtMost(col) {
			page.Data, err = s.listRows(ctx, q, s.fewQuery(q, after, cur, col, dir, cmp, limit))
		} else {
			page.Data, err = walk("")
		}
	case s.engine == Postgres && !m.short:
		page.Data, page.Total, err = s.searchPostgres(ctx, q, f, col, desc, cur, after, walk, limit)
	case m.fts != "" && col == "name_key" && len(q.filters) == 1:
		page.Data, page.Total, err = s.searchByName(ctx, q, m, walkable, cur, desc, limit)
	default:
		page.Data, page.Total, err = s.searchPage(ctx, q, m, walkable, walk, sw, after, cur, col, dir, cmp, limit)
	}
	if err != nil {
		return page, translate(err, "customer")
	}
	if page.Total > domain.SearchTotalCap {
		page.Total, page.TotalCapped = domain.SearchTotalCap, true
	}
	if len(page.Data) > limit {
		page.Data = page.Data[:limit]
		last := page.Data[limit-1]
		page.NextCursor = encodeListCursor(f.Sort, sortValue(last, sortKey), last.ID)
	}
	return page, nil
}

// walkIndex names, on SQLite, the index a walk reads in order: the sort's,
// or the tab's and the sort's when the status leads an index of the sort
// (every sort but the wallet's, see migration 00009). The planner finds it
// alone for a page of many rows, but for one to three rows it prefers to
// sort all of a subaccount's matches: seconds at a million customers
// instead of a millisecond.
func walkIndex(engine Engine, sortKey string, statusLeads bool) string {
	if engine != SQLite {
		return ""
	}
	suffix := map[string]string{"last_active": "active"}[sortKey]
	if suffix == "" {
		suffix = sortKey
	}
	if statusLeads {
		return " INDEXED BY customers_status_" + suffix
	}
	return " INDEXED BY customers_by_" + suffix
}

// verifyAtMost is the most rows a search checks one by one for its term,
// having found them through the term's rare part.
const verifyAtMost = 2000

// cursorArgs are the placeholders of a cursor's sort key and id, and the
// cursor.
type cursorArgs struct {
	key, id string
	at      listCursor
}

// searchPass is the most matches a search reads in one pass to sort a page
// of them; more are dense enough to walk to.
const searchPass = 30000

// searchPage finds a page of a search and the total.
//
// Many matches are usually spread over the sort order, and a short walk of
// the sort index finds a page; the total is then counted up to the cap.
// When the walk finds too few, the matches gather in one place of the sort
// order, far from the cursor (a first name, sorted by name), or there are
// few of them: one pass over the matches then counts them and sorts a page.
func (s *Store) searchPage(ctx context.Context, q *listQuery, m *match, walkable func(string) bool,
	walk func(string) ([]*domain.Customer, error), sw sortWalk, after string, cur *cursorArgs, col, dir, cmp string,
	limit int) ([]*domain.Customer, int, error) {
	// The walk ends at the searchWalk-th row, found in the sort index alone.
	var end string
	var k, id any
	err := s.listRow(ctx, q, `SELECT `+sw.key+`, `+sw.id+` FROM `+sw.from+` WHERE `+sw.where(q, walkable)+
		sw.after(cur, cmp)+sw.order(dir)+` LIMIT 1 OFFSET `+strconv.Itoa(searchWalk-1)).Scan(&k, &id)
	switch {
	case err == sql.ErrNoRows: // the rest is shorter than a walk
	case err != nil:
		return nil, 0, err
	default:
		end = fmt.Sprintf(" AND (%s, %s) %s (%s, %s)", sw.key, sw.id, map[string]string{">": "<=", "<": ">="}[cmp],
			q.arg(k), q.arg(id))
	}
	data, err := walk(end + " AND " + m.residual)
	if err != nil {
		return nil, 0, err
	}
	if len(data) > limit || end == "" {
		n, err := s.listCount(ctx, q, m, capped)
		return data, n, err
	}
	// The walk found too few: how many matches are there? SQLite's search
	// index counts past the cap cheaply; elsewhere the count stops there.
	total, err := s.listCount(ctx, q, m, searchPass+1)
	if err != nil {
		return nil, 0, err
	}
	exact := total < capped || m.fts != "" && len(q.filters) == 1 && !m.verify
	switch {
	case total == 0:
		return []*domain.Customer{}, 0, nil
	case m.short:
		data, err = s.shortPage(ctx, q, m, walkable, after, col, dir, limit)
		return data, total, err
	case exact && total > searchPass:
		// So many that they cannot be far: walk on.
		data, err = walk(" AND " + m.residual)
		return data, total, err
	}
	src := `customers c WHERE ` + q.where(nil) + ` AND ` + m.residual
	if m.fts != "" {
		src = q.ftsMatches(m)
	}
	// One pass over the matches reads their sort keys and sorts a page. Past
	// the cap the count goes on in the same pass, up to searchPass; beyond
	// that, the matches are many enough to walk to.
	from := ""
	if cur != nil {
		from = fmt.Sprintf(" WHERE (k, i) %s (%s, %s)", cmp, cur.key, cur.id)
	}
	pass := `SELECT 0, c.seq FROM ` + src + after + ` ORDER BY ` + plusSQLite(s) + `c.` + col + ` ` + dir + `, c.id ` + dir +
		` LIMIT ` + strconv.Itoa(limit+1)
	// PostgreSQL gets the matches apart from the order and the limit, or it
	// may walk the sort index for them: seconds for a rare term.
	if !exact || s.engine == Postgres {
		pass = `WITH m AS MATERIALIZED (SELECT c.seq, c.` + col + ` AS k, c.id AS i FROM ` + src +
			` LIMIT ` + strconv.Itoa(searchPass+1) + `)
			SELECT n.total, p.seq FROM (SELECT count(*) AS total FROM m) n
			LEFT JOIN (SELECT seq, k, i FROM m` + from + ` ORDER BY k ` + dir + `, i ` + dir + ` LIMIT ` +
			strconv.Itoa(limit+1) + `) p ON 1 = 1 ORDER BY p.k ` + dir + `, p.i ` + dir
	}
	rows, err := s.listSelect(ctx, q, pass)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var seqs []string
	for rows.Next() {
		var n int
		var seq sql.NullInt64
		if err := rows.Scan(&n, &seq); err != nil {
			return nil, 0, err
		}
		if !exact {
			total = n
		}
		if seq.Valid {
			seqs = append(seqs, strconv.FormatInt(seq.Int64, 10))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if total > searchPass {
		data, err = walk(" AND " + m.residual)
		return data, total, err
	}
	data, err = s.rowsBySeq(ctx, q, seqs, col, dir)
	return data, total, err
}

// rowsBySeq reads a page's rows, in the page's order; the unary + keeps
// SQLite's sort indexes out.
func (s *Store) rowsBySeq(ctx context.Context, q *listQuery, seqs []string, col, dir string) ([]*domain.Customer, error) {
	if len(seqs) == 0 {
		return []*domain.Customer{}, nil
	}
	return s.listRows(ctx, q, `SELECT `+customerColumns+` FROM customers c
		JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.seq IN (`+strings.Join(seqs, ", ")+`)
		ORDER BY `+plusSQLite(s)+`c.`+col+` `+dir+`, c.id `+dir)
}

// shortPage finds a page of a short term's matches: a page of the names
// that start with it, from their own stretch of the name index, merged with
// the emails and number that match where the name does not.
func (s *Store) shortPage(ctx context.Context, q *listQuery, m *match, walkable func(string) bool,
	after, col, dir string, limit int) ([]*domain.Customer, error) {
	n := strconv.Itoa(limit + 1)
	subOnly := func(c string) bool { return c == "subaccount_id" }
	var arms []string
	for i, part := range m.parts {
		where, order := q.where(walkable), `c.`+col
		if i > 0 {
			// From the email or number index; the unary + keeps SQLite
			// from the others.
			where, order = q.where(subOnly), plusSQLite(s)+`c.`+col
			for _, earlier := range m.parts[:i] {
				where += " AND NOT " + earlier
			}
		}
		arm := fmt.Sprintf(`SELECT c.seq, c.%s AS k, c.id AS i FROM customers c WHERE %s AND %s%s`, col, where, part, after)
		if i > 0 && s.engine == Postgres {
			// Found apart from the order and the limit, as in searchPage.
			arm = `WITH m AS MATERIALIZED (` + arm + `) SELECT seq, k, i FROM m ORDER BY k ` + dir + `, i ` + dir
		} else {
			arm += ` ORDER BY ` + order + ` ` + dir + `, c.id ` + dir
		}
		arms = append(arms, fmt.Sprintf(`SELECT seq, k, i FROM (%s LIMIT %s) a%d`, arm, n, i))
	}
	seqs, err := scanInts(s.listSelect(ctx, q, `SELECT seq FROM (`+strings.Join(arms, " UNION ALL ")+`) u
		ORDER BY k `+dir+`, i `+dir+` LIMIT `+n))
	if err != nil {
		return nil, err
	}
	return s.rowsBySeq(ctx, q, decimals(seqs), col, dir)
}

// scanInts reads a result of one integer column, such as seqs or search
// index keys, and closes it.
func scanInts(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// decimals spells integers for an IN list.
func decimals(ns []int64) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.FormatInt(n, 10)
	}
	return out
}

// plusSQLite is the unary + that keeps SQLite from using an index for a
// column; PostgreSQL plans without it.
func plusSQLite(s *Store) string {
	if s.engine == SQLite {
		return "+"
	}
	return ""
}

// listSelect runs a list statement.
func (s *Store) listSelect(ctx context.Context, q *listQuery, sqlText string) (*sql.Rows, error) {
	text, args := s.bind(q, sqlText)
	return s.r.QueryContext(ctx, text, args...)
}

// listRows runs a page query.
func (s *Store) listRows(ctx context.Context, q *listQuery, sqlText string) ([]*domain.Customer, error) {
	out := []*domain.Customer{}
	text, args := s.bind(q, sqlText)
	rows, err := s.r.QueryContext(ctx, text, args...)
	if err != nil {
		return out, translate(err, "customer")
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, translate(rows.Err(), "customer")
}

// fewQuery finds the few rows that pass the filters through the filter
// indexes and sorts them, rather than walking the sort index past many rows
// that fail.
func (s *Store) fewQuery(q *listQuery, after string, cur *cursorArgs, col, dir, cmp string, limit int) string {
	order := ` ORDER BY c.` + col + ` ` + dir + `, c.id ` + dir
	page := ` LIMIT ` + strconv.Itoa(limit+1)
	if s.engine == Postgres {
		// Materialising the matches keeps the planner from walking the sort
		// index for a rare filter, which takes seconds instead of
		// milliseconds. The cursor applies to the matches, not in finding
		// them: the planner estimates one row past a cursor and would find
		// them through the sort index, reading each row for the filters.
		from := ""
		if cur != nil {
			from = fmt.Sprintf(" WHERE (k, id) %s (%s, %s)", cmp, cur.key, cur.id)
		}
		return `WITH m AS MATERIALIZED (SELECT c.seq, c.` + col + ` AS k, c.id FROM customers c WHERE ` +
			q.where(nil) + `),
			p AS (SELECT seq FROM m` + from + ` ORDER BY k ` + dir + `, id ` + dir + page + `)
			SELECT ` + customerColumns + ` FROM p JOIN customers c ON c.seq = p.seq
			JOIN subaccounts s ON s.id = c.subaccount_id` + order
	}
	// The keys are sorted alone, and only a page of rows read; the unary +
	// on the sort column keeps SQLite from walking its index.
	return `SELECT ` + customerColumns + ` FROM (SELECT c.seq FROM customers c` + q.indexedBy() + ` WHERE ` + q.where(nil) + after + `
		ORDER BY +c.` + col + ` ` + dir + `, c.id ` + dir + page + `) p
		CROSS JOIN customers c ON c.seq = p.seq JOIN subaccounts s ON s.id = c.subaccount_id` + order
}

// filterIndex names the index that finds a filtered list's matches: the
// region's, the device's, both's, or the join time's; "" for other
// filters. Each holds the filters and every sort key but the wallet balance
// (migrations 00008, and 00009 or 00010 for both), so that the matches are
// counted and sorted from its entries alone.
func (q *listQuery) filterIndex() string {
	has := map[string]bool{}
	for _, f := range q.filters {
		has[f.col] = true
	}
	switch {
	case has["region"] && has["device_os"]:
		return "customers_filter_region_os"
	case has["region"]:
		return "customers_filter_region"
	case has["device_os"]:
		return "customers_filter_os"
	case has["joined_at"]:
		return "customers_status_joined"
	}
	return ""
}

// indexedBy holds SQLite to the one filter index: its planner would
// otherwise take a time range's index for a region or device too, and read
// a row for each entry in the range.
func (q *listQuery) indexedBy() string {
	if idx := q.filterIndex(); q.engine == SQLite && idx != "" {
		return " INDEXED BY " + idx
	}
	return ""
}

// fewAtMost is how many matches a filtered list sorts rather than walk the
// sort index past the rest. From a filter index that holds the sort key,
// sorting costs an index entry a match; a walk reads a row (ten times more)
// for each one it passes, and where the filter goes with the sort order
// (recent joins, sorted by rides) it passes tens of thousands: every total
// counted exactly is few.
func (q *listQuery) fewAtMost(col string) int {
	if col != "wallet_balance" && q.filterIndex() != "" {
		return capped
	}
	return fewMatches
}

// capped is one past the cap of a total.
const capped = domain.SearchTotalCap + 1

// listCount counts the matches, up to one past the cap, or up to upTo
// where counting is cheap. Filters alone are counted from the filter
// indexes, without reading rows; search terms from the search index.
func (s *Store) listCount(ctx context.Context, q *listQuery, m *match, upTo int) (int, error) {
	count := func(from, where string, upTo int) (int, error) {
		var n int
		err := s.listRow(ctx, q, `SELECT count(*) FROM (SELECT 1 FROM `+from+` WHERE `+where+
			` LIMIT `+strconv.Itoa(upTo)+`) x`).Scan(&n)
		return n, err
	}
	switch {
	case m == nil:
		return count("customers c"+q.indexedBy(), q.where(nil), capped)
	case m.fts != "" && len(q.filters) == 1 && !m.verify:
		// The subaccount and the tab are a range of the index's keys: the
		// index counts alone, fast enough to count further than the cap.
		return count("customer_search f", "f.customer_search MATCH "+m.fts+" AND "+q.scope(), upTo)
	case m.fts != "":
		from, where, _ := strings.Cut(q.ftsMatches(m), " WHERE ")
		return count(from, where, capped)
	case !m.short:
		return count("customers c", q.where(nil)+" AND "+m.residual, capped)
	}
	// A short term matches a name, an email or a number; each is counted
	// from its own index, leaving out what an earlier one counted.
	// Past the cap the rest is not counted: CASE runs only the branch it
	// takes, on both engines.
	var sums []string
	for i, part := range m.parts {
		cond := part
		for _, earlier := range m.parts[:i] {
			cond += " AND NOT " + earlier
		}
		sums = append(sums, `(SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+q.where(nil)+" AND "+cond+
			` LIMIT `+strconv.Itoa(capped)+`) x)`)
	}
	var n int
	err := s.listRow(ctx, q, `SELECT CASE WHEN n > `+strconv.Itoa(domain.SearchTotalCap)+
		` THEN n ELSE n + `+strings.Join(sums[1:], " + ")+` END FROM (SELECT `+sums[0]+` AS n) x`).Scan(&n)
	return n, err
}

// match is how a search term selects customers.
type match struct {
	term     string // as domain.SearchTerm gives it
	residual string // a condition on one row of customers c
	fts      string // SQLite: the search index's MATCH argument, for three characters or more
	verify   bool   // fts matches more than the term: each row must pass residual too
	whole    string // with verify: the MATCH argument of the whole term
	short    bool
	parts    []string // a short term's conditions, one per index
}

// verified is the condition on a row of customers c that a match of the
// search index must also pass.
func (m *match) verified() string {
	if m.verify {
		return " AND " + m.residual
	}
	return ""
}

// match returns how term selects customers, or nil without a term. shares
// estimates how common trigrams are, on SQLite.
func (q *listQuery) match(term string, shares map[string]float64) *match {
	if term == "" {
		return nil
	}
	if utf8.RuneCountInString(term) >= 3 {
		like := q.arg("%" + escapeLike(term) + "%")
		if q.engine == Postgres {
			// PostgreSQL's LIKE escapes with a backslash by default; an
			// explicit ESCAPE clause would keep the trigram index from being
			// used.
			return &match{residual: "c.search LIKE " + like}
		}
		// The index looks up a long term's rarest trigrams
		// (search_trigrams.go), and each row found is checked for the term.
		phrase := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
		m := &match{term: term, residual: "c.search LIKE " + like + ` ESCAPE '\'`, fts: q.arg(phrase(term))}
		if rare := rareTrigrams(term, shares); rare != nil {
			for i, tg := range rare {
				rare[i] = phrase(tg)
			}
			m.whole, m.fts, m.verify = m.fts, q.arg(strings.Join(rare, " AND ")), true
		}
		return m
	}
	// Trigram indexes cannot serve one or two characters: match prefixes of
	// the name and email, and the customer number, through B-tree indexes.
	// A customer without an email matches on the name or number alone.
	lo, hi := q.arg(term), q.arg(term+"\U0010FFFF")
	m := &match{short: true, parts: []string{
		"(c.name_key >= " + lo + " AND c.name_key < " + hi + ")",
		"(c.email IS NOT NULL AND c.email >= " + lo + " AND c.email < " + hi + ")",
	}}
	if n, err := strconv.ParseInt(term, 10, 64); err == nil {
		m.parts = append(m.parts, "(c.customer_number = "+q.arg(n)+")")
	}
	// Walking a sort index, the row is tested as it is: the unary + keeps
	// SQLite from turning the OR into lookups in three other indexes.
	plus := ""
	if q.engine == SQLite {
		plus = "+"
	}
	m.residual = "(" + strings.ReplaceAll(strings.Join(m.parts, " OR "), "c.", plus+"c.") + ")"
	return m
}

// listRow runs a list statement that answers one row.
func (s *Store) listRow(ctx context.Context, q *listQuery, sqlText string) *sql.Row {
	text, args := s.bind(q, sqlText)
	return s.r.QueryRowContext(ctx, text, args...)
}

var placeholder = regexp.MustCompile(`\$\d+`)

// bind returns a statement of the list with its placeholders numbered from
// $1 in the order they appear, and the arguments they stand for: the
// statements of a list share one argument list, and PostgreSQL refuses
// arguments a statement does not use.
//
// It also makes PostgreSQL plan each statement for its arguments. Prepared
// once and cached, as pgx does by default, a statement would after a few
// runs get one generic plan for every search term and filter, good for some
// and taking seconds for others.
func (s *Store) bind(q *listQuery, sqlText string) (string, []any) {
	var args []any
	if s.engine == Postgres {
		args = append(args, pgx.QueryExecModeCacheDescribe)
	}
	renumbered := map[string]string{}
	sqlText = placeholder.ReplaceAllStringFunc(sqlText, func(p string) string {
		if n, ok := renumbered[p]; ok {
			return n
		}
		i, _ := strconv.Atoi(p[1:])
		args = append(args, q.args[i-1])
		renumbered[p] = fmt.Sprintf("$%d", len(renumbered)+1)
		return renumbered[p]
	})
	return sqlText, args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// markByCursor marks the bound of the sort column col that a cursor
// implies: the lower one ascending, the upper one descending.
func (q *listQuery) markByCursor(col string, desc bool) {
	side := ">= "
	if desc {
		side = "< "
	}
	for i, f := range q.filters {
		if f.col == col && strings.HasPrefix(f.test, side) {
			q.filters[i].byCursor = true
		}
	}
}

func (q *listQuery) timeRange(col string, from, to *time.Time) {
	if from != nil {
		q.filters = append(q.filters, filter{col: col, test: ">= " + q.arg(ts(*from))})
	}
	if to != nil {
		q.filters = append(q.filters, filter{col: col, test: "< " + q.arg(ts(*to))})
	}
}

func tabCount(sum domain.CustomerSummary, status string) int64 {
	switch status {
	case "new":
		return sum.New
	case "active":
		return sum.Active
	case "blocked":
		return sum.Blocked
	case "identity_required":
		return sum.IdentityRequired
	case "deleted":
		return sum.Deleted
	}
	return sum.Total
}

func sortValue(c *domain.Customer, sortKey string) string {
	switch sortKey {
	case "joined":
		return strconv.FormatInt(ts(c.JoinedAt), 10)
	case "last_active":
		return strconv.FormatInt(zeroTime(c.LastActiveAt), 10)
	case "wallet":
		return strconv.FormatInt(c.WalletBalance, 10)
	case "rides":
		return strconv.FormatInt(c.RidesCount, 10)
	}
	return strings.ToLower(c.Name)
}

func encodeListCursor(sort, key, id string) string {
	b, _ := json.Marshal(listCursor{Sort: sort, Key: key, ID: id})
	return encodeCursor(string(b))
}

func decodeListCursor(s, sort string) (listCursor, error) {
	var c listCursor
	raw, err := decodeCursor(s)
	if err != nil {
		return c, err
	}
	if json.Unmarshal([]byte(raw), &c) != nil || c.Sort != sort || c.ID == "" {
		return c, fieldErr("cursor", "belongs to another list or sort; start from the first page")
	}
	return c, nil
}

func fieldErr(field, msg string) error {
	return &domain.Error{Code: domain.ECodeValidation, Message: "Some parameters are invalid.",
		Fields: []domain.FieldError{{Field: field, Message: msg}}}
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// sortColumns maps a list sort to its column; every one has an index
// (subaccount_id, column, id) and (subaccount_id, status, column, id).
var sortColumns = map[string]string{
	"name": "name_key", "joined": "joined_at", "last_active": "last_active_at",
	"wallet": "wallet_balance", "rides": "rides_count",
}

// fewMatches is where search changes plan. Below it, the matches are found
// through the search index and sorted; above it, walking the sort index and
// testing each row finds a page sooner (about 50 × N / matches rows).
const fewMatches = 5000

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
	var base query
	sub := base.arg(f.SubaccountID)
	base.and("c.subaccount_id = " + sub)
	switch f.Status {
	case "", "all":
		base.and("c.status <> 'deleted'")
	case "new", "active", "blocked", "identity_required", "deleted":
		base.and("c.status = " + base.arg(f.Status))
	default:
		return page, fieldErr("status", "must be one of all, active, new, blocked, identity_required, deleted")
	}
	if f.Region != "" {
		base.and("c.region = " + base.arg(f.Region))
	}
	if f.DeviceOS != "" {
		base.and("c.device_os = " + base.arg(f.DeviceOS))
	}
	timeRange(&base, "c.joined_at", f.JoinedFrom, f.JoinedTo)
	timeRange(&base, "c.last_active_at", f.ActiveFrom, f.ActiveTo)

	term := domain.SearchTerm(f.Q)
	match, residual := s.matchClauses(&base, term, sub)
	filtered := term != "" || f.Region != "" || f.DeviceOS != "" || f.JoinedFrom != nil || f.JoinedTo != nil ||
		f.ActiveFrom != nil || f.ActiveTo != nil

	// The total: the counters answer an unfiltered tab at once; anything
	// else is counted up to the cap.
	if !filtered {
		sum, err := s.CustomerSummary(ctx, &domain.Subaccount{ID: f.SubaccountID})
		if err != nil {
			return page, err
		}
		page.Total = int(tabCount(sum, f.Status))
	} else {
		cq := base.clone()
		if match != "" {
			cq.and("c.seq IN (" + match + ")")
		} else if residual != "" {
			cq.and(residual)
		}
		err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers c WHERE `+cq.cond()+
			` LIMIT `+strconv.Itoa(domain.SearchTotalCap+1)+`) x`, cq.args...).Scan(&page.Total)
		if err != nil {
			return page, translate(err, "customer")
		}
		if page.Total > domain.SearchTotalCap {
			page.Total, page.TotalCapped = domain.SearchTotalCap, true
		}
	}

	limit := clampLimit(f.Limit)
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	q := base.clone()
	few := match != "" && page.Total < fewMatches
	if f.Cursor != "" {
		cur, err := decodeListCursor(f.Cursor, f.Sort)
		if err != nil {
			return page, err
		}
		var key any = cur.Key
		if col != "name_key" {
			n, err := strconv.ParseInt(cur.Key, 10, 64)
			if err != nil {
				return page, fieldErr("cursor", "is not a cursor this server gave out")
			}
			key = n
		}
		k, id := q.arg(key), q.arg(cur.ID)
		q.and(fmt.Sprintf("(c.%s, c.id) %s (%s, %s)", col, cmp, k, id))
	}
	var sqlText string
	switch {
	case few && s.engine == Postgres:
		// Materialising the matches keeps the planner from walking the sort
		// index for a rare term, which takes seconds instead of milliseconds.
		q.and("c.seq IN (" + match + ")")
		sqlText = `WITH m AS MATERIALIZED (SELECT * FROM customers c WHERE ` + q.cond() + `)
			SELECT ` + customerColumns + ` FROM m c JOIN subaccounts s ON s.id = c.subaccount_id
			ORDER BY c.` + col + ` ` + dir + `, c.id ` + dir + ` LIMIT ` + strconv.Itoa(limit+1)
	case few:
		// The unary + keeps SQLite from using the subaccount's indexes, so
		// that it starts from the search index's few matches and sorts them.
		q.where[0] = "+c.subaccount_id = " + sub
		q.and("c.seq IN (" + match + ")")
		sqlText = `SELECT ` + customerColumns + ` FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id
			WHERE ` + q.cond() + `
			ORDER BY +c.` + col + ` ` + dir + `, c.id ` + dir + ` LIMIT ` + strconv.Itoa(limit+1)
	default:
		if residual != "" {
			q.and(residual)
		}
		sqlText = `SELECT ` + customerColumns + ` FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id
			WHERE ` + q.cond() + ` ORDER BY c.` + col + ` ` + dir + `, c.id ` + dir + ` LIMIT ` + strconv.Itoa(limit+1)
	}
	rows, err := s.r.QueryContext(ctx, sqlText, q.args...)
	if err != nil {
		return page, translate(err, "customer")
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return page, err
		}
		page.Data = append(page.Data, c)
	}
	if err := rows.Err(); err != nil {
		return page, translate(err, "customer")
	}
	if len(page.Data) > limit {
		page.Data = page.Data[:limit]
		last := page.Data[limit-1]
		page.NextCursor = encodeListCursor(f.Sort, sortValue(last, sortKey), last.ID)
	}
	return page, nil
}

// matchClauses returns a subquery of the seqs that match term through an
// index, and a row condition that tests one row; both empty without a term.
func (s *Store) matchClauses(q *query, term, sub string) (match, residual string) {
	if term == "" {
		return "", ""
	}
	if utf8.RuneCountInString(term) >= 3 {
		like := q.arg("%" + escapeLike(term) + "%")
		residual = "c.search LIKE " + like
		if s.engine == SQLite {
			residual += ` ESCAPE '\'`
			return "SELECT rowid FROM customer_search WHERE customer_search MATCH " +
				q.arg(`"`+strings.ReplaceAll(term, `"`, `""`)+`"`), residual
		}
		// PostgreSQL's LIKE escapes with a backslash by default; an explicit
		// ESCAPE clause would keep the trigram index from being used.
		return "SELECT seq FROM customers WHERE search LIKE " + like, residual
	}
	// Trigram indexes cannot serve one or two characters: match prefixes of
	// the name, email and customer number through their B-tree indexes.
	lo, hi := q.arg(term), q.arg(term+"\U0010FFFF")
	parts := []string{
		"SELECT seq FROM customers WHERE subaccount_id = " + sub + " AND name_key >= " + lo + " AND name_key < " + hi,
		"SELECT seq FROM customers WHERE subaccount_id = " + sub + " AND email >= " + lo + " AND email < " + hi,
	}
	residual = "(c.name_key >= " + lo + " AND c.name_key < " + hi + " OR c.email >= " + lo + " AND c.email < " + hi
	if n, err := strconv.ParseInt(term, 10, 64); err == nil {
		num := q.arg(n)
		parts = append(parts, "SELECT seq FROM customers WHERE subaccount_id = "+sub+" AND customer_number = "+num)
		residual += " OR c.customer_number = " + num
	}
	return strings.Join(parts, " UNION ALL "), residual + ")"
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func timeRange(q *query, col string, from, to *time.Time) {
	if from != nil {
		q.and(col + " >= " + q.arg(ts(*from)))
	}
	if to != nil {
		q.and(col + " < " + q.arg(ts(*to)))
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

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// sortWalk is where a list walks its sort order: the tables of the walk,
// naming customers c, and the sort key and id as the order's index holds
// them.
//
// On PostgreSQL the wallet order is not an index of customers: a wallet
// operation would then rewrite every index of the customer's row
// (migration 00007). It is the narrow table customer_wallet_order w, kept
// exact in the same transactions; a walk reads it in index order, tests
// the filters on its rows, and joins the rows that pass to their customers.
type sortWalk struct {
	from    string
	key, id string
	wallet  bool // through customer_wallet_order w
}

// sortWalkOf returns the walk of a sort; statusLeads says whether the
// tab's status leads the index it reads (see walkIndex).
func (s *Store) sortWalkOf(sortKey string, statusLeads bool) sortWalk {
	col := sortColumns[sortKey]
	if s.engine == Postgres && col == "wallet_balance" {
		return sortWalk{from: "customer_wallet_order w JOIN customers c ON c.seq = w.seq",
			key: "w.wallet_balance", id: "w.id", wallet: true}
	}
	return sortWalk{from: "customers c" + walkIndex(s.engine, sortKey, statusLeads), key: "c." + col, id: "c.id"}
}

// walletOrderFilters are the columns of customers that the wallet order
// holds for the filters.
var walletOrderFilters = map[string]bool{"status": true, "region": true, "device_os": true, "joined_at": true,
	"last_active_at": true}

// where renders the subaccount and the filters of a walk. Through the
// wallet order they are tested on its rows, which its indexes serve in
// part; a filter on a column it does not hold, on the customers joined.
func (w sortWalk) where(q *listQuery, walkable func(col string) bool) string {
	if !w.wallet {
		return q.where(walkable)
	}
	parts := []string{"w.subaccount_id = " + q.sub}
	for _, f := range q.filters {
		table := "c."
		if walletOrderFilters[f.col] {
			table = "w."
		}
		parts = append(parts, table+f.col+" "+f.test)
	}
	return strings.Join(parts, " AND ")
}

// after is the condition of a walk that starts after cur, with cmp > or <;
// empty without a cursor.
func (w sortWalk) after(cur *cursorArgs, cmp string) string {
	if cur == nil {
		return ""
	}
	return fmt.Sprintf(" AND (%s, %s) %s (%s, %s)", w.key, w.id, cmp, cur.key, cur.id)
}

// order is a walk's ORDER BY, in direction dir.
func (w sortWalk) order(dir string) string {
	return ` ORDER BY ` + w.key + ` ` + dir + `, ` + w.id + ` ` + dir
}

// walletOrderSet moves c to its balance in PostgreSQL's wallet order, in
// tx, after a statement other than a wallet batch changed the balance: the
// order's trigger leaves balances to the statements that change them.
func (s *Store) walletOrderSet(ctx context.Context, tx *sql.Tx, c *domain.Customer) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE customer_wallet_order SET wallet_balance = $1
		WHERE seq = (SELECT seq FROM customers WHERE id = $2)`, c.WalletBalance, c.ID)
	return err
}

// WalletOrderCheck returns the customers whose row in PostgreSQL's wallet
// order is missing, extra, or differs from them in any column it holds. Such a customer would sit in the
// wrong place of a list sorted by wallet. SQLite has no such table.
func (s *Store) WalletOrderCheck(ctx context.Context) ([]string, error) {
	if s.engine != Postgres {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT COALESCE(c.id, w.id) FROM customers c
		FULL JOIN customer_wallet_order w ON w.seq = c.seq
		WHERE c.seq IS NULL OR w.seq IS NULL
			OR (c.subaccount_id, c.status, c.wallet_balance, c.id, c.region, c.device_os, c.joined_at, c.last_active_at)
			IS DISTINCT FROM (w.subaccount_id, w.status, w.wallet_balance, w.id, w.region, w.device_os, w.joined_at,
				w.last_active_at)
		ORDER BY 1`)
	if err != nil {
		return nil, translate(err, "customer")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err, "customer")
		}
		out = append(out, id)
	}
	return out, translate(rows.Err(), "customer")
}

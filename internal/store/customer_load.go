package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// loadColumns are the columns a bulk load writes: the same as
// customerInsert, with the same derived values (customerLoadRow).
var loadColumns = []string{"id", "subaccount_id", "customer_number", "external_id", "name", "name_key",
	"email", "phone", "address", "notes", "company", "region", "device_os", "locale", "joined_at", "last_active_at",
	"blocked", "blocked_at", "blocked_reason", "identity_required", "identity_required_reason",
	"identity_required_at", "identity_status", "identity_verified_at", "identity_notes", "rides_count",
	"wallet_balance", "bonus_balance", "status", "deleted_at", "search", "created_at", "updated_at"}

// rebuildAbove is the smallest load that rebuilds the customers' indexes
// instead of updating them row by row, when it also at least doubles the
// table: sorting a million keys once is many times faster than a million
// random inserts into each of fifteen B-trees.
var rebuildAbove = 50000

// searchTrigger is the SQLite trigger that indexes a new customer for
// search, and pgSearchTrigger PostgreSQL's; pgWalletTrigger is the one that
// places a new customer in PostgreSQL's wallet order. A rebuilding load
// fills each of their tables in one statement instead.
const (
	searchTrigger   = "customers_search_insert"
	pgSearchTrigger = "customer_search_insert"
	pgWalletTrigger = "customer_wallet_order_insert"
)

// CustomerLoad stores one batch of customers of sa in its own transaction.
// See CustomerLoader.Load for what it does to each customer.
func (s *Store) CustomerLoad(ctx context.Context, a domain.Actor, sa *domain.Subaccount, customers []*domain.Customer) error {
	l, err := s.CustomerLoadBegin(ctx, a, len(customers))
	if err != nil {
		return err
	}
	if err := l.Load(ctx, sa, customers); err != nil {
		l.Rollback()
		return err
	}
	if err := l.Commit(ctx); err != nil {
		for _, c := range customers {
			c.CustomerNumber = 0
		}
		return err
	}
	return nil
}

// CustomerLoader is a bulk load of customers in progress: the demo data
// set and imports. All its batches commit together or not at all, in one
// transaction that holds the database's write lock (SQLite) or the
// customers table (PostgreSQL, when rebuilding) until Commit or Rollback.
type CustomerLoader struct {
	s       *Store
	a       domain.Actor
	conn    *sql.Conn // PostgreSQL: the connection the transaction and COPY share
	tx      *sql.Tx
	insert  *sql.Stmt // SQLite: the prepared single-row INSERT, reused
	rebuild *loadRebuild
	cache   int64 // SQLite: the page cache size to restore, in release
}

// loadRebuild is what a rebuilding load dropped and must restore.
type loadRebuild struct {
	indexes []string // CREATE INDEX statements, as the schema holds them
	trigger string   // SQLite: CREATE TRIGGER of the search index
	lastSeq int64    // rows up to here were indexed for search before
}

// CustomerLoadBegin starts a bulk load of about expect customers. A load
// that is large and at least doubles the table drops the customers'
// secondary indexes (and sets the search trigger aside) and builds them
// again in Commit, within the same transaction, with the search index
// (PostgreSQL: the search table) filled in one pass: the result is the
// same schema and the same index contents, built in a fraction of the time.
func (s *Store) CustomerLoadBegin(ctx context.Context, a domain.Actor, expect int) (*CustomerLoader, error) {
	l := &CustomerLoader{s: s, a: a}
	var err error
	if s.engine == Postgres {
		if l.conn, err = s.w.Conn(ctx); err != nil {
			return nil, translate(err, "customer")
		}
		l.tx, err = l.conn.BeginTx(ctx, nil)
	} else {
		// A large page cache holds the B-trees a load touches, so that each
		// page is written once at commit instead of again and again; helper
		// threads sort for index builds. Both go back in release.
		if err = s.w.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&l.cache); err == nil {
			if _, err = s.w.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA threads = 2`); err == nil {
				l.tx, err = s.w.BeginTx(ctx, nil)
			}
		}
	}
	if err != nil {
		l.release()
		return nil, fmt.Errorf("begin: %w", err)
	}
	if err := l.begin(ctx, expect); err != nil {
		l.Rollback()
		return nil, translate(err, "customer")
	}
	return l, nil
}

func (l *CustomerLoader) begin(ctx context.Context, expect int) error {
	var lastSeq int64
	if err := l.tx.QueryRowContext(ctx, `SELECT COALESCE(max(seq), 0) FROM customers`).Scan(&lastSeq); err != nil {
		return err
	}
	if expect < rebuildAbove || int64(expect) < lastSeq {
		return nil
	}
	l.rebuild = &loadRebuild{lastSeq: lastSeq}
	// Indexes that back constraints (the primary key, UNIQUE id) stay.
	q := `SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = 'customers'::regclass
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname`
	if l.s.engine == SQLite {
		q = `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'customers'
			AND sql IS NOT NULL ORDER BY name`
		if err := l.tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = $1`,
			searchTrigger).Scan(&l.rebuild.trigger); err != nil {
			return fmt.Errorf("search trigger: %w", err)
		}
		if _, err := l.tx.ExecContext(ctx, `DROP TRIGGER `+searchTrigger); err != nil {
			return err
		}
	} else if _, err := l.tx.ExecContext(ctx, `ALTER TABLE customers DISABLE TRIGGER `+pgSearchTrigger+
		`, DISABLE TRIGGER `+pgWalletTrigger); err != nil {
		// PostgreSQL's search and wallet order tables are filled in one
		// pass at Commit instead.
		return err
	}
	rows, err := l.tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names = append(names, name)
		l.rebuild.indexes = append(l.rebuild.indexes, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := l.tx.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return err
		}
	}
	return nil
}

// Load writes a batch of customers of sa. The customers must be valid (the
// loader does not validate them); Load fills in their subaccount, currency,
// the next customer numbers (gap-free, in slice order), and, where unset,
// id, times and identity status, then derives status and search text
// exactly as CustomerCreate does. It adds the batch to the summary
// counters and writes one audit entry, customer.load, for it. A taken email
// or external id fails the load with conflict, here or at Commit.
func (l *CustomerLoader) Load(ctx context.Context, sa *domain.Subaccount, customers []*domain.Customer) error {
	if len(customers) == 0 {
		return nil
	}
	at := now()
	shards := map[int]stats{}
	shardIDs := map[int]string{}
	for _, c := range customers {
		if c.ID == "" {
			c.ID = ids.New("cust")
		}
		c.SubaccountID, c.Subaccount, c.Currency = sa.ID, sa.Slug, sa.Currency
		if c.IdentityStatus == "" {
			c.IdentityStatus = domain.IdentityNotRequired
		}
		if c.JoinedAt.IsZero() {
			c.JoinedAt = at
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = at
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		c.Refresh()
		// The counters are sharded by customer; one upsert per shard
		// carries the batch's sum.
		sh := shardOf(c.ID)
		shards[sh] = statsAdd(shards[sh], statsDelta(nil, c))
		if _, ok := shardIDs[sh]; !ok {
			shardIDs[sh] = c.ID
		}
	}
	err := l.load(ctx, sa, customers, shards, shardIDs)
	if err != nil {
		for _, c := range customers {
			c.CustomerNumber = 0
		}
	}
	return translate(err, "customer")
}

func (l *CustomerLoader) load(ctx context.Context, sa *domain.Subaccount, customers []*domain.Customer,
	shards map[int]stats, shardIDs map[int]string) error {
	tx, n := l.tx, int64(len(customers))
	var last int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO customer_numbers (subaccount_id, last_number) VALUES ($1, $2)
		ON CONFLICT (subaccount_id) DO UPDATE SET last_number = customer_numbers.last_number + excluded.last_number
		RETURNING last_number`, sa.ID, n).Scan(&last); err != nil {
		return err
	}
	first := last - n + 1
	rows := make([][]any, len(customers))
	for i, c := range customers {
		c.CustomerNumber = first + int64(i)
		rows[i] = customerLoadRow(c)
	}
	if err := l.write(ctx, rows); err != nil {
		return err
	}
	if err := l.writeOpening(ctx, customers); err != nil {
		return err
	}
	// In shard order, so that concurrent loads take the rows in one order.
	for sh := range statsShards {
		if d, ok := shards[sh]; ok {
			if err := l.s.statsApply(ctx, tx, sa.ID, shardIDs[sh], d); err != nil {
				return err
			}
		}
	}
	return l.s.audit(ctx, tx, l.a, change{SubaccountID: sa.ID, Action: "customer.load", TargetType: "subaccount",
		TargetID: sa.ID, After: map[string]int64{"count": n, "first_number": first, "last_number": last}})
}

// write inserts rows: with COPY on PostgreSQL, through the transaction's
// own connection; on SQLite through one prepared single-row INSERT. A
// multi-row INSERT would be slower there: it makes SQLite keep a statement
// journal, a copy of every page the statement touches.
func (l *CustomerLoader) write(ctx context.Context, rows [][]any) error {
	if l.s.engine == Postgres {
		return l.conn.Raw(func(dc any) error {
			sc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("store: load: unexpected driver connection %T", dc)
			}
			_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{"customers"}, loadColumns, pgx.CopyFromRows(rows))
			return err
		})
	}
	if l.insert == nil {
		// Anonymous ? parameters: the driver looks up the name of every
		// numbered one, which adds up over a million rows.
		stmt, err := l.tx.PrepareContext(ctx, "INSERT INTO customers ("+strings.Join(loadColumns, ", ")+
			") VALUES ("+strings.Repeat("?, ", len(loadColumns)-1)+"?)")
		if err != nil {
			return err
		}
		l.insert = stmt
	}
	for _, r := range rows {
		if _, err := l.insert.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// openingColumns are what an opening balance's ledger entry writes.
var openingColumns = []string{"id", "subaccount_id", "customer_id", "kind", "bucket", "amount", "wallet_after",
	"bonus_after", "note", "actor", "actor_id", "cause_type", "cause_id", "created_at"}

// writeOpening writes the ledger entries that open the loaded balances,
// so that every balance equals the sum of its entries from the start.
func (l *CustomerLoader) writeOpening(ctx context.Context, customers []*domain.Customer) error {
	var rows [][]any
	actorID := ""
	if l.a.Principal != nil {
		actorID = l.a.Principal.OperatorID
	}
	entry := func(c *domain.Customer, kind domain.LedgerKind, bucket string, amount, bonusAfter int64) []any {
		return []any{ids.New("txn"), c.SubaccountID, c.ID, string(kind), bucket, amount, c.WalletBalance, bonusAfter,
			"opening balance", l.a.Label(), actorID, "load", "", ts(c.CreatedAt)}
	}
	for _, c := range customers {
		if c.WalletBalance > 0 {
			rows = append(rows, entry(c, domain.KindCredit, domain.BucketWallet, c.WalletBalance, 0))
		} else if c.WalletBalance < 0 {
			rows = append(rows, entry(c, domain.KindFee, domain.BucketWallet, c.WalletBalance, 0))
		}
		if c.BonusBalance != 0 {
			rows = append(rows, entry(c, domain.KindBonus, domain.BucketBonus, c.BonusBalance, c.BonusBalance))
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if l.s.engine == Postgres {
		return l.conn.Raw(func(dc any) error {
			sc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("store: load: unexpected driver connection %T", dc)
			}
			_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{"ledger_entries"}, openingColumns, pgx.CopyFromRows(rows))
			return err
		})
	}
	stmt, err := l.tx.PrepareContext(ctx, "INSERT INTO ledger_entries ("+strings.Join(openingColumns, ", ")+
		") VALUES ("+strings.Repeat("?, ", len(openingColumns)-1)+"?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// Commit builds what a rebuilding load dropped and commits the load. When
// it fails, nothing of the load remains, and the numbers Load gave the
// customers are void.
func (l *CustomerLoader) Commit(ctx context.Context) error {
	defer l.release()
	if err := l.finish(ctx); err != nil {
		l.tx.Rollback()
		return translate(err, "customer")
	}
	if err := l.tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err), "customer")
	}
	return nil
}

func (l *CustomerLoader) finish(ctx context.Context) error {
	if l.insert != nil {
		l.insert.Close()
		l.insert = nil
	}
	r := l.rebuild
	if r == nil {
		return nil
	}
	if l.s.engine == Postgres {
		// Index builds sort in memory up to this much, then spill to disk.
		if _, err := l.tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
			return err
		}
	}
	for _, def := range r.indexes {
		if _, err := l.tx.ExecContext(ctx, def); err != nil {
			return err
		}
	}
	if l.s.engine == Postgres {
		// Search: every customer again, in name order, in zones cut anew.
		if _, err := l.tx.ExecContext(ctx, `SELECT customer_search_rebuild($1)`, pgZoneRows); err != nil {
			return err
		}
		// Wallet order: every customer again, sorted once.
		if _, err := l.tx.ExecContext(ctx, `SELECT customer_wallet_order_rebuild()`); err != nil {
			return err
		}
		_, err := l.tx.ExecContext(ctx, `ALTER TABLE customers ENABLE TRIGGER `+pgSearchTrigger+
			`, ENABLE TRIGGER `+pgWalletTrigger)
		return err
	}
	// What the insert trigger would have done row by row, in one statement:
	// a large in-memory buffer lets FTS5 write few, large segments, which it
	// then need not merge; the setting goes back to its default afterwards.
	if _, err := l.tx.ExecContext(ctx, `INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', 67108864)`); err != nil {
		return err
	}
	// In key order: FTS5 writes out what it holds whenever a key comes
	// before the last one.
	if _, err := l.tx.ExecContext(ctx, `INSERT INTO customer_search (rowid, search)
		SELECT key, search FROM customer_search_keys WHERE seq > $1 ORDER BY key`, r.lastSeq); err != nil {
		return err
	}
	if _, err := l.tx.ExecContext(ctx, `INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', 1048576)`); err != nil {
		return err
	}
	_, err := l.tx.ExecContext(ctx, r.trigger)
	return err
}

// Rollback abandons the load; nothing of it remains.
func (l *CustomerLoader) Rollback() {
	if l.insert != nil {
		l.insert.Close()
		l.insert = nil
	}
	if l.tx != nil {
		l.tx.Rollback()
	}
	l.release()
}

func (l *CustomerLoader) release() {
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
	if l.s.engine == SQLite && l.cache != 0 {
		l.s.w.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA threads = 0`, l.cache))
		l.cache = 0
	}
}

func statsAdd(a, b stats) stats {
	return stats{a.total + b.total, a.new + b.new, a.active + b.active, a.blocked + b.blocked,
		a.identity + b.identity, a.deleted + b.deleted, a.wallet + b.wallet, a.bonus + b.bonus}
}

// customerLoadRow returns c's values in loadColumns order.
func customerLoadRow(c *domain.Customer) []any {
	return []any{c.ID, c.SubaccountID, c.CustomerNumber, nullString(c.ExternalID), c.Name, strings.ToLower(c.Name),
		nullString(c.Email), c.Phone, c.Address, c.Notes, c.Company, c.Region, c.DeviceOS, c.Locale, ts(c.JoinedAt),
		zeroTime(c.LastActiveAt), c.Blocked, nullTime(c.BlockedAt), c.BlockedReason, c.IdentityVerificationRequired,
		c.IdentityRequiredReason, nullTime(c.IdentityRequiredAt), c.IdentityStatus, nullTime(c.IdentityVerifiedAt),
		c.IdentityNotes, c.RidesCount, c.WalletBalance, c.BonusBalance, string(c.Status), nullTime(c.DeletedAt),
		c.SearchText(), ts(c.CreatedAt), ts(c.UpdatedAt)}
}

// AutovacuumOff reports whether PostgreSQL's autovacuum is off for the
// server. Index-only scans, which lists count from, then read a row for
// every entry on a page that changed since the last VACUUM: each wallet
// operation changes its customer's page. Always false on SQLite.
func (s *Store) AutovacuumOff(ctx context.Context) (bool, error) {
	if s.engine != Postgres {
		return false, nil
	}
	var on string
	err := s.r.QueryRowContext(ctx, `SHOW autovacuum`).Scan(&on)
	return on == "off", translate(err, "setting")
}

// Optimize refreshes what the query planner knows about the data, after a
// bulk load: without it, SQLite plans a million customers as if the table
// were empty. On PostgreSQL it also vacuums, so that counts can be answered
// from the indexes alone; on SQLite it empties the write-ahead log.
func (s *Store) Optimize(ctx context.Context) error {
	if s.engine == Postgres {
		// The search table too: vacuuming merges the trigram index's list
		// of pending entries, which a search reads in every zone it looks
		// up, and its statistics steer the planner's choices. The wallet
		// order's steer the list sorted by wallet.
		var err error
		for _, table := range []string{"customers", "customer_search", "customer_wallet_order"} {
			if _, err = s.w.ExecContext(ctx, `VACUUM (ANALYZE) `+table); err != nil {
				break
			}
		}
		return translate(err, "statistics")
	}
	// A whole ANALYZE: with analysis_limit, SQLite's sampled statistics make
	// every index prefix look alike, and the planner picks among them blind.
	// The search index is merged into one segment, which a search reads
	// several times faster than the many a load leaves.
	_, err := s.w.ExecContext(ctx, `PRAGMA analysis_limit = 0; ANALYZE;
		INSERT INTO customer_search (customer_search) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE)`)
	return translate(err, "statistics")
}

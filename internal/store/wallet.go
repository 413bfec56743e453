package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// WalletOp is one money movement on a customer's wallet: an action, or the
// reversal of an entry.
type WalletOp struct {
	CustomerID     string
	Action         domain.WalletAction // unless ReverseEntryID is set
	ReverseEntryID string
	Note           string // of a reversal; an action carries its own
	// IdempotencyKey makes the operation happen at most once per customer:
	// a retry with the same key returns the first entry.
	IdempotencyKey string
	CauseType      string // what caused it (a batch), with CauseID
	CauseID        string
	// Quiet leaves out the audit entry: the operation is one row of a batch
	// whose processing is audited once.
	Quiet bool
	// Read is the customer as the caller read it just before, if it did:
	// the answer is then that customer with the balances the operation
	// left, and the store need not read it again.
	Read *domain.Customer
}

const ledgerColumns = `l.id, l.subaccount_id, l.customer_id, l.kind, l.bucket, l.amount, l.wallet_after, l.bonus_after,
	s.currency, l.note, l.actor, l.actor_id, COALESCE(l.idempotency_key, ''), l.cause_type, l.cause_id, l.created_at`

func scanEntry(row scanner) (*domain.LedgerEntry, error) {
	var e domain.LedgerEntry
	var kind string
	var created int64
	if err := row.Scan(&e.ID, &e.SubaccountID, &e.CustomerID, &kind, &e.Bucket, &e.Amount, &e.WalletBalanceAfter,
		&e.BonusBalanceAfter, &e.Currency, &e.Note, &e.Actor, &e.ActorID, &e.IdempotencyKey, &e.CauseType, &e.CauseID,
		&created); err != nil {
		return nil, translate(err, "ledger entry")
	}
	e.Kind, e.CreatedAt = domain.LedgerKind(kind), fromTS(created)
	return &e, nil
}

// WalletApply moves money in one durable transaction: the balance, its
// ledger entry, the summary counters, a notification when a fee takes the
// wallet below zero, and the audit entry. It returns the entry and the
// customer after it: op.Read with the entry's balances, or else the
// customer as stored once the operation is durable. A repeated
// IdempotencyKey returns the first entry, changes nothing, and answers the
// customer as it is now.
//
// Operations from concurrent callers share transactions (see groupCommit):
// one commit, and on PostgreSQL a handful of statements, for a whole batch.
// A batch reads of each customer only what the rules need: on SQLite its
// single writer limits how many operations a second become durable, and on
// PostgreSQL every column read is carried to the client and decoded.
func (s *Store) WalletApply(ctx context.Context, a domain.Actor, op WalletOp) (*domain.LedgerEntry, *domain.Customer, error) {
	r := &walletReq{actor: a, op: op}
	if err := s.group.wallet(ctx, r); err != nil {
		return nil, nil, translate(err, "customer")
	}
	if op.Read == nil || r.replayed {
		c, err := s.CustomerGet(ctx, op.CustomerID)
		if err != nil {
			return nil, nil, err
		}
		return r.entry, c, nil
	}
	c := *op.Read
	c.WalletBalance, c.BonusBalance, c.UpdatedAt = r.entry.WalletBalanceAfter, r.entry.BonusBalanceAfter, r.entry.CreatedAt
	c.Refresh()
	return r.entry, &c, nil
}

// walletReq is one wallet operation in a batch, and its outcome.
type walletReq struct {
	actor domain.Actor
	op    WalletOp

	entry    *domain.LedgerEntry // the entry written, or the first one of a retried key
	replayed bool                // whether entry is the first one of a retried key
	err      error               // why the rules refused it; it then wrote nothing
}

// walletBatch applies reqs in order inside tx and sets each one's outcome.
// It reads every customer once (on PostgreSQL locking them in id order, so
// that concurrent batches cannot deadlock), decides every operation by the
// domain's rules, and only then writes what the accepted ones changed: an
// operation the rules refuse writes nothing, so none needs a savepoint of
// its own. The summary counters change once per subaccount, in the given
// shard. A returned error is the database's: the batch's writes are then
// incomplete and tx must be rolled back.
func (s *Store) walletBatch(ctx context.Context, tx *sql.Tx, reqs []*walletReq, shard int) error {
	w, err := s.walletDecide(ctx, tx, reqs)
	if err != nil {
		return err
	}
	if s.engine == Postgres {
		return s.walletWritePostgres(ctx, tx, w, shard)
	}
	return s.walletWriteSQLite(ctx, tx, w, shard)
}

// walletWrites is everything a batch of money movements writes.
type walletWrites struct {
	customers []*domain.Customer // each moved customer once, with its balances at the end of the batch
	seqs      map[string]int64   // their rowids, on SQLite
	entries   []*domain.LedgerEntry
	notify    []*domain.LedgerEntry // entries of fees that took the wallet below zero
	audits    [][]any               // auditValues, one per operation except quiet ones
	stats     map[string]stats      // summary deltas by subaccount
}

type ledgerKey struct{ customerID, key string }

// walletDecide reads what reqs need and applies the rules, in order: an
// operation sees the balances the earlier ones of its batch left.
func (s *Store) walletDecide(ctx context.Context, tx *sql.Tx, reqs []*walletReq) (*walletWrites, error) {
	custIDs := make([]string, 0, len(reqs))
	var keyed []ledgerKey
	for _, r := range reqs {
		custIDs = append(custIDs, r.op.CustomerID)
		if r.op.IdempotencyKey != "" {
			keyed = append(keyed, ledgerKey{r.op.CustomerID, r.op.IdempotencyKey})
		}
	}
	slices.Sort(custIDs)
	custIDs = slices.Compact(custIDs)
	custs, seqs, err := s.walletCustomers(ctx, tx, custIDs)
	if err != nil {
		return nil, err
	}
	// Entries written under the keys by earlier transactions; this batch's
	// own join them as they are decided.
	done, err := s.walletReplays(ctx, tx, keyed)
	if err != nil {
		return nil, err
	}
	w := &walletWrites{seqs: seqs, stats: map[string]stats{}}
	moved := map[string]bool{}
	reversed := map[string]bool{}
	for _, r := range reqs {
		r.entry, r.replayed, r.err = nil, false, nil
		c := custs[r.op.CustomerID]
		if c == nil {
			r.err = domain.Errorf(domain.ECodeNotFound, "Customer not found.")
			continue
		}
		if r.op.IdempotencyKey != "" {
			if e := done[ledgerKey{c.ID, r.op.IdempotencyKey}]; e != nil {
				r.entry, r.replayed = e, true
				continue
			}
		}
		op := r.op
		var m domain.Movement
		kind, note, causeType, causeID := op.Action.Kind, strings.TrimSpace(op.Action.Note), op.CauseType, op.CauseID
		if op.ReverseEntryID != "" {
			orig, err := s.walletReversible(ctx, tx, c, op.ReverseEntryID, reversed)
			if err != nil {
				if domain.ErrorCode(err) == domain.ECodeInternal {
					return nil, err
				}
				r.err = err
				continue
			}
			if m, err = domain.Reverse(orig, c); err != nil {
				r.err = err
				continue
			}
			reversed[orig.ID] = true
			kind, note, causeType, causeID = domain.KindReversal, strings.TrimSpace(op.Note), "entry", orig.ID
		} else if m, err = op.Action.Apply(c); err != nil {
			r.err = err
			continue
		}

		before := *c
		c.WalletBalance, c.BonusBalance, c.UpdatedAt = m.Wallet, m.Bonus, now()
		a := r.actor
		var actorID string
		if a.Principal != nil {
			actorID = a.Principal.OperatorID
		}
		e := &domain.LedgerEntry{ID: ids.New("txn"), SubaccountID: c.SubaccountID, CustomerID: c.ID, Kind: kind,
			Bucket: m.Bucket, Amount: m.Amount, WalletBalanceAfter: m.Wallet, BonusBalanceAfter: m.Bonus,
			Currency: c.Currency, Note: note, Actor: a.Label(), ActorID: actorID, IdempotencyKey: op.IdempotencyKey,
			CauseType: causeType, CauseID: causeID, CreatedAt: c.UpdatedAt}
		if !op.Quiet {
			a.Note = note
			vals, err := auditValues(a, change{SubaccountID: c.SubaccountID, Action: "wallet." + string(kind),
				TargetType: "customer", TargetID: c.ID,
				Before: map[string]int64{"wallet_balance": before.WalletBalance, "bonus_balance": before.BonusBalance},
				After: map[string]any{"wallet_balance": c.WalletBalance, "bonus_balance": c.BonusBalance, "entry": e.ID,
					"amount": e.Amount}})
			if err != nil {
				return nil, err
			}
			w.audits = append(w.audits, vals)
		}
		w.entries = append(w.entries, e)
		if m.NotifyNegative {
			w.notify = append(w.notify, e)
		}
		// A movement changes balances alone, and only of customers that are
		// not deleted, whose balances the sums count.
		w.stats[c.SubaccountID] = w.stats[c.SubaccountID].add(stats{wallet: c.WalletBalance - before.WalletBalance,
			bonus: c.BonusBalance - before.BonusBalance})
		if op.IdempotencyKey != "" {
			done[ledgerKey{c.ID, op.IdempotencyKey}] = e
		}
		moved[c.ID] = true
		r.entry = e
	}
	for _, id := range custIDs {
		if moved[id] {
			w.customers = append(w.customers, custs[id])
		}
	}
	return w, nil
}

// walletReversible returns the entry of c that a reversal names, unless it
// has been reversed already, in the database or earlier in the batch.
func (s *Store) walletReversible(ctx context.Context, tx *sql.Tx, c *domain.Customer, entryID string, reversed map[string]bool) (*domain.LedgerEntry, error) {
	orig, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+ledgerColumns+` FROM ledger_entries l
		JOIN subaccounts s ON s.id = l.subaccount_id WHERE l.id = $1 AND l.customer_id = $2`, entryID, c.ID))
	if err != nil {
		return nil, err
	}
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ledger_entries WHERE kind = 'reversal' AND cause_id = $1`,
		orig.ID).Scan(&done); err != nil {
		return nil, err
	}
	if done > 0 || reversed[orig.ID] {
		return nil, domain.Errorf(domain.ECodeAlreadyReversed, "This entry has been reversed already.")
	}
	return orig, nil
}

// statsApplyShard adds d to one shard of a subaccount's counters. A batch
// of wallet operations adds its sum to a shard of its own.
func (s *Store) statsApplyShard(ctx context.Context, tx *sql.Tx, subaccountID string, shard int, d stats) error {
	if d == (stats{}) {
		return nil
	}
	_, err := s.exec(ctx, tx, statsUpsertSQL,
		subaccountID, shard, d.total, d.new, d.active, d.blocked, d.identity, d.deleted, d.wallet, d.bonus)
	return err
}

func (a stats) add(b stats) stats {
	return stats{a.total + b.total, a.new + b.new, a.active + b.active, a.blocked + b.blocked,
		a.identity + b.identity, a.deleted + b.deleted, a.wallet + b.wallet, a.bonus + b.bonus}
}

// On SQLite the hot reads name one table each. When sqlite_stat4 exists,
// SQLite plans a join, or a lookup it could estimate from the statistics,
// anew for every value bound to a "column = $n" term: the statement is
// parsed again on every execution, which cost more than the read itself.
// A lookup of one row by a unique key skips that planning; the
// subaccount's slug and currency come from scalar subqueries instead of a
// join (oneTable), and CAST hides the ledger lookup's values from the
// estimator.

// oneTable rewrites columns that read the subaccount s of a join into
// scalar subqueries on the subaccount of the row alias names.
func oneTable(columns, alias string) string {
	sub := func(col string) string {
		return "(SELECT s." + col + " FROM subaccounts s WHERE s.id = " + alias + ".subaccount_id)"
	}
	return strings.NewReplacer("s.slug", sub("slug"), "s.currency", sub("currency")).Replace(columns)
}

// walletColumns are what the rules of a money movement read of a
// customer, in the order walletCustomers scans them.
const walletColumns = `c.id, c.subaccount_id, s.currency, c.deleted_at, c.wallet_balance, c.bonus_balance, c.seq`

// walletCustomerSQLite reads walletColumns; the rowid is how the update
// finds the row again.
var walletCustomerSQLite = `SELECT ` + oneTable(walletColumns, "c") + ` FROM customers c WHERE c.id = $1`

// walletReplaySQLite finds the entry written under a customer's key.
var walletReplaySQLite = `SELECT ` + oneTable(ledgerColumns, "l") + ` FROM ledger_entries l
	WHERE l.customer_id = CAST($1 AS TEXT) AND l.idempotency_key = CAST($2 AS TEXT)`

// walletCustomersPostgres reads and locks the customers of a batch, in id
// order. FOR NO KEY UPDATE is what the balance update takes anyway; it
// leaves inserts that merely reference the customer free to run.
const walletCustomersPostgres = `SELECT ` + walletColumns + `
	FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.id = ANY($1)
	ORDER BY c.id FOR NO KEY UPDATE OF c`

// walletReplaysPostgres finds the entries written under a batch's keys.
// It runs after the customers are locked, as a statement of its own, so
// that it sees every entry committed before the locks were granted.
const walletReplaysPostgres = `SELECT ` + ledgerColumns + ` FROM ledger_entries l
	JOIN subaccounts s ON s.id = l.subaccount_id
	JOIN unnest($1::text[], $2::text[]) AS k(customer_id, key) ON l.customer_id = k.customer_id AND l.idempotency_key = k.key`

// walletCustomers reads what the rules need of the customers named by ids,
// sorted and distinct, and their rowids; those that do not exist are absent
// from the result. Each customer holds its id, subaccount, currency,
// deletion and balances, and nothing else.
func (s *Store) walletCustomers(ctx context.Context, tx *sql.Tx, ids []string) (map[string]*domain.Customer, map[string]int64, error) {
	out := make(map[string]*domain.Customer, len(ids))
	seqs := make(map[string]int64, len(ids))
	add := func(row scanner) error {
		var c domain.Customer
		var deleted sql.NullInt64
		var seq int64
		if err := row.Scan(&c.ID, &c.SubaccountID, &c.Currency, &deleted, &c.WalletBalance, &c.BonusBalance,
			&seq); err != nil {
			return translate(err, "customer")
		}
		c.DeletedAt = fromNullTS(deleted)
		out[c.ID], seqs[c.ID] = &c, seq
		return nil
	}
	if s.engine == SQLite {
		for _, id := range ids {
			err := add(s.queryRow(ctx, tx, walletCustomerSQLite, id))
			if err != nil && domain.ErrorCode(err) != domain.ECodeNotFound {
				return nil, nil, err
			}
		}
		return out, seqs, nil
	}
	rows, err := tx.QueryContext(ctx, walletCustomersPostgres, ids)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := add(rows); err != nil {
			return nil, nil, err
		}
	}
	return out, seqs, rows.Err()
}

// walletReplays returns the entries already written under keys.
func (s *Store) walletReplays(ctx context.Context, tx *sql.Tx, keys []ledgerKey) (map[ledgerKey]*domain.LedgerEntry, error) {
	out := map[ledgerKey]*domain.LedgerEntry{}
	if len(keys) == 0 {
		return out, nil
	}
	if s.engine == SQLite {
		for _, k := range keys {
			e, err := scanEntry(s.queryRow(ctx, tx, walletReplaySQLite, k.customerID, k.key))
			if domain.ErrorCode(err) == domain.ECodeNotFound {
				continue
			} else if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	}
	custs, ks := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		custs[i], ks[i] = k.customerID, k.key
	}
	rows, err := tx.QueryContext(ctx, walletReplaysPostgres, custs, ks)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out[ledgerKey{e.CustomerID, e.IdempotencyKey}] = e
	}
	return out, rows.Err()
}

// The statements of a batch's writes on SQLite; PostgreSQL's are one,
// walletWritePostgresSQL.
const (
	walletUpdateSQLite = `UPDATE customers SET wallet_balance = $1, bonus_balance = $2, updated_at = $3 WHERE seq = $4`
	ledgerInsertSQLite = `INSERT INTO ledger_entries (id, subaccount_id, customer_id, kind, bucket, amount, wallet_after,
		bonus_after, note, actor, actor_id, idempotency_key, cause_type, cause_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`
)

// walletWriteSQLite writes statement by statement, each prepared: in
// process, each costs microseconds.
func (s *Store) walletWriteSQLite(ctx context.Context, tx *sql.Tx, w *walletWrites, shard int) error {
	for _, c := range w.customers {
		if _, err := s.exec(ctx, tx, walletUpdateSQLite, c.WalletBalance, c.BonusBalance, ts(c.UpdatedAt), w.seqs[c.ID]); err != nil {
			return err
		}
	}
	for _, e := range w.entries {
		if _, err := s.exec(ctx, tx, ledgerInsertSQLite, e.ID, e.SubaccountID, e.CustomerID, string(e.Kind), e.Bucket,
			e.Amount, e.WalletBalanceAfter, e.BonusBalanceAfter, e.Note, e.Actor, e.ActorID, nullString(e.IdempotencyKey),
			e.CauseType, e.CauseID, ts(e.CreatedAt)); err != nil {
			return err
		}
	}
	for _, e := range w.notify {
		if _, err := s.exec(ctx, tx, notificationInsertSQL, ids.New("ntf"), e.SubaccountID, e.CustomerID,
			domain.NotificationBalanceNegative, negativeTitle, negativeMessage, ts(e.CreatedAt)); err != nil {
			return err
		}
	}
	for _, vals := range w.audits {
		if _, err := s.exec(ctx, tx, auditInsertSQL, vals...); err != nil {
			return err
		}
	}
	for _, sub := range slices.Sorted(maps.Keys(w.stats)) {
		if err := s.statsApplyShard(ctx, tx, sub, shard, w.stats[sub]); err != nil {
			return err
		}
	}
	return nil
}

// walletWritePostgresSQL writes a whole batch in one statement of
// data-modifying CTEs over arrays, one array per column: one round trip,
// and one prepared statement whatever the batch holds.
//
// The balances change in place: no index of customers holds them, and the
// wallet order, which does, is written here (migration 00007).
const walletWritePostgresSQL = `WITH upd AS (
	UPDATE customers c SET wallet_balance = v.wallet, bonus_balance = v.bonus, updated_at = v.at
	FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS v(id, wallet, bonus, at) WHERE c.id = v.id
	RETURNING c.seq, c.wallet_balance
), ord AS (
	UPDATE customer_wallet_order w SET wallet_balance = upd.wallet_balance FROM upd WHERE w.seq = upd.seq
), led AS (
	INSERT INTO ledger_entries (id, subaccount_id, customer_id, kind, bucket, amount, wallet_after, bonus_after, note,
		actor, actor_id, idempotency_key, cause_type, cause_id, created_at)
	SELECT id, sub, cust, kind, bucket, amount, wallet, bonus, note, actor, actor_id, NULLIF(key, ''), cause_type,
		cause_id, at
	FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[],
		$12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[])
		AS e(id, sub, cust, kind, bucket, amount, wallet, bonus, note, actor, actor_id, key, cause_type, cause_id, at)
), ntf AS (
	INSERT INTO notifications (id, subaccount_id, customer_id, type, title, message, status, created_at)
	SELECT id, sub, cust, $20, $21, $22, 'pending', at
	FROM unnest($23::text[], $24::text[], $25::text[], $26::bigint[]) AS n(id, sub, cust, at)
), aud AS (
	INSERT INTO audit_entries (` + auditColumns + `)
	SELECT id, sub, actor_id, actor, action, target_type, target_id, NULLIF(before, '')::jsonb, NULLIF(after, '')::jsonb,
		note, request_id, at
	FROM unnest($27::text[], $28::text[], $29::text[], $30::text[], $31::text[], $32::text[], $33::text[],
		$34::text[], $35::text[], $36::text[], $37::text[], $38::bigint[])
		AS a(id, sub, actor_id, actor, action, target_type, target_id, before, after, note, request_id, at)
), st AS (
	INSERT INTO customer_stats (subaccount_id, shard, total, new, active, blocked, identity_required, deleted,
		wallet_value, bonus_total)
	SELECT * FROM unnest($39::text[], $40::int[], $41::bigint[], $42::bigint[], $43::bigint[], $44::bigint[],
		$45::bigint[], $46::bigint[], $47::bigint[], $48::bigint[])` + statsAddSQL + `
) SELECT 1`

func (s *Store) walletWritePostgres(ctx context.Context, tx *sql.Tx, w *walletWrites, shard int) error {
	var customers, entries, notify, audits, counters [][]any
	for _, c := range w.customers {
		customers = append(customers, []any{c.ID, c.WalletBalance, c.BonusBalance, ts(c.UpdatedAt)})
	}
	for _, e := range w.entries {
		entries = append(entries, []any{e.ID, e.SubaccountID, e.CustomerID, string(e.Kind), e.Bucket, e.Amount,
			e.WalletBalanceAfter, e.BonusBalanceAfter, e.Note, e.Actor, e.ActorID, e.IdempotencyKey, e.CauseType,
			e.CauseID, ts(e.CreatedAt)})
	}
	for _, e := range w.notify {
		notify = append(notify, []any{ids.New("ntf"), e.SubaccountID, e.CustomerID, ts(e.CreatedAt)})
	}
	for _, vals := range w.audits {
		audits = append(audits, vals)
	}
	for _, sub := range slices.Sorted(maps.Keys(w.stats)) {
		if d := w.stats[sub]; d != (stats{}) {
			counters = append(counters, []any{sub, int64(shard), d.total, d.new, d.active, d.blocked, d.identity,
				d.deleted, d.wallet, d.bonus})
		}
	}
	var args []any
	args = append(args, arrays("tiii", customers)...)
	args = append(args, arrays("tttttiiitttttti", entries)...)
	args = append(args, domain.NotificationBalanceNegative, negativeTitle, negativeMessage)
	args = append(args, arrays("ttti", notify)...)
	args = append(args, arrays("ttttttttttti", audits)...)
	args = append(args, arrays("tiiiiiiiii", counters)...)
	_, err := tx.ExecContext(ctx, walletWritePostgresSQL, args...)
	return err
}

// arrays turns rows into one array per column, as unnest takes them: a
// []string for each t in kinds and an []int64 for each i, so that an empty
// batch still sends arrays of the right types. A NULL text becomes "",
// which the statement turns back into NULL where a column may hold one.
func arrays(kinds string, rows [][]any) []any {
	out := make([]any, len(kinds))
	for i, k := range kinds {
		if k == 't' {
			col := make([]string, 0, len(rows))
			for _, r := range rows {
				v, _ := r[i].(string)
				col = append(col, v)
			}
			out[i] = col
		} else {
			col := make([]int64, 0, len(rows))
			for _, r := range rows {
				col = append(col, r[i].(int64))
			}
			out[i] = col
		}
	}
	return out
}

const (
	negativeTitle   = "Your wallet balance is negative"
	negativeMessage = "A fee took your wallet below zero. Please top up to keep riding."
)

const notificationInsertSQL = `INSERT INTO notifications (id, subaccount_id, customer_id, type, title, message,
	status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)`

func (s *Store) notify(ctx context.Context, tx *sql.Tx, c *domain.Customer, typ, title, message string) error {
	_, err := s.exec(ctx, tx, notificationInsertSQL, ids.New("ntf"), c.SubaccountID, c.ID, typ, title, message, ts(now()))
	return err
}

// LedgerList returns a customer's entries, newest first. Limit 0 returns
// every matching entry, for downloads.
func (s *Store) LedgerList(ctx context.Context, f domain.LedgerFilter) (domain.Page[*domain.LedgerEntry], error) {
	page := domain.Page[*domain.LedgerEntry]{Data: []*domain.LedgerEntry{}}
	var q query
	q.and("l.customer_id = " + q.arg(f.CustomerID))
	if f.Kind != "" {
		valid := false
		for _, k := range domain.LedgerKinds {
			valid = valid || string(k) == f.Kind
		}
		if !valid {
			return page, fieldErr("kind", "must be one of credit, bonus, fee, debit, bulk_credit, ride_charge, reversal")
		}
		q.and("l.kind = " + q.arg(f.Kind))
	}
	timeRange(&q, "l.created_at", f.From, f.To)
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM ledger_entries l WHERE `+q.cond(), q.args...).Scan(&page.Total); err != nil {
		return page, translate(err, "ledger entry")
	}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		q.and("l.id < " + q.arg(after))
	}
	limitSQL := ""
	limit := 0
	if f.Limit > 0 {
		limit = clampLimit(f.Limit)
		limitSQL = fmt.Sprintf(" LIMIT %d", limit+1)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+ledgerColumns+` FROM ledger_entries l
		JOIN subaccounts s ON s.id = l.subaccount_id WHERE `+q.cond()+` ORDER BY l.id DESC`+limitSQL, q.args...)
	if err != nil {
		return page, translate(err, "ledger entry")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return page, err
		}
		page.Data = append(page.Data, e)
	}
	if err := rows.Err(); err != nil {
		return page, translate(err, "ledger entry")
	}
	if limit > 0 && len(page.Data) > limit {
		page.Data = page.Data[:limit]
		page.NextCursor = encodeCursor(page.Data[limit-1].ID)
	}
	return page, nil
}

// NotificationList returns a customer's notifications, newest first.
func (s *Store) NotificationList(ctx context.Context, customerID string) ([]*domain.Notification, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, subaccount_id, customer_id, type, title, message, status, created_at
		FROM notifications WHERE customer_id = $1 ORDER BY id DESC LIMIT 200`, customerID)
	if err != nil {
		return nil, translate(err, "notification")
	}
	defer rows.Close()
	out := []*domain.Notification{}
	for rows.Next() {
		var n domain.Notification
		var created int64
		if err := rows.Scan(&n.ID, &n.SubaccountID, &n.CustomerID, &n.Type, &n.Title, &n.Message, &n.Status, &created); err != nil {
			return nil, translate(err, "notification")
		}
		n.CreatedAt = fromTS(created)
		out = append(out, &n)
	}
	return out, translate(rows.Err(), "notification")
}

// LedgerMismatch is a customer whose stored balances differ from the sums
// of their ledger entries.
type LedgerMismatch struct {
	CustomerID                string
	Wallet, Bonus             int64 // stored
	LedgerWallet, LedgerBonus int64 // summed
}

// LedgerCheck proves the invariant: every stored balance equals the sum of
// its entries, and the summary counters equal the customers' sums. It
// returns the customers that break it.
func (s *Store) LedgerCheck(ctx context.Context) ([]LedgerMismatch, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.wallet_balance, c.bonus_balance, COALESCE(l.w, 0), COALESCE(l.b, 0)
		FROM customers c LEFT JOIN (
			SELECT customer_id, SUM(CASE WHEN bucket = 'wallet' THEN amount ELSE 0 END) AS w,
				SUM(CASE WHEN bucket = 'bonus' THEN amount ELSE 0 END) AS b
			FROM ledger_entries GROUP BY customer_id) l ON l.customer_id = c.id
		WHERE c.wallet_balance <> COALESCE(l.w, 0) OR c.bonus_balance <> COALESCE(l.b, 0)`)
	if err != nil {
		return nil, translate(err, "ledger entry")
	}
	defer rows.Close()
	var out []LedgerMismatch
	for rows.Next() {
		var m LedgerMismatch
		if err := rows.Scan(&m.CustomerID, &m.Wallet, &m.Bonus, &m.LedgerWallet, &m.LedgerBonus); err != nil {
			return nil, translate(err, "ledger entry")
		}
		out = append(out, m)
	}
	return out, translate(rows.Err(), "ledger entry")
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
// customer after it. A repeated IdempotencyKey returns the first entry and
// changes nothing.
func (s *Store) WalletApply(ctx context.Context, a domain.Actor, op WalletOp) (*domain.LedgerEntry, *domain.Customer, error) {
	var entry *domain.LedgerEntry
	var cust *domain.Customer
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		entry, _, err = s.walletMove(ctx, tx, a, op)
		return err
	})
	if err != nil {
		return nil, nil, translate(err, "customer")
	}
	// The whole customer is read after the commit, from the readers.
	cust, err = s.CustomerGet(ctx, op.CustomerID)
	return entry, cust, err
}

// walletMove moves money inside tx. It reads only what the rules need and
// returns a partial customer (balances, subaccount, currency); callers that
// answer the whole customer read it after the commit, off the writer.
func (s *Store) walletMove(ctx context.Context, tx *sql.Tx, a domain.Actor, op WalletOp) (*domain.LedgerEntry, *domain.Customer, error) {
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE OF c"
	}
	c := &domain.Customer{ID: op.CustomerID}
	var status string
	var deleted sql.NullInt64
	var replay sql.NullString
	// One read finds the customer and, for a retried key, its first entry.
	err := s.queryRow(ctx, tx, walletReadSQL+lock, op.CustomerID, nullString(op.IdempotencyKey)).
		Scan(&c.SubaccountID, &c.WalletBalance, &c.BonusBalance, &status, &deleted, &c.Currency, &replay)
	if err != nil {
		return nil, nil, translate(err, "customer")
	}
	c.Status, c.DeletedAt = domain.CustomerStatus(status), fromNullTS(deleted)
	if replay.Valid {
		e, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+ledgerColumns+` FROM ledger_entries l
			JOIN subaccounts s ON s.id = l.subaccount_id WHERE l.id = $1`, replay.String))
		return e, c, err
	}
	var m domain.Movement
	kind, note, causeType, causeID := op.Action.Kind, strings.TrimSpace(op.Action.Note), op.CauseType, op.CauseID
	if op.ReverseEntryID != "" {
		orig, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+ledgerColumns+` FROM ledger_entries l
			JOIN subaccounts s ON s.id = l.subaccount_id WHERE l.id = $1 AND l.customer_id = $2`, op.ReverseEntryID, c.ID))
		if err != nil {
			return nil, nil, err
		}
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ledger_entries WHERE kind = 'reversal' AND cause_id = $1`,
			orig.ID).Scan(&done); err != nil {
			return nil, nil, err
		}
		if done > 0 {
			return nil, nil, domain.Errorf(domain.ECodeAlreadyReversed, "This entry has been reversed already.")
		}
		if m, err = domain.Reverse(orig, c); err != nil {
			return nil, nil, err
		}
		kind, note, causeType, causeID = domain.KindReversal, strings.TrimSpace(op.Note), "entry", orig.ID
	} else if m, err = op.Action.Apply(c); err != nil {
		return nil, nil, err
	}

	before := *c
	c.WalletBalance, c.BonusBalance, c.UpdatedAt = m.Wallet, m.Bonus, now()
	var actorID string
	if a.Principal != nil {
		actorID = a.Principal.OperatorID
	}
	e := &domain.LedgerEntry{ID: ids.New("txn"), SubaccountID: c.SubaccountID, CustomerID: c.ID, Kind: kind,
		Bucket: m.Bucket, Amount: m.Amount, WalletBalanceAfter: m.Wallet, BonusBalanceAfter: m.Bonus,
		Currency: c.Currency, Note: note, Actor: a.Label(), ActorID: actorID, IdempotencyKey: op.IdempotencyKey,
		CauseType: causeType, CauseID: causeID, CreatedAt: c.UpdatedAt}
	w := walletWrite{customer: c, entry: e, stats: statsDelta(&before, c), notify: m.NotifyNegative}
	if !op.Quiet {
		a.Note = note
		w.audit, err = auditValues(a, change{SubaccountID: c.SubaccountID, Action: "wallet." + string(kind),
			TargetType: "customer", TargetID: c.ID,
			Before: map[string]int64{"wallet_balance": before.WalletBalance, "bonus_balance": before.BonusBalance},
			After: map[string]any{"wallet_balance": c.WalletBalance, "bonus_balance": c.BonusBalance, "entry": e.ID,
				"amount": e.Amount}})
		if err != nil {
			return nil, nil, err
		}
	}
	if s.engine == Postgres {
		err = s.walletWritePostgres(ctx, tx, w)
	} else {
		err = s.walletWriteSQLite(ctx, tx, w)
	}
	return e, c, err
}

// walletWrite is everything one money movement writes.
type walletWrite struct {
	customer *domain.Customer
	entry    *domain.LedgerEntry
	stats    stats
	notify   bool
	audit    []any // nil when the move is part of an audited batch
}

const walletReadSQL = `SELECT c.subaccount_id, c.wallet_balance, c.bonus_balance, c.status, c.deleted_at,
	s.currency, (SELECT l.id FROM ledger_entries l WHERE l.customer_id = c.id AND l.idempotency_key = $2)
	FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.id = $1`

// ledgerInsertSQLite is ledgerInsertSQL numbered from $1, as a statement
// of its own.
var ledgerInsertSQLite = renumber(ledgerInsertSQL, 4)

const (
	walletUpdateSQL = `UPDATE customers SET wallet_balance = $1, bonus_balance = $2, updated_at = $3 WHERE id = $4`
	ledgerInsertSQL = `INSERT INTO ledger_entries (id, subaccount_id, customer_id, kind, bucket, amount, wallet_after,
		bonus_after, note, actor, actor_id, idempotency_key, cause_type, cause_id, created_at)
		VALUES ($5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`
)

func (w walletWrite) args() []any {
	c, e := w.customer, w.entry
	return []any{c.WalletBalance, c.BonusBalance, ts(c.UpdatedAt), c.ID,
		e.ID, e.SubaccountID, e.CustomerID, string(e.Kind), e.Bucket, e.Amount, e.WalletBalanceAfter,
		e.BonusBalanceAfter, e.Note, e.Actor, e.ActorID, nullString(e.IdempotencyKey), e.CauseType, e.CauseID,
		ts(e.CreatedAt)}
}

// walletWriteSQLite writes statement by statement: in process, each costs
// microseconds.
func (s *Store) walletWriteSQLite(ctx context.Context, tx *sql.Tx, w walletWrite) error {
	args := w.args()
	if _, err := s.exec(ctx, tx, walletUpdateSQL, args[:4]...); err != nil {
		return err
	}
	if _, err := s.exec(ctx, tx, ledgerInsertSQLite, args[4:]...); err != nil {
		return err
	}
	if err := s.statsApply(ctx, tx, w.customer.SubaccountID, w.customer.ID, w.stats); err != nil {
		return err
	}
	if w.notify {
		if err := s.notify(ctx, tx, w.customer, domain.NotificationBalanceNegative, negativeTitle, negativeMessage); err != nil {
			return err
		}
	}
	if w.audit != nil {
		if _, err := s.exec(ctx, tx, auditInsertSQL, w.audit...); err != nil {
			return err
		}
	}
	return nil
}

// walletWritePostgres writes everything in one statement of data-modifying
// CTEs: one round trip instead of five, while the customer's row is locked.
func (s *Store) walletWritePostgres(ctx context.Context, tx *sql.Tx, w walletWrite) error {
	args := w.args()
	var b strings.Builder
	b.WriteString(`WITH upd AS (` + walletUpdateSQL + `), led AS (` + ledgerInsertSQL + `)`)
	n := len(args)
	arg := func(v any) string { args = append(args, v); n++; return fmt.Sprintf("$%d", n) }
	if w.stats != (stats{}) {
		d := w.stats
		fmt.Fprintf(&b, `, st AS (INSERT INTO customer_stats (subaccount_id, shard, total, new, active, blocked,
			identity_required, deleted, wallet_value, bonus_total) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
			ON CONFLICT (subaccount_id, shard) DO UPDATE SET total = customer_stats.total + excluded.total,
			new = customer_stats.new + excluded.new, active = customer_stats.active + excluded.active,
			blocked = customer_stats.blocked + excluded.blocked,
			identity_required = customer_stats.identity_required + excluded.identity_required,
			deleted = customer_stats.deleted + excluded.deleted,
			wallet_value = customer_stats.wallet_value + excluded.wallet_value,
			bonus_total = customer_stats.bonus_total + excluded.bonus_total)`,
			arg(w.customer.SubaccountID), arg(shardOf(w.customer.ID)), arg(d.total), arg(d.new), arg(d.active),
			arg(d.blocked), arg(d.identity), arg(d.deleted), arg(d.wallet), arg(d.bonus))
	}
	if w.notify {
		c := w.customer
		fmt.Fprintf(&b, `, ntf AS (INSERT INTO notifications (id, subaccount_id, customer_id, type, title, message, status,
			created_at) VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s))`, arg(ids.New("ntf")), arg(c.SubaccountID),
			arg(c.ID), arg(domain.NotificationBalanceNegative), arg(negativeTitle), arg(negativeMessage), arg(ts(now())))
	}
	if w.audit != nil {
		ph := make([]string, len(w.audit))
		for i, v := range w.audit {
			ph[i] = arg(v)
		}
		b.WriteString(`, aud AS (INSERT INTO audit_entries (` + auditColumns + `) VALUES (` + strings.Join(ph, ", ") + `))`)
	}
	b.WriteString(` SELECT 1`)
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// renumber shifts the $n placeholders of a statement down by k.
func renumber(q string, k int) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] != '$' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(q[i+1 : j])
		fmt.Fprintf(&b, "$%d", n-k)
		i = j - 1
	}
	return b.String()
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

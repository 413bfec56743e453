package store

import (
	"context"
	"database/sql"

	"hash/fnv"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// customerColumns are read by scanCustomer, in this order.
const customerColumns = `c.id, c.subaccount_id, s.slug, c.customer_number, COALESCE(c.external_id, ''), c.name,
	COALESCE(c.email, ''), c.phone, c.address, c.notes, c.company, c.region, c.device_os, c.locale, c.joined_at,
	c.last_active_at, c.blocked, c.blocked_at, c.blocked_reason, c.identity_required, c.identity_required_reason,
	c.identity_required_at, c.identity_status, c.identity_verified_at, c.identity_notes, c.rides_count,
	c.wallet_balance, c.bonus_balance, s.currency, c.deleted_at, c.created_at, c.updated_at`

func scanCustomer(row scanner) (*domain.Customer, error) {
	var c domain.Customer
	var joined, lastActive, created, updated int64
	var blockedAt, idReqAt, idVerAt, deletedAt sql.NullInt64
	err := row.Scan(&c.ID, &c.SubaccountID, &c.Subaccount, &c.CustomerNumber, &c.ExternalID, &c.Name, &c.Email,
		&c.Phone, &c.Address, &c.Notes, &c.Company, &c.Region, &c.DeviceOS, &c.Locale, &joined, &lastActive,
		&c.Blocked, &blockedAt, &c.BlockedReason, &c.IdentityVerificationRequired, &c.IdentityRequiredReason,
		&idReqAt, &c.IdentityStatus, &idVerAt, &c.IdentityNotes, &c.RidesCount, &c.WalletBalance, &c.BonusBalance,
		&c.Currency, &deletedAt, &created, &updated)
	if err != nil {
		return nil, translate(err, "customer")
	}
	c.JoinedAt, c.CreatedAt, c.UpdatedAt = fromTS(joined), fromTS(created), fromTS(updated)
	if lastActive != 0 {
		t := fromTS(lastActive)
		c.LastActiveAt = &t
	}
	c.BlockedAt, c.IdentityRequiredAt = fromNullTS(blockedAt), fromNullTS(idReqAt)
	c.IdentityVerifiedAt, c.DeletedAt = fromNullTS(idVerAt), fromNullTS(deletedAt)
	c.Refresh()
	return &c, nil
}

// CustomerCreate stores a new customer of sa with the next customer
// number. in must be normalized and valid. A taken email or external id
// answers validation_failed naming the field.
func (s *Store) CustomerCreate(ctx context.Context, a domain.Actor, sa *domain.Subaccount, in domain.CustomerCreate, joinedAt time.Time) (*domain.Customer, error) {
	at := now()
	c := &domain.Customer{ID: ids.New("cust"), SubaccountID: sa.ID, Subaccount: sa.Slug, ExternalID: in.ExternalID,
		Name: in.Name, Email: in.Email, Phone: in.Phone, Address: in.Address, Notes: in.Notes, Company: in.Company,
		Region: in.Region, Locale: in.Locale, DeviceOS: in.DeviceOS, JoinedAt: joinedAt.UTC().Truncate(time.Microsecond),
		IdentityStatus: domain.IdentityNotRequired, Currency: sa.Currency, CreatedAt: at, UpdatedAt: at}
	c.Refresh()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkIdentifiersFree(ctx, tx, sa.ID, c.Email, c.ExternalID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO customer_numbers (subaccount_id, last_number) VALUES ($1, 1)
			ON CONFLICT (subaccount_id) DO UPDATE SET last_number = customer_numbers.last_number + 1
			RETURNING last_number`, sa.ID).Scan(&c.CustomerNumber); err != nil {
			return err
		}
		if err := s.customerInsert(ctx, tx, c); err != nil {
			return err
		}
		if err := s.statsApply(ctx, tx, c.SubaccountID, c.ID, statsDelta(nil, c)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: sa.ID, Action: "customer.create", TargetType: "customer",
			TargetID: c.ID, After: c})
	})
	if err != nil {
		return nil, translate(err, "customer")
	}
	return c, nil
}

func (s *Store) checkIdentifiersFree(ctx context.Context, tx *sql.Tx, subaccountID, email, externalID string) error {
	var v domain.Validation
	var one int
	if email != "" {
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM customers WHERE subaccount_id = $1 AND email = $2`, subaccountID, email).Scan(&one)
		if err == nil {
			v.Add("email", "belongs to another customer of this subaccount")
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	if externalID != "" {
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM customers WHERE subaccount_id = $1 AND external_id = $2`, subaccountID, externalID).Scan(&one)
		if err == nil {
			v.Add("external_id", "belongs to another customer of this subaccount")
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	return v.Err()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func zeroTime(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return ts(*t)
}

func (s *Store) customerInsert(ctx context.Context, tx *sql.Tx, c *domain.Customer) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO customers (id, subaccount_id, customer_number, external_id, name, name_key,
		email, phone, address, notes, company, region, device_os, locale, joined_at, last_active_at, blocked, blocked_at,
		blocked_reason, identity_required, identity_required_reason, identity_required_at, identity_status,
		identity_verified_at, identity_notes, rides_count, wallet_balance, bonus_balance, status, deleted_at, search,
		created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
		$24, $25, $26, $27, $28, $29, $30, $31, $32, $33)`,
		c.ID, c.SubaccountID, c.CustomerNumber, nullString(c.ExternalID), c.Name, strings.ToLower(c.Name),
		nullString(c.Email), c.Phone, c.Address, c.Notes, c.Company, c.Region, c.DeviceOS, c.Locale, ts(c.JoinedAt),
		zeroTime(c.LastActiveAt), c.Blocked, nullTime(c.BlockedAt), c.BlockedReason, c.IdentityVerificationRequired,
		c.IdentityRequiredReason, nullTime(c.IdentityRequiredAt), c.IdentityStatus, nullTime(c.IdentityVerifiedAt),
		c.IdentityNotes, c.RidesCount, c.WalletBalance, c.BonusBalance, string(c.Status), nullTime(c.DeletedAt),
		c.SearchText(), ts(c.CreatedAt), ts(c.UpdatedAt))
	return err
}

// CustomerGet returns a customer by id, deleted or not, or not_found.
func (s *Store) CustomerGet(ctx context.Context, id string) (*domain.Customer, error) {
	if s.engine == SQLite {
		return scanCustomer(s.readRow(ctx, customerGetSQLite, id))
	}
	return scanCustomer(s.readRow(ctx, customerGetSQL, id))
}

const customerGetSQL = `SELECT ` + customerColumns + `
	FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.id = $1`

// customerGetSQLite names one table, as the wallet's hot reads do (see
// oneTable): SQLite plans a join anew for every id bound to it, which cost
// more than the read, and a lookup by a unique key it does not plan again.
var customerGetSQLite = `SELECT ` + oneTable(customerColumns, "c") + ` FROM customers c WHERE c.id = $1`

// CustomerChange loads a customer for update, lets apply modify it (with
// the domain's rules), and writes it back with its audit entry and the
// summary counters, in one transaction. action names the change in the
// audit log. An error from apply aborts without writing.
func (s *Store) CustomerChange(ctx context.Context, a domain.Actor, id, action string, apply func(*domain.Customer) error) (*domain.Customer, error) {
	var after *domain.Customer
	err := s.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.engine == Postgres {
			lock = " FOR UPDATE OF c"
		}
		before, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+`
			FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.id = $1`+lock, id))
		if err != nil {
			return err
		}
		c := *before
		if err := apply(&c); err != nil {
			return err
		}
		c.UpdatedAt = now()
		c.Refresh()
		if err := s.customerWrite(ctx, tx, &c); err != nil {
			return err
		}
		if err := s.statsApply(ctx, tx, c.SubaccountID, c.ID, statsDelta(before, &c)); err != nil {
			return err
		}
		after = &c
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: action, TargetType: "customer",
			TargetID: c.ID, Before: before, After: &c})
	})
	if err != nil {
		return nil, translate(err, "customer")
	}
	return after, nil
}

// customerWrite stores every mutable column of c.
func (s *Store) customerWrite(ctx context.Context, tx *sql.Tx, c *domain.Customer) error {
	_, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, name_key = $2, phone = $3, address = $4, notes = $5,
		company = $6, region = $7, device_os = $8, locale = $9, last_active_at = $10, blocked = $11, blocked_at = $12,
		blocked_reason = $13, identity_required = $14, identity_required_reason = $15, identity_required_at = $16,
		identity_status = $17, identity_verified_at = $18, identity_notes = $19, rides_count = $20,
		wallet_balance = $21, bonus_balance = $22, status = $23, deleted_at = $24, search = $25, updated_at = $26
		WHERE id = $27`,
		c.Name, strings.ToLower(c.Name), c.Phone, c.Address, c.Notes, c.Company, c.Region, c.DeviceOS, c.Locale,
		zeroTime(c.LastActiveAt), c.Blocked, nullTime(c.BlockedAt), c.BlockedReason, c.IdentityVerificationRequired,
		c.IdentityRequiredReason, nullTime(c.IdentityRequiredAt), c.IdentityStatus, nullTime(c.IdentityVerifiedAt),
		c.IdentityNotes, c.RidesCount, c.WalletBalance, c.BonusBalance, string(c.Status), nullTime(c.DeletedAt),
		c.SearchText(), ts(c.UpdatedAt), c.ID)
	return err
}

const statsUpsertSQL = `INSERT INTO customer_stats
	(subaccount_id, shard, total, new, active, blocked, identity_required, deleted, wallet_value, bonus_total)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)` + statsAddSQL

// statsAddSQL ends an insert of counter deltas: a shard that exists already
// adds them to its counters.
const statsAddSQL = `
	ON CONFLICT (subaccount_id, shard) DO UPDATE SET total = customer_stats.total + excluded.total,
	new = customer_stats.new + excluded.new, active = customer_stats.active + excluded.active,
	blocked = customer_stats.blocked + excluded.blocked,
	identity_required = customer_stats.identity_required + excluded.identity_required,
	deleted = customer_stats.deleted + excluded.deleted,
	wallet_value = customer_stats.wallet_value + excluded.wallet_value,
	bonus_total = customer_stats.bonus_total + excluded.bonus_total`

// stats is a customer's contribution to its subaccount's summary.
type stats struct{ total, new, active, blocked, identity, deleted, wallet, bonus int64 }

func contribution(c *domain.Customer) stats {
	var st stats
	if c == nil {
		return st
	}
	switch c.Status {
	case domain.StatusDeleted:
		st.deleted = 1
		return st
	case domain.StatusNew:
		st.new = 1
	case domain.StatusActive:
		st.active = 1
	case domain.StatusBlocked:
		st.blocked = 1
	case domain.StatusIdentityRequired:
		st.identity = 1
	}
	st.total, st.wallet, st.bonus = 1, c.WalletBalance, c.BonusBalance
	return st
}

func statsDelta(before, after *domain.Customer) stats {
	b, a := contribution(before), contribution(after)
	return stats{a.total - b.total, a.new - b.new, a.active - b.active, a.blocked - b.blocked,
		a.identity - b.identity, a.deleted - b.deleted, a.wallet - b.wallet, a.bonus - b.bonus}
}

// statsShards spreads a subaccount's counters over rows, so that
// concurrent writers seldom wait on the same one.
const statsShards = 16

func shardOf(customerID string) int {
	h := fnv.New32a()
	h.Write([]byte(customerID))
	return int(h.Sum32() % statsShards)
}

func (s *Store) statsApply(ctx context.Context, tx *sql.Tx, subaccountID, customerID string, d stats) error {
	return s.statsApplyShard(ctx, tx, subaccountID, shardOf(customerID), d)
}

// CustomerSummary returns the summary cards and tab counts of a subaccount.
func (s *Store) CustomerSummary(ctx context.Context, sa *domain.Subaccount) (domain.CustomerSummary, error) {
	sum := domain.CustomerSummary{Currency: sa.Currency}
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(total), 0), COALESCE(SUM(new), 0), COALESCE(SUM(active), 0),
		COALESCE(SUM(blocked), 0), COALESCE(SUM(identity_required), 0), COALESCE(SUM(deleted), 0),
		COALESCE(SUM(wallet_value), 0), COALESCE(SUM(bonus_total), 0)
		FROM customer_stats WHERE subaccount_id = $1`, sa.ID).
		Scan(&sum.Total, &sum.New, &sum.Active, &sum.Blocked, &sum.IdentityRequired, &sum.Deleted, &sum.WalletValue, &sum.BonusTotal)
	return sum, translate(err, "summary")
}

// CustomerStatsRecount rebuilds the summary counters of a subaccount from
// the customers themselves, and reports whether they had drifted.
func (s *Store) CustomerStatsRecount(ctx context.Context, subaccountID string) (bool, error) {
	drift := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var want stats
		rows, err := tx.QueryContext(ctx, `SELECT status, count(*), COALESCE(SUM(wallet_balance), 0), COALESCE(SUM(bonus_balance), 0)
			FROM customers WHERE subaccount_id = $1 GROUP BY status`, subaccountID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var status string
			var n, wallet, bonus int64
			if err := rows.Scan(&status, &n, &wallet, &bonus); err != nil {
				rows.Close()
				return err
			}
			switch domain.CustomerStatus(status) {
			case domain.StatusDeleted:
				want.deleted += n
				continue
			case domain.StatusNew:
				want.new += n
			case domain.StatusActive:
				want.active += n
			case domain.StatusBlocked:
				want.blocked += n
			case domain.StatusIdentityRequired:
				want.identity += n
			}
			want.total += n
			want.wallet += wallet
			want.bonus += bonus
		}
		rows.Close()
		var have stats
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(total), 0), COALESCE(SUM(new), 0), COALESCE(SUM(active), 0),
			COALESCE(SUM(blocked), 0), COALESCE(SUM(identity_required), 0), COALESCE(SUM(deleted), 0),
			COALESCE(SUM(wallet_value), 0), COALESCE(SUM(bonus_total), 0) FROM customer_stats WHERE subaccount_id = $1`,
			subaccountID).Scan(&have.total, &have.new, &have.active, &have.blocked, &have.identity, &have.deleted,
			&have.wallet, &have.bonus); err != nil {
			return err
		}
		if have == want {
			return nil
		}
		drift = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_stats WHERE subaccount_id = $1`, subaccountID); err != nil {
			return err
		}
		return s.statsApply(ctx, tx, subaccountID, "", want)
	})
	return drift, translate(err, "summary")
}

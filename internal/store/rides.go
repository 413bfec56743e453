package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

const rideColumns = `r.id, r.subaccount_id, r.customer_id, r.vehicle_id, v.code, r.status, r.started_at, r.ended_at,
	r.duration_s, r.distance_m, r.started_by, r.price, r.discount, r.amount_charged, r.charges, s.currency`

const rideFrom = ` FROM rides r JOIN vehicles v ON v.id = r.vehicle_id JOIN subaccounts s ON s.id = r.subaccount_id`

func scanRide(row scanner) (*domain.Ride, error) {
	var r domain.Ride
	var started int64
	var ended sql.NullInt64
	var charges []byte
	if err := row.Scan(&r.ID, &r.SubaccountID, &r.CustomerID, &r.VehicleID, &r.VehicleCode, &r.Status, &started, &ended,
		&r.DurationS, &r.DistanceM, &r.StartedBy, &r.Price, &r.Discount, &r.AmountCharged, &charges, &r.Currency); err != nil {
		return nil, translate(err, "ride")
	}
	r.StartedAt, r.EndedAt = fromTS(started), fromNullTS(ended)
	if err := json.Unmarshal(charges, &r.Charges); err != nil {
		return nil, translate(err, "ride")
	}
	return &r, nil
}

// RideGet returns a ride, or not_found.
func (s *Store) RideGet(ctx context.Context, id string) (*domain.Ride, error) {
	return scanRide(s.r.QueryRowContext(ctx, `SELECT `+rideColumns+rideFrom+` WHERE r.id = $1`, id))
}

// RideActive returns the customer's active ride, or nil.
func (s *Store) RideActive(ctx context.Context, customerID string) (*domain.Ride, error) {
	r, err := scanRide(s.r.QueryRowContext(ctx, `SELECT `+rideColumns+rideFrom+
		` WHERE r.customer_id = $1 AND r.status = 'active'`, customerID))
	if domain.ErrorCode(err) == domain.ECodeNotFound {
		return nil, nil
	}
	return r, err
}

// RideFilter selects a customer's rides, newest first.
type RideFilter struct {
	CustomerID string
	Status     string
	From, To   *time.Time
	Cursor     string
	Limit      int
}

// RideList returns a customer's rides, newest first.
func (s *Store) RideList(ctx context.Context, f RideFilter) (domain.Page[*domain.Ride], error) {
	page := domain.Page[*domain.Ride]{Data: []*domain.Ride{}}
	var q query
	q.and("r.customer_id = " + q.arg(f.CustomerID))
	switch f.Status {
	case "":
	case domain.RideActive, domain.RideCompleted, domain.RideCancelled:
		q.and("r.status = " + q.arg(f.Status))
	default:
		return page, fieldErr("status", "must be active, completed or cancelled")
	}
	timeRange(&q, "r.started_at", f.From, f.To)
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM rides r WHERE `+q.cond(), q.args...).Scan(&page.Total); err != nil {
		return page, translate(err, "ride")
	}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		q.and("r.id < " + q.arg(after))
	}
	limit := clampLimit(f.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT `+rideColumns+rideFrom+` WHERE `+q.cond()+` ORDER BY r.id DESC LIMIT `+
		q.arg(limit+1), q.args...)
	if err != nil {
		return page, translate(err, "ride")
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRide(rows)
		if err != nil {
			return page, err
		}
		page.Data = append(page.Data, r)
	}
	if len(page.Data) > limit {
		page.Data = page.Data[:limit]
		page.NextCursor = encodeCursor(page.Data[limit-1].ID)
	}
	return page, translate(rows.Err(), "ride")
}

// rideContext loads what the eligibility rules need, inside tx; with
// forUpdate on PostgreSQL it locks the customer and the vehicle, in that
// order.
func (s *Store) rideContext(ctx context.Context, tx *sql.Tx, customerID string, v *domain.Vehicle, forUpdate bool) (domain.RideContext, *domain.Subaccount, error) {
	lock, vlock := "", ""
	if forUpdate && s.engine == Postgres {
		lock, vlock = " FOR UPDATE OF c", " FOR UPDATE"
	}
	var rc domain.RideContext
	c, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+`
		FROM customers c JOIN subaccounts s ON s.id = c.subaccount_id WHERE c.id = $1`+lock, customerID))
	if err != nil {
		return rc, nil, err
	}
	sa, err := scanSubaccount(tx.QueryRowContext(ctx, `SELECT `+subaccountColumns+` FROM subaccounts WHERE id = $1`, c.SubaccountID))
	if err != nil {
		return rc, nil, err
	}
	rc = domain.RideContext{Customer: c, MinBalance: sa.MinRideBalance, Now: time.Now()}
	if v != nil {
		if rc.Vehicle, err = scanVehicle(tx.QueryRowContext(ctx, `SELECT `+vehicleColumns+` FROM vehicles WHERE id = $1`+vlock, v.ID)); err != nil {
			return rc, nil, err
		}
	}
	if rc.PaymentMethods, err = paymentMethodsOf(ctx, tx, c.ID); err != nil {
		return rc, nil, err
	}
	if rc.Subscriptions, err = subscriptionsOf(ctx, tx, c.ID); err != nil {
		return rc, nil, err
	}
	if rc.Packages, err = packagesOf(ctx, tx, c.ID); err != nil {
		return rc, nil, err
	}
	var active int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rides WHERE customer_id = $1 AND status = 'active'`, c.ID).Scan(&active); err != nil {
		return rc, nil, err
	}
	rc.HasActiveRide = active > 0
	return rc, sa, nil
}

// RideEligibility explains, rule by rule, whether the customer may start a
// ride on the vehicle (nil: the vehicle rules are left out).
func (s *Store) RideEligibility(ctx context.Context, customerID string, v *domain.Vehicle) ([]domain.Check, error) {
	var checks []domain.Check
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rc, _, err := s.rideContext(ctx, tx, customerID, v, false)
		if err != nil {
			return err
		}
		checks = domain.Eligibility(rc)
		return nil
	})
	return checks, translate(err, "customer")
}

// readTx runs fn in a read-only transaction on the readers, for a
// consistent view across queries.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.engine == Postgres})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// RideStart starts a ride when every eligibility rule passes. Two starts
// racing for the same customer or vehicle leave exactly one active ride:
// the rows are locked, and unique indexes stand behind the locks.
func (s *Store) RideStart(ctx context.Context, a domain.Actor, customerID string, v *domain.Vehicle, startedBy string) (*domain.Ride, error) {
	var ride *domain.Ride
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rc, sa, err := s.rideContext(ctx, tx, customerID, v, true)
		if err != nil {
			return err
		}
		if err := domain.CanStart(rc); err != nil {
			return err
		}
		c := rc.Customer
		at := now()
		ride = &domain.Ride{ID: ids.New("ride"), SubaccountID: c.SubaccountID, CustomerID: c.ID, VehicleID: v.ID,
			VehicleCode: rc.Vehicle.Code, Status: domain.RideActive, StartedAt: at, StartedBy: startedBy,
			Charges: []domain.Charge{}, Currency: sa.Currency}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rides (id, subaccount_id, customer_id, vehicle_id, status, started_at,
			started_by) VALUES ($1, $2, $3, $4, 'active', $5, $6)`, ride.ID, ride.SubaccountID, ride.CustomerID,
			ride.VehicleID, ts(at), startedBy); err != nil {
			if isUniqueViolation(err) {
				return domain.Errorf(domain.ECodeRideAlreadyActive, "The customer or the vehicle is on another ride.")
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE vehicles SET status = 'in_use' WHERE id = $1 AND status = 'available'`, v.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ECodeVehicleUnavailable, "The vehicle is not available.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET last_active_at = $1 WHERE id = $2`, ts(at), c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "ride.start", TargetType: "customer",
			TargetID: c.ID, After: ride})
	})
	if err != nil {
		return nil, translate(err, "ride")
	}
	return ride, nil
}

// RideEnd ends an active ride: it measures it, prices it, and pays for it
// in order (package minutes, bonus, wallet, the default card, else the
// wallet goes negative), writing ride_charge ledger entries, all in one
// transaction. A blocked customer's ride ends like any other.
func (s *Store) RideEnd(ctx context.Context, a domain.Actor, rideID string) (*domain.Ride, error) {
	var ride *domain.Ride
	err := s.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.engine == Postgres {
			lock = " FOR UPDATE OF r"
		}
		r, err := scanRide(tx.QueryRowContext(ctx, `SELECT `+rideColumns+rideFrom+` WHERE r.id = $1`+lock, rideID))
		if err != nil {
			return err
		}
		if r.Status != domain.RideActive {
			return domain.Errorf(domain.ECodeRideNotActive, "This ride has ended already.")
		}
		rc, sa, err := s.rideContext(ctx, tx, r.CustomerID, nil, true)
		if err != nil {
			return err
		}
		c := rc.Customer
		at := now()
		dur := at.Sub(r.StartedAt)
		dist, err := s.distanceDuring(ctx, tx, r.VehicleID, r.StartedAt, at)
		if err != nil {
			return err
		}
		promos, err := promosOf(ctx, tx, c.ID, " AND applied_to = ''")
		if err != nil {
			return err
		}
		var promo *domain.PromoRedemption
		if len(promos) > 0 {
			promo = promos[len(promos)-1] // the oldest unused
		}
		var active []*domain.PackagePurchase
		for _, p := range rc.Packages {
			if p.Refresh(at); p.Status == "active" {
				active = append(active, p)
			}
		}
		sort.SliceStable(active, func(i, j int) bool { return expiresBefore(active[i], active[j]) })
		var card *domain.PaymentMethod
		for _, p := range rc.PaymentMethods {
			if p.Default && p.Valid(at) {
				card = p
			}
		}
		bill := domain.BillRide(domain.Pricing{UnlockFee: sa.UnlockFee, PricePerMinute: sa.PricePerMinute},
			domain.Minutes(dur), promo, active, c, card != nil)

		for id, minutes := range bill.PackageUsed {
			if _, err := tx.ExecContext(ctx, `UPDATE package_purchases SET minutes_remaining = minutes_remaining - $1
				WHERE id = $2`, minutes, id); err != nil {
				return err
			}
		}
		if promo != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE promo_redemptions SET applied_to = $1 WHERE id = $2`, r.ID, promo.ID); err != nil {
				return err
			}
		}
		before := *c
		actorID := ""
		if a.Principal != nil {
			actorID = a.Principal.OperatorID
		}
		for _, part := range []struct {
			bucket string
			amount int64
		}{{domain.BucketBonus, bill.Bonus}, {domain.BucketWallet, bill.Wallet}} {
			if part.amount == 0 {
				continue
			}
			if part.bucket == domain.BucketBonus {
				c.BonusBalance -= part.amount
			} else {
				c.WalletBalance -= part.amount
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_entries (id, subaccount_id, customer_id, kind, bucket,
				amount, wallet_after, bonus_after, note, actor, actor_id, cause_type, cause_id, created_at)
				VALUES ($1, $2, $3, 'ride_charge', $4, $5, $6, $7, $8, $9, $10, 'ride', $11, $12)`,
				ids.New("txn"), c.SubaccountID, c.ID, part.bucket, -part.amount, c.WalletBalance, c.BonusBalance,
				"ride "+r.ID, a.Label(), actorID, r.ID, ts(at)); err != nil {
				return err
			}
		}
		if card != nil && bill.Card > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO card_charges (id, ride_id, payment_method_id, amount, created_at)
				VALUES ($1, $2, $3, $4, $5)`, ids.New("cc"), r.ID, card.ID, bill.Card, ts(at)); err != nil {
				return err
			}
		}
		c.CompleteRide(at)
		c.UpdatedAt = at
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET wallet_balance = $1, bonus_balance = $2, rides_count = $3,
			last_active_at = $4, status = $5, updated_at = $6 WHERE id = $7`, c.WalletBalance, c.BonusBalance, c.RidesCount,
			ts(at), string(c.Status), ts(at), c.ID); err != nil {
			return err
		}
		if err := s.walletOrderSet(ctx, tx, c); err != nil {
			return err
		}
		if err := s.statsApply(ctx, tx, c.SubaccountID, c.ID, statsDelta(&before, c)); err != nil {
			return err
		}
		if before.WalletBalance >= 0 && c.WalletBalance < 0 {
			if err := s.notify(ctx, tx, c, domain.NotificationBalanceNegative, "Your wallet balance is negative",
				"Your last ride took your wallet below zero. Please top up to keep riding."); err != nil {
				return err
			}
		}
		charges, _ := json.Marshal(bill.Charges)
		r.Status, r.EndedAt, r.DurationS, r.DistanceM = domain.RideCompleted, &at, int64(dur/time.Second), dist
		r.Price, r.Discount, r.Charges = bill.Price, bill.Discount, bill.Charges
		r.AmountCharged = bill.Price
		if _, err := tx.ExecContext(ctx, `UPDATE rides SET status = 'completed', ended_at = $1, duration_s = $2,
			distance_m = $3, price = $4, discount = $5, amount_charged = $6, charges = $7 WHERE id = $8`,
			ts(at), r.DurationS, r.DistanceM, r.Price, r.Discount, r.AmountCharged, string(charges), r.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vehicles SET status = 'available' WHERE id = $1 AND status = 'in_use'`, r.VehicleID); err != nil {
			return err
		}
		ride = r
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "ride.end", TargetType: "customer",
			TargetID: c.ID, After: r})
	})
	if err != nil {
		return nil, translate(err, "ride")
	}
	return ride, nil
}

func expiresBefore(a, b *domain.PackagePurchase) bool {
	switch {
	case a.ExpiresAt == nil:
		return false
	case b.ExpiresAt == nil:
		return true
	}
	return a.ExpiresAt.Before(*b.ExpiresAt)
}

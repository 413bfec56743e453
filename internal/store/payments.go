package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

const paymentMethodColumns = `id, customer_id, brand, last4, exp_month, exp_year, is_default, verification_status,
	provider_ref, created_at`

func scanPaymentMethod(row scanner) (*domain.PaymentMethod, error) {
	var p domain.PaymentMethod
	var created int64
	if err := row.Scan(&p.ID, &p.CustomerID, &p.Brand, &p.Last4, &p.ExpMonth, &p.ExpYear, &p.Default,
		&p.VerificationStatus, &p.ProviderRef, &created); err != nil {
		return nil, translate(err, "payment method")
	}
	p.CreatedAt = fromTS(created)
	p.Refresh(time.Now())
	return &p, nil
}

func paymentMethodsOf(ctx context.Context, q querier, customerID string) ([]*domain.PaymentMethod, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+paymentMethodColumns+` FROM payment_methods WHERE customer_id = $1
		ORDER BY is_default DESC, created_at DESC`, customerID)
	if err != nil {
		return nil, translate(err, "payment method")
	}
	defer rows.Close()
	out := []*domain.PaymentMethod{}
	for rows.Next() {
		p, err := scanPaymentMethod(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, translate(rows.Err(), "payment method")
}

// PaymentMethodList returns a customer's cards, the default first.
func (s *Store) PaymentMethodList(ctx context.Context, customerID string) ([]*domain.PaymentMethod, error) {
	return paymentMethodsOf(ctx, s.r, customerID)
}

// PaymentMethodGet returns a card, or not_found.
func (s *Store) PaymentMethodGet(ctx context.Context, id string) (*domain.PaymentMethod, error) {
	return scanPaymentMethod(s.r.QueryRowContext(ctx, `SELECT `+paymentMethodColumns+` FROM payment_methods WHERE id = $1`, id))
}

// PaymentMethodAdd saves a card; the first card, or one marked default,
// becomes the default.
func (s *Store) PaymentMethodAdd(ctx context.Context, a domain.Actor, c *domain.Customer, in domain.PaymentMethodCreate) (*domain.PaymentMethod, error) {
	p := &domain.PaymentMethod{ID: ids.New("pm"), CustomerID: c.ID, Brand: in.Brand, Last4: in.Last4, ExpMonth: in.ExpMonth,
		ExpYear: in.ExpYear, VerificationStatus: in.VerificationStatus, ProviderRef: in.ProviderRef, CreatedAt: now()}
	p.Refresh(p.CreatedAt)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM payment_methods WHERE customer_id = $1`, c.ID).Scan(&n); err != nil {
			return err
		}
		p.Default = in.Default || n == 0
		if p.Default {
			if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = $1 WHERE customer_id = $2`, false, c.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payment_methods (id, customer_id, brand, last4, exp_month, exp_year,
			is_default, verification_status, provider_ref, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			p.ID, p.CustomerID, p.Brand, p.Last4, p.ExpMonth, p.ExpYear, p.Default, p.VerificationStatus, p.ProviderRef,
			ts(p.CreatedAt)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "payment_method.add",
			TargetType: "customer", TargetID: c.ID, After: p})
	})
	if err != nil {
		return nil, translate(err, "payment method")
	}
	return p, nil
}

// PaymentMethodSetDefault makes a card the customer's default.
func (s *Store) PaymentMethodSetDefault(ctx context.Context, a domain.Actor, subaccountID string, p *domain.PaymentMethod) error {
	return translate(s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = $1 WHERE customer_id = $2`, false, p.CustomerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = $1 WHERE id = $2`, true, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: subaccountID, Action: "payment_method.default",
			TargetType: "customer", TargetID: p.CustomerID, After: map[string]string{"payment_method": p.ID}})
	}), "payment method")
}

// PaymentMethodRemove deletes a card; when it was the default, the newest
// remaining card becomes the default.
func (s *Store) PaymentMethodRemove(ctx context.Context, a domain.Actor, subaccountID string, p *domain.PaymentMethod) error {
	return translate(s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM payment_methods WHERE id = $1`, p.ID); err != nil {
			return err
		}
		if p.Default {
			if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = $1 WHERE id = (
				SELECT id FROM payment_methods WHERE customer_id = $2 ORDER BY created_at DESC LIMIT 1)`, true, p.CustomerID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, change{SubaccountID: subaccountID, Action: "payment_method.remove",
			TargetType: "customer", TargetID: p.CustomerID, Before: p})
	}), "payment method")
}

// purchaseGuard refuses purchases by a blocked or deleted customer.
func purchaseGuard(c *domain.Customer) error {
	switch {
	case c.DeletedAt != nil:
		return domain.Errorf(domain.ECodeCustomerDeleted, "This customer is deleted.")
	case c.Blocked:
		return domain.Errorf(domain.ECodeCustomerBlocked, "A blocked customer cannot buy anything.")
	}
	return nil
}

// SubscriptionAdd records a subscription.
func (s *Store) SubscriptionAdd(ctx context.Context, a domain.Actor, c *domain.Customer, in domain.SubscriptionCreate) (*domain.Subscription, error) {
	if err := purchaseGuard(c); err != nil {
		return nil, err
	}
	sub := &domain.Subscription{ID: ids.New("subs"), CustomerID: c.ID, PackageName: in.PackageName, Status: in.Status,
		StartDate: in.StartDate.UTC().Truncate(time.Microsecond), BillingFrequency: in.BillingFrequency,
		Amount: in.Amount, RidesIncluded: in.RidesIncluded, ProviderRef: in.ProviderRef, CreatedAt: now()}
	if in.EndDate != nil {
		e := in.EndDate.UTC().Truncate(time.Microsecond)
		sub.EndDate = &e
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (id, customer_id, package_name, status, start_date,
			end_date, billing_frequency, amount, rides_included, provider_ref, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, sub.ID, sub.CustomerID, sub.PackageName, sub.Status,
			ts(sub.StartDate), nullTime(sub.EndDate), sub.BillingFrequency, sub.Amount, sub.RidesIncluded, sub.ProviderRef,
			ts(sub.CreatedAt)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "subscription.add", TargetType: "customer",
			TargetID: c.ID, After: sub})
	})
	if err != nil {
		return nil, translate(err, "subscription")
	}
	sub.Refresh(time.Now())
	return sub, nil
}

func subscriptionsOf(ctx context.Context, q querier, customerID string) ([]*domain.Subscription, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, customer_id, package_name, status, start_date, end_date,
		billing_frequency, amount, rides_included, provider_ref, created_at FROM subscriptions WHERE customer_id = $1
		ORDER BY start_date DESC`, customerID)
	if err != nil {
		return nil, translate(err, "subscription")
	}
	defer rows.Close()
	out := []*domain.Subscription{}
	for rows.Next() {
		var sub domain.Subscription
		var start, created int64
		var end sql.NullInt64
		if err := rows.Scan(&sub.ID, &sub.CustomerID, &sub.PackageName, &sub.Status, &start, &end, &sub.BillingFrequency,
			&sub.Amount, &sub.RidesIncluded, &sub.ProviderRef, &created); err != nil {
			return nil, translate(err, "subscription")
		}
		sub.StartDate, sub.EndDate, sub.CreatedAt = fromTS(start), fromNullTS(end), fromTS(created)
		sub.Refresh(time.Now())
		out = append(out, &sub)
	}
	return out, translate(rows.Err(), "subscription")
}

// SubscriptionList returns a customer's subscriptions, newest first.
func (s *Store) SubscriptionList(ctx context.Context, customerID string) ([]*domain.Subscription, error) {
	return subscriptionsOf(ctx, s.r, customerID)
}

// PackageAdd records a package purchase.
func (s *Store) PackageAdd(ctx context.Context, a domain.Actor, c *domain.Customer, in domain.PackageCreate) (*domain.PackagePurchase, error) {
	if err := purchaseGuard(c); err != nil {
		return nil, err
	}
	p := &domain.PackagePurchase{ID: ids.New("pkg"), CustomerID: c.ID, PackageName: in.PackageName, PurchasedAt: now(),
		AmountPaid: in.AmountPaid, MinutesIncluded: in.MinutesIncluded, MinutesRemaining: in.MinutesIncluded}
	if in.ExpiresAt != nil {
		e := in.ExpiresAt.UTC().Truncate(time.Microsecond)
		p.ExpiresAt = &e
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO package_purchases (id, customer_id, package_name, purchased_at,
			amount_paid, minutes_included, minutes_remaining, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			p.ID, p.CustomerID, p.PackageName, ts(p.PurchasedAt), p.AmountPaid, p.MinutesIncluded, p.MinutesRemaining,
			nullTime(p.ExpiresAt)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "package.add", TargetType: "customer",
			TargetID: c.ID, After: p})
	})
	if err != nil {
		return nil, translate(err, "package")
	}
	p.Refresh(time.Now())
	return p, nil
}

func packagesOf(ctx context.Context, q querier, customerID string) ([]*domain.PackagePurchase, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, customer_id, package_name, purchased_at, amount_paid, minutes_included,
		minutes_remaining, expires_at FROM package_purchases WHERE customer_id = $1 ORDER BY purchased_at DESC`, customerID)
	if err != nil {
		return nil, translate(err, "package")
	}
	defer rows.Close()
	out := []*domain.PackagePurchase{}
	for rows.Next() {
		var p domain.PackagePurchase
		var bought int64
		var expires sql.NullInt64
		if err := rows.Scan(&p.ID, &p.CustomerID, &p.PackageName, &bought, &p.AmountPaid, &p.MinutesIncluded,
			&p.MinutesRemaining, &expires); err != nil {
			return nil, translate(err, "package")
		}
		p.PurchasedAt, p.ExpiresAt = fromTS(bought), fromNullTS(expires)
		p.Refresh(time.Now())
		out = append(out, &p)
	}
	return out, translate(rows.Err(), "package")
}

// PackageList returns a customer's package purchases, newest first.
func (s *Store) PackageList(ctx context.Context, customerID string) ([]*domain.PackagePurchase, error) {
	return packagesOf(ctx, s.r, customerID)
}

// PromoAdd records a promo code redemption; it applies to the next ride.
func (s *Store) PromoAdd(ctx context.Context, a domain.Actor, c *domain.Customer, in domain.PromoCreate) (*domain.PromoRedemption, error) {
	p := &domain.PromoRedemption{ID: ids.New("promo"), CustomerID: c.ID, SubaccountID: c.SubaccountID, Code: in.Code,
		DiscountType: in.DiscountType, DiscountValue: in.DiscountValue, RedeemedAt: now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO promo_redemptions (id, customer_id, subaccount_id, code, discount_type,
			discount_value, redeemed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.CustomerID, p.SubaccountID, p.Code,
			p.DiscountType, p.DiscountValue, ts(p.RedeemedAt)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: c.SubaccountID, Action: "promo.redeem", TargetType: "customer",
			TargetID: c.ID, After: p})
	})
	if err != nil {
		return nil, translate(err, "promo")
	}
	return p, nil
}

func promosOf(ctx context.Context, q querier, customerID, where string) ([]*domain.PromoRedemption, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, customer_id, subaccount_id, code, discount_type, discount_value,
		redeemed_at, applied_to FROM promo_redemptions WHERE customer_id = $1`+where+` ORDER BY redeemed_at DESC`, customerID)
	if err != nil {
		return nil, translate(err, "promo")
	}
	defer rows.Close()
	out := []*domain.PromoRedemption{}
	for rows.Next() {
		var p domain.PromoRedemption
		var at int64
		if err := rows.Scan(&p.ID, &p.CustomerID, &p.SubaccountID, &p.Code, &p.DiscountType, &p.DiscountValue, &at,
			&p.AppliedTo); err != nil {
			return nil, translate(err, "promo")
		}
		p.RedeemedAt = fromTS(at)
		out = append(out, &p)
	}
	return out, translate(rows.Err(), "promo")
}

// PromoList returns a customer's redemptions, newest first.
func (s *Store) PromoList(ctx context.Context, customerID string) ([]*domain.PromoRedemption, error) {
	return promosOf(ctx, s.r, customerID, "")
}

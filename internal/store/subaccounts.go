package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

const subaccountColumns = `id, slug, name, currency, currency_exponent, timezone, country, default_locale,
	regions, min_ride_balance, unlock_fee, price_per_minute, risk_threshold, created_at, max_wallet_amount`

// SubaccountCreate stores a new, validated subaccount and sets its ID and
// CreatedAt. A taken slug answers conflict.
func (s *Store) SubaccountCreate(ctx context.Context, a domain.Actor, sa *domain.Subaccount) error {
	sa.ID = ids.New("sub")
	sa.CreatedAt = now()
	regions, err := json.Marshal(sa.Regions)
	if err != nil {
		return err
	}
	return translate(s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO subaccounts (`+subaccountColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			sa.ID, sa.Slug, sa.Name, sa.Currency, sa.CurrencyExponent, sa.Timezone, sa.Country, sa.DefaultLocale,
			string(regions), sa.MinRideBalance, sa.UnlockFee, sa.PricePerMinute, sa.RiskThreshold, ts(sa.CreatedAt),
			sa.MaxWalletAmount)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: sa.ID, Action: "subaccount.create",
			TargetType: "subaccount", TargetID: sa.ID, After: sa})
	}), "subaccount")
}

// SubaccountGet returns a subaccount by id, or not_found.
func (s *Store) SubaccountGet(ctx context.Context, id string) (*domain.Subaccount, error) {
	return scanSubaccount(s.r.QueryRowContext(ctx, `SELECT `+subaccountColumns+` FROM subaccounts WHERE id = $1`, id))
}

// SubaccountBySlug returns a subaccount by slug, or not_found.
func (s *Store) SubaccountBySlug(ctx context.Context, slug string) (*domain.Subaccount, error) {
	return scanSubaccount(s.r.QueryRowContext(ctx, `SELECT `+subaccountColumns+` FROM subaccounts WHERE slug = $1`, slug))
}

// SubaccountList returns every subaccount, by name.
func (s *Store) SubaccountList(ctx context.Context) ([]*domain.Subaccount, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+subaccountColumns+` FROM subaccounts ORDER BY name, id`)
	if err != nil {
		return nil, translate(err, "subaccount")
	}
	defer rows.Close()
	out := []*domain.Subaccount{}
	for rows.Next() {
		sa, err := scanSubaccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sa)
	}
	return out, translate(rows.Err(), "subaccount")
}

type scanner interface{ Scan(dest ...any) error }

func scanSubaccount(row scanner) (*domain.Subaccount, error) {
	var sa domain.Subaccount
	var regions []byte
	var created int64
	err := row.Scan(&sa.ID, &sa.Slug, &sa.Name, &sa.Currency, &sa.CurrencyExponent, &sa.Timezone, &sa.Country,
		&sa.DefaultLocale, &regions, &sa.MinRideBalance, &sa.UnlockFee, &sa.PricePerMinute, &sa.RiskThreshold, &created,
		&sa.MaxWalletAmount)
	if err != nil {
		return nil, translate(err, "subaccount")
	}
	if err := json.Unmarshal(regions, &sa.Regions); err != nil {
		return nil, translate(err, "subaccount")
	}
	sa.CreatedAt = fromTS(created)
	return &sa, nil
}

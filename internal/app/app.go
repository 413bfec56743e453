// Package app holds mobidesk's use cases: what the API, the dashboard and
// the CLI all do, written once over the store. It validates input and
// applies the domain's rules; permission checks stay with the callers' one
// authorization point, because the CLI acts as the system.
package app

import (
	"context"
	"time"

	"github.com/mobidesk/mobidesk/internal/auth"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// App is the application over one store.
type App struct {
	Store   *store.Store
	Limiter *auth.LoginLimiter
	Now     func() time.Time
	Jobs    Jobs // the background queue; set by serve
}

// New returns an App over s.
func New(s *store.Store) *App {
	return &App{Store: s, Limiter: auth.NewLoginLimiter(), Now: func() time.Time { return time.Now().UTC() }}
}

// SubaccountCreate validates and stores a new subaccount.
func (a *App) SubaccountCreate(ctx context.Context, actor domain.Actor, sa *domain.Subaccount) error {
	sa.Normalize()
	if sa.MinRideBalance == 0 && sa.UnlockFee == 0 && sa.PricePerMinute == 0 && sa.RiskThreshold == 0 {
		sa.MinRideBalance, sa.UnlockFee = domain.DefaultMinRideBalance, domain.DefaultUnlockFee
		sa.PricePerMinute, sa.RiskThreshold = domain.DefaultPricePerMinute, domain.DefaultRiskThreshold
	}
	if sa.MaxWalletAmount == 0 {
		sa.MaxWalletAmount = domain.DefaultMaxWalletAmount
	}
	if err := sa.Validate(); err != nil {
		return err
	}
	if err := a.Store.SubaccountCreate(ctx, actor, sa); domain.ErrorCode(err) == domain.ECodeConflict {
		return &domain.Error{Code: domain.ECodeConflict, Message: "This slug is taken.",
			Fields: []domain.FieldError{{Field: "slug", Message: "is taken by another subaccount"}}}
	} else if err != nil {
		return err
	}
	return nil
}

// SubaccountResolve finds a subaccount by id or slug.
func (a *App) SubaccountResolve(ctx context.Context, idOrSlug string) (*domain.Subaccount, error) {
	if idOrSlug == "" {
		return nil, domain.Errorf(domain.ECodeNotFound, "Subaccount not found.")
	}
	if sa, err := a.Store.SubaccountGet(ctx, idOrSlug); err == nil {
		return sa, nil
	}
	return a.Store.SubaccountBySlug(ctx, idOrSlug)
}

// OperatorCreateInput is what a new operator needs; Subaccount is a slug or
// id, empty for a global role.
type OperatorCreateInput struct {
	Email, Name, Password string
	Role                  domain.Role
	Subaccount            string
}

// OperatorCreate validates, hashes the password and stores an operator.
func (a *App) OperatorCreate(ctx context.Context, actor domain.Actor, in OperatorCreateInput) (*domain.Operator, error) {
	grant := domain.Grant{Role: in.Role}
	if in.Subaccount != "" {
		sa, err := a.SubaccountResolve(ctx, in.Subaccount)
		if err != nil {
			return nil, &domain.Error{Code: domain.ECodeValidation, Message: "Some fields are invalid.",
				Fields: []domain.FieldError{{Field: "subaccount", Message: "no subaccount " + in.Subaccount}}}
		}
		grant.SubaccountID = sa.ID
	}
	oc := domain.OperatorCreate{Email: domain.NormalizeEmail(in.Email), Name: in.Name, Password: in.Password,
		Grants: []domain.Grant{grant}}
	if in.Role == "" {
		oc.Grants = nil
	}
	if err := oc.Validate(); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	op, err := a.Store.OperatorCreate(ctx, actor, oc, hash)
	if domain.ErrorCode(err) == domain.ECodeConflict {
		return nil, &domain.Error{Code: domain.ECodeConflict, Message: "An operator with this email exists.",
			Fields: []domain.FieldError{{Field: "email", Message: "is taken"}}}
	}
	return op, err
}

// OperatorSetPassword replaces an operator's password.
func (a *App) OperatorSetPassword(ctx context.Context, actor domain.Actor, operatorID, password string) error {
	var v domain.Validation
	domain.CheckPassword(&v, password)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return a.Store.OperatorSetPassword(ctx, actor, operatorID, hash)
}

// Principal builds the principal of an operator.
func principalOf(op *domain.Operator) *domain.Principal {
	return &domain.Principal{OperatorID: op.ID, Email: op.Email, Name: op.Name, Locale: op.Locale, Grants: op.Grants}
}

// VisibleSubaccounts returns the subaccounts p may see, by name.
func (a *App) VisibleSubaccounts(ctx context.Context, p *domain.Principal) ([]*domain.Subaccount, error) {
	all, err := a.Store.SubaccountList(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, sa := range all {
		if p.Sees(sa.ID) {
			out = append(out, sa)
		}
	}
	return out, nil
}

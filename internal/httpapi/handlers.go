package httpapi

import (
	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
)

type meResponse struct {
	ID          string                         `json:"id"`
	Email       string                         `json:"email"`
	Name        string                         `json:"name"`
	Locale      string                         `json:"locale"`
	Via         string                         `json:"via"` // token or session
	TokenID     string                         `json:"token_id,omitempty"`
	Grants      []domain.Grant                 `json:"grants"`
	Permissions map[string][]domain.Permission `json:"permissions"` // by subaccount id; "*" for global grants
}

func handleMe(c *Call) (any, error) {
	p := c.P
	me := meResponse{ID: p.OperatorID, Email: p.Email, Name: p.Name, Locale: p.Locale, Via: "session",
		TokenID: p.TokenID, Grants: p.Grants, Permissions: map[string][]domain.Permission{}}
	if p.TokenID != "" {
		me.Via = "token"
	}
	for _, g := range p.Grants {
		key := g.SubaccountID
		if g.Global() {
			key = "*"
		}
		me.Permissions[key] = domain.RolePermissions[g.Role]
	}
	return me, nil
}

func handleSubaccountList(c *Call) (any, error) {
	subs, err := c.app.VisibleSubaccounts(c.R.Context(), c.P)
	if err != nil {
		return nil, err
	}
	return domain.Page[*domain.Subaccount]{Data: subs, Total: len(subs)}, nil
}

func handleSubaccountGet(c *Call) (any, error) {
	sa, err := c.app.SubaccountResolve(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(sa.ID); err != nil {
		return nil, err
	}
	return sa, nil
}

type subaccountInput struct {
	Slug           string   `json:"slug"`
	Name           string   `json:"name"`
	Currency       string   `json:"currency"`
	Timezone       string   `json:"timezone"`
	Country        string   `json:"country"`
	DefaultLocale  string   `json:"default_locale,omitempty"`
	Regions        []string `json:"regions,omitempty"`
	MinRideBalance *int64   `json:"min_ride_balance,omitempty"`
	UnlockFee      *int64   `json:"unlock_fee,omitempty"`
	PricePerMinute *int64   `json:"price_per_minute,omitempty"`
	RiskThreshold  *int     `json:"risk_threshold,omitempty"`
	// MaxWalletAmount bounds one manual wallet action, in minor units.
	MaxWalletAmount *int64 `json:"max_wallet_amount,omitempty"`
}

func handleSubaccountCreate(c *Call) (any, error) {
	var in subaccountInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := c.Authorize(""); err != nil {
		return nil, err
	}
	sa := &domain.Subaccount{Slug: in.Slug, Name: in.Name, Currency: in.Currency, Timezone: in.Timezone,
		Country: in.Country, DefaultLocale: in.DefaultLocale, Regions: in.Regions,
		MinRideBalance: domain.DefaultMinRideBalance, UnlockFee: domain.DefaultUnlockFee,
		PricePerMinute: domain.DefaultPricePerMinute, RiskThreshold: domain.DefaultRiskThreshold}
	setIf(&sa.MinRideBalance, in.MinRideBalance)
	setIf(&sa.UnlockFee, in.UnlockFee)
	setIf(&sa.PricePerMinute, in.PricePerMinute)
	setIf(&sa.RiskThreshold, in.RiskThreshold)
	setIf(&sa.MaxWalletAmount, in.MaxWalletAmount)
	if err := c.app.SubaccountCreate(c.R.Context(), c.Actor(""), sa); err != nil {
		return nil, err
	}
	return sa, nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func handleOperatorList(c *Call) (any, error) {
	if err := c.Authorize(""); err != nil {
		return nil, err
	}
	ops, err := c.app.Store.OperatorList(c.R.Context())
	if err != nil {
		return nil, err
	}
	return domain.Page[*domain.Operator]{Data: ops, Total: len(ops)}, nil
}

type operatorInput struct {
	Email      string      `json:"email"`
	Name       string      `json:"name,omitempty"`
	Password   string      `json:"password"`
	Role       domain.Role `json:"role"`
	Subaccount string      `json:"subaccount,omitempty"` // slug or id; empty for a global role
}

func handleOperatorCreate(c *Call) (any, error) {
	var in operatorInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := c.Authorize(""); err != nil {
		return nil, err
	}
	return c.app.OperatorCreate(c.R.Context(), c.Actor(""), app.OperatorCreateInput{Email: in.Email, Name: in.Name,
		Password: in.Password, Role: in.Role, Subaccount: in.Subaccount})
}

func handleTokenList(c *Call) (any, error) {
	tokens, err := c.app.Store.TokenList(c.R.Context(), c.P.OperatorID)
	if err != nil {
		return nil, err
	}
	return domain.Page[*domain.Token]{Data: tokens, Total: len(tokens)}, nil
}

type tokenInput struct {
	Name string `json:"name"`
}

type tokenCreated struct {
	Secret string `json:"token"` // shown this once
	domain.Token
}

func handleTokenCreate(c *Call) (any, error) {
	var in tokenInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	secret, t, err := c.app.TokenCreate(c.R.Context(), c.Actor(""), c.P.OperatorID, in.Name)
	if err != nil {
		return nil, err
	}
	return tokenCreated{Secret: secret, Token: *t}, nil
}

// handleTokenRevoke revokes one of the caller's own tokens; someone else's
// answers 404, as if it did not exist.
func handleTokenRevoke(c *Call) (any, error) {
	ctx := c.R.Context()
	t, err := c.app.Store.TokenGet(ctx, c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if t.OperatorID != c.P.OperatorID {
		return nil, domain.Errorf(domain.ECodeNotFound, "Token not found.")
	}
	if err := c.app.Store.TokenRevoke(ctx, c.Actor(""), t.ID); err != nil {
		return nil, err
	}
	return c.app.Store.TokenGet(ctx, t.ID)
}

func handleAuditList(c *Call) (any, error) {
	q := c.R.URL.Query()
	limit, err := c.Limit()
	if err != nil {
		return nil, err
	}
	f := domain.AuditFilter{TargetID: q.Get("target"), ActorID: q.Get("actor"), Action: q.Get("action"),
		Cursor: q.Get("cursor"), Limit: limit}
	if cust := q.Get("customer"); cust != "" {
		f.TargetID = cust
	}
	if q.Get("subaccount") != "" {
		sa, err := c.Subaccount()
		if err != nil {
			return nil, err
		}
		f.SubaccountID = sa.ID
	} else {
		subs, err := c.app.Store.SubaccountList(c.R.Context())
		if err != nil {
			return nil, err
		}
		f.SubaccountIDs = []string{}
		for _, sa := range subs {
			if c.P.Can(domain.PermAuditView, sa.ID) {
				f.SubaccountIDs = append(f.SubaccountIDs, sa.ID)
			}
		}
		// Entries about operators and tokens belong to no subaccount; only
		// those who manage operators see them.
		if c.P.Can(domain.PermOperatorsManage, "") {
			f.SubaccountIDs = append(f.SubaccountIDs, "")
		}
	}
	return c.app.Store.AuditList(c.R.Context(), f)
}

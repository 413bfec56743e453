package app

import (
	"context"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// CustomerCreate validates and stores a new customer of sa.
func (a *App) CustomerCreate(ctx context.Context, actor domain.Actor, sa *domain.Subaccount, in domain.CustomerCreate) (*domain.Customer, error) {
	in.Normalize(sa.Country)
	if err := in.Validate(sa); err != nil {
		return nil, err
	}
	return a.Store.CustomerCreate(ctx, actor, sa, in, a.Now())
}

// CustomerUpdate applies an edit. Who may change which field is part of
// the edit: contact fields and notes need customers:edit_contact, the rest
// customers:edit, and device OS, locale and last activity an API token with
// customers:integrate.
func (a *App) CustomerUpdate(ctx context.Context, actor domain.Actor, id string, u domain.CustomerUpdate) (*domain.Customer, error) {
	p := actor.Principal
	return a.Store.CustomerChange(ctx, actor, id, "customer.update", func(c *domain.Customer) error {
		if c.DeletedAt != nil {
			return domain.Errorf(domain.ECodeCustomerDeleted, "This customer is deleted. Restore them first.")
		}
		if !u.ContactOnly() {
			if err := p.Authorize(domain.PermCustomersEdit, c.SubaccountID); err != nil {
				return err
			}
		}
		if u.IntegrationOnly() {
			if err := p.Authorize(domain.PermCustomersIntegrate, c.SubaccountID); err != nil || (p.TokenID == "" && !p.System) {
				return domain.Errorf(domain.ECodeForbidden, "Device OS, locale and last activity are set by integrations through an API token.")
			}
		}
		sa, err := a.Store.SubaccountGet(ctx, c.SubaccountID)
		if err != nil {
			return err
		}
		return u.Apply(c, sa)
	})
}

// CustomerAction names a lifecycle change of a customer.
type CustomerAction string

// Lifecycle actions, as the audit log names them.
const (
	ActionBlock         CustomerAction = "customer.block"
	ActionUnblock       CustomerAction = "customer.unblock"
	ActionDelete        CustomerAction = "customer.delete"
	ActionRestore       CustomerAction = "customer.restore"
	ActionVerify        CustomerAction = "customer.identity_verify"
	ActionClearIdentity CustomerAction = "customer.identity_clear_requirement"
	ActionRequire       CustomerAction = "customer.identity_require"
)

// CustomerLifecycle applies one lifecycle action. text is the reason, the
// notes or the typed confirmation, as the action needs.
func (a *App) CustomerLifecycle(ctx context.Context, actor domain.Actor, id string, action CustomerAction, text string) (*domain.Customer, error) {
	at := a.Now()
	return a.Store.CustomerChange(ctx, actor, id, string(action), func(c *domain.Customer) error {
		switch action {
		case ActionBlock:
			return c.Block(text, at)
		case ActionUnblock:
			return c.Unblock()
		case ActionDelete:
			return c.SoftDelete(text, at)
		case ActionRestore:
			return c.Restore()
		case ActionVerify:
			return c.VerifyIdentity(text, at)
		case ActionClearIdentity:
			return c.ClearIdentityRequirement()
		case ActionRequire:
			return c.RequireIdentity(text, at)
		}
		return domain.Errorf(domain.ECodeBadRequest, "Unknown action.")
	})
}

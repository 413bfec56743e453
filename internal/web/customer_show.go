package web

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// customerActions are the actions the profile offers: those the operator
// holds the permission for, and that mean something in the customer's
// state. The domain still decides each one when it is taken.
type customerActions struct {
	Edit, Block, Unblock, Delete, Restore, Verify, ClearIdentity, RequireIdentity bool
	// DeleteConfirm is what the operator types to confirm a deletion.
	DeleteConfirm string
}

// Menu says whether the Actions menu has anything in it.
func (a customerActions) Menu() bool {
	return a.Block || a.Unblock || a.Delete || a.Restore || a.Verify || a.ClearIdentity || a.RequireIdentity
}

func actionsFor(p *domain.Principal, c *domain.Customer) customerActions {
	can := func(perm domain.Permission) bool { return p.Can(perm, c.SubaccountID) }
	live := c.DeletedAt == nil
	a := customerActions{
		Edit:            live && can(domain.PermCustomersEditContact),
		Block:           live && !c.Blocked && can(domain.PermCustomersBlock),
		Unblock:         live && c.Blocked && can(domain.PermCustomersBlock),
		Delete:          live && can(domain.PermCustomersDelete),
		Restore:         !live && can(domain.PermCustomersDelete),
		Verify:          live && !c.Verified && can(domain.PermCustomersIdentity),
		ClearIdentity:   live && c.IdentityVerificationRequired && can(domain.PermCustomersIdentity),
		RequireIdentity: live && !c.IdentityVerificationRequired && can(domain.PermCustomersIdentity),
		DeleteConfirm:   c.Email,
	}
	if a.DeleteConfirm == "" {
		a.DeleteConfirm = c.Name
	}
	return a
}

// activityShown is how many of a customer's latest audit entries the
// profile lists.
const activityShown = 20

// customerShow is a customer's profile: status banners, general
// information, wallet, identity, actions and activity.
func (w *Web) customerShow(r *request) error {
	c := r.Customer
	data := map[string]any{"Title": c.Name, "Active": "nav.customers", "C": c, "Actions": actionsFor(r.P, c),
		"SwitchAction": "/customers"}
	if r.P.Can(domain.PermAuditView, c.SubaccountID) {
		page, err := w.app.Store.AuditList(r.R.Context(), domain.AuditFilter{SubaccountID: c.SubaccountID,
			TargetID: c.ID, Limit: activityShown})
		if err != nil {
			return err
		}
		data["Activity"], data["ActivityTotal"] = page.Data, page.Total
	}
	r.render("customer", data)
	return nil
}

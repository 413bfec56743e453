package domain

import "slices"

// Role is an operator's job. Handlers never check a role: they check a
// Permission, and RolePermissions is the one table that links the two.
type Role string

// The roles of DESIGN.md.
const (
	RoleSuperAdmin        Role = "super_admin"
	RoleGlobalAdmin       Role = "global_admin"
	RoleAdmin             Role = "admin"
	RoleFleetManager      Role = "fleet_manager"
	RoleAnalyst           Role = "analyst"
	RoleServiceTechnician Role = "service_technician"
	RoleViewer            Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleSuperAdmin, RoleGlobalAdmin, RoleAdmin, RoleFleetManager, RoleAnalyst, RoleServiceTechnician, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission names one thing an operator may do.
type Permission string

// Permissions. A permission held in a subaccount applies to that subaccount's
// objects; the platform permissions only mean something when held globally.
const (
	PermSubaccountsView   Permission = "subaccounts:view"
	PermSubaccountsManage Permission = "subaccounts:manage" // platform
	PermOperatorsManage   Permission = "operators:manage"   // platform
	PermAuditView         Permission = "audit:view"

	PermCustomersView        Permission = "customers:view"
	PermCustomersCreate      Permission = "customers:create"
	PermCustomersEdit        Permission = "customers:edit"
	PermCustomersEditContact Permission = "customers:edit_contact"
	PermCustomersBlock       Permission = "customers:block"
	PermCustomersDelete      Permission = "customers:delete"
	PermCustomersIdentity    Permission = "customers:identity"
	PermCustomersImport      Permission = "customers:import"
	PermCustomersExport      Permission = "customers:export"
	// PermCustomersIntegrate sets what only the app knows (device OS,
	// locale, last activity); it takes effect through API tokens only.
	PermCustomersIntegrate Permission = "customers:integrate"

	PermWalletView   Permission = "wallet:view"
	PermWalletCredit Permission = "wallet:credit"
	PermWalletBonus  Permission = "wallet:bonus"
	PermWalletFee    Permission = "wallet:fee"
	PermWalletDebit  Permission = "wallet:debit"
	PermWalletBulk   Permission = "wallet:bulk"
	// PermWalletReverse undoes a ledger entry with a compensating one.
	PermWalletReverse Permission = "wallet:reverse"

	PermRidesView      Permission = "rides:view"
	PermRidesManage    Permission = "rides:manage"
	PermVehiclesView   Permission = "vehicles:view"
	PermVehiclesManage Permission = "vehicles:manage"

	PermNotificationsView Permission = "notifications:view"
	PermNotificationsSend Permission = "notifications:send"
)

// platformPermissions mean something only when held globally.
var platformPermissions = []Permission{PermSubaccountsManage, PermOperatorsManage}

var adminPermissions = []Permission{
	PermSubaccountsView, PermAuditView,
	PermCustomersView, PermCustomersCreate, PermCustomersEdit, PermCustomersEditContact,
	PermCustomersBlock, PermCustomersDelete, PermCustomersIdentity, PermCustomersImport, PermCustomersExport,
	PermCustomersIntegrate, PermWalletView, PermWalletCredit, PermWalletBonus, PermWalletFee, PermWalletDebit, PermWalletBulk,
	PermWalletReverse, PermRidesView, PermRidesManage, PermVehiclesView, PermVehiclesManage,
	PermNotificationsView, PermNotificationsSend,
}

// RolePermissions is the one table from roles to permissions.
var RolePermissions = map[Role][]Permission{
	RoleSuperAdmin:  append(slices.Clone(adminPermissions), platformPermissions...),
	RoleGlobalAdmin: adminPermissions,
	RoleAdmin:       adminPermissions,
	RoleFleetManager: {
		PermSubaccountsView,
		PermCustomersView, PermCustomersEditContact,
		PermWalletView, PermWalletCredit, PermWalletBonus,
		PermRidesView, PermRidesManage, PermVehiclesView,
		PermNotificationsView,
	},
	RoleAnalyst: {
		PermSubaccountsView, PermAuditView,
		PermCustomersView, PermCustomersExport,
		PermWalletView, PermRidesView, PermVehiclesView, PermNotificationsView,
	},
	RoleServiceTechnician: {
		PermSubaccountsView, PermRidesView, PermVehiclesView,
	},
	RoleViewer: {
		PermSubaccountsView,
		PermCustomersView, PermWalletView, PermRidesView, PermVehiclesView, PermNotificationsView,
	},
}

// AllPermissions lists every permission some role holds, for tests and docs.
func AllPermissions() []Permission {
	seen := map[Permission]bool{}
	var out []Permission
	for _, r := range Roles {
		for _, p := range RolePermissions[r] {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// Grant gives an operator a role in one subaccount, or in all of them when
// SubaccountID is empty.
type Grant struct {
	Role         Role   `json:"role"`
	SubaccountID string `json:"subaccount_id,omitempty"`
}

// Global reports whether the grant covers every subaccount.
func (g Grant) Global() bool { return g.SubaccountID == "" }

// Principal is who is making a request: an operator, through a session or an
// API token, or the system itself (CLI, workers).
type Principal struct {
	OperatorID string
	Email      string
	Name       string
	Locale     string
	TokenID    string // set when authenticated by an API token
	SessionID  string // set when authenticated by a dashboard session
	Grants     []Grant
	System     bool
}

// SystemPrincipal acts for the CLI and background workers.
var SystemPrincipal = &Principal{Name: "system", System: true}

// Can reports whether p holds perm in the given subaccount. An empty
// subaccountID asks about a platform-wide permission.
func (p *Principal) Can(perm Permission, subaccountID string) bool {
	if p == nil {
		return false
	}
	if p.System {
		return true
	}
	platform := slices.Contains(platformPermissions, perm)
	for _, g := range p.Grants {
		if !g.Global() && (platform || g.SubaccountID != subaccountID) {
			continue
		}
		if slices.Contains(RolePermissions[g.Role], perm) {
			return true
		}
	}
	return false
}

// Sees reports whether p may know that a subaccount exists. Objects of a
// subaccount p cannot see answer not found, so their existence does not leak.
func (p *Principal) Sees(subaccountID string) bool {
	if p == nil {
		return false
	}
	if p.System {
		return true
	}
	for _, g := range p.Grants {
		if g.Global() || g.SubaccountID == subaccountID {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether p holds perm in at least one subaccount or
// globally; it decides whether a route is worth trying at all.
func (p *Principal) CanAnywhere(perm Permission) bool {
	if p == nil {
		return false
	}
	if p.System {
		return true
	}
	platform := slices.Contains(platformPermissions, perm)
	for _, g := range p.Grants {
		if platform && !g.Global() {
			continue
		}
		if slices.Contains(RolePermissions[g.Role], perm) {
			return true
		}
	}
	return false
}

// Authorize is the one permission check: nil when p may use perm in the
// subaccount, not_found when p cannot see the subaccount at all, forbidden
// when p can see it but lacks the permission.
func (p *Principal) Authorize(perm Permission, subaccountID string) error {
	if p == nil {
		return Errorf(ECodeUnauthorized, "Authentication is required.")
	}
	if subaccountID != "" && !p.Sees(subaccountID) {
		return Errorf(ECodeNotFound, "Not found.")
	}
	if !p.Can(perm, subaccountID) {
		return Errorf(ECodeForbidden, "You do not have permission to do this (%s).", perm)
	}
	return nil
}

// Actor says who made a change and why, for the audit log.
type Actor struct {
	Principal *Principal
	RequestID string
	Note      string
}

// Label is how the audit log names the actor.
func (a Actor) Label() string {
	switch {
	case a.Principal == nil || a.Principal.System:
		return "system"
	case a.Principal.TokenID != "":
		return a.Principal.Email + " (token " + a.Principal.TokenID + ")"
	default:
		return a.Principal.Email
	}
}

package web

// Template helpers of the customer pages: money, counts, dates, badges and
// labels. They only present what the domain decided (a customer's Status
// and Verified); no rule is decided here.

import (
	"fmt"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/i18n"
)

// Money formats minor units of a currency in the page's language.
func (v *view) Money(minor int64, currency string) string {
	exp := 2
	if v.Sub != nil && v.Sub.Currency == currency {
		exp = v.Sub.CurrencyExponent
	} else if e, err := domain.CurrencyExponent(currency); err == nil {
		exp = e
	}
	return i18n.Money(v.Lang, minor, currency, exp)
}

// Number formats a count (an int or int64, as the domain's types hold
// them) in the page's language.
func (v *view) Number(n any) string {
	switch n := n.(type) {
	case int:
		return i18n.Number(v.Lang, int64(n))
	case int64:
		return i18n.Number(v.Lang, n)
	}
	return fmt.Sprint(n)
}

// Date formats the day of t in the subaccount's time zone.
func (v *view) Date(t time.Time) string {
	layout := "Jan 2, 2006"
	if v.Lang == "de" {
		layout = "02.01.2006"
	}
	return t.In(v.location()).Format(layout)
}

// When formats an optional time, with a dash for none.
func (v *view) When(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.Time(*t)
}

// ISO is t for a <time datetime> attribute.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Can reports whether the operator holds perm in the chosen subaccount.
func (v *view) Can(perm string) bool {
	if v.P == nil || v.Sub == nil {
		return false
	}
	return v.P.Can(domain.Permission(perm), v.Sub.ID)
}

// badge is one status badge of a customer.
type badge struct {
	Class, Label, Title string
	Shield              bool
}

var statusBadges = map[domain.CustomerStatus]struct{ class, label string }{
	domain.StatusActive:           {"badge-green", "customers.status_active"},
	domain.StatusNew:              {"badge-blue", "customers.status_new"},
	domain.StatusBlocked:          {"badge-red", "customers.status_blocked"},
	domain.StatusIdentityRequired: {"badge-amber", "customers.status_identity_required"},
	domain.StatusDeleted:          {"badge-gray", "customers.status_deleted"},
}

// Badges are the customer's status badge and, when identity is verified,
// the Verified badge beside it. Blocked, Identity Required, Deleted and
// Verified say why and since when in their tooltip.
func (v *view) Badges(c *domain.Customer) []badge {
	sb := statusBadges[c.Status]
	b := badge{Class: sb.class, Label: v.T(sb.label)}
	switch c.Status {
	case domain.StatusBlocked:
		b.Title = v.T("customers.badge_blocked_title", v.When(c.BlockedAt), c.BlockedReason)
	case domain.StatusIdentityRequired:
		b.Title = v.T("customers.badge_identity_title", v.When(c.IdentityRequiredAt), c.IdentityRequiredReason)
	case domain.StatusDeleted:
		b.Title = v.T("customers.badge_deleted_title", v.When(c.DeletedAt))
	}
	out := []badge{b}
	if c.Verified {
		title := v.T("customers.badge_verified_title", v.When(c.IdentityVerifiedAt))
		if c.IdentityNotes != "" {
			title += ": " + c.IdentityNotes
		}
		out = append(out, badge{Class: "badge-green badge-verified", Label: v.T("customers.status_verified"),
			Title: title, Shield: true})
	}
	return out
}

// StatusLabel names a list tab's status.
func (v *view) StatusLabel(s domain.CustomerStatus) string { return v.T(statusBadges[s].label) }

var identityLabels = map[string]string{
	domain.IdentityNotRequired: "customers.identity_not_required",
	domain.IdentityPending:     "customers.identity_pending",
	domain.IdentityVerified:    "customers.identity_verified",
	domain.IdentityFailed:      "customers.identity_failed",
}

// IdentityLabel names an identity verification state.
func (v *view) IdentityLabel(status string) string {
	if key, ok := identityLabels[status]; ok {
		return v.T(key)
	}
	return status
}

// OSLabel names a device platform; platform names are the same in every
// language but "other".
func (v *view) OSLabel(os string) string {
	switch os {
	case "ios":
		return "iOS"
	case "android":
		return "Android"
	case "web":
		return "Web"
	case "other":
		return v.T("customers.os_other")
	}
	return os
}

var activityLabels = map[string]string{
	"customer.create":               "customers.activity_create",
	"customer.update":               "customers.activity_update",
	string(app.ActionBlock):         "customers.activity_block",
	string(app.ActionUnblock):       "customers.activity_unblock",
	string(app.ActionDelete):        "customers.activity_delete",
	string(app.ActionRestore):       "customers.activity_restore",
	string(app.ActionVerify):        "customers.activity_verify",
	string(app.ActionClearIdentity): "customers.activity_clear_identity",
	string(app.ActionRequire):       "customers.activity_require_identity",
}

// ActivityLabel says what an audit entry of a customer did.
func (v *view) ActivityLabel(action string) string {
	if key, ok := activityLabels[action]; ok {
		return v.T(key)
	}
	return action
}

// Total is a list's count of matches, with a + where counting stopped
// (domain.SearchTotalCap): "10,000+".
func (v *view) Total(p domain.CustomerPage) string {
	s := i18n.Number(v.Lang, int64(p.Total))
	if p.TotalCapped {
		s += "+"
	}
	return s
}

package web

import (
	"testing"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// A search total is exact up to domain.SearchTotalCap; beyond it the list
// says "10,000+" rather than counting a million rows.
func TestSearchTotalsBeyondTheCapShowAPlus(t *testing.T) {
	for _, c := range []struct {
		lang string
		page domain.CustomerPage
		want string
	}{
		{"en", domain.CustomerPage{Total: 42}, "42"},
		{"en", domain.CustomerPage{Total: 9999}, "9,999"},
		{"en", domain.CustomerPage{Total: domain.SearchTotalCap, TotalCapped: true}, "10,000+"},
		{"de", domain.CustomerPage{Total: domain.SearchTotalCap, TotalCapped: true}, "10.000+"},
	} {
		if got := (&view{Lang: c.lang}).Total(c.page); got != c.want {
			t.Errorf("%s total of %+v = %q, want %q", c.lang, c.page, got, c.want)
		}
	}
}

// Every status has a badge colour and a label in both languages, and the
// Verified badge carries the shield; the tooltips say why and since when.
func TestEveryStatusHasABadge(t *testing.T) {
	for _, s := range domain.CustomerStatuses {
		if statusBadges[s].class == "" || statusBadges[s].label == "" {
			t.Errorf("status %s has no badge", s)
		}
	}
	v := &view{Lang: "en"}
	c := &domain.Customer{Name: "Ada", Blocked: true, BlockedReason: "Chargeback", IdentityStatus: domain.IdentityVerified,
		IdentityNotes: "Passport"}
	c.Refresh()
	b := v.Badges(c)
	if len(b) != 2 || b[0].Class != "badge-red" || b[0].Title != "Blocked on —: Chargeback" ||
		!b[1].Shield || b[1].Title != "Identity verified on —: Passport" {
		t.Errorf("badges of a blocked, verified customer: %+v", b)
	}
}

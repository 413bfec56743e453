package domain_test

import (
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// TestEligibilityRules checks every rule of DESIGN.md, each with its own
// code, and the combinations that lift the minimum balance.
func TestEligibilityRules(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	recent := now.Add(-10 * time.Minute)
	stale := now.Add(-61 * time.Minute)
	future := now.AddDate(0, 1, 0)
	card := func(valid bool) *domain.PaymentMethod {
		p := &domain.PaymentMethod{ExpMonth: 12, ExpYear: 2030, VerificationStatus: "verified"}
		if !valid {
			p.ExpYear = 2020
		}
		return p
	}
	base := func() domain.RideContext {
		return domain.RideContext{
			Customer:   &domain.Customer{WalletBalance: 500, IdentityStatus: domain.IdentityNotRequired},
			Vehicle:    &domain.Vehicle{Status: domain.VehicleAvailable, LastSignalAt: &recent},
			MinBalance: 50, Now: now,
		}
	}
	deletedAt := now
	cases := []struct {
		name   string
		change func(*domain.RideContext)
		code   string
	}{
		{"an eligible customer may start", func(*domain.RideContext) {}, ""},
		{"a deleted customer may not", func(rc *domain.RideContext) { rc.Customer.DeletedAt = &deletedAt }, domain.ECodeCustomerDeleted},
		{"a blocked customer may not", func(rc *domain.RideContext) { rc.Customer.Blocked = true }, domain.ECodeCustomerBlocked},
		{"outstanding identity verification stops a start", func(rc *domain.RideContext) {
			rc.Customer.IdentityVerificationRequired, rc.Customer.IdentityStatus = true, domain.IdentityPending
		}, domain.ECodeIdentityRequired},
		{"a verified requirement does not", func(rc *domain.RideContext) {
			rc.Customer.IdentityVerificationRequired, rc.Customer.IdentityStatus = true, domain.IdentityVerified
		}, ""},
		{"no card and too little balance", func(rc *domain.RideContext) { rc.Customer.WalletBalance = 49 }, domain.ECodeInsufficientBalance},
		{"exactly the minimum is enough", func(rc *domain.RideContext) { rc.Customer.WalletBalance = 50 }, ""},
		{"a valid card makes up for an empty wallet", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 0
			rc.PaymentMethods = []*domain.PaymentMethod{card(true)}
		}, ""},
		{"an expired card does not", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 10
			rc.PaymentMethods = []*domain.PaymentMethod{card(false)}
		}, domain.ECodeInsufficientBalance},
		{"an active subscription with a saved card lifts the minimum", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 10
			rc.PaymentMethods = []*domain.PaymentMethod{card(false)}
			rc.Subscriptions = []*domain.Subscription{{Status: "active", EndDate: &future}}
		}, ""},
		{"an active package with a saved card lifts the minimum", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 0
			rc.PaymentMethods = []*domain.PaymentMethod{card(false)}
			rc.Packages = []*domain.PackagePurchase{{MinutesRemaining: 30, ExpiresAt: &future}}
		}, ""},
		{"a plan without a saved card does not", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 10
			rc.Subscriptions = []*domain.Subscription{{Status: "active"}}
		}, domain.ECodeInsufficientBalance},
		{"an expired subscription does not", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 10
			rc.PaymentMethods = []*domain.PaymentMethod{card(false)}
			past := now.Add(-time.Hour)
			rc.Subscriptions = []*domain.Subscription{{Status: "active", EndDate: &past}}
		}, domain.ECodeInsufficientBalance},
		{"an exhausted package does not", func(rc *domain.RideContext) {
			rc.Customer.WalletBalance = 10
			rc.PaymentMethods = []*domain.PaymentMethod{card(false)}
			rc.Packages = []*domain.PackagePurchase{{MinutesRemaining: 0}}
		}, domain.ECodeInsufficientBalance},
		{"a vehicle in use is unavailable", func(rc *domain.RideContext) { rc.Vehicle.Status = domain.VehicleInUse }, domain.ECodeVehicleUnavailable},
		{"a vehicle in maintenance is unavailable", func(rc *domain.RideContext) { rc.Vehicle.Status = domain.VehicleMaintenance }, domain.ECodeVehicleUnavailable},
		{"a vehicle silent for over an hour is offline", func(rc *domain.RideContext) { rc.Vehicle.LastSignalAt = &stale }, domain.ECodeVehicleOffline},
		{"a vehicle that never signalled is offline", func(rc *domain.RideContext) { rc.Vehicle.LastSignalAt = nil }, domain.ECodeVehicleOffline},
		{"one active ride at a time", func(rc *domain.RideContext) { rc.HasActiveRide = true }, domain.ECodeRideAlreadyActive},
		{"a blocked customer is refused before the balance is looked at", func(rc *domain.RideContext) {
			rc.Customer.Blocked, rc.Customer.WalletBalance = true, 0
		}, domain.ECodeCustomerBlocked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := base()
			tc.change(&rc)
			err := domain.CanStart(rc)
			if got := domain.ErrorCode(err); got != tc.code {
				t.Errorf("code %q, want %q (%v)", got, tc.code, err)
			}
			failing := 0
			for _, ch := range domain.Eligibility(rc) {
				if !ch.Pass {
					failing++
					if ch.Code == "" || ch.Message == "" {
						t.Errorf("failing rule %s lacks a code or message", ch.Rule)
					}
				}
			}
			if (failing == 0) != (tc.code == "") {
				t.Errorf("%d failing checks for code %q", failing, tc.code)
			}
		})
	}
}

// TestPaymentOrder: package minutes, then bonus, then wallet, then the
// card; without a card the wallet goes negative.
func TestPaymentOrder(t *testing.T) {
	p := domain.Pricing{UnlockFee: 100, PricePerMinute: 25}
	cust := func(wallet, bonus int64) *domain.Customer {
		return &domain.Customer{WalletBalance: wallet, BonusBalance: bonus}
	}
	pkg := func(minutes int) []*domain.PackagePurchase {
		return []*domain.PackagePurchase{{ID: "pkg", MinutesRemaining: minutes}}
	}
	cases := []struct {
		name     string
		minutes  int64
		promo    *domain.PromoRedemption
		pkgs     []*domain.PackagePurchase
		c        *domain.Customer
		card     bool
		price    int64
		charges  []domain.Charge
		pkgTaken int
	}{
		{"the wallet pays when it can", 10, nil, nil, cust(1000, 0), false, 350,
			[]domain.Charge{{"wallet", 350}}, 0},
		{"bonus before wallet", 10, nil, nil, cust(1000, 100), false, 350,
			[]domain.Charge{{"bonus", 100}, {"wallet", 250}}, 0},
		{"package minutes first", 10, nil, pkg(4), cust(1000, 100), false, 350,
			[]domain.Charge{{"package", 100}, {"bonus", 100}, {"wallet", 150}}, 4},
		{"a package covers all minutes, the unlock fee is still due", 10, nil, pkg(30), cust(1000, 0), false, 350,
			[]domain.Charge{{"package", 250}, {"wallet", 100}}, 10},
		{"the card pays the rest", 10, nil, nil, cust(50, 20), true, 350,
			[]domain.Charge{{"bonus", 20}, {"wallet", 50}, {"card", 280}}, 0},
		{"without a card the wallet goes negative", 10, nil, nil, cust(50, 20), false, 350,
			[]domain.Charge{{"bonus", 20}, {"wallet", 330}}, 0},
		{"a negative wallet pays nothing but takes the remainder", 4, nil, nil, cust(-100, 0), false, 200,
			[]domain.Charge{{"wallet", 200}}, 0},
		{"a percentage promo", 10, &domain.PromoRedemption{ID: "p", DiscountType: domain.DiscountPercentage, DiscountValue: 20},
			nil, cust(1000, 0), false, 280, []domain.Charge{{"wallet", 280}}, 0},
		{"a fixed promo", 10, &domain.PromoRedemption{ID: "p", DiscountType: domain.DiscountFixedAmount, DiscountValue: 500},
			nil, cust(1000, 0), false, 0, []domain.Charge{}, 0},
		{"free minutes", 10, &domain.PromoRedemption{ID: "p", DiscountType: domain.DiscountFreeMinutes, DiscountValue: 4},
			nil, cust(1000, 0), false, 250, []domain.Charge{{"wallet", 250}}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := domain.BillRide(p, tc.minutes, tc.promo, tc.pkgs, tc.c, tc.card)
			if b.Price != tc.price {
				t.Errorf("price %d, want %d", b.Price, tc.price)
			}
			if len(b.Charges) != len(tc.charges) {
				t.Fatalf("charges %v, want %v", b.Charges, tc.charges)
			}
			var sum int64
			for i, ch := range b.Charges {
				if ch != tc.charges[i] {
					t.Errorf("charge %d: %v, want %v", i, ch, tc.charges[i])
				}
				sum += ch.Amount
			}
			if sum != b.Price {
				t.Errorf("charges add up to %d, price %d", sum, b.Price)
			}
			if b.PackageUsed["pkg"] != tc.pkgTaken {
				t.Errorf("package minutes taken %d, want %d", b.PackageUsed["pkg"], tc.pkgTaken)
			}
		})
	}
	if domain.Minutes(61*time.Second) != 2 || domain.Minutes(60*time.Second) != 1 || domain.Minutes(0) != 0 {
		t.Error("every started minute counts")
	}
}

package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// PaymentMethod is a saved card of a customer. Its status is computed from
// the expiry.
type PaymentMethod struct {
	ID                 string    `json:"id"`
	CustomerID         string    `json:"customer_id"`
	Brand              string    `json:"brand"`
	Last4              string    `json:"last4"`
	ExpMonth           int       `json:"exp_month"`
	ExpYear            int       `json:"exp_year"`
	Status             string    `json:"status"` // active or expired
	Default            bool      `json:"default"`
	VerificationStatus string    `json:"verification_status"` // verified, unverified, failed
	ProviderRef        string    `json:"provider_ref"`
	CreatedAt          time.Time `json:"created_at"`
}

// ExpiredAt reports whether the card is past its expiry month at now.
func (p *PaymentMethod) ExpiredAt(now time.Time) bool {
	// A card is good through the last day of its expiry month.
	end := time.Date(p.ExpYear, time.Month(p.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC)
	return !now.Before(end)
}

// Refresh computes the status at now.
func (p *PaymentMethod) Refresh(now time.Time) {
	p.Status = "active"
	if p.ExpiredAt(now) {
		p.Status = "expired"
	}
}

// Valid reports whether the card can pay: not expired, not failed.
func (p *PaymentMethod) Valid(now time.Time) bool {
	return !p.ExpiredAt(now) && p.VerificationStatus != "failed"
}

// PaymentMethodCreate adds a card, as the payment integration reports it.
type PaymentMethodCreate struct {
	Brand              string `json:"brand"`
	Last4              string `json:"last4"`
	ExpMonth           int    `json:"exp_month"`
	ExpYear            int    `json:"exp_year"`
	VerificationStatus string `json:"verification_status,omitempty"`
	ProviderRef        string `json:"provider_ref,omitempty"`
	Default            bool   `json:"default,omitempty"`
}

var last4Pattern = regexp.MustCompile(`^[0-9]{4}$`)

// Validate checks the input and fills defaults.
func (in *PaymentMethodCreate) Validate() error {
	var v Validation
	in.Brand = strings.ToLower(strings.TrimSpace(in.Brand))
	if in.Brand == "" || len(in.Brand) > 30 {
		v.Add("brand", "is required, such as visa or mastercard")
	}
	if !last4Pattern.MatchString(in.Last4) {
		v.Add("last4", "must be the last 4 digits")
	}
	if in.ExpMonth < 1 || in.ExpMonth > 12 {
		v.Add("exp_month", "must be 1 to 12")
	}
	if in.ExpYear < 2000 || in.ExpYear > 2100 {
		v.Add("exp_year", "must be a four-digit year")
	}
	if in.VerificationStatus == "" {
		in.VerificationStatus = "unverified"
	}
	if !slices.Contains([]string{"verified", "unverified", "failed"}, in.VerificationStatus) {
		v.Add("verification_status", "must be verified, unverified or failed")
	}
	checkText(&v, "provider_ref", in.ProviderRef, maxShort)
	return v.Err()
}

// Subscription is a recurring plan of a customer.
type Subscription struct {
	ID               string     `json:"id"`
	CustomerID       string     `json:"customer_id"`
	PackageName      string     `json:"package_name"`
	Status           string     `json:"status"` // active, cancelled, expired, pending
	StartDate        time.Time  `json:"start_date"`
	EndDate          *time.Time `json:"end_date"`
	BillingFrequency string     `json:"billing_frequency"`
	Amount           int64      `json:"amount"`
	RidesIncluded    int        `json:"rides_included"`
	ProviderRef      string     `json:"provider_ref"`
	CreatedAt        time.Time  `json:"created_at"`
}

// Refresh computes an expired status from the end date.
func (s *Subscription) Refresh(now time.Time) {
	if s.Status == "active" && s.EndDate != nil && !now.Before(*s.EndDate) {
		s.Status = "expired"
	}
}

// SubscriptionCreate records a subscription from the payment integration.
type SubscriptionCreate struct {
	PackageName      string     `json:"package_name"`
	Status           string     `json:"status,omitempty"` // default active
	StartDate        *time.Time `json:"start_date,omitempty"`
	EndDate          *time.Time `json:"end_date,omitempty"`
	BillingFrequency string     `json:"billing_frequency,omitempty"`
	Amount           int64      `json:"amount"`
	RidesIncluded    int        `json:"rides_included,omitempty"`
	ProviderRef      string     `json:"provider_ref,omitempty"`
}

// Validate checks the input and fills defaults.
func (in *SubscriptionCreate) Validate(now time.Time) error {
	var v Validation
	in.PackageName = strings.TrimSpace(in.PackageName)
	checkName(&v, in.PackageName)
	if in.Status == "" {
		in.Status = "active"
	}
	if !slices.Contains([]string{"active", "cancelled", "expired", "pending"}, in.Status) {
		v.Add("status", "must be active, cancelled, expired or pending")
	}
	if in.StartDate == nil {
		in.StartDate = &now
	}
	if in.EndDate != nil && !in.EndDate.After(*in.StartDate) {
		v.Add("end_date", "must be after the start date")
	}
	if in.BillingFrequency == "" {
		in.BillingFrequency = "monthly"
	}
	if in.Amount < 0 {
		v.Add("amount", "must not be negative")
	}
	if in.RidesIncluded < 0 {
		v.Add("rides_included", "must not be negative")
	}
	return v.Err()
}

// PackagePurchase is a one-time bundle of ride minutes.
type PackagePurchase struct {
	ID               string     `json:"id"`
	CustomerID       string     `json:"customer_id"`
	PackageName      string     `json:"package_name"`
	PurchasedAt      time.Time  `json:"purchased_at"`
	AmountPaid       int64      `json:"amount_paid"`
	MinutesIncluded  int        `json:"minutes_included"`
	MinutesRemaining int        `json:"minutes_remaining"`
	ExpiresAt        *time.Time `json:"expires_at"`
	Status           string     `json:"status"` // active, exhausted, expired
}

// Refresh computes the status at now.
func (p *PackagePurchase) Refresh(now time.Time) {
	switch {
	case p.MinutesRemaining <= 0:
		p.Status = "exhausted"
	case p.ExpiresAt != nil && !now.Before(*p.ExpiresAt):
		p.Status = "expired"
	default:
		p.Status = "active"
	}
}

// PackageCreate records a package purchase.
type PackageCreate struct {
	PackageName     string     `json:"package_name"`
	AmountPaid      int64      `json:"amount_paid"`
	MinutesIncluded int        `json:"minutes_included"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
}

// Validate checks the input.
func (in *PackageCreate) Validate() error {
	var v Validation
	in.PackageName = strings.TrimSpace(in.PackageName)
	checkName(&v, in.PackageName)
	if in.AmountPaid < 0 {
		v.Add("amount_paid", "must not be negative")
	}
	if in.MinutesIncluded <= 0 || in.MinutesIncluded > 100000 {
		v.Add("minutes_included", "must be from 1 to 100000")
	}
	return v.Err()
}

// Promo discount types.
const (
	DiscountPercentage  = "percentage"
	DiscountFixedAmount = "fixed_amount"
	DiscountFreeMinutes = "free_minutes"
)

// PromoRedemption is a promo code a customer redeemed. It applies to the
// next ride that ends; AppliedTo then names the ride.
type PromoRedemption struct {
	ID            string    `json:"id"`
	CustomerID    string    `json:"customer_id"`
	SubaccountID  string    `json:"subaccount_id"`
	Code          string    `json:"code"`
	DiscountType  string    `json:"discount_type"`
	DiscountValue int64     `json:"discount_value"` // percent, minor units or minutes
	RedeemedAt    time.Time `json:"redeemed_at"`
	AppliedTo     string    `json:"applied_to"`
}

// PromoCreate records a redemption.
type PromoCreate struct {
	Code          string `json:"code"`
	DiscountType  string `json:"discount_type"`
	DiscountValue int64  `json:"discount_value"`
}

// Validate checks the input.
func (in *PromoCreate) Validate() error {
	var v Validation
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	if in.Code == "" || len(in.Code) > 40 {
		v.Add("code", "is required, at most 40 characters")
	}
	switch in.DiscountType {
	case DiscountPercentage:
		if in.DiscountValue < 1 || in.DiscountValue > 100 {
			v.Add("discount_value", "a percentage must be from 1 to 100")
		}
	case DiscountFixedAmount, DiscountFreeMinutes:
		if in.DiscountValue < 1 {
			v.Add("discount_value", "must be positive")
		}
	default:
		v.Add("discount_type", "must be percentage, fixed_amount or free_minutes")
	}
	return v.Err()
}

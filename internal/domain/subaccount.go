package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata"
	"unicode/utf8" // time zones must validate on machines without zoneinfo

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

// Subaccount is a tenant: one fleet, charging network or parking facility.
type Subaccount struct {
	ID               string    `json:"id"`
	Slug             string    `json:"slug"`
	Name             string    `json:"name"`
	Currency         string    `json:"currency"`
	CurrencyExponent int       `json:"currency_exponent"`
	Timezone         string    `json:"timezone"`
	Country          string    `json:"country"`
	DefaultLocale    string    `json:"default_locale"`
	Regions          []string  `json:"regions"`
	MinRideBalance   int64     `json:"min_ride_balance"`
	UnlockFee        int64     `json:"unlock_fee"`
	PricePerMinute   int64     `json:"price_per_minute"`
	RiskThreshold    int       `json:"risk_threshold"`
	MaxWalletAmount  int64     `json:"max_wallet_amount"` // the most one manual wallet action may move
	CreatedAt        time.Time `json:"created_at"`
}

// Defaults of a new subaccount, in minor units where they are money.
const (
	DefaultMinRideBalance = 50
	DefaultUnlockFee      = 100
	DefaultPricePerMinute = 25
	DefaultRiskThreshold  = 70
)

// Locales the dashboard speaks.
var Locales = []string{"en", "de"}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// CurrencyExponent returns the number of minor-unit digits of an ISO 4217
// code (2 for EUR, 0 for JPY), or an error for an unknown code.
func CurrencyExponent(code string) (int, error) {
	u, err := currency.ParseISO(code)
	if err != nil || u.String() != code || code == "XXX" {
		return 0, Errorf(ECodeValidation, "unknown currency %q", code)
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, nil
}

// Normalize fills defaults and canonical forms before validation.
func (s *Subaccount) Normalize() {
	s.Slug = strings.TrimSpace(strings.ToLower(s.Slug))
	s.Name = strings.TrimSpace(s.Name)
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	s.Country = strings.ToUpper(strings.TrimSpace(s.Country))
	s.Timezone = strings.TrimSpace(s.Timezone)
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	if s.DefaultLocale == "" {
		s.DefaultLocale = "en"
		if s.Country == "DE" || s.Country == "AT" || s.Country == "CH" {
			s.DefaultLocale = "de"
		}
	}
	if s.Regions == nil {
		s.Regions = []string{}
	}
	// The exponent follows from the currency, never from input: a stale one
	// would scale every amount of the subaccount.
	if exp, err := CurrencyExponent(s.Currency); err == nil {
		s.CurrencyExponent = exp
	}
}

// Validate checks a normalized subaccount.
func (s *Subaccount) Validate() error {
	var v Validation
	if !slugPattern.MatchString(s.Slug) {
		v.Add("slug", "must be 2 to 40 lowercase letters, digits or dashes")
	}
	if s.Name == "" || utf8.RuneCountInString(s.Name) > 200 {
		v.Add("name", "is required, at most 200 characters")
	}
	if _, err := CurrencyExponent(s.Currency); err != nil {
		v.Add("currency", "must be an ISO 4217 code such as EUR")
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
		v.Add("timezone", "must be an IANA time zone such as Europe/Berlin")
	}
	// ISO3 is "ZZZ" for codes CLDR calls countries but ISO 3166-1 does not
	// assign (UK, EU-like groupings such as EZ and UN).
	if r, err := language.ParseRegion(s.Country); err != nil || !r.IsCountry() || len(s.Country) != 2 || r.ISO3() == "ZZZ" {
		v.Add("country", "must be an ISO 3166-1 alpha-2 code such as DE")
	}
	if !slices.Contains(Locales, s.DefaultLocale) {
		v.Add("default_locale", "must be one of en, de")
	}
	for _, r := range s.Regions {
		if strings.TrimSpace(r) == "" || utf8.RuneCountInString(r) > 100 {
			v.Add("regions", "each region needs a name of at most 100 characters")
			break
		}
	}
	if s.MinRideBalance < 0 {
		v.Add("min_ride_balance", "must not be negative")
	}
	if s.UnlockFee < 0 {
		v.Add("unlock_fee", "must not be negative")
	}
	if s.PricePerMinute < 0 {
		v.Add("price_per_minute", "must not be negative")
	}
	if s.MaxWalletAmount < 0 {
		v.Add("max_wallet_amount", "must not be negative")
	}
	if s.RiskThreshold < 0 || s.RiskThreshold > 100 {
		v.Add("risk_threshold", "must be between 0 and 100")
	}
	return v.Err()
}

package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// CustomerCreate is the input to create a customer. Only Name is required.
type CustomerCreate struct {
	ExternalID string `json:"external_id,omitempty"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Address    string `json:"address,omitempty"`
	Notes      string `json:"notes,omitempty"`
	Company    string `json:"company,omitempty"`
	Region     string `json:"region,omitempty"`
	Locale     string `json:"locale,omitempty"`
	DeviceOS   string `json:"device_os,omitempty"`
}

// DeviceOSes are the platforms customers use.
var DeviceOSes = []string{"ios", "android", "web", "other"}

// Field limits.
const (
	maxName    = 200
	maxShort   = 200
	maxAddress = 500
	maxNotes   = 5000
)

var externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,100}$`)

// Normalize trims fields, lowercases the email and puts the phone in E.164
// using country (the subaccount's) as the default region. It reports a
// phone it cannot read through Validate.
func (in *CustomerCreate) Normalize(country string) {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.ExternalID, &in.Name, &in.Email, &in.Phone, &in.Address, &in.Notes,
		&in.Company, &in.Region, &in.Locale, &in.DeviceOS} {
		trim(s)
	}
	in.Email = strings.ToLower(in.Email)
	in.DeviceOS = strings.ToLower(in.DeviceOS)
	in.Locale = strings.ToLower(in.Locale)
	if p, ok := NormalizePhone(in.Phone, country); ok {
		in.Phone = p
	}
}

// Validate checks a normalized input against the subaccount.
func (in *CustomerCreate) Validate(sa *Subaccount) error {
	var v Validation
	checkName(&v, in.Name)
	if in.ExternalID != "" && !externalIDPattern.MatchString(in.ExternalID) {
		v.Add("external_id", "must be 1 to 100 letters, digits or . _ : / -")
	}
	if in.Email != "" && !ValidEmail(in.Email) {
		v.Add("email", "must be a valid email address")
	}
	checkPhone(&v, in.Phone)
	checkText(&v, "address", in.Address, maxAddress)
	checkText(&v, "notes", in.Notes, maxNotes)
	checkText(&v, "company", in.Company, maxShort)
	checkRegion(&v, in.Region, sa)
	if in.Locale != "" && !localePattern.MatchString(in.Locale) {
		v.Add("locale", "must be a language tag such as de or en-us")
	}
	if in.DeviceOS != "" && !slices.Contains(DeviceOSes, in.DeviceOS) {
		v.Add("device_os", "must be one of ios, android, web, other")
	}
	return v.Err()
}

var localePattern = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

func checkName(v *Validation, name string) {
	if name == "" || utf8.RuneCountInString(name) > maxName {
		v.Add("name", "is required, at most %d characters", maxName)
	}
}

func checkText(v *Validation, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "must be at most %d characters", max)
	}
}

func checkPhone(v *Validation, phone string) {
	if phone != "" && !strings.HasPrefix(phone, "+") {
		v.Add("phone", "is not a phone number we can read; include the country code, as in +49 30 1234567")
	}
}

func checkRegion(v *Validation, region string, sa *Subaccount) {
	if region == "" {
		return
	}
	if len(sa.Regions) > 0 && !slices.Contains(sa.Regions, region) {
		v.Add("region", "must be one of the subaccount's regions: %s", strings.Join(sa.Regions, ", "))
	} else {
		checkText(v, "region", region, maxShort)
	}
}

// NormalizePhone parses a phone number typed in any format into E.164,
// with country as the region of numbers without a country code.
func NormalizePhone(s, country string) (string, bool) {
	if strings.TrimSpace(s) == "" {
		return "", false
	}
	num, err := phonenumbers.Parse(s, country)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return s, false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// NationalDigits returns the digits of an E.164 number as dialled inside
// its country (030… for +4930…), so that search finds either form.
func NationalDigits(e164 string) string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return digitsOnly(phonenumbers.Format(num, phonenumbers.NATIONAL))
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CustomerUpdate is a partial edit. Email, external id and customer number
// are identifiers and cannot be edited; device OS, locale and last activity
// come from integrations only.
type CustomerUpdate struct {
	Name    *string `json:"name,omitempty"`
	Phone   *string `json:"phone,omitempty"`
	Address *string `json:"address,omitempty"`
	Notes   *string `json:"notes,omitempty"`
	Company *string `json:"company,omitempty"`
	Region  *string `json:"region,omitempty"`

	DeviceOS     *string    `json:"device_os,omitempty"`
	Locale       *string    `json:"locale,omitempty"`
	LastActiveAt *time.Time `json:"last_active_at,omitempty"`

	// Present only to refuse them clearly.
	Email          *string `json:"email,omitempty"`
	ExternalID     *string `json:"external_id,omitempty"`
	CustomerNumber *int64  `json:"customer_number,omitempty"`
}

// IntegrationOnly reports whether the update touches fields only
// integrations may set.
func (u *CustomerUpdate) IntegrationOnly() bool {
	return u.DeviceOS != nil || u.Locale != nil || u.LastActiveAt != nil
}

// ContactOnly reports whether the update touches only contact fields and
// notes, which fleet managers may edit.
func (u *CustomerUpdate) ContactOnly() bool {
	return u.Name == nil && u.Company == nil && u.Region == nil && !u.IntegrationOnly()
}

// Apply validates the update and applies it to c.
func (u *CustomerUpdate) Apply(c *Customer, sa *Subaccount) error {
	var v Validation
	if u.Email != nil {
		v.Add("email", "is the customer's identifier and cannot be edited")
	}
	if u.ExternalID != nil {
		v.Add("external_id", "is the customer's identifier and cannot be edited")
	}
	if u.CustomerNumber != nil {
		v.Add("customer_number", "is assigned by the system and cannot be edited")
	}
	in := CustomerCreate{Name: c.Name, Phone: c.Phone, Address: c.Address, Notes: c.Notes, Company: c.Company,
		Region: c.Region, DeviceOS: c.DeviceOS, Locale: c.Locale}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Name, u.Name)
	set(&in.Phone, u.Phone)
	set(&in.Address, u.Address)
	set(&in.Notes, u.Notes)
	set(&in.Company, u.Company)
	set(&in.Region, u.Region)
	set(&in.DeviceOS, u.DeviceOS)
	set(&in.Locale, u.Locale)
	in.Normalize(sa.Country)
	if err := in.Validate(sa); err != nil {
		e, ok := err.(*Error)
		if !ok {
			return err
		}
		for _, f := range e.Fields {
			// A region that predates a change of the subaccount's list stays.
			if f.Field != "region" || in.Region != c.Region {
				v.fields = append(v.fields, f)
			}
		}
	}
	if u.LastActiveAt != nil && u.LastActiveAt.After(time.Now().Add(time.Hour)) {
		v.Add("last_active_at", "must not be in the future")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c.Name, c.Phone, c.Address, c.Notes, c.Company, c.Region = in.Name, in.Phone, in.Address, in.Notes, in.Company, in.Region
	c.DeviceOS, c.Locale = in.DeviceOS, in.Locale
	if u.LastActiveAt != nil {
		t := u.LastActiveAt.UTC().Truncate(time.Microsecond)
		c.LastActiveAt = &t
	}
	return nil
}

// CustomerFilter selects customers of one subaccount for a list page.
type CustomerFilter struct {
	SubaccountID string
	Q            string
	Status       string // all (not deleted), or one CustomerStatus
	Region       string
	DeviceOS     string
	JoinedFrom   *time.Time
	JoinedTo     *time.Time
	ActiveFrom   *time.Time
	ActiveTo     *time.Time
	Sort         string // name, joined, last_active, wallet, rides; a leading - sorts descending
	Cursor       string
	Limit        int
}

// CustomerSorts are the columns a list sorts by.
var CustomerSorts = []string{"name", "joined", "last_active", "wallet", "rides"}

// SearchTotalCap is where an exact search total stops: beyond it, lists say
// "10,000+".
const SearchTotalCap = 10000

// CustomerPage is one page of a customer list.
type CustomerPage struct {
	Data       []*Customer `json:"data"`
	NextCursor string      `json:"next_cursor"`
	Total      int         `json:"total"`
	// TotalCapped says that Total stopped at SearchTotalCap: there are more.
	TotalCapped bool `json:"total_capped"`
}

// CustomerSummary is the subaccount's summary cards and tab counts.
type CustomerSummary struct {
	Total            int64  `json:"total"` // not soft-deleted
	Active           int64  `json:"active"`
	New              int64  `json:"new"`
	Blocked          int64  `json:"blocked"`
	IdentityRequired int64  `json:"identity_required"`
	Deleted          int64  `json:"deleted"`
	WalletValue      int64  `json:"wallet_value"`
	BonusTotal       int64  `json:"bonus_total"`
	Currency         string `json:"currency"`
}

package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CustomerStatus is the badge of a customer: the first that applies of
// deleted, blocked, identity_required, active (a completed ride) and new.
type CustomerStatus string

// Customer statuses.
const (
	StatusNew              CustomerStatus = "new"
	StatusActive           CustomerStatus = "active"
	StatusBlocked          CustomerStatus = "blocked"
	StatusIdentityRequired CustomerStatus = "identity_required"
	StatusDeleted          CustomerStatus = "deleted"
)

// CustomerStatuses lists the statuses in badge order.
var CustomerStatuses = []CustomerStatus{StatusDeleted, StatusBlocked, StatusIdentityRequired, StatusActive, StatusNew}

// Identity verification states.
const (
	IdentityNotRequired = "not_required"
	IdentityPending     = "pending"
	IdentityVerified    = "verified"
	IdentityFailed      = "failed"
)

// Error codes of customer rules.
const (
	ECodeCustomerBlocked      = "customer_blocked"
	ECodeCustomerDeleted      = "customer_deleted"
	ECodeIdentityRequired     = "identity_verification_required"
	ECodeCustomerNotBlocked   = "customer_not_blocked"
	ECodeCustomerNotDeleted   = "customer_not_deleted"
	ECodeIdentityNotRequired  = "identity_not_required"
	ECodeIdentityAlreadyValid = "identity_already_verified"
)

// Customer is a rider or driver of one subaccount.
type Customer struct {
	ID             string `json:"id"`
	SubaccountID   string `json:"subaccount_id"`
	Subaccount     string `json:"subaccount"` // the slug
	CustomerNumber int64  `json:"customer_number"`
	ExternalID     string `json:"external_id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"` // E.164
	Address        string `json:"address"`
	Notes          string `json:"notes"`
	Company        string `json:"company"`
	Region         string `json:"region"`
	DeviceOS       string `json:"device_os"`
	Locale         string `json:"locale"`

	JoinedAt     time.Time  `json:"joined_at"`
	LastActiveAt *time.Time `json:"last_active_at"`

	Blocked       bool       `json:"blocked"`
	BlockedAt     *time.Time `json:"blocked_at"`
	BlockedReason string     `json:"blocked_reason"`

	IdentityVerificationRequired bool       `json:"identity_verification_required"`
	IdentityRequiredReason       string     `json:"identity_required_reason"`
	IdentityRequiredAt           *time.Time `json:"identity_required_at"`
	IdentityStatus               string     `json:"identity_status"`
	IdentityVerifiedAt           *time.Time `json:"identity_verified_at"`
	IdentityNotes                string     `json:"identity_notes"`

	RidesCount    int64      `json:"rides_count"`
	WalletBalance int64      `json:"wallet_balance"`
	BonusBalance  int64      `json:"bonus_balance"`
	Currency      string     `json:"currency"`
	DeletedAt     *time.Time `json:"deleted_at"`

	Status     CustomerStatus `json:"status"`
	Verified   bool           `json:"verified"`
	ActiveRide any            `json:"active_ride"` // null until rides exist
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// ComputeStatus applies the badge rule. It is the only place that decides
// a customer's status; the store keeps its result for filtering.
func (c *Customer) ComputeStatus() CustomerStatus {
	switch {
	case c.DeletedAt != nil:
		return StatusDeleted
	case c.Blocked:
		return StatusBlocked
	case c.IdentityVerificationRequired && c.IdentityStatus != IdentityVerified:
		return StatusIdentityRequired
	case c.RidesCount > 0:
		return StatusActive
	}
	return StatusNew
}

// Refresh recomputes the derived fields after a change.
func (c *Customer) Refresh() {
	c.Status = c.ComputeStatus()
	c.Verified = c.IdentityStatus == IdentityVerified
}

func errDeleted() error {
	return Errorf(ECodeCustomerDeleted, "This customer is deleted. Restore them first.")
}

// Block blocks the customer with a reason. A blocked customer can neither
// start rides nor buy anything; an active ride continues to its end.
func (c *Customer) Block(reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case c.DeletedAt != nil:
		return errDeleted()
	case c.Blocked:
		return Errorf(ECodeCustomerBlocked, "This customer is already blocked.")
	case reason == "" || utf8.RuneCountInString(reason) > 500:
		return fieldError("reason", "is required, at most 500 characters")
	}
	c.Blocked, c.BlockedAt, c.BlockedReason = true, &at, reason
	c.Refresh()
	return nil
}

// Unblock lifts a block.
func (c *Customer) Unblock() error {
	switch {
	case c.DeletedAt != nil:
		return errDeleted()
	case !c.Blocked:
		return Errorf(ECodeCustomerNotBlocked, "This customer is not blocked.")
	}
	c.Blocked, c.BlockedAt, c.BlockedReason = false, nil, ""
	c.Refresh()
	return nil
}

// RequireIdentity asks the customer to verify their identity before riding.
func (c *Customer) RequireIdentity(reason string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case c.DeletedAt != nil:
		return errDeleted()
	case reason == "" || utf8.RuneCountInString(reason) > 500:
		return fieldError("reason", "is required, at most 500 characters")
	}
	c.IdentityVerificationRequired, c.IdentityRequiredReason, c.IdentityRequiredAt = true, reason, &at
	if c.IdentityStatus != IdentityVerified {
		c.IdentityStatus = IdentityPending
	}
	c.Refresh()
	return nil
}

// ApplyRisk requires identity when a risk score exceeds the subaccount's
// threshold; it reports whether it changed anything.
func (c *Customer) ApplyRisk(score, threshold int, at time.Time) bool {
	if score <= threshold || c.DeletedAt != nil || c.IdentityStatus == IdentityVerified || c.IdentityVerificationRequired {
		return false
	}
	c.RequireIdentity("risk score above the threshold", at)
	return true
}

// VerifyIdentity records a manual verification by an operator.
func (c *Customer) VerifyIdentity(notes string, at time.Time) error {
	switch {
	case c.DeletedAt != nil:
		return errDeleted()
	case c.IdentityStatus == IdentityVerified:
		return Errorf(ECodeIdentityAlreadyValid, "This customer's identity is already verified.")
	case utf8.RuneCountInString(notes) > 2000:
		return fieldError("notes", "must be at most 2000 characters")
	}
	c.IdentityStatus, c.IdentityVerifiedAt, c.IdentityNotes = IdentityVerified, &at, strings.TrimSpace(notes)
	c.Refresh()
	return nil
}

// ClearIdentityRequirement lifts the requirement without a verification.
func (c *Customer) ClearIdentityRequirement() error {
	switch {
	case c.DeletedAt != nil:
		return errDeleted()
	case !c.IdentityVerificationRequired:
		return Errorf(ECodeIdentityNotRequired, "Identity verification is not required for this customer.")
	}
	c.IdentityVerificationRequired, c.IdentityRequiredReason, c.IdentityRequiredAt = false, "", nil
	if c.IdentityStatus == IdentityPending {
		c.IdentityStatus = IdentityNotRequired
	}
	c.Refresh()
	return nil
}

// SoftDelete deletes the customer, keeping rides and ledger. confirm must
// be the customer's email or name, as typed by the operator.
func (c *Customer) SoftDelete(confirm string, at time.Time) error {
	if c.DeletedAt != nil {
		return errDeleted()
	}
	confirm = strings.TrimSpace(confirm)
	if confirm == "" || !(strings.EqualFold(confirm, c.Email) || confirm == c.Name) {
		return &Error{Code: ECodeConfirmation, Message: "Type the customer's email or name to confirm the deletion.",
			Fields: []FieldError{{Field: "confirm", Message: "does not match the customer's email or name"}}}
	}
	c.DeletedAt = &at
	c.Refresh()
	return nil
}

// Restore undoes a soft delete.
func (c *Customer) Restore() error {
	if c.DeletedAt == nil {
		return Errorf(ECodeCustomerNotDeleted, "This customer is not deleted.")
	}
	c.DeletedAt = nil
	c.Refresh()
	return nil
}

// CompleteRide counts a completed ride; the first turns New into Active.
func (c *Customer) CompleteRide(at time.Time) {
	c.RidesCount++
	c.LastActiveAt = &at
	c.Refresh()
}

func fieldError(field, msg string) error {
	return &Error{Code: ECodeValidation, Message: "Some fields are invalid.", Fields: []FieldError{{Field: field, Message: msg}}}
}

// SearchText is what search matches for c: the name, email, phone in
// E.164 and as dialled nationally, the customer number and external id,
// lowercased.
func (c *Customer) SearchText() string {
	parts := []string{strings.ToLower(c.Name), c.Email, c.Phone, NationalDigits(c.Phone),
		strconvItoa(c.CustomerNumber), strings.ToLower(c.ExternalID)}
	return strings.Join(parts, " ")
}

// SearchTerm normalizes what an operator typed into the search box: a phone
// number typed in any format becomes its digits (with a leading + kept),
// anything else is lowercased and trimmed.
func SearchTerm(q string) string {
	q = strings.ToLower(strings.TrimSpace(q))
	if looksLikePhone(q) {
		d := digitsOnly(q)
		if strings.HasPrefix(q, "+") {
			return "+" + d
		}
		return d
	}
	return q
}

func looksLikePhone(q string) bool {
	digits := 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')' || r == '/' || r == '.':
		default:
			return false
		}
	}
	return digits >= 3 && strings.ContainsAny(q, " +-()/.")
}

func strconvItoa(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

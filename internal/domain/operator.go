package domain

import (
	"net/mail"
	"strings"
	"time"
)

// Operator is a staff user of the dashboard and the API.
type Operator struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Locale    string    `json:"locale,omitempty"` // preference; empty means none
	Grants    []Grant   `json:"grants"`
	CreatedAt time.Time `json:"created_at"`
}

// NormalizeEmail lowercases and trims an address for lookups.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a plain address such as a@b.example.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// MinPasswordLength keeps the weakest passwords out.
const MinPasswordLength = 10

// CheckPassword adds an error when a new password is too short.
func CheckPassword(v *Validation, password string) {
	if len(password) < MinPasswordLength {
		v.Add("password", "must be at least %d characters", MinPasswordLength)
	}
}

// OperatorCreate is the input to create an operator.
type OperatorCreate struct {
	Email    string
	Name     string
	Password string
	Grants   []Grant
}

// Validate checks the input; Email must already be normalized.
func (o *OperatorCreate) Validate() error {
	var v Validation
	if !ValidEmail(o.Email) {
		v.Add("email", "must be a valid email address")
	}
	CheckPassword(&v, o.Password)
	if len(o.Grants) == 0 {
		v.Add("role", "is required")
	}
	for _, g := range o.Grants {
		if !g.Role.Valid() {
			v.Add("role", "unknown role %q", g.Role)
		} else if g.Role == RoleSuperAdmin && !g.Global() {
			v.Add("subaccount", "a super admin holds the role in every subaccount")
		}
	}
	return v.Err()
}

// Token is an API token. Its secret is shown once at creation and stored
// only as a hash.
type Token struct {
	ID         string     `json:"id"`
	OperatorID string     `json:"operator_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // first characters, to recognise it
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Session is a dashboard login. Only a hash of its cookie value is stored.
type Session struct {
	ID         string
	OperatorID string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// Session lifetimes.
const (
	SessionIdleTimeout     = 2 * time.Hour
	SessionAbsoluteTimeout = 12 * time.Hour
)

// Expired reports whether s may no longer be used at now.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= SessionIdleTimeout
}

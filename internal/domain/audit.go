package domain

import (
	"encoding/json"
	"time"
)

// AuditEntry records one change an operator, an integration or the system made.
type AuditEntry struct {
	ID           string          `json:"id"`
	SubaccountID string          `json:"subaccount_id,omitempty"`
	ActorID      string          `json:"actor_id,omitempty"`
	Actor        string          `json:"actor"`
	Action       string          `json:"action"`
	TargetType   string          `json:"target_type"`
	TargetID     string          `json:"target_id"`
	Before       json.RawMessage `json:"before"`
	After        json.RawMessage `json:"after"`
	Note         string          `json:"note"`
	RequestID    string          `json:"request_id,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	SubaccountIDs []string // nil means all; an empty non-nil slice means none
	SubaccountID  string
	TargetID      string
	ActorID       string
	Action        string
	Cursor        string
	Limit         int
}

// Page is one page of a keyset-paginated list.
type Page[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
}

// Page sizes for lists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

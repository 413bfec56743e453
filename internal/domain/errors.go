// Package domain holds mobidesk's types, rules and the contracts between its
// parts. It imports nothing of ours: storage, HTTP and the CLI depend on it.
package domain

import (
	"errors"
	"fmt"
)

// Error codes are stable strings that API clients may rely on.
const (
	ECodeUnauthorized         = "unauthorized"
	ECodeForbidden            = "forbidden"
	ECodeNotFound             = "not_found"
	ECodeConflict             = "conflict"
	ECodeValidation           = "validation_failed"
	ECodeConfirmation         = "confirmation_mismatch"
	ECodeIdempotencyReused    = "idempotency_key_reused"
	ECodeIdempotencyInUse     = "idempotency_key_in_use"
	ECodeRateLimited          = "rate_limited"
	ECodeBadRequest           = "bad_request"
	ECodePayloadTooLarge      = "payload_too_large"
	ECodeMethodNotAllowed     = "method_not_allowed"
	ECodeUnsupportedMediaType = "unsupported_media_type"
	ECodeInternal             = "internal"
)

// FieldError names one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type that crosses package boundaries. Its Message is
// safe to show to users; anything else stays in logs.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d field errors)", e.Code, e.Message, len(e.Fields))
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: "" for nil, ECodeInternal when err is
// not ours.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Validation collects field errors; its Err is nil when nothing failed.
type Validation struct{ fields []FieldError }

// Add records that field is invalid.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns a validation_failed *Error listing every field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: ECodeValidation, Message: "Some fields are invalid.", Fields: v.fields}
}

// Package httpx holds what the API and the dashboard share over HTTP:
// middleware (request ids, logs, security headers, recovery, body limits),
// RFC 9457 problem responses and JSON helpers.
package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// statusOf is the one map from error codes to HTTP statuses.
var statusOf = map[string]int{
	domain.ECodeUnauthorized:         http.StatusUnauthorized,
	domain.ECodeForbidden:            http.StatusForbidden,
	domain.ECodeNotFound:             http.StatusNotFound,
	domain.ECodeConflict:             http.StatusConflict,
	domain.ECodeValidation:           http.StatusUnprocessableEntity,
	domain.ECodeConfirmation:         http.StatusUnprocessableEntity,
	domain.ECodeIdempotencyReused:    http.StatusUnprocessableEntity,
	domain.ECodeIdempotencyInUse:     http.StatusConflict,
	domain.ECodeRateLimited:          http.StatusTooManyRequests,
	domain.ECodeBadRequest:           http.StatusBadRequest,
	domain.ECodePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	domain.ECodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	domain.ECodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	domain.ECodeInternal:             http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for an error code. Codes of business
// rules that refuse an action on the current state answer 409.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusConflict
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail"`
	Code      string              `json:"code"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []domain.FieldError `json:"errors,omitempty"`
}

// ProblemOf turns an error into a problem. Errors that are not ours are
// logged and shown as a bare internal error, so nothing internal leaks.
func ProblemOf(r *http.Request, err error) Problem {
	var de *domain.Error
	if !errors.As(err, &de) {
		slog.ErrorContext(r.Context(), "internal error", "err", err, "request_id", RequestID(r.Context()))
		de = &domain.Error{Code: domain.ECodeInternal, Message: "Something went wrong on our side. The request id helps us find it."}
	}
	status := StatusOf(de.Code)
	return Problem{
		Type:      "https://mobidesk.dev/problems/" + de.Code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    de.Message,
		Code:      de.Code,
		Instance:  r.URL.Path,
		RequestID: RequestID(r.Context()),
		Errors:    de.Fields,
	}
}

// WriteError writes err as application/problem+json.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(r, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(p)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

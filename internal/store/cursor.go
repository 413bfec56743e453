package store

import (
	"encoding/base64"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// Cursors are opaque to clients: the key of the last row of a page, encoded.

func encodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "", &domain.Error{Code: domain.ECodeValidation, Message: "The cursor is not valid.",
			Fields: []domain.FieldError{{Field: "cursor", Message: "is not a cursor this server gave out"}}}
	}
	return string(b), nil
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return domain.DefaultPageSize
	case n > domain.MaxPageSize:
		return domain.MaxPageSize
	}
	return n
}

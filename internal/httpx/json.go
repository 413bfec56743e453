package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// DecodeJSON reads a JSON body into v strictly: unknown fields, trailing
// data and wrong types answer a validation error naming the field.
func DecodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return domain.Errorf(domain.ECodeUnsupportedMediaType, "Send the body as application/json.")
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if IsTooLarge(err) {
			return domain.Errorf(domain.ECodePayloadTooLarge, "The request body is too large.")
		}
		return domain.Errorf(domain.ECodeBadRequest, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return domain.Errorf(domain.ECodeBadRequest, "The body holds more than one JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return &domain.Error{Code: domain.ECodeValidation, Message: "Some fields are invalid.",
			Fields: []domain.FieldError{{Field: typeErr.Field, Message: "must be a " + jsonKind(typeErr.Type.Kind().String())}}}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.ECodeBadRequest, "The body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &domain.Error{Code: domain.ECodeValidation, Message: "Some fields are invalid.",
			Fields: []domain.FieldError{{Field: field, Message: "is not a known field"}}}
	}
	return domain.Errorf(domain.ECodeBadRequest, "The body could not be decoded: %s", sanitize(err))
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32", "uint", "uint64":
		return "whole number"
	case "float64", "float32":
		return "number"
	case "slice":
		return "list"
	case "struct", "map":
		return "object"
	}
	return k
}

func sanitize(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return fmt.Sprint(s)
}

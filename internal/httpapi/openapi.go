package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/httpx"
)

// OpenAPI returns the OpenAPI 3.1 document of the API, generated from the
// route table and the Go types that handlers encode, so that it cannot
// drift from the code. Tests validate real responses against it.
func (api *API) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range api.routes {
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     rt.Summary,
			"responses": map[string]any{
				strconv.Itoa(rt.Status): response(rt.Response, http.StatusText(rt.Status)),
				"default":               problemResponse(),
			},
		}
		if rt.Perm != "" {
			op["x-permission"] = string(rt.Perm)
		}
		var params []any
		for _, name := range pathParams(rt.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": q.Required,
				"description": q.Description, "schema": map[string]any{"type": "string"}})
		}
		if rt.Idempotent {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "replays the first response for a retry with the same key and body",
				"schema":      map[string]any{"type": "string", "maxLength": 255}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.CSV {
			ok := op["responses"].(map[string]any)[strconv.Itoa(rt.Status)].(map[string]any)
			content, _ := ok["content"].(map[string]any)
			if content == nil {
				content = map[string]any{}
				ok["content"] = content
			}
			content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		if rt.RequestCSV {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": SchemaOf(reflect.TypeOf(rt.Request), false)}}}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "mobidesk API", "version": "1",
			"description": "The customer back office of a mobility operator. Money is in integer minor units of the object's currency; times are RFC 3339 UTC."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "mobidesk_session"},
		}},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

// Match returns the route that serves r, or nil.
func (api *API) Match(r *http.Request) *Route {
	_, pattern := api.mux.Handler(r)
	for _, rt := range api.routes {
		if rt.Method+" "+rt.Path == pattern {
			return rt
		}
	}
	return nil
}

func operationID(rt *Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParams(path string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

func response(v any, description string) map[string]any {
	if v == nil {
		return map[string]any{"description": description}
	}
	return map[string]any{"description": description, "content": map[string]any{
		"application/json": map[string]any{"schema": SchemaOf(reflect.TypeOf(v), true)}}}
}

func problemResponse() map[string]any {
	return map[string]any{"description": "An RFC 9457 problem", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": SchemaOf(reflect.TypeOf(httpx.Problem{}), true)}}}
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// SchemaOf returns the JSON Schema (2020-12, as OpenAPI 3.1 uses) of how
// encoding/json writes t. Closed objects (additionalProperties false) make
// an undocumented field in a response fail validation.
func SchemaOf(t reflect.Type, closed bool) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := SchemaOf(t.Elem(), closed)
		if typ, ok := s["type"].(string); ok {
			s["type"] = []any{typ, "null"}
			return s
		}
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": SchemaOf(t.Elem(), closed)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": SchemaOf(t.Elem(), closed)}
	case reflect.Struct:
		props := map[string]any{}
		required := []any{}
		addFields(t, props, &required, closed)
		s := map[string]any{"type": "object", "properties": props, "required": required}
		if closed {
			s["additionalProperties"] = false
		}
		return s
	case reflect.Interface:
		return map[string]any{}
	}
	panic("openapi: no schema for " + t.String())
}

func addFields(t reflect.Type, props map[string]any, required *[]any, closed bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			addFields(f.Type, props, required, closed)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = SchemaOf(f.Type, closed)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}

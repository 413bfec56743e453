// Package i18n holds the dashboard's message catalogs (English and German,
// complete) and picks the language of a request.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"

	"golang.org/x/text/language"
)

//go:embed catalog/*.json
var files embed.FS

// Languages the dashboard speaks, the default first.
var Languages = []string{"en", "de"}

var (
	catalogs = map[string]map[string]string{}
	matcher  = language.NewMatcher([]language.Tag{language.English, language.German})
)

func init() {
	// A language's catalog is catalog/<lang>.json plus one file per area,
	// catalog/<lang>.<area>.json, so that areas grow without colliding.
	for _, lang := range Languages {
		m := map[string]string{}
		names, _ := fs.Glob(files, "catalog/"+lang+".*json")
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("i18n: catalog %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("i18n: %s repeats the key %q", name, k))
				}
				m[k] = v
			}
		}
		catalogs[lang] = m
	}
}

// Supported reports whether lang is a language of the dashboard.
func Supported(lang string) bool { _, ok := catalogs[lang]; return ok }

// T returns the message key in lang, formatted with args. A missing key
// shows itself, so that it is noticed; tests keep the catalogs complete.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = catalogs["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the catalogs hold key.
func Has(key string) bool { _, ok := catalogs["en"][key]; return ok }

// Keys returns the keys of a catalog, sorted, for tests.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Match picks the best language for an Accept-Language header.
func Match(acceptLanguage string) string {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := matcher.Match(tags...)
	return Languages[i]
}

// Pick chooses the language of a request: the operator's preference, then
// an explicit ?lang=, then Accept-Language.
func Pick(preference, query, acceptLanguage string) string {
	switch {
	case Supported(preference):
		return preference
	case Supported(query):
		return query
	}
	return Match(acceptLanguage)
}

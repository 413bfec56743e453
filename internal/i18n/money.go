package i18n

import (
	"strings"
	"unicode"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// separators are a language's digit group and decimal marks.
type separators struct{ group, decimal string }

var numberMarks = map[string]separators{
	"en": {",", "."},
	"de": {".", ","},
}

func marks(lang string) separators {
	if m, ok := numberMarks[lang]; ok {
		return m
	}
	return numberMarks["en"]
}

// Number formats a count with the language's digit grouping: 10,000 in
// English, 10.000 in German.
func Number(lang string, n int64) string {
	neg, abs := split(n)
	s := group(abs, marks(lang).group)
	if neg {
		return "-" + s
	}
	return s
}

// Money formats an amount of minor units (cents) of an ISO 4217 currency
// with exponent minor digits, the way the language writes money: €1,234.56
// in English, 1.234,56 € in German. It uses integer arithmetic only, so no
// amount is ever rounded.
func Money(lang string, minor int64, code string, exponent int) string {
	exponent = min(max(exponent, 0), 18)
	neg, abs := split(minor)
	m := marks(lang)
	var div uint64 = 1
	for range exponent {
		div *= 10
	}
	amount := group(abs/div, m.group)
	if exponent > 0 {
		frac := uintString(abs % div)
		amount += m.decimal + strings.Repeat("0", exponent-len(frac)) + frac
	}
	sym := symbol(lang, code)
	sign := ""
	if neg {
		sign = "-"
	}
	if lang == "de" {
		return sign + amount + " " + sym
	}
	// A symbol that ends in a letter (CHF) keeps its distance from the digits.
	if r := []rune(sym); len(r) > 0 && unicode.IsLetter(r[len(r)-1]) {
		return sign + sym + " " + amount
	}
	return sign + sym + amount
}

// symbol is the currency's symbol in the language, from CLDR: € for EUR,
// $ for USD, and the code itself where there is no common symbol.
func symbol(lang, code string) string {
	u, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	tag := language.English
	if lang == "de" {
		tag = language.German
	}
	return message.NewPrinter(tag).Sprint(currency.Symbol(u))
}

// split returns the sign and magnitude of n; the magnitude of the smallest
// int64 fits a uint64.
func split(n int64) (bool, uint64) {
	if n < 0 {
		return true, uint64(-(n + 1)) + 1
	}
	return false, uint64(n)
}

func uintString(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// group writes n with sep between groups of three digits.
func group(n uint64, sep string) string {
	s := uintString(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

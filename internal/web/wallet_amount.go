package web

// Amounts as operators type them and money as wallet.js writes it. An
// amount is read in the operator's language ("12,50" in German, "12.50" in
// English) straight into minor units through domain.ParseDecimal, never
// through floating point.

import (
	"errors"
	"regexp"
	"strings"
	"unicode"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/i18n"
)

// decimalMarks are a language's decimal and digit group separators, as
// i18n writes numbers.
func decimalMarks(lang string) (decimal, group string) {
	if lang == "de" {
		return ",", "."
	}
	return ".", ","
}

// amountPatterns accept digits with an optional decimal part, and group
// separators only where they group thousands: in German "1.234,50" but not
// "12.50", which an operator used to English would mean as 12,50 and
// domain.ParseDecimal would read as 1.250,00.
var amountPatterns = map[string]*regexp.Regexp{
	"en": regexp.MustCompile(`^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$`),
	"de": regexp.MustCompile(`^(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?$`),
}

// errAmountFormat says that text is not an amount in the operator's
// language; errAmountPositive that it is zero.
var (
	errAmountFormat   = errors.New("not an amount")
	errAmountPositive = errors.New("not a positive amount")
)

// parseAmount reads a positive amount typed in lang into minor units of a
// currency with exp decimals.
func parseAmount(lang, text string, exp int) (int64, error) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	pattern, ok := amountPatterns[lang]
	if !ok {
		pattern = amountPatterns["en"]
	}
	if !pattern.MatchString(s) {
		return 0, errAmountFormat
	}
	dec, _ := decimalMarks(lang)
	n, err := domain.ParseDecimal(s, exp, rune(dec[0]))
	switch {
	case err != nil:
		return 0, errAmountFormat
	case n <= 0:
		return 0, errAmountPositive
	}
	return n, nil
}

// formatAmount writes minor units the way parseAmount reads them back,
// without group separators: 1250 → "12,50" in German.
func formatAmount(lang string, minor int64, exp int) string {
	dec, _ := decimalMarks(lang)
	return strings.Replace(domain.FormatDecimal(minor, exp), ".", dec, 1)
}

// amountExample is a sample amount in the language, for hints.
func amountExample(lang string, exp int) string { return formatAmount(lang, 1250*pow10(exp)/100, exp) }

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// moneyFormat is how wallet.js writes money in the page's language, the way
// i18n.Money does: the currency around the digits ("€{n}", "{n} €"), the
// marks and the currency's decimals.
type moneyFormat struct {
	Pattern, Decimal, Group string
	Exp                     int
}

func moneyFormatFor(lang, currency string, exp int) moneyFormat {
	dec, group := decimalMarks(lang)
	zero := "0"
	if exp > 0 {
		zero += dec + strings.Repeat("0", exp)
	}
	return moneyFormat{Pattern: strings.Replace(i18n.Money(lang, 0, currency, exp), zero, "{n}", 1),
		Decimal: dec, Group: group, Exp: exp}
}

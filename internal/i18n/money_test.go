package i18n

import (
	"math"
	"testing"
)

func TestMoneyIsWrittenTheWayEachLanguageWritesIt(t *testing.T) {
	for _, c := range []struct {
		lang     string
		minor    int64
		currency string
		exponent int
		want     string
	}{
		{"de", 123456, "EUR", 2, "1.234,56 €"},
		{"en", 123456, "EUR", 2, "€1,234.56"},
		{"en", 123456, "USD", 2, "$1,234.56"},
		{"de", 123456, "USD", 2, "1.234,56 $"},
		{"de", 0, "EUR", 2, "0,00 €"},
		{"en", 5, "EUR", 2, "€0.05"},
		{"en", 50, "EUR", 2, "€0.50"},
		{"de", -250, "EUR", 2, "-2,50 €"},
		{"en", -250, "EUR", 2, "-€2.50"},
		{"en", 100000000, "EUR", 2, "€1,000,000.00"},
		{"de", 100000000, "EUR", 2, "1.000.000,00 €"},
		{"en", 1234, "JPY", 0, "¥1,234"},
		{"de", 1234, "JPY", 0, "1.234 ¥"},
		{"en", 1234567, "KWD", 3, "KWD 1,234.567"},
		{"en", 123456, "CHF", 2, "CHF 1,234.56"},
		{"de", 123456, "CHF", 2, "1.234,56 CHF"},
		{"en", math.MaxInt64, "EUR", 2, "€92,233,720,368,547,758.07"},
		{"en", math.MinInt64, "EUR", 2, "-€92,233,720,368,547,758.08"},
		{"fr", 123456, "EUR", 2, "€1,234.56"}, // unknown languages read as English
	} {
		if got := Money(c.lang, c.minor, c.currency, c.exponent); got != c.want {
			t.Errorf("Money(%s, %d, %s, %d) = %q, want %q", c.lang, c.minor, c.currency, c.exponent, got, c.want)
		}
	}
}

func TestNumbersAreGroupedForTheLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 0, "0"}, {"en", 999, "999"}, {"en", 1000, "1,000"}, {"de", 10000, "10.000"},
		{"en", 1234567, "1,234,567"}, {"de", -1234, "-1.234"},
	} {
		if got := Number(c.lang, c.n); got != c.want {
			t.Errorf("Number(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

package domain

import (
	"strconv"
	"strings"
)

// FormatDecimal writes minor units as a plain decimal with exp digits after
// the point (1234, 2 → "12.34"; -5, 2 → "-0.05"), as CSV files carry money.
func FormatDecimal(minor int64, exp int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseDecimal reads a decimal amount into minor units exactly, never
// through floating point. sep is the decimal separator ('.' or ','); the
// other of the two is taken as a thousands separator. More fraction digits
// than the currency has are refused, not rounded.
func ParseDecimal(s string, exp int, sep rune) (int64, error) {
	bad := Errorf(ECodeValidation, "%q is not an amount; write it like 12%c50", s, sep)
	s = strings.TrimSpace(s)
	thousands := ","
	if sep == ',' {
		thousands = "."
	}
	s = strings.ReplaceAll(s, thousands, "")
	s = strings.ReplaceAll(s, " ", "")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, hasSep := strings.Cut(s, string(sep))
	if whole == "" && frac == "" || strings.Contains(frac, string(sep)) || (hasSep && frac == "") {
		return 0, bad
	}
	if len(frac) > exp {
		return 0, Errorf(ECodeValidation, "%q has more than %d decimals", s, exp)
	}
	frac += strings.Repeat("0", exp-len(frac))
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	if len(whole) > 15 {
		return 0, Errorf(ECodeValidation, "%q is too large", s)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, bad
	}
	if neg {
		n = -n
	}
	return n, nil
}

// CSVSafe keeps a text cell from being read as a formula by spreadsheet
// programs (CSV injection): a cell starting with = + - @ or a control
// character gets a leading apostrophe.
func CSVSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

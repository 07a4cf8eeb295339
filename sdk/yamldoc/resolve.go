package yamldoc

import (
	"strconv"
	"strings"
	"time"
)

// resolvePlain is the tag yaml.v3 resolves a plain scalar to, as convert records it (integers
// beyond 64 bits are !!int, not !!float). The rules are yaml.v3's (resolve.go), in its order
// and with the same strconv and time calls, so that corner cases ("08" is a float, "1e400" a
// string, "0b1_0" an integer) come out the same; the common cases are decided without them.
func resolvePlain(s string) string {
	if s == "" {
		return tagNull
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		return resolveNumber(s)
	case c == '.':
		switch s {
		case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF":
			return tagFloat
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return tagFloat
		}
	case c == '~':
		if s == "~" {
			return tagNull
		}
	case c == '<':
		if s == "<<" {
			return tagMerge // plain "<<" is a merge key
		}
	case len(s) <= 5:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return tagBool
		case "null", "Null", "NULL":
			return tagNull
		}
	}
	return tagStr
}

// numberChar marks the characters of yaml.v3's integers (with 0x, 0o, 0b prefixes and
// underscores), floats and timestamps: a scalar starting with a digit or a sign and holding any
// other character ("128Mi", "10m", "1h") is a string.
var numberChar = charSet("0123456789abcdefABCDEFxXoO_+-.:tTzZ ")

func resolveNumber(s string) string {
	switch s {
	case "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return tagFloat
	}
	for i := 0; i < len(s); i++ {
		if !numberChar[s[i]] {
			return tagStr
		}
	}
	// The common case: a short decimal integer with no leading zero.
	if len(s) <= 18 && (s[0] != '0' || len(s) == 1) {
		digits := true
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				digits = false
				break
			}
		}
		if digits {
			return tagInt
		}
	}
	if isTimestamp(s) {
		return tagTimestamp
	}
	plain := s
	if strings.IndexByte(s, '_') >= 0 {
		plain = strings.ReplaceAll(s, "_", "")
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return tagInt
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return tagInt
	}
	if yamlFloatSyntax(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			if isIntegerText(s) && isBigInt(s) {
				return tagInt // convert's correction: an integer beyond 64 bits
			}
			return tagFloat
		}
	}
	var digits string
	base, neg := 0, false
	switch {
	case strings.HasPrefix(plain, "0b"):
		digits, base = plain[2:], 2
	case strings.HasPrefix(plain, "-0b"):
		digits, base, neg = plain[3:], 2, true
	case strings.HasPrefix(plain, "0o"):
		digits, base = plain[2:], 8
	case strings.HasPrefix(plain, "-0o"):
		digits, base, neg = plain[3:], 8, true
	}
	if base != 0 {
		if neg {
			digits = "-" + digits
		}
		if _, err := strconv.ParseInt(digits, base, 64); err == nil {
			return tagInt
		}
		if !neg {
			if _, err := strconv.ParseUint(digits, base, 64); err == nil {
				return tagInt
			}
		}
	}
	return tagStr
}

// yamlFloatSyntax matches yaml.v3's float syntax, ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func yamlFloatSyntax(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// timestampLayouts are the timestamp forms yaml.v3 reads in plain scalars.
var timestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp reports whether yaml.v3 reads s as a timestamp: four digits, a dash, and one of
// its layouts.
func isTimestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	for _, l := range timestampLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

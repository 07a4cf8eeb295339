package yamldoc

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"
)

// Scalars are read with YAML 1.1's rules as goyaml.v2 applies them (through sigs.k8s.io/yaml,
// which Kubernetes, kubectl and Kratix use): y, yes, on, off, n... are booleans; 0x, 0o, 0b
// and a leading 0 (octal) prefix integers, "_" separates digits; an integer beyond 64 bits is
// a float; dates are strings. The code below follows goyaml.v2's resolve step by step, in its
// order and with the same strconv calls, so that corner cases come out the same.

// resolvePlain is the tag of a plain (unquoted, untagged) scalar: !!str, !!int, !!float,
// !!bool, !!null or !!timestamp, and !!merge for "<<" (a merge key when it is a key; goyaml.v2
// reads it as the string "<<" elsewhere).
func resolvePlain(s string) string {
	if s == "<<" {
		return tagMerge
	}
	return resolveV2(s, true)
}

// resolveV2 is goyaml.v2's resolve: timestamps are tried only for plain scalars and
// !!timestamp.
func resolveV2(s string, timestamps bool) string {
	if s == "" {
		return tagNull
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		return resolveNumber(s, timestamps)
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
	case len(s) <= 5 && isBoolOrNullStart(c):
		if _, ok := yaml11Bools[s]; ok {
			return tagBool
		}
		switch s {
		case "null", "Null", "NULL":
			return tagNull
		}
	}
	return tagStr
}

func isBoolOrNullStart(c byte) bool {
	switch c {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		return true
	}
	return false
}

// yaml11Bools are goyaml.v2's booleans.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"true": true, "True": true, "TRUE": true,
	"on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false,
	"false": false, "False": false, "FALSE": false,
	"off": false, "Off": false, "OFF": false,
}

// numberChar marks the characters of goyaml.v2's integers (with 0x, 0o, 0b prefixes and
// underscores), floats and timestamps: a scalar starting with a digit or a sign and holding any
// other character ("128Mi", "10m", "1h") is a string.
var numberChar = charSet("0123456789abcdefABCDEFxXoO_+-.:tTzZ ")

// resolveNumber resolves a scalar starting with a digit or a sign (timestamps are tried only
// for plain scalars and !!timestamp).
func resolveNumber(s string, timestamps bool) string {
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
	if timestamps && isTimestamp(s) {
		return tagTimestamp
	}
	tag, _ := numberValue(s)
	return tag
}

// numberValue is goyaml.v2's reading of a scalar starting with a digit or a sign, timestamps
// aside: an int64 or uint64 (!!int), a float64 (!!float), or the string.
func numberValue(s string) (string, any) {
	plain := s
	if strings.IndexByte(s, '_') >= 0 {
		plain = strings.ReplaceAll(s, "_", "")
	}
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return tagInt, i
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return tagInt, u
	}
	if yamlFloatSyntax(plain) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			return tagFloat, f
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return tagInt, i
		}
		if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return tagInt, u
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return tagInt, i
		}
	}
	return tagStr, s
}

// yamlFloatSyntax matches goyaml.v2's float syntax, ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
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

// timestampLayouts are the timestamp forms goyaml.v2 reads in plain scalars.
var timestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp reports whether goyaml.v2 reads s as a timestamp: four digits, a dash, and one
// of its layouts.
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

// resolveTagged is goyaml.v2's reading of a scalar with an explicit tag (short: !!int): the
// tag Kubernetes reads it with, or "" and the problem when goyaml.v2 refuses the value.
func resolveTagged(tag, s string) (string, string) {
	switch tag {
	case tagStr:
		return tagStr, ""
	case tagBinary:
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return "", "a !!binary value is not valid base64"
		}
		return tagBinary, ""
	case tagBool, tagInt, tagFloat, tagNull, tagTimestamp:
	default:
		return tag, "" // any other tag (custom, !!merge, !!map on a scalar) reads as a string
	}
	switch r := resolveV2(s, tag == tagTimestamp); {
	case r == tag:
		return tag, ""
	case tag == tagFloat && r == tagInt:
		return tagFloat, ""
	}
	return "", "the value does not match its explicit type tag"
}

// scalarValue is a scalar as Kubernetes reads it: nil, bool, int64, uint64, float64 or string.
func scalarValue(n *node) any {
	if n.json {
		switch n.tag() {
		case tagStr:
			return n.value
		case tagBool:
			return n.value == "true"
		case tagNull:
			return nil
		}
		return jsonNumber(n.value)
	}
	switch n.tag() {
	case tagNull:
		return nil
	case tagBool:
		return yaml11Bools[n.value]
	case tagInt, tagFloat:
		return yamlNumber(n.tag(), n.value)
	case tagBinary:
		b, _ := base64.StdEncoding.DecodeString(n.value)
		return string(b)
	}
	return n.value
}

// yamlNumber is the value of a YAML number: an !!int is an int64 or a uint64, a !!float a
// float64 (an explicit !!float on an integer converts it).
func yamlNumber(tag, s string) any {
	switch s {
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	}
	var v any
	if s != "" && s[0] == '.' {
		f, _ := strconv.ParseFloat(s, 64)
		v = f
	} else {
		_, v = numberValue(s)
	}
	if tag == tagFloat {
		switch x := v.(type) {
		case int64:
			return float64(x)
		case uint64:
			return float64(x)
		}
	}
	return v
}

// jsonNumber is a JSON number as an int64 when it is one, else a float64 (the Go value;
// JSON() writes the number as it was written).
func jsonNumber(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

package labels

import (
	"fmt"
	"strings"
)

// Kubernetes' limits on label keys and values (apimachinery's validation.IsQualifiedName and
// IsValidLabelValue).
const (
	maxNameLen   = 63
	maxPrefixLen = 253
)

// ValueError says why v is not a valid label value, or "" when it is: at most 63 characters of
// letters, digits, '-', '_' and '.', starting and ending with a letter or digit. Empty is valid.
func ValueError(v string) string {
	if v == "" {
		return ""
	}
	var why []string
	if len(v) > maxNameLen {
		why = append(why, fmt.Sprintf("must be at most %d characters (it has %d)", maxNameLen, len(v)))
	}
	if !isName(v) {
		why = append(why, "must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit")
	}
	return strings.Join(why, "; ")
}

// KeyError says why k is not a valid label key, or "" when it is: an optional DNS subdomain
// prefix of at most 253 characters and a slash, then a name of at most 63 characters following
// the value rules.
func KeyError(k string) string {
	name := k
	var why []string
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		switch {
		case prefix == "":
			why = append(why, "the prefix before '/' is empty")
		case len(prefix) > maxPrefixLen:
			why = append(why, fmt.Sprintf("the prefix must be at most %d characters (it has %d)", maxPrefixLen, len(prefix)))
		case !isSubdomain(prefix):
			why = append(why, fmt.Sprintf("the prefix %q must be a DNS subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit", prefix))
		}
	}
	switch {
	case name == "":
		why = append(why, "the name is empty")
	case len(name) > maxNameLen:
		why = append(why, fmt.Sprintf("the name must be at most %d characters (it has %d)", maxNameLen, len(name)))
	case !isName(name):
		why = append(why, fmt.Sprintf("the name %q must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit", name))
	}
	return strings.Join(why, "; ")
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isName matches ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], ignoring length.
func isName(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isSubdomain matches RFC 1123 subdomains: dot-separated lower-case labels. Like Kubernetes, it
// limits only the whole name's length, not each label's.
func isSubdomain(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			lowerAlnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
			if !lowerAlnum && (c != '-' || i == 0 || i == len(part)-1) {
				return false
			}
		}
	}
	return true
}

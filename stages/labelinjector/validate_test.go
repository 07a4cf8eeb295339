package labelinjector

import (
	"strings"
	"testing"
)

func TestInvalidValue(t *testing.T) {
	cases := []struct {
		value, reason string
		valid         bool
	}{
		{"", "Kubernetes accepts an empty label value", true},
		{"kratix", "a plain word", true},
		{"my-app.v1_2", "dashes, dots and underscores inside", true},
		{strings.Repeat("a", 63), "exactly 63 characters is the limit", true},
		{strings.Repeat("a", 64), "64 characters is one too many", false},
		{"-app", "must start with a letter or digit", false},
		{"app.", "must end with a letter or digit", false},
		{"Platform Team", "spaces are not allowed", false},
		{"a/b", "slashes belong to keys, not values", false},
		{"héllo", "non-ASCII letters are not allowed", false},
	}
	for _, c := range cases {
		if got := invalidValue(c.value) == ""; got != c.valid {
			t.Errorf("%s: invalidValue(%q) = %q, want valid=%v", c.reason, c.value, invalidValue(c.value), c.valid)
		}
	}
}

func TestInvalidKey(t *testing.T) {
	cases := []struct {
		key, reason string
		valid       bool
	}{
		{"team", "a bare name", true},
		{"app.kubernetes.io/managed-by", "a prefixed name with dots in the prefix", true},
		{"example.com/Team_Name.v1", "the name part may use upper case, _ and .", true},
		{strings.Repeat("a", 253) + "/x", "a 253-character prefix is the limit", false},
		{"a.b/" + strings.Repeat("n", 64), "a name over 63 characters", false},
		{"/name", "an empty prefix", false},
		{"example.com/", "an empty name", false},
		{"Example.com/x", "the prefix must be lower case", false},
		{"ex_ample.com/x", "underscores are not allowed in the prefix", false},
		{"-a.com/x", "a prefix part must start with a letter or digit", false},
		{"", "an empty key", false},
	}
	for _, c := range cases {
		if got := invalidKey(c.key) == ""; got != c.valid {
			t.Errorf("%s: invalidKey(%q) = %q, want valid=%v", c.reason, c.key, invalidKey(c.key), c.valid)
		}
	}
}

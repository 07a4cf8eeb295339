package labels

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, reason string
		want       []Requirement
		wantErr    string
	}{
		{in: "", reason: "the empty selector matches everything"},
		{in: "  ", reason: "blanks only are the empty selector"},
		{in: "env=staging", reason: "equality", want: []Requirement{{"env", Equals, []string{"staging"}}}},
		{in: "env==staging", reason: "double equals is equality too", want: []Requirement{{"env", DoubleEquals, []string{"staging"}}}},
		{in: "env!=prod", reason: "inequality", want: []Requirement{{"env", NotEquals, []string{"prod"}}}},
		{in: "env in (staging, dev,dev)", reason: "set values are sorted and deduplicated, blanks ignored",
			want: []Requirement{{"env", In, []string{"dev", "staging"}}}},
		{in: "tier notin (frontend)", reason: "exclusion", want: []Requirement{{"tier", NotIn, []string{"frontend"}}}},
		{in: "canary", reason: "a bare key asks for the label to exist", want: []Requirement{{"canary", Exists, nil}}},
		{in: "!legacy", reason: "! asks for the label to be absent", want: []Requirement{{"legacy", DoesNotExist, nil}}},
		{in: "z=1,a=2", reason: "requirements are sorted by key",
			want: []Requirement{{"a", Equals, []string{"2"}}, {"z", Equals, []string{"1"}}}},
		{in: "env=", reason: "an empty value is a value", want: []Requirement{{"env", Equals, []string{""}}}},
		{in: "env in ()", reason: "as in apimachinery, () is the set holding the empty value",
			want: []Requirement{{"env", In, []string{""}}}},
		{in: "env in (a,)", reason: "a trailing comma adds the empty value", want: []Requirement{{"env", In, []string{"", "a"}}}},
		{in: "in=notin", reason: "the keywords are plain words where a key or value stands",
			want: []Requirement{{"in", Equals, []string{"notin"}}}},
		{in: "replicas>2", reason: "greater than an integer", want: []Requirement{{"replicas", GreaterThan, []string{"2"}}}},
		{in: "example.com/team=a", reason: "a prefixed key", want: []Requirement{{"example.com/team", Equals, []string{"a"}}}},
		{in: "\x00env=staging", reason: "a NUL byte where a token starts ends the input, as in apimachinery"},
		{in: "env in staging", reason: "a set needs parentheses", wantErr: `found "staging", expected '('`},
		{in: "env=a,", reason: "a comma must be followed by a requirement", wantErr: "found end of string after ','"},
		{in: "env=a b", reason: "two values need a set", wantErr: `found "b" after env=a, expected ',' or the end`},
		{in: "env>a", reason: "> compares integers", wantErr: "'>' and '<' need an integer"},
		{in: "-env=a", reason: "keys start with a letter or digit", wantErr: `key "-env"`},
		{in: "env=" + strings.Repeat("a", 64), reason: "values are at most 63 characters", wantErr: "at most 63 characters"},
		{in: "Example.com/team=a", reason: "the prefix is a lower-case DNS subdomain", wantErr: "must be a DNS subdomain"},
		{in: "!env=a", reason: "! takes no value", wantErr: `found "=" after !env`},
		{in: "env notin", reason: "notin needs a set", wantErr: "found end of string, expected '('"},
		{in: "(", reason: "a selector starts with a key", wantErr: `found "(", expected a key, '!' or the end`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			sel, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, sel.Requirements()); diff != "" {
				t.Errorf("Parse(%q) requirements (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	labels := map[string]string{"env": "staging", "tier": "web", "replicas": "3", "empty": ""}
	for _, tc := range []struct {
		sel, reason string
		want        bool
	}{
		{"", "the empty selector matches everything", true},
		{"env=staging", "equal value", true},
		{"env=prod", "other value", false},
		{"env!=prod", "other value satisfies !=", true},
		{"team!=a", "an absent label satisfies !=", true},
		{"env in (dev,staging)", "value in the set", true},
		{"env notin (dev,staging)", "value in the excluded set", false},
		{"team notin (a)", "an absent label satisfies notin", true},
		{"tier", "the label exists", true},
		{"team", "the label does not exist", false},
		{"!team", "absent as asked", true},
		{"!tier", "present though asked absent", false},
		{"replicas>2,replicas<4", "integer comparisons", true},
		{"tier>2", "a label that is not an integer never compares", false},
		{"empty=", "an empty value equals the empty value", true},
		{"empty in ()", "() holds the empty value", true},
		{"env=staging,!tier", "every requirement must hold", false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			sel, err := Parse(tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := sel.Matches(labels); got != tc.want {
				t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tc.sel, labels, got, tc.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	sel, err := Parse("tier notin (web, api), env==staging, !legacy, replicas > 2")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sel.String(), "env==staging,!legacy,replicas>2,tier notin (api,web)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	again, err := Parse(sel.String())
	if err != nil || again.String() != sel.String() {
		t.Errorf("the canonical form does not read back: %q -> %q (%v)", sel.String(), again.String(), err)
	}
}

func TestValueError(t *testing.T) {
	for _, c := range []struct {
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
	} {
		if got := ValueError(c.value) == ""; got != c.valid {
			t.Errorf("%s: ValueError(%q) = %q, want valid=%v", c.reason, c.value, ValueError(c.value), c.valid)
		}
	}
}

func TestKeyError(t *testing.T) {
	for _, c := range []struct {
		key, reason string
		valid       bool
	}{
		{"team", "a bare name", true},
		{"app.kubernetes.io/managed-by", "a prefixed name with dots in the prefix", true},
		{"example.com/Team_Name.v1", "the name part may use upper case, _ and .", true},
		{strings.Repeat("a", 64) + ".example.com/x", "Kubernetes limits the prefix as a whole, not each of its parts", true},
		{strings.Repeat("a", 253) + "/x", "a 253-character prefix is the limit", true},
		{strings.Repeat("a", 254) + "/x", "a 254-character prefix is one too many", false},
		{"a.b/" + strings.Repeat("n", 64), "a name over 63 characters", false},
		{"/name", "an empty prefix", false},
		{"example.com/", "an empty name", false},
		{"a/b/c", "two slashes", false},
		{"Example.com/x", "the prefix must be lower case", false},
		{"ex_ample.com/x", "underscores are not allowed in the prefix", false},
		{"-a.com/x", "a prefix part must start with a letter or digit", false},
		{"", "an empty key", false},
	} {
		if got := KeyError(c.key) == ""; got != c.valid {
			t.Errorf("%s: KeyError(%q) = %q, want valid=%v", c.reason, c.key, KeyError(c.key), c.valid)
		}
	}
}

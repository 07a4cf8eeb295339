package settings

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{
		"KRATIX_OBJECT_NAME":      "db",
		"KRATIX_OBJECT_NAMESPACE": "",
		"HOME":                    "/root",
	}
	cases := []struct {
		reason string
		in     string
		want   string
	}{
		{"a string without $ is unchanged", "plain", "plain"},
		{"a reference to a set variable is replaced", "$(KRATIX_OBJECT_NAME)", "db"},
		{"references are replaced inside text", "git::https://x/$(KRATIX_OBJECT_NAME)-mod?ref=v1", "git::https://x/db-mod?ref=v1"},
		{"a variable set to empty is replaced by nothing", "ns=$(KRATIX_OBJECT_NAMESPACE).", "ns=."},
		{"a reference to an unset variable is left as is", "$(KRATIX_DRY_RUN)", "$(KRATIX_DRY_RUN)"},
		{"only KRATIX_ variables are expanded", "$(HOME)/x", "$(HOME)/x"},
		{"$$ escapes a reference", "$$(KRATIX_OBJECT_NAME)", "$(KRATIX_OBJECT_NAME)"},
		{"$$ is a $ anywhere", "a$$b", "a$b"},
		{"three escaped $ then a literal", "$$$$$$(KRATIX_OBJECT_NAME)", "$$$(KRATIX_OBJECT_NAME)"},
		{"an escaped $ then a reference", "$$$(KRATIX_OBJECT_NAME)", "$db"},
		{"a lone $ is kept with the byte after it", "$a$(KRATIX_OBJECT_NAME)", "$adb"},
		{"a trailing $ is kept", "cost$", "cost$"},
		{"an unclosed reference is copied", "$(KRATIX_OBJECT_NAME", "$(KRATIX_OBJECT_NAME"},
		{"a name runs to the first ), as in Kubernetes", "$($(KRATIX_OBJECT_NAME)", "$($(KRATIX_OBJECT_NAME)"},
		{"an empty reference is left as is", "$()", "$()"},
		{"the value is not expanded again", "$(KRATIX_OBJECT_NAME)$(KRATIX_OBJECT_NAME)", "dbdb"},
	}
	lookup := mapLookup(vars)
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Expand(tc.in, lookup)); diff != "" {
				t.Errorf("Expand(%q): -want +got:\n%s", tc.in, diff)
			}
		})
	}
}

func TestExpandDoesNotReexpandValues(t *testing.T) {
	lookup := mapLookup(map[string]string{"KRATIX_A": "$(KRATIX_B)", "KRATIX_B": "b"})
	if diff := cmp.Diff("$(KRATIX_B)", Expand("$(KRATIX_A)", lookup)); diff != "" {
		t.Errorf("a value holding a reference is used as it is: -want +got:\n%s", diff)
	}
}

// mapLookup is the lookup of an environment holding vars.
func mapLookup(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

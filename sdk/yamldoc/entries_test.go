package yamldoc_test

import (
	"fmt"
	"testing"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// TestEntriesAreKeysLookedUp: Entries gives what Keys and a Lookup of each key give, through
// merge keys, aliases and keys Kubernetes turns into strings.
func TestEntriesAreKeysLookedUp(t *testing.T) {
	for _, tc := range []struct{ reason, src string }{
		{"plain block map", "a: 1\nb: [x, y]\nc: {d: e}\n"},
		{"flow map", "{a: 1, b: 2}\n"},
		{"merge key supplies and is overridden", "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 4\n"},
		{"merge list", "a: &a {x: 1}\nb: &b {y: 2}\nm: {<<: [*a, *b], z: 3}\n"},
		{"keys that are not plain strings, and one with a dot", "yes: 1\n1: 2\n1.5: 3\n\"a.b\": 4\n"},
		{"the map is an alias", "a: &m {x: 1, y: 2}\nm: *m\n"},
		{"JSON", `{"a": 1, "b": {"c": [1, 2]}}`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			f, err := yamldoc.Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			root := f.Docs()[0].Root()
			for _, m := range []yamldoc.Node{root, lookup(t, root, "m")} {
				if !m.Exists() {
					continue
				}
				var got, want []string
				for k, v := range m.Entries() {
					got = append(got, describeEntry(t, k, v))
				}
				for _, k := range m.Keys() {
					v, err := m.Lookup(yamlKey(k))
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, describeEntry(t, k, v))
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("Entries: %q\nKeys + Lookup: %q", got, want)
				}
			}
		})
	}
}

func TestEntriesOfWhatIsNotAMap(t *testing.T) {
	f, err := yamldoc.Parse("f.yaml", []byte("l: [1, 2]\ns: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs()[0].Root()
	for _, path := range []string{"l", "s", "missing"} {
		v, _ := root.Lookup(path)
		for k := range v.Entries() {
			t.Errorf("%s yields key %q", path, k)
		}
	}
}

func TestEntriesStopsWhenAsked(t *testing.T) {
	f, err := yamldoc.Parse("f.yaml", []byte("a: 1\nb: 2\nc: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range f.Docs()[0].Root().Entries() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d entries visited after a break", n)
	}
}

func lookup(t *testing.T, v yamldoc.Node, path string) yamldoc.Node {
	t.Helper()
	n, _ := v.Lookup(path)
	return n
}

// yamlKey is key as a path element: quoted, so that keys with dots or brackets look up as one.
func yamlKey(key string) string { return fmt.Sprintf("[%q]", key) }

func describeEntry(t *testing.T, key string, v yamldoc.Node) string {
	t.Helper()
	val, err := v.Value()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s=%v path=%s line=%d", key, val, v.Path(), v.Line())
}

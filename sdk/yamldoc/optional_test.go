package yamldoc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const optionalSrc = `apiVersion: example.com/v1
kind: App
metadata:
  name: web
spec:
  size: null
  tilde: ~
  empty:
  replicas: 3
  name: web
  enabled: yes
  ratio: 0.5
  ports: [80]
  labels: {team: a}
  nothing: null
  gone: null
  words: three
  quoted: "null"
  anchored: &none null
  alias: *none
  config: &cfg
    debug: true
  merged:
    <<: *cfg
status: null
`

func optionalDoc(t *testing.T) Node {
	t.Helper()
	f, err := Parse("app.yaml", []byte(optionalSrc))
	if err != nil {
		t.Fatal(err)
	}
	return f.Docs()[0].Root()
}

func TestGettersWithDefaults(t *testing.T) {
	root := optionalDoc(t)
	cases := []struct {
		name    string
		reason  string
		get     func() (any, error)
		want    any
		wantErr string
	}{
		{"missing", "a field that is not written gets the default",
			func() (any, error) { return root.GetIntOr("spec.missing", 2) }, int64(2), ""},
		{"null", "an explicit null is not set: the API server prunes it before defaulting",
			func() (any, error) { return root.GetIntOr("spec.size", 2) }, int64(2), ""},
		{"tilde", "~ is null in YAML 1.1",
			func() (any, error) { return root.GetStringOr("spec.tilde", "small") }, "small", ""},
		{"no value", "a key with no value holds null",
			func() (any, error) { return root.GetBoolOr("spec.empty", true) }, true, ""},
		{"alias of null", "an alias of a null is null",
			func() (any, error) { return root.GetFloatOr("spec.alias", 1.5) }, 1.5, ""},
		{"under a null parent", "status: null has no status.phase",
			func() (any, error) { return root.GetStringOr("status.phase", "Pending") }, "Pending", ""},
		{"under a missing parent", "no spec.database means no spec.database.size",
			func() (any, error) { return root.GetIntOr("spec.database.size", 10) }, int64(10), ""},
		{"past a list's end", "a missing item is not set either",
			func() (any, error) { return root.GetIntOr("spec.ports[3]", 443) }, int64(443), ""},
		{"set int", "a value that is written wins over the default",
			func() (any, error) { return root.GetIntOr("spec.replicas", 2) }, int64(3), ""},
		{"set string", "a string is read as GetString reads it",
			func() (any, error) { return root.GetStringOr("spec.name", "app") }, "web", ""},
		{"quoted null", `"null" is a string, not null`,
			func() (any, error) { return root.GetStringOr("spec.quoted", "x") }, "null", ""},
		{"yes", "yes is a boolean, as Kubernetes reads it",
			func() (any, error) { return root.GetBoolOr("spec.enabled", false) }, true, ""},
		{"float", "a number",
			func() (any, error) { return root.GetFloatOr("spec.ratio", 1) }, 0.5, ""},
		{"list", "a list is read whole",
			func() (any, error) { return root.GetListOr("spec.ports", nil) }, []any{int64(80)}, ""},
		{"list default", "a missing list gets the default",
			func() (any, error) { return root.GetListOr("spec.hosts", []any{"a"}) }, []any{"a"}, ""},
		{"map default for null", "a null map gets the default",
			func() (any, error) { return root.GetMapOr("spec.nothing", map[string]any{"k": "v"}) }, map[string]any{"k": "v"}, ""},
		{"merged map", "keys a << merge key supplies are read",
			func() (any, error) { return root.GetMapOr("spec.merged", nil) }, map[string]any{"debug": true}, ""},
		{"string map", "labels",
			func() (any, error) { return root.GetStringMapOr("spec.labels", nil) }, map[string]string{"team": "a"}, ""},
		{"string map default", "no annotations",
			func() (any, error) { return root.GetStringMapOr("metadata.annotations", map[string]string{}) }, map[string]string{}, ""},
		{"empty path", "the node itself",
			func() (any, error) {
				n, err := root.Lookup("spec.replicas")
				if err != nil {
					return nil, err
				}
				return n.GetIntOr("", 1)
			}, int64(3), ""},

		{"wrong type", "a value of another type is a mistake to report, not a default to apply",
			func() (any, error) { return root.GetIntOr("spec.words", 3) }, nil, `app.yaml:17: spec.words: want an integer, got a string`},
		{"through a scalar", "a path through a value that is not null is an error, as Lookup's",
			func() (any, error) { return root.GetIntOr("spec.name.first", 1) }, nil, `app.yaml:10: spec.name: is a string, not a map`},
		{"key into a list", "a key into a list is an error",
			func() (any, error) { return root.GetIntOr("spec.ports.first", 1) }, nil, `app.yaml:13: spec.ports: is a list, not a map`},
		{"bad path", "a malformed path is an error",
			func() (any, error) { return root.GetIntOr("spec..size", 1) }, nil, `path "spec..size"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("%s: got %v, want error %q", tc.reason, got, tc.wantErr)
				}
				if diff := cmp.Diff(tc.wantErr, err.Error()[:min(len(err.Error()), len(tc.wantErr))]); diff != "" {
					t.Errorf("%s: error -want +got:\n%s\n(whole error: %v)", tc.reason, diff, err)
				}
				if errors.Is(err, ErrNotFound) {
					t.Errorf("%s: the error wraps ErrNotFound, but a default would have applied to a missing value", tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// The getters without a default keep refusing a null: a required field must hold a value.
func TestRequiredGetterRefusesNull(t *testing.T) {
	root := optionalDoc(t)
	_, err := root.GetInt("spec.size")
	if diff := cmp.Diff("app.yaml:6: spec.size: want an integer, got null", errString(err)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestLineOf(t *testing.T) {
	f, err := Parse("app.yaml", []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
data:
  key: value
  list:
    - a
    -
      b: 1
`))
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs()[0].Root()
	data, _ := root.Lookup("data")
	cases := []struct {
		reason string
		node   Node
		path   string
		want   int
	}{
		{"a scalar that exists: its key's line", root, "metadata.name", 4},
		{"a map that exists: its key's line, not the first key under it", root, "metadata.labels", 5},
		{"a missing key: the line of its closest parent's key", root, "spec.replicas", 1},
		{"a missing key under a map: the map's key line, not its first entry's", root, "metadata.annotations", 3},
		{"a missing key deeper down", root, "metadata.labels.tier.x", 5},
		{"an escaped dot is part of the key", root, `metadata.labels.app\.kubernetes\.io/name`, 6},
		{"a quoted key", root, `metadata.labels["app.kubernetes.io/name"]`, 6},
		{"a list item: the line its value starts on", root, "data.list[1]", 12},
		{"a key of a list item", root, "data.list[1].b", 12},
		{"an item past the end: the list's key", root, "data.list[5]", 9},
		{"through a scalar: the scalar's key", root, "data.key.x", 8},
		{"from a node that is not the root", data, "missing", 7},
		{"a malformed path: the line of the node's key", data, "a..b", 7},
		{"the empty path: the node itself", root, "", 1},
	}
	for _, tc := range cases {
		if got := tc.node.LineOf(tc.path); got != tc.want {
			t.Errorf("%s: LineOf(%q) = %d, want %d", tc.reason, tc.path, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

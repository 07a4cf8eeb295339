package yamldoc

import (
	"errors"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const getSrc = `# a resource
apiVersion: v1
kind: Thing
---
metadata:
  name: web
  labels:
    app: web
    tier: "1"
spec:
  replicas: 3
  big: 9223372036854775807
  huge: 123456789012345678901234567890
  hex: 0x1F
  ratio: 0.5
  enabled: true
  legacy: yes
  created: 2024-01-02T03:04:05Z
  day: 2024-01-02
  nothing: null
  ports: [80, 443]
  env:
    - name: A
      value: x
  anchored: &base {a: 1}
  alias: *base
  umax: 18446744073709551615
  one: 1.0
  onee: 1e0
  half: 1.5
  merged: {<<: *base, b: 2}
  switch: on
  0x10: sixteen
`

func getDoc(t *testing.T) Node {
	t.Helper()
	f, err := Parse("get.yaml", []byte(getSrc))
	if err != nil {
		t.Fatal(err)
	}
	return f.Docs()[1].Root()
}

func TestGetters(t *testing.T) {
	root := getDoc(t)
	cases := []struct {
		name    string
		reason  string
		get     func() (any, error)
		want    any
		wantErr string
	}{
		{"string", "a plain string", func() (any, error) { return root.GetString("metadata.name") }, "web", ""},
		{"quoted number string", "a quoted number is a string", func() (any, error) { return root.GetString("metadata.labels.tier") }, "1", ""},
		{"timestamp", "timestamps are strings, as in JSON", func() (any, error) { return root.GetString("spec.created") }, "2024-01-02T03:04:05Z", ""},
		{"date", "dates are strings, as in JSON", func() (any, error) { return root.GetString("spec.day") }, "2024-01-02", ""},
		{"yes is a boolean", "YAML 1.1 booleans are booleans, as Kubernetes reads them", func() (any, error) { return root.GetBool("spec.legacy") }, true, ""},
		{"on is a boolean", "on is true in YAML 1.1", func() (any, error) { return root.GetBool("spec.switch") }, true, ""},
		{"integral float", "1.0 is the integer 1 to Kubernetes", func() (any, error) { return root.GetInt("spec.one") }, int64(1), ""},
		{"integral exponent", "1e0 is the integer 1 to Kubernetes", func() (any, error) { return root.GetInt("spec.onee") }, int64(1), ""},
		{"uint64", "an integer above int64 and within uint64 stays exact", func() (any, error) { return root.Get("spec.umax") }, mustBig("18446744073709551615"), ""},
		{"merged key", "a key a << merge key supplies is read", func() (any, error) { return root.GetInt("spec.merged.a") }, int64(1), ""},
		{"merged map", "a merged map reads with its merged keys", func() (any, error) { return root.GetMap("spec.merged") }, map[string]any{"a": int64(1), "b": int64(2)}, ""},
		{"integer key", "a key 0x10 is read as the string 16", func() (any, error) { return root.GetString("spec.16") }, "sixteen", ""},
		{"int", "an integer", func() (any, error) { return root.GetInt("spec.replicas") }, int64(3), ""},
		{"max int64", "int64 stays exact", func() (any, error) { return root.GetInt("spec.big") }, int64(9223372036854775807), ""},
		{"hex", "YAML hex integers", func() (any, error) { return root.GetInt("spec.hex") }, int64(31), ""},
		{"float", "a float", func() (any, error) { return root.GetFloat("spec.ratio") }, 0.5, ""},
		{"int as float", "an integer reads as a float", func() (any, error) { return root.GetFloat("spec.replicas") }, 3.0, ""},
		{"bool", "a boolean", func() (any, error) { return root.GetBool("spec.enabled") }, true, ""},
		{"list", "a flow list", func() (any, error) { return root.GetList("spec.ports") }, []any{int64(80), int64(443)}, ""},
		{"map", "a map", func() (any, error) { return root.GetMap("spec.env[0]") }, map[string]any{"name": "A", "value": "x"}, ""},
		{"string map", "labels", func() (any, error) { return root.GetStringMap("metadata.labels") }, map[string]string{"app": "web", "tier": "1"}, ""},
		{"alias", "aliases are followed", func() (any, error) { return root.GetInt("spec.alias.a") }, int64(1), ""},
		{"get big", "integers beyond 64 bits are floats to Kubernetes (goyaml.v2)", func() (any, error) { return root.Get("spec.huge") }, 1.2345678901234568e+29, ""},
		{"get null", "null is nil", func() (any, error) { return root.Get("spec.nothing") }, nil, ""},
		{"empty path", "the empty path is the node itself; a map is named on its key's line, not its first entry's", func() (any, error) { m, _ := root.Lookup("metadata"); return m.GetString("") }, nil, `get.yaml:5: metadata: want a string, got a map`},
		{"huge int tag", "an integer beyond 64 bits is a float to Kubernetes", func() (any, error) { n, _ := root.Lookup("spec.huge"); return n.Tag(), nil }, "!!float", ""},
		{"date tag", "a date is a string to Kubernetes", func() (any, error) { n, _ := root.Lookup("spec.day"); return n.Tag(), nil }, "!!str", ""},

		{"int wrong type", "the error names file, line, path and both types",
			func() (any, error) { return root.GetInt("metadata.name") }, nil, `get.yaml:6: metadata.name: want an integer, got a string`},
		{"huge int", "GetInt refuses values beyond int64",
			func() (any, error) { return root.GetInt("spec.huge") }, nil, `get.yaml:13: spec.huge: the integer does not fit in 64 bits`},
		{"string from yes", "yes is not a string",
			func() (any, error) { return root.GetString("spec.legacy") }, nil, `get.yaml:17: spec.legacy: want a string, got a boolean`},
		{"int from half", "1.5 is not an integer",
			func() (any, error) { return root.GetInt("spec.half") }, nil, `get.yaml:30: spec.half: want an integer, got a float`},
		{"string from int", "a number is not a string",
			func() (any, error) { return root.GetString("spec.replicas") }, nil, `get.yaml:11: spec.replicas: want a string, got an integer`},
		{"string from null", "null is not a string",
			func() (any, error) { return root.GetString("spec.nothing") }, nil, `get.yaml:20: spec.nothing: want a string, got null`},
		{"list from map", "wrong collection kind",
			func() (any, error) { return root.GetList("spec.env[0]") }, nil, `get.yaml:23: spec.env[0]: want a list, got a map`},
		{"map from list", "wrong collection kind",
			func() (any, error) { return root.GetMap("spec.ports") }, nil, `get.yaml:21: spec.ports: want a map, got a list`},
		{"missing", "a missing key names the full path and the line of the closest key that exists (spec:)",
			func() (any, error) { return root.GetString("spec.missing") }, nil, `get.yaml:10: spec.missing: not found`},
		{"missing deeper", "the closest existing parent key is named, not the first key under it",
			func() (any, error) { return root.GetString("spec.env[0].missing") }, nil, `get.yaml:23: spec.env[0].missing: not found`},
		{"index out of range", "a missing item says how many there are",
			func() (any, error) { return root.GetInt("spec.ports[5]") }, nil, `get.yaml:21: spec.ports[5]: not found: the list has 2 items`},
		{"through a scalar", "walking into a scalar says what it is",
			func() (any, error) { return root.GetString("metadata.name.first") }, nil, `get.yaml:6: metadata.name: is a string, not a map`},
		{"string map with number", "a non-string value in a string map is named",
			func() (any, error) { return root.GetStringMap("spec.alias") }, nil, `get.yaml:25: spec.alias.a: want a string, got an integer`},
		{"bad path", "a malformed path is an error",
			func() (any, error) { return root.GetString("a..b") }, nil, `path "a..b"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("%s: got %v, want error %q", tc.reason, got, tc.wantErr)
				}
				if len(err.Error()) < len(tc.wantErr) || err.Error()[:len(tc.wantErr)] != tc.wantErr {
					t.Errorf("%s:\n got %q\nwant %q", tc.reason, err.Error(), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func mustBig(s string) *big.Int {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return b
}

func TestNotFoundIsDistinguishable(t *testing.T) {
	root := getDoc(t)
	_, err := root.GetString("spec.missing")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing key: errors.Is(%v, ErrNotFound) = false", err)
	}
	_, err = root.GetInt("metadata.name")
	if errors.Is(err, ErrNotFound) {
		t.Errorf("wrong type: errors.Is(%v, ErrNotFound) = true", err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "metadata.name" || fe.Line != 6 || fe.File != "get.yaml" {
		t.Errorf("FieldError = %+v", fe)
	}
	if root.Has("spec.missing") || !root.Has("spec.env[0].name") {
		t.Errorf("Has is wrong")
	}
}

func TestNodeAccessors(t *testing.T) {
	root := getDoc(t)
	type summary struct {
		Kind Kind
		Tag  string
		Line int
		Path string
		Len  int
		Keys []string
	}
	get := func(p string) summary {
		n, err := root.Lookup(p)
		if err != nil {
			t.Fatal(err)
		}
		return summary{n.Kind(), n.Tag(), n.Line(), n.Path().String(), n.Len(), n.Keys()}
	}
	got := []summary{get("metadata"), get("spec.ports"), get("spec.ports[1]"), get("spec.alias")}
	want := []summary{
		{MapKind, "!!map", 6, "metadata", 2, []string{"name", "labels"}},
		{SeqKind, "!!seq", 21, "spec.ports", 2, nil},
		{ScalarKind, "!!int", 21, "spec.ports[1]", 0, nil},
		{MapKind, "!!map", 26, "spec.alias", 1, []string{"a"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	ports, _ := root.Lookup("spec.ports")
	if it := ports.Item(1); it.Path().String() != "spec.ports[1]" || !it.Exists() {
		t.Errorf("Item(1) = %v", it.Path())
	}
	if ports.Item(2).Exists() || ports.Item(-1).Exists() {
		t.Errorf("Item out of range exists")
	}
	if root.Doc().Index() != 1 || root.Doc().File().Name() != "get.yaml" || root.Doc().Line() != 5 {
		t.Errorf("Doc accessors wrong: index %d line %d", root.Doc().Index(), root.Doc().Line())
	}
	var zero Node
	if zero.Exists() || zero.Kind() != 0 || zero.Len() != 0 || zero.Keys() != nil {
		t.Errorf("zero Node is not empty")
	}
}

type decodeSpec struct {
	Replicas int64             `json:"replicas"`
	Big      int64             `json:"big"`
	Ratio    float64           `json:"ratio"`
	Enabled  bool              `json:"enabled"`
	Created  string            `json:"created"`
	Ports    []int             `json:"ports"`
	Env      []decodeEnv       `json:"env"`
	Alias    map[string]int    `json:"alias"`
	Missing  map[string]string `json:"missing,omitempty"`
}

type decodeEnv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func TestDecode(t *testing.T) {
	root := getDoc(t)
	got, err := Decode[decodeSpec](root, "spec")
	if err != nil {
		t.Fatal(err)
	}
	want := decodeSpec{
		Replicas: 3, Big: 9223372036854775807, Ratio: 0.5, Enabled: true, Created: "2024-01-02T03:04:05Z",
		Ports: []int{80, 443}, Env: []decodeEnv{{"A", "x"}}, Alias: map[string]int{"a": 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
	_, err = Decode[decodeEnv](root, "spec.ports")
	wantErr := `get.yaml:21: spec.ports: cannot decode: json: cannot unmarshal array into Go value of type yamldoc.decodeEnv`
	if err == nil || err.Error() != wantErr {
		t.Errorf("Decode into wrong type:\n got %v\nwant %s", err, wantErr)
	}
	if _, err := Decode[decodeEnv](root, "spec.nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Decode missing: %v", err)
	}
}

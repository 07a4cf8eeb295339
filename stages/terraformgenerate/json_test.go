package terraformgenerate

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// TestJSONStraightAsThroughCty holds writeJSONAt, which writes a value read from YAML as JSON
// without making a cty value of it, to what writeJSONValue writes of toCty's value, and to
// toCty's errors.
func TestJSONStraightAsThroughCty(t *testing.T) {
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	deep := any("leaf")
	for range 40 {
		deep = map[string]any{"d": []any{deep, int64(1)}}
	}
	values := map[string]any{
		"scalars": map[string]any{"s": "text", "t": true, "f": false, "n": nil, "i": int64(math.MinInt64), "big": huge,
			"floats": []any{1.5, 1e21, 1e-7, 5e-324, math.Copysign(0, -1), 0.1, 123456789.0}},
		"templates":   map[string]any{"${x}": "%{ if }", "$${y}": "a\"b\\c\n\t\u2028\u0085\x7f"},
		"nfc strings": []any{"e\u0301", "\u212b", "plain"},
		"empty":       map[string]any{"m": map[string]any{}, "l": []any{}, "nested": []any{map[string]any{}, []any{}, nil}},
		"keys":        map[string]any{"for": int64(1), "b": int64(2), "a": int64(3), "A": int64(4), "é": int64(5), "": int64(6)},
		"deep":        deep,
		"not nfc key": map[string]any{"e\u0301": int64(1), "f": int64(2)},
	}
	bad := map[string]any{
		"nan":               map[string]any{"a": int64(1), "b": math.NaN()},
		"inf in list":       []any{1.0, math.Inf(-1)},
		"bad utf8":          map[string]any{"k": "\xff"},
		"bad utf8 key":      map[string]any{"a": "ok", "\xff": "v"},
		"colliding keys":    map[string]any{"e\u0301": int64(1), "é": int64(2)},
		"first error first": map[string]any{"a": []any{"\xfe"}, "b": math.NaN()},
		"unsupported":       []any{int32(1)},
	}
	root := fieldpath.Path{fieldpath.Key("spec"), fieldpath.Key("arg")}
	for name, v := range values {
		val, verr := toCty(v, root)
		if verr != nil {
			t.Fatalf("%s: toCty: %s", name, verr.msg)
		}
		var want, got bytes.Buffer
		writeJSONValue(&want, val, argumentDepth)
		a := argument{Name: "arg", Node: argNode(t)}
		if err := writeArgumentJSON(&a, v, &got); err != nil {
			t.Fatalf("%s: %s", name, err.msg)
		}
		if !bytes.Equal(a.json, want.Bytes()) {
			t.Errorf("%s:\n got %s\nwant %s", name, a.json, want.Bytes())
		}
	}
	for name, v := range bad {
		_, want := toCty(v, root)
		if want == nil {
			t.Fatalf("%s: toCty accepts it", name)
		}
		a := argument{Name: "arg", Node: argNode(t)}
		got := writeArgumentJSON(&a, v, new(bytes.Buffer))
		if got == nil || got.msg != want.msg || got.path.String() != want.path.String() || got.line.String() != want.line.String() {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
}

// argNode is the node of spec.arg in a request, for the path errors name.
func argNode(t *testing.T) yamldoc.Node {
	t.Helper()
	obj, err := sdk.ParseObject([]byte(strings.Join([]string{"apiVersion: v1", "kind: X", "metadata: {name: x}", "spec: {arg: 1}", ""}, "\n")), sdk.Env{})
	if err != nil {
		t.Fatal(err)
	}
	node, err := obj.Spec().Lookup("arg")
	if err != nil {
		t.Fatal(err)
	}
	return node
}

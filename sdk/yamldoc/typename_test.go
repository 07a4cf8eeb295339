package yamldoc_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

func TestTypeName(t *testing.T) {
	const secret = "hunter2-do-not-print"
	f, err := yamldoc.Parse("t.yaml", []byte(`str: `+secret+`
quoted: "7"
int: 7
big: 123456789012345678901234567890
float: 1.5
bool: yes
nothing: ~
empty:
map: {a: 1}
list: [1]
date: 2024-01-01
custom: !Ref `+secret+`
binary: !!binary aGVsbG8=
anchor: &a `+secret+`
alias: *a
`))
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs()[0].Root()
	node := func(path string) yamldoc.Node {
		n, err := root.Lookup(path)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var nilSlice []string
	var nilMap map[string]string
	var nilPointer *int
	cases := []struct {
		reason string
		value  any
		want   string
	}{
		{"a plain scalar that Kubernetes reads as a string", node("str"), "a string"},
		{"a quoted number is a string", node("quoted"), "a string"},
		{"an integer", node("int"), "an integer"},
		{"an integer beyond 64 bits is a float, as Kubernetes reads it", node("big"), "a float"},
		{"a float", node("float"), "a float"},
		{"YAML 1.1's yes is a boolean, as Kubernetes reads it", node("bool"), "a boolean"},
		{"~ is null", node("nothing"), "null"},
		{"an empty value is null", node("empty"), "null"},
		{"a map", node("map"), "a map"},
		{"a list", node("list"), "a list"},
		{"a date is a string to Kubernetes", node("date"), "a string"},
		{"a custom tag reads as a string", node("custom"), "a string"},
		{"a !!binary is a string to Kubernetes (it decodes it)", node("binary"), "a string"},
		{"an alias is named by what it refers to", node("alias"), "a string"},
		{"a Node that does not exist is nothing", yamldoc.Node{}, "nothing"},

		{"Value's string", "x", "a string"},
		{"Value's int64", int64(3), "an integer"},
		{"Value's *big.Int beyond int64", new(big.Int).Lsh(big.NewInt(1), 70), "an integer"},
		{"Value's float64", 2.5, "a float"},
		{"Value's bool", false, "a boolean"},
		{"Value's nil", nil, "null"},
		{"Value's map", map[string]any{"a": 1}, "a map"},
		{"Value's list", []any{1}, "a list"},
		{"a JSON integer", json.Number("12"), "an integer"},
		{"a JSON integer beyond int64", json.Number("123456789012345678901234567890"), "an integer"},
		{"a JSON float", json.Number("1.5"), "a float"},
		{"a JSON exponent is a float", json.Number("1e3"), "a float"},
		{"a Go int", 3, "an integer"},
		{"a Go uint8", uint8(3), "an integer"},
		{"a Go float32", float32(1), "a float"},
		{"a struct is written as a JSON object", struct{ A int }{1}, "a map"},
		{"a typed map", map[string]string{"a": "b"}, "a map"},
		{"a typed list", []string{"a"}, "a list"},
		{"a nil slice is written as null", nilSlice, "null"},
		{"a nil map is written as null", nilMap, "null"},
		{"[]byte is written as a base64 string", []byte("x"), "a string"},
		{"a nil pointer is null", nilPointer, "null"},
		{"a pointer is named by what it points to", new(int), "an integer"},
		{"a func has no JSON type", func() {}, "nothing"},
	}
	for _, tc := range cases {
		got := yamldoc.TypeName(tc.value)
		if got != tc.want {
			t.Errorf("%s: TypeName = %q, want %q", tc.reason, got, tc.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("%s: TypeName printed the value: %q", tc.reason, got)
		}
	}
}

// TestTypeNameInMessages checks that the getters' messages name types with TypeName's words
// and never print the value.
func TestTypeNameInMessages(t *testing.T) {
	const secret = "c2VjcmV0LXBhc3N3b3Jk"
	f, err := yamldoc.Parse("s.yaml", []byte("data:\n  password: "+secret+"\n  ratio: 0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs()[0].Root()
	cases := []struct {
		reason string
		err    error
		want   string
	}{
		{"a getter's type error names both types", func() error { _, err := root.GetInt("data.password"); return err }(),
			"s.yaml:2: data.password: want an integer, got a string"},
		{"a float where an integer is wanted is a float", func() error { _, err := root.GetInt("data.ratio"); return err }(),
			"s.yaml:3: data.ratio: want an integer, got a float"},
		{"walking through a scalar names the scalar's type", func() error { _, err := root.Lookup("data.password.x"); return err }(),
			"s.yaml:2: data.password: is a string, not a map"},
		{"an edit through a scalar names it the same way", root.Set("data.password.x", 1),
			"s.yaml:2: data.password: is a string, not a map"},
	}
	for _, tc := range cases {
		got := fmt.Sprint(tc.err)
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.reason, got, tc.want)
		}
		if strings.Contains(got, secret) {
			t.Errorf("%s: the message prints the value: %s", tc.reason, got)
		}
	}
}

func ExampleTypeName() {
	f, _ := yamldoc.Parse("object.yaml", []byte("spec:\n  size: \"3\"\n  tags: [a, b]\n"))
	spec := f.Docs()[0].Root()
	size, _ := spec.Lookup("spec.size")
	fmt.Println(yamldoc.TypeName(size)) // a Node, by what Kubernetes reads it as
	tags, _ := spec.Get("spec.tags")
	fmt.Println(yamldoc.TypeName(tags)) // a value read from the document
	fmt.Println(yamldoc.TypeName(nil))
	// Output:
	// a string
	// a list
	// null
}

package fieldpath

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	cases := []struct {
		reason string
		in     string
		want   Path
		err    bool
	}{
		{"the empty path is the root", "", nil, false},
		{"dots separate keys", "spec.replicas", Path{Key("spec"), Key("replicas")}, false},
		{"brackets index lists", "spec.containers[0].image", Path{Key("spec"), Key("containers"), Index(0), Key("image")}, false},
		{"consecutive indexes", "a[1][2]", Path{Key("a"), Index(1), Index(2)}, false},
		{"digits after a dot are a key", "data.0", Path{Key("data"), Key("0")}, false},
		{"backslash escapes a dot in a label key", `metadata.labels.app\.kubernetes\.io/name`, Path{Key("metadata"), Key("labels"), Key("app.kubernetes.io/name")}, false},
		{"quoted keys in brackets", `metadata.labels["app.kubernetes.io/name"]`, Path{Key("metadata"), Key("labels"), Key("app.kubernetes.io/name")}, false},
		{"a quoted key may hold a quote", `a["x\"y"].b`, Path{Key("a"), Key(`x"y`), Key("b")}, false},
		{"trailing dot", "spec.", nil, true},
		{"double dot", "spec..a", nil, true},
		{"leading dot", ".spec", nil, true},
		{"negative index", "a[-1]", nil, true},
		{"non-numeric index", "a[x]", nil, true},
		{"leading zero index", "a[01]", nil, true},
		{"unclosed bracket", "a[0", nil, true},
		{"stray close bracket", "a]b", nil, true},
		{"lone backslash", `a\`, nil, true},
		{"junk after bracket", "a[0]b", nil, true},
		{"unterminated quote", `a["x]`, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("Parse(%q) error = %v, want error %v", tc.in, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" && !tc.err {
				t.Errorf("Parse(%q): -want +got:\n%s", tc.in, diff)
			}
		})
	}
}

func TestStringRoundTrips(t *testing.T) {
	for _, p := range []Path{
		{Key("spec"), Key("replicas")},
		{Key("a.b"), Index(3), Key("c[d]"), Key(`e\f`)},
		{Key(""), Key("x")},
		{Index(0)},
	} {
		back, err := Parse(p.String())
		if err != nil {
			t.Fatalf("Parse(%q): %v", p.String(), err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Errorf("round trip of %q: -want +got:\n%s", p.String(), diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "a.b", "a[0].b", `a\.b`, `a["x.y"]`, "[0]", `["\u0041"]`, "a..b", "a[", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(p.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, p.String(), err)
		}
		if !cmp.Equal(p, back, cmp.Comparer(func(a, b Path) bool { return a.String() == b.String() && len(a) == len(b) })) {
			t.Fatalf("round trip changed %q: %v != %v", s, p, back)
		}
	})
}

func ExampleParse() {
	p, _ := Parse(`metadata.labels["app.kubernetes.io/name"]`)
	fmt.Println(len(p), p[2].Key)
	fmt.Println(p)
	// Output:
	// 3 app.kubernetes.io/name
	// metadata.labels.app\.kubernetes\.io/name
}

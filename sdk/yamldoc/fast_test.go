package yamldoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	goyamlv2 "go.yaml.in/yaml/v2"
)

// diffTrees describes the first difference between two trees, or returns "".
func diffTrees(a, b *node, at string) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("%s: %v vs %v", at, a, b)
		}
		return ""
	}
	type props struct {
		Kind      Kind
		Tag       string
		Value     string
		Style     scalarStyle
		Flow      bool
		Explicit  bool
		Anchor    string
		Line, Col int32
		Kids      int
	}
	pa := props{a.kind, a.tag(), a.value, a.style, a.flow, a.explicit(), a.anchor(), a.line, a.col, len(a.children)}
	pb := props{b.kind, b.tag(), b.value, b.style, b.flow, b.explicit(), b.anchor(), b.line, b.col, len(b.children)}
	if pa != pb {
		return fmt.Sprintf("%s:\n fast %+v\n yaml %+v", at, pa, pb)
	}
	if b.kind == AliasKind {
		return at + ": an alias"
	}
	for i := range a.children {
		if d := diffTrees(a.children[i], b.children[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// fastMatches parses every document of src with the fast parser and, where it accepts one,
// with yaml.v3, and reports the first difference. accepted and total count the documents.
func fastMatches(src []byte) (accepted, total int, problem string) {
	fp := &fastParser{arena: &arena{}}
	for _, r := range testFrames(src) {
		if r.json {
			continue
		}
		doc := src[r.body:r.bodyEnd]
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		if doc[len(doc)-1] != '\n' {
			doc = append(doc[:len(doc):len(doc)], '\n') // as the decoder's line reader ends it
		}
		total++
		fast, ok := fp.parse(doc, 0, len(doc), r.bodyLine)
		if !ok {
			continue
		}
		accepted++
		slow, err := parseSlow(lineChunk(doc), r.bodyLine)
		if err != nil {
			return accepted, total, fmt.Sprintf("the fast path accepted a document yaml.v3 refuses (%v):\n%q", err, doc)
		}
		if d := diffTrees(fast, slow, "root"); d != "" {
			return accepted, total, fmt.Sprintf("the trees differ at %s\nin %q", d, doc)
		}
	}
	return accepted, total, ""
}

// testFrames cuts src into documents as Parse does, stopping at the first error.
func testFrames(src []byte) []frame {
	var out []frame
	fr := newFramer(src, true)
	for {
		fm, err := fr.next()
		if err != nil {
			return out
		}
		out = append(out, fm)
	}
}

// testInputs returns the string literals of this package's tests that look like YAML or JSON:
// every input an existing test uses seeds the differential fuzz target.
func testInputs(t testing.TB) []string {
	files, _ := filepath.Glob("*_test.go")
	seen := map[string]bool{}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && !seen[s] && strings.ContainsAny(s, ":-[{\n") {
				seen[s] = true
				out = append(out, s)
			}
			return true
		})
	}
	sort.Strings(out)
	return out
}

func FuzzFastParseMatchesYAMLv3(f *testing.F) {
	for _, s := range testInputs(f) {
		f.Add([]byte(s))
	}
	for _, s := range fastCases {
		f.Add([]byte(s.src))
	}
	files, err := readFixtures()
	if err != nil {
		f.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		src := files[n]
		for _, r := range testFrames(src) {
			f.Add(src[r.body:r.bodyEnd])
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, _, problem := fastMatches(src); problem != "" {
			t.Fatal(problem)
		}
	})
}

func TestFastParseMatchesYAMLv3OnFixtures(t *testing.T) {
	files := fixtureFiles(t)
	accepted, total := 0, 0
	for name, src := range files {
		bailHook = func(p *fastParser) {
			_, file, line, _ := runtime.Caller(2)
			t.Logf("%s:%d: left to yaml.v3 (%s:%d)", name, p.line, filepath.Base(file), line)
		}
		a, n, problem := fastMatches(src)
		bailHook = nil
		if problem != "" {
			t.Errorf("%s: %s", name, problem)
		}
		if strings.Contains(name, "rendered") {
			accepted += a
			total += n
		}
	}
	t.Logf("the fast path parsed %d of %d documents of the Helm renders", accepted, total)
	if total == 0 || accepted*100 < total*99 {
		t.Errorf("the fast path parsed %d of %d documents of the Helm renders, want at least 99%%", accepted, total)
	}
}

// fastCases are the fast path's edge cases: accepted says whether the fast path must parse the
// document itself; either way it must agree with yaml.v3.
var fastCases = []struct {
	name     string
	reason   string
	src      string
	accepted bool
}{
	{"block map", "the common case", "a: 1\nb:\n  c: x\n", true},
	{"compact sequence", "kubectl writes lists at their key's indentation", "a:\n- x\n- k: 1\n  z: 2\nb: 3\n", true},
	{"indented sequence", "Helm writes lists indented under their key", "a:\n  - x\n  -\n  - - y\n    - z\n", true},
	{"empty values", "an empty value sits just after its colon or dash; a list at its key's column is the value", "a:\nb: # c\n- \n", true},
	{"empty values in a map", "null at the colon", "a:\nb: # c\nc:\n  -\n  - x\n", true},
	{"nested empty", "an empty value before a less indented key", "a:\n  b:\nc: 1\n", true},
	{"comments everywhere", "Helm writes head comments, line comments and commented-out lines",
		"# Source: x\n---\n# c\na: 1 # one\n  # indented\nb:\n# between\n  - x # two\n\n  # c\n  - 'y' # three\n", true},
	{"plain scalars", "words, URLs, colons without a space, hashes inside words",
		"a: http://x:80/y#z\nb: a:b\nc: x  y\nd: -x\ne: :x\nf: ?x\ng: a[0],{b}\n", true},
	{"resolved tags", "goyaml.v2's resolver: null, bool (yes, on), int (0x, 0o, 0b, octal, _), float, timestamp",
		"a: ~\nb: Null\nc: TRUE\nd: yes\ne: 0x1F\nf: 0o17\ng: 0b101\nh: 1_000\ni: 08\nm: 1e3\nnn: 1e400\no: 2001-12-14\np: 2001-12-14t21:59:43.10-05:00\nq: 123456789012345678901234567890\nr: -0b11\ns: 0755\nt: +1\nu: .5\nv: 1.\nw: '1'\nx: on\nz: Off\n", true},
	{"special floats", ".inf and .nan cannot be read by Kubernetes: the slow path explains", "j: .inf\nk: -.Inf\nl: .nan\n", false},
	{"merge key", "a merge key goes to the slow path", "<<: {x: 1}\n", false},
	{"keys that are not strings", "1, yes and null keys go to the slow path", "1: a\n", false},
	{"quoted", "single quotes with '', double quotes with YAML's escapes",
		"a: 'it''s'\nb: \"\\t\\n\\\\\\\"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\b\\v\\f\\r\\e\\ \\/\"\n", false},
	{"double-quoted escapes", "every escape YAML defines",
		"a: \"\\t\\n\\\\\\\"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\b\\v\\f\\r\\e\\ \\'\"\n", true},
	{"JSON's slash escape", "YAML has no \\/ escape: yaml.v3 reports it", "{\"a\": \"\\/\"}", false},
	{"surrogate escape", "yaml.v3 refuses a surrogate", "{\"a\": \"\\ud83d\\ude00\"}", false},
	{"literal", "block scalars with every chomping", "a: |\n  x\n\n  y\n\nb: |-\n  x\nc: |+\n  x\n\n\nd: |2\n    x\ne: |\n\n  x\n", true},
	{"folded", "YAML's folding of block scalars", "a: >\n  x\n  y\n\n  z\n   more\n  w\nb: >-\n  x\n\n\n  y\n", true},
	{"literal deeper blank", "an all-space line deeper than the content", "a: |\n     \n  x\nb: 1\n", false},
	{"block scalar at end", "no final line break", "a: |\n  x", true},
	{"block scalar comment", "a comment after the header and a comment line ending it", "a: | # c\n  x\n# c\nb: >+\n  y\n", true},
	{"JSON", "JSON is parsed by the same path", "{\n  \"a\": [1, 2.5, true, null, \"x\"],\n  \"b\": {\"c\": {}}\n}\n", true},
	{"JSON tabs", "tabs indent JSON", "{\n\t\"a\": 1,\n\t\"b\": []\n}", true},
	{"JSON one line", "minified", `{"a":1,"b":{"c":[{"d":"e"}]}}`, true},
	{"flow in YAML", "{} and [] and short flow collections", "a: {}\nb: []\nc: [x, y]\nd: {e: 1, f: 'g'}\n", true},
	{"multi-line flow", "flow content is not bound to the indentation", "a: [x,\ny]\nb: {\nc: 1}\n", true},
	{"non-ASCII columns", "columns count characters", "é: [a, é, {b: c}]\nx:\n- ü: 'ö'\n  w:\n", true},
	{"anchors", "anchors and aliases go to yaml.v3", "a: &x 1\nb: *x\n", false},
	{"tags", "tags go to yaml.v3", "a: !!str 1\n", false},
	{"complex key", "? keys go to yaml.v3", "? a\n: 1\n", false},
	{"multi-line plain", "CRDs wrap long descriptions: folded as yaml.v3 folds them", "a: x\n  y\n\n\n   z - w\n  \"q\" # c\nb:\n- x\n  y\n- x\n\n  y\n", true},
	{"multi-line plain key", "a key cannot span lines", "a:\n  b\n  c: 1\n", false},
	{"plain then colon line", "a deeper line starting with ': ' does not continue a scalar", "a: b\n  : c\n", false},
	{"plain then comment", "a comment ends a plain scalar, even indented", "a: b\n  # c\nd: e\n", true},
	{"multi-line quoted", "folded as yaml.v3 folds them, whatever the indentation", "a: 'x \n  y'\nb: \"x\n\n\ty\\\n  z\\\n\n w\"\nc:\n  d: 'x\n y''s'\n", true},
	{"multi-line quoted key", "a key cannot span lines", "'x\n y': 1\n", false},
	{"quoted marker", "a document marker inside a quoted scalar is an error", "a: 'x\n...\n'\n", false},
	{"duplicate key", "yaml.v3's path reports duplicates", "a: 1\na: 2\n", false},
	{"crlf", "carriage returns go to yaml.v3", "a: 1\r\n", false},
	{"tab indentation", "tabs are left to yaml.v3", "a:\n\tb: 1\n", false},
	{"scalar document", "a document that is a scalar goes to yaml.v3", "--- a\n", false},
	{"marker content", "content on the --- line goes to yaml.v3", "--- {a: 1}\n", false},
	{"bad indentation", "malformed documents go to yaml.v3", "a:\n    b: 1\n  c: 2\n", false},
	{"value then key", "a mapping value may not hold a mapping on its line", "a: b: c\n", false},
	{"comment without space", "a comment must follow a blank", "a: 'x'#c\n", false},
	{"trailing comma", "YAML allows a trailing comma in flow collections", "a: [x, ]\nb: {c: 1,\n}\n", true},
	{"empty flow entry", "an empty entry is an error", "a: [x, , y]\n", false},
	{"long key", "yaml.v3 refuses keys over 1024 characters", strings.Repeat("k", 1100) + ": 1\n", false},
	{"big mapping", "duplicates are found without a map in small mappings and by sorting in big ones", bigMapping(100, false), true},
	{"big mapping duplicate", "a duplicate in a big mapping", bigMapping(100, true), false},
	{"deep", "nesting deeper than maxFastDepth goes to yaml.v3", strings.Repeat("[", 600) + strings.Repeat("]", 600), false},
	{"empty document", "only comments", "# nothing\n", true},
	{"block scalar below its key", "a header on its own line", "a:\n  |\n   x\n  \nb: 1\n", true},
	{"block scalar in a list", "a list item's block scalar is indented from the dash", "- |\n  x\n- >-\n   y\n   z\n- - |+\n    w\n\n", true},
	{"block scalar tab", "a tab before the content indentation is an error", "a: |\n \tx\n", false},
	{"byte order mark", "left to yaml.v3", "\ufeffa: 1\n", false},
	{"plain key colon", "a plain key needs a space after its colon (b:1 is a scalar): left to yaml.v3", "a: {b:1}\n", false},
	{"flow implicit key", "an entry without a value is left to yaml.v3", "a: {b, c: 1}\n", false},
	{"flow pair in a list", "a single-pair mapping in a flow list is left to yaml.v3", "a: [b: 1]\n", false},
	{"quoted keys", "quoted keys, with a space before the colon", "'a': 1\n\"b\" : 2\n'': 3\n", true},
	{"key after a list item", "a mapping in a list item continues at its column", "- a: 1\n  b:\n  - c\n  d: |\n    e\n-   f: 1\n    g: 2\n", true},
	{"dash scalars", "a dash followed by a non-blank starts a plain scalar", "a: -1\nb: --x\nc: [-1, -x]\n", true},
	{"document end", "... ends a document", "a: 1\n... # c\n# after\n", true},
	{"document end after a scalar", "... ends a plain scalar", "a:\n  b: |\n   x\n...\n", true},
	{"invalid UTF-8", "yaml.v3 reports it", "a: \xff\n", false},
	{"control character", "yaml.v3 reports it", "a: \x01\n", false},
}

func TestDuplicateKeysInBigMappings(t *testing.T) {
	cases := []struct {
		name, reason, src string
		wantErr           bool
	}{
		{"tags differ", "1 and '1' are different keys that Kubernetes reads as one, keeping either value", bigMapping(20, false) + "1: a\n'1': b\n", true},
		{"same tag after another", "a duplicate is found even with a same-valued key of another tag between", bigMapping(20, false) + "1: a\n'1': b\n1: c\n", true},
		{"small mapping", "the same with few keys", "1: a\n'1': b\n1: c\n", true},
	}
	for _, c := range cases {
		_, err := Parse("f.yaml", []byte(c.src))
		if (err != nil) != c.wantErr {
			t.Errorf("%s: %s: Parse error = %v, want an error: %v", c.name, c.reason, err, c.wantErr)
		}
	}
}

func bigMapping(n int, dup bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "k%d: %d\n", i, i)
	}
	if dup {
		b.WriteString("k7: again\n")
	}
	return b.String()
}

func TestFastParseCases(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			a, n, problem := fastMatches([]byte(c.src))
			if problem != "" {
				t.Fatalf("%s: %s", c.reason, problem)
			}
			if got := a == n && n > 0; got != c.accepted && !(c.accepted && n == 0) {
				t.Errorf("%s: fast path accepted %d of %d documents, want accepted=%v", c.reason, a, n, c.accepted)
			}
		})
	}
}

func TestYAMLFloatSyntax(t *testing.T) {
	for _, s := range []string{"", "1", "-1", "+.5", ".", "1.", "1.e5", "e5", "1e", "1e+", "1e+5", ".e5", "-.5E-3", "1.2.3", "0x1", "1_0", "++1"} {
		want := yamlStyleFloatRe.MatchString(s)
		if got := yamlFloatSyntax(s); got != want {
			t.Errorf("yamlFloatSyntax(%q) = %v, want %v (yaml.v3's regular expression)", s, got, want)
		}
	}
}

var yamlStyleFloatRe = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

func TestUnusualBytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		for pos := 0; pos < 8; pos++ {
			var w [8]byte
			for i := range w {
				w[i] = 'a'
			}
			w[pos] = byte(b)
			m := unusualBytes(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 | uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56)
			want := uint64(0)
			if !(b == '\t' || b == '\n' || b >= 0x20 && b < 0x7f) {
				want = 0x80 << (8 * pos)
			}
			if m != want {
				t.Fatalf("unusualBytes with %#x at %d = %#x, want %#x", b, pos, m, want)
			}
		}
	}
}

// TestResolvePlainMatchesGoyamlV2 compares resolvePlain with goyaml.v2 (what Kubernetes reads
// YAML with) on every string of up to four characters over an alphabet of the characters that
// matter to it, and on longer samples: the tag must be the type goyaml.v2 gives the value.
func TestResolvePlainMatchesGoyamlV2(t *testing.T) {
	alphabet := "019_.eE-+xobT:Z afnNyo"
	var all []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		all = append(all, prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 4)
	all = append(all, "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z",
		"123456789012345678901234567890", "-123456789012345678901234567890", "18446744073709551615", "18446744073709551616",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0x_1F", "0b1_0",
		"-0b1111111111111111111111111111111111111111111111111111111111111111", "0o777", "-0o17", "1_000.5", "1e400", ".inf",
		".NaN", "+.INF", "True", "tRUE", "NULL", "nULL", "~", "0777", "0889", "+0x1F", "-0x1F", "1.5e+3", ".5", "+.5e-3",
		"100m", "128Mi", "1h30m", "v1.2.3", "1.2.3", "12:30:45", "190:20:30", "0.", "-.", "+", "-", "_", "1__0",
		"yes", "Yes", "YES", "yEs", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "no", "No", "NO")
	for _, s := range all {
		if strings.TrimSpace(s) != s || strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.HasPrefix(s, "- ") || s == "-" {
			continue // not a plain scalar value on its own
		}
		var m map[string]any
		if err := goyamlv2.Unmarshal([]byte("k: "+s+"\n"), &m); err != nil {
			continue
		}
		want := ""
		switch x := m["k"].(type) {
		case nil:
			want = tagNull
		case bool:
			want = tagBool
		case int, int64, uint64:
			want = tagInt
		case float64:
			want = tagFloat
		case string:
			if x != s {
				continue
			}
			want = tagStr
		default:
			continue
		}
		got := resolvePlain(s)
		if got == tagTimestamp {
			got = tagStr // goyaml.v2 gives a date as its text
		}
		if got != want {
			t.Errorf("resolvePlain(%q) = %s, goyaml.v2 reads %T", s, got, m["k"])
		}
	}
}

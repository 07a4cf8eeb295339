package yamldoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// op is one edit of a test: Set path to value, or Delete path when del is true.
type op struct {
	path  string
	value any
	del   bool
}

func set(path string, v any) op { return op{path: path, value: v} }
func del(path string) op        { return op{path: path, del: true} }

type editCase struct {
	name   string
	reason string
	file   string // file name, picks the format; "f.yaml" when empty
	doc    int    // document index the edits apply to
	src    string
	ops    []op
	want   string
	// whole is set when the edit is expected to need renderWhole.
	whole bool
	// again is false when applying the edits a second time is not expected to be a no-op
	// (appending to a list).
	notIdempotent bool
}

func applyOps(t *testing.T, f *File, doc int, ops []op) {
	t.Helper()
	root := f.Docs()[doc].Root()
	for _, o := range ops {
		if o.del {
			if _, err := root.Delete(o.path); err != nil {
				t.Fatalf("Delete(%q): %v", o.path, err)
			}
			continue
		}
		if err := root.Set(o.path, o.value); err != nil {
			t.Fatalf("Set(%q): %v", o.path, err)
		}
	}
}

func runEditCases(t *testing.T, cases []editCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.file
			if name == "" {
				name = "f.yaml"
			}
			f, err := Parse(name, []byte(tc.src))
			if err != nil {
				t.Fatalf("%s: Parse: %v", tc.reason, err)
			}
			applyOps(t, f, tc.doc, tc.ops)
			got, err := f.Bytes()
			if err != nil {
				t.Fatalf("%s: Bytes: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
			if f.wholeRenders != 0 && !tc.whole {
				t.Errorf("%s: the document was re-rendered whole, not spliced", tc.reason)
			}
			if tc.want == tc.src && f.Changed() {
				t.Errorf("%s: Changed() = true for an edit that changes nothing", tc.reason)
			}
			if tc.notIdempotent {
				return
			}
			// Applying the same edits to the result changes nothing.
			g, err := Parse(name, got)
			if err != nil {
				t.Fatalf("%s: output does not parse: %v", tc.reason, err)
			}
			applyOps(t, g, tc.doc, tc.ops)
			if g.Changed() {
				t.Errorf("%s: applying the edits again changed the document", tc.reason)
			}
			again, err := g.Bytes()
			if err != nil || string(again) != string(got) {
				t.Errorf("%s: applying the edits again: %v (-first +second):\n%s", tc.reason, err, cmp.Diff(string(got), string(again)))
			}
		})
	}
}

// Keys and values y, n, yes, no, on and off are quoted: sigs.k8s.io/yaml reads YAML 1.1, where
// they are booleans.

func TestSetScalars(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name:   "same value",
			reason: "setting the value already there changes nothing",
			src:    "a: 1 # one\nb: x\n",
			ops:    []op{set("a", 1), set("b", "x")},
			want:   "a: 1 # one\nb: x\n",
		},
		{
			name:   "plain scalar",
			reason: "a plain scalar is replaced in place, keeping the comment after it",
			src:    "# head\na: 1 # one\nb: x\n",
			ops:    []op{set("a", 2)},
			want:   "# head\na: 2 # one\nb: x\n",
		},
		{
			name:   "double quotes kept",
			reason: "a double-quoted value stays double-quoted",
			src:    "image: \"nginx:1.0\"\n",
			ops:    []op{set("image", "nginx:2.0")},
			want:   "image: \"nginx:2.0\"\n",
		},
		{
			name:   "single quotes kept",
			reason: "a single-quoted value stays single-quoted",
			src:    "image: 'nginx:1.0'\n",
			ops:    []op{set("image", "it's")},
			want:   "image: 'it''s'\n",
		},
		{
			name:   "number to string",
			reason: "a string that looks like a number is quoted",
			src:    "mode: 644\n",
			ops:    []op{set("mode", "0755")},
			want:   "mode: \"0755\"\n",
		},
		{
			name:   "values needing quotes",
			reason: "strings YAML would read as something else are double-quoted",
			src:    "a: x\nb: x\nc: x\nd: x\ne: x\nf: x\ng: x\nh: x\ni: x\n",
			ops: []op{set("a", "true"), set("b", "yes"), set("c", ""), set("d", "a: b"), set("e", "#x"),
				set("f", "  lead"), set("g", "null"), set("h", "1e3"), set("i", "-1")},
			want: "a: \"true\"\nb: \"yes\"\nc: \"\"\nd: \"a: b\"\ne: \"#x\"\nf: \"  lead\"\ng: \"null\"\nh: \"1e3\"\ni: \"-1\"\n",
		},
		{
			name:   "plain-safe strings",
			reason: "strings that read back as themselves stay plain, unicode included",
			src:    "a: x\nb: x\nc: x\n",
			ops:    []op{set("a", "héllo wörld"), set("b", "a#b"), set("c", "-x")},
			want:   "a: héllo wörld\nb: a#b\nc: -x\n",
		},
		{
			name:   "typed values",
			reason: "booleans, floats, nulls and big integers are written plain",
			src:    "a: x\nb: x\nc: x\nd: x\n",
			ops:    []op{set("a", true), set("b", 1.5), set("c", nil), set("d", mustBig("123456789012345678901234567890"))},
			want:   "a: true\nb: 1.5\nc: null\nd: 123456789012345678901234567890\n",
		},
		{
			name:   "multi-line string",
			reason: "a multi-line string becomes a literal block at the child indentation",
			src:    "data:\n  script: old\n  other: 1\n",
			ops:    []op{set("data.script", "echo a\necho b\n")},
			want:   "data:\n  script: |\n    echo a\n    echo b\n  other: 1\n",
		},
		{
			name:   "replace a literal block",
			reason: "a literal block is replaced up to its last line, keeping what follows",
			src:    "data:\n  script: |\n    old\n    lines\n\n  other: 1\n",
			ops:    []op{set("data.script", "new\n")},
			want:   "data:\n  script: |\n    new\n\n  other: 1\n",
		},
		{
			name:   "literal block to plain",
			reason: "a literal block replaced by a one-line string",
			src:    "script: |-\n  a\n  b\nnext: 1\n",
			ops:    []op{set("script", "one")},
			want:   "script: one\nnext: 1\n",
		},
		{
			name:   "multi-line plain scalar",
			reason: "a folded plain scalar is replaced whole",
			src:    "a: one\n  two\nb: 1\n",
			ops:    []op{set("a", "x")},
			want:   "a: x\nb: 1\n",
		},
		{
			name:   "empty value",
			reason: "key: with nothing after it gets the value after the colon",
			src:    "a:\nb: 1\n",
			ops:    []op{set("a", "x")},
			want:   "a: x\nb: 1\n",
		},
		{
			name:   "null value",
			reason: "key: null is replaced",
			src:    "a: null\nb: 1\n",
			ops:    []op{set("a", "x")},
			want:   "a: x\nb: 1\n",
		},
		{
			name:   "tilde null with comment",
			reason: "key: ~ is replaced, the comment kept",
			src:    "a: ~ # none\n",
			ops:    []op{set("a", 3)},
			want:   "a: 3 # none\n",
		},
		{
			name:   "second document",
			reason: "only the edited document changes",
			doc:    1,
			src:    "a: 1\n---\na: 1\n---\na: 1\n",
			ops:    []op{set("a", 2)},
			want:   "a: 1\n---\na: 2\n---\na: 1\n",
		},
		{
			name:   "CRLF",
			reason: "a CRLF file keeps CRLF in what is added",
			src:    "a: 1\r\nm:\r\n  k: v\r\n",
			ops:    []op{set("a", 2), set("m.n", "w"), set("s", "x\ny\n")},
			want:   "a: 2\r\nm:\r\n  k: v\r\n  \"n\": w\r\ns: |\r\n  x\r\n  y\r\n",
		},
		{
			name:   "no final newline",
			reason: "a key added at the end of a file without a final newline goes on its own line",
			src:    "a: 1",
			ops:    []op{set("b", 2)},
			want:   "a: 1\nb: 2\n",
		},
		{
			name:   "BOM",
			reason: "the byte order mark stays",
			src:    "\ufeffa: 1\n",
			ops:    []op{set("a", 2)},
			want:   "\ufeffa: 2\n",
		},
		{
			name:   "BOM and a new key",
			reason: "the byte order mark is not indentation",
			src:    "\ufeffa:\n  b: 1\n",
			ops:    []op{set("a.c", 2), set("d", 3)},
			want:   "\ufeffa:\n  b: 1\n  c: 2\nd: 3\n",
		},
		{
			name:   "anchored empty value",
			reason: "an empty value with an anchor ends after the anchor, not on the next line",
			src:    "a: &x\nb: 1\n",
			ops:    []op{set("a", "v")},
			want:   "a: v\nb: 1\n",
		},
		{
			name:   "unicode before the value",
			reason: "columns count characters: a key with multi-byte characters is located right",
			src:    "héé: 1\nb: 2\n",
			ops:    []op{set("héé", 3)},
			want:   "héé: 3\nb: 2\n",
		},
		{
			name:   "anchored value",
			reason: "replacing an anchored scalar keeps the rest (the alias follows the new value)",
			src:    "a: &x 1\nb: *x\nc: 1\n",
			ops:    []op{set("c", 2)},
			want:   "a: &x 1\nb: *x\nc: 2\n",
		},
		{
			name:   "odd numbers next to the edit",
			reason: "values like 08 (not octal, not decimal for every parser) read back as they were",
			src:    "a: 08\nb: 1\nc: 0x1F\nd: 1_000\ne: .5\nf: 123456789012345678901234567890\n",
			ops:    []op{set("b", 2)},
			want:   "a: 08\nb: 2\nc: 0x1F\nd: 1_000\ne: .5\nf: 123456789012345678901234567890\n",
		},
		{
			name:   "key with quotes",
			reason: "quoted keys are found",
			src:    "\"a.b\": 1\n'c': 2\n",
			ops:    []op{set(`["a.b"]`, 3), set("c", 4)},
			want:   "\"a.b\": 3\n'c': 4\n",
		},
	})
}

func TestSetMaps(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name:   "add key to nested map",
			reason: "a new key goes after the last entry of its map, at its indentation",
			src:    "metadata:\n  name: a # n\n  labels:\n    app: x\nspec: {}\n",
			ops:    []op{set("metadata.labels.tier", "web")},
			want:   "metadata:\n  name: a # n\n  labels:\n    app: x\n    tier: web\nspec: {}\n",
		},
		{
			name:   "add key with 4-space indent",
			reason: "a 4-space file gets 4-space additions",
			src:    "metadata:\n    name: a\nspec:\n    x: 1\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "metadata:\n    name: a\n    labels:\n        app: web\nspec:\n    x: 1\n",
		},
		{
			name:   "create intermediate maps at the top",
			reason: "missing maps are created, in the file's indentation",
			src:    "kind: A\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "kind: A\nmetadata:\n  labels:\n    app: web\n",
		},
		{
			name:   "add key after a nested block",
			reason: "a key added to a map whose last value is a nested block goes after that block",
			src:    "a:\n  b:\n    c: 1\n  d:\n    - x\n# trailing comment\n",
			ops:    []op{set("a.e", 1)},
			want:   "a:\n  b:\n    c: 1\n  d:\n    - x\n  e: 1\n# trailing comment\n",
		},
		{
			name:   "add key in a compact sequence item",
			reason: "items of a compact sequence (- at the parent's indentation) get keys at their own indentation",
			src:    "items:\n- name: a\n  x: 1\n- name: b\n",
			ops:    []op{set("items[0].y", 2), set("items[1].y", 3)},
			want:   "items:\n- name: a\n  x: 1\n  \"y\": 2\n- name: b\n  \"y\": 3\n",
		},
		{
			name:   "add key in a non-compact sequence item",
			reason: "items of an indented sequence get keys at their own indentation",
			src:    "spec:\n  containers:\n    - name: a\n      image: x\n    - name: b\n",
			ops:    []op{set("spec.containers[0].env", []any{map[string]any{"name": "A", "value": "1"}})},
			want:   "spec:\n  containers:\n    - name: a\n      image: x\n      env:\n        - name: A\n          value: \"1\"\n    - name: b\n",
		},
		{
			name:   "new sequence in a compact file",
			reason: "a file writing sequences compactly gets compact new sequences",
			src:    "a:\n- 1\nb:\n  c: 1\n",
			ops:    []op{set("b.d", []string{"x", "y"})},
			want:   "a:\n- 1\nb:\n  c: 1\n  d:\n  - x\n  - \"y\"\n",
		},
		{
			name:   "set on empty key",
			reason: "key: with nothing becomes a map",
			src:    "metadata:\n  labels:\n  name: a\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "metadata:\n  labels:\n    app: web\n  name: a\n",
		},
		{
			name:   "set on null key",
			reason: "key: null becomes a map",
			src:    "metadata:\n  labels: null\n  name: a\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "metadata:\n  labels:\n    app: web\n  name: a\n",
		},
		{
			name:   "set on empty flow map",
			reason: "key: {} gets the entry in flow style",
			src:    "metadata:\n  labels: {}\n  name: a\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "metadata:\n  labels: {app: web}\n  name: a\n",
		},
		{
			name:   "add to flow map",
			reason: "a flow map stays a flow map",
			src:    "labels: {a: 1, b: \"2\"} # c\n",
			ops:    []op{set("labels.c", "x y"), set("labels.a", 5)},
			want:   "labels: {a: 5, b: \"2\", c: x y} # c\n",
		},
		{
			name:   "flow map value needing quotes",
			reason: "a value with a comma is quoted inside a flow map",
			src:    "labels: {a: 1}\n",
			ops:    []op{set("labels.b", "x,y")},
			want:   "labels: {a: 1, b: \"x,y\"}\n",
		},
		{
			name:   "map to scalar",
			reason: "a block map replaced by a scalar goes on the key's line",
			src:    "a:\n  b: 1\n  c: 2\nd: 3\n",
			ops:    []op{set("a", "x")},
			want:   "a: x\nd: 3\n",
		},
		{
			name:   "scalar to map",
			reason: "a scalar replaced by a map becomes a block",
			src:    "a: x # c\nd: 3\n",
			ops:    []op{set("a", map[string]any{"b": 1, "c": "two"})},
			want:   "a: # c\n  b: 1\n  c: two\nd: 3\n",
		},
		{
			name:   "map to map",
			reason: "a map replaced by another keeps its indentation",
			src:    "a:\n    b: 1\nd: 3\n",
			ops:    []op{set("a", map[string]string{"x": "y"})},
			want:   "a:\n    x: \"y\"\nd: 3\n",
		},
		{
			name:   "set map with same content",
			reason: "setting a map equal to the present one changes nothing",
			src:    "labels:\n  a: \"1\"\n  b: x\n",
			ops:    []op{set("labels", map[string]string{"a": "1", "b": "x"})},
			want:   "labels:\n  a: \"1\"\n  b: x\n",
		},
		{
			name:   "key needing quotes",
			reason: "keys YAML would misread are quoted",
			src:    "labels:\n  a: b\n",
			ops:    []op{set(`labels["on"]`, "x"), set(`labels["a: b"]`, "y")},
			want:   "labels:\n  a: b\n  \"on\": x\n  \"a: b\": \"y\"\n",
		},
		{
			name:   "empty root document",
			reason: "a document with only a comment gets a map",
			src:    "a: 1\n---\n# nothing\n",
			doc:    1,
			ops:    []op{set("b", 2)},
			want:   "a: 1\n---\n# nothing\nb: 2\n",
			whole:  true,
		},
	})
}

func TestSetLists(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name:   "set item",
			reason: "a list item is replaced in place",
			src:    "args:\n  - a # first\n  - b\n",
			ops:    []op{set("args[0]", "x")},
			want:   "args:\n  - x # first\n  - b\n",
		},
		{
			name:          "append at len",
			reason:        "setting index len appends an item in the list's style",
			src:           "args:\n  - a\n  - b\nnext: 1\n",
			ops:           []op{set("args[2]", "c")},
			want:          "args:\n  - a\n  - b\n  - c\nnext: 1\n",
			notIdempotent: true,
		},
		{
			name:          "append to compact list",
			reason:        "a compact list stays compact",
			src:           "args:\n- a\nnext: 1\n",
			ops:           []op{set("args[1]", map[string]any{"k": "v", "w": 1})},
			want:          "args:\n- a\n- k: v\n  w: 1\nnext: 1\n",
			notIdempotent: true,
		},
		{
			name:          "append to flow list",
			reason:        "a flow list stays a flow list",
			src:           "ports: [80, 443]\n",
			ops:           []op{set("ports[2]", 8080)},
			want:          "ports: [80, 443, 8080]\n",
			notIdempotent: true,
		},
		{
			name:   "set flow item",
			reason: "a flow list item is replaced in place",
			src:    "ports: [80, 443]\n",
			ops:    []op{set("ports[1]", "a b")},
			want:   "ports: [80, a b]\n",
		},
		{
			name:   "replace item map",
			reason: "a map item is replaced by a map at the item's indentation",
			src:    "items:\n  - name: a\n    x: 1\n  - name: b\n",
			ops:    []op{set("items[0]", map[string]any{"name": "z"})},
			want:   "items:\n  - name: z\n  - name: b\n",
		},
		{
			name:   "list to scalar",
			reason: "a block list replaced by a scalar goes on the key's line",
			src:    "a:\n  - 1\n  - 2\nb: 1\n",
			ops:    []op{set("a", "none")},
			want:   "a: none\nb: 1\n",
		},
		{
			name:   "nested list item key",
			reason: "a key in a list of lists",
			src:    "a:\n- - x: 1\n",
			ops:    []op{set("a[0][0].x", 2)},
			want:   "a:\n- - x: 2\n",
		},
	})
}

func TestDelete(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name:   "key on its own line",
			reason: "deleting a key removes its lines, comments of other keys kept",
			src:    "a: 1 # one\nb:\n  c: 1\n  d: 2\ne: 3 # three\n",
			ops:    []op{del("b")},
			want:   "a: 1 # one\ne: 3 # three\n",
		},
		{
			name:   "missing key",
			reason: "deleting what is not there changes nothing",
			src:    "a: 1\n",
			ops:    []op{del("b"), del("a.c"), del("x.y")},
			want:   "a: 1\n",
		},
		{
			name:   "first key of an item",
			reason: "deleting the first key of a - item moves the next key onto the dash line",
			src:    "items:\n  - name: a\n    x: 1\n  - name: b\n",
			ops:    []op{del("items[0].name")},
			want:   "items:\n  - x: 1\n  - name: b\n",
		},
		{
			name:   "last remaining key",
			reason: "deleting the last key of a block map leaves {}",
			src:    "metadata:\n  labels:\n    a: 1\n  name: x\n",
			ops:    []op{del("metadata.labels.a")},
			want:   "metadata:\n  labels: {}\n  name: x\n",
		},
		{
			name:          "list item",
			reason:        "deleting a list item removes its lines",
			src:           "a:\n  - x\n  - y: 1\n    z: 2\n  - w\n",
			ops:           []op{del("a[1]")},
			want:          "a:\n  - x\n  - w\n",
			notIdempotent: true,
		},
		{
			name:   "last list item",
			reason: "deleting the only item of a block list leaves []",
			src:    "a:\n  - x\nb: 1\n",
			ops:    []op{del("a[0]")},
			want:   "a: []\nb: 1\n",
		},
		{
			name:   "flow map entry",
			reason: "deleting from a flow map keeps it a flow map",
			src:    "labels: {a: 1, b: 2}\n",
			ops:    []op{del("labels.a")},
			want:   "labels: {b: 2}\n",
		},
		{
			name:   "delete then set",
			reason: "a key deleted and another added",
			src:    "labels:\n  a: 1\n  b: 2\n",
			ops:    []op{del("labels.a"), set("labels.c", 3)},
			want:   "labels:\n  b: 2\n  c: 3\n",
		},
		{
			name:   "first two keys of an item",
			reason: "deleting the first keys of a - item moves the first kept key onto the dash line",
			src:    "- a: 1\n  b: 2 # two\n  c: 3\n",
			ops:    []op{del("[0].a"), del("[0].b")},
			want:   "- c: 3\n",
		},
		{
			name:   "flow map entries",
			reason: "deleting consecutive entries, the last one included, keeps the separators right",
			src:    "m: {a: 1, b: 2, c: 3, d: 4}\n",
			ops:    []op{del("m.a"), del("m.c"), del("m.d")},
			want:   "m: {b: 2}\n",
		},
		{
			name:          "flow list item",
			reason:        "deleting from a flow list keeps it a flow list",
			src:           "l: [1, 2, 3]\n",
			ops:           []op{del("l[1]")},
			want:          "l: [1, 3]\n",
			notIdempotent: true,
		},
		{
			name:   "flow delete and add",
			reason: "a flow map with a deleted last entry gets new entries after the last kept one",
			src:    "m: {a: 1, b: 2}\n",
			ops:    []op{del("m.b"), set("m.c", 3)},
			want:   "m: {a: 1, c: 3}\n",
		},
		{
			name:   "emptied flow map",
			reason: "deleting every entry of a flow map leaves {}",
			src:    "m: {a: 1} # c\n",
			ops:    []op{del("m.a")},
			want:   "m: {} # c\n",
		},
		{
			name:   "key with block scalar",
			reason: "deleting a key whose value is a literal block removes the block",
			src:    "a: |\n  x\n  y\nb: 1\n",
			ops:    []op{del("a")},
			want:   "b: 1\n",
		},
	})
}

func TestSetJSON(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name:   "pretty 2 spaces",
			reason: "a key added to pretty JSON goes on its own line at the file's indentation",
			file:   "f.json",
			src:    "{\n  \"metadata\": {\n    \"name\": \"a\"\n  }\n}\n",
			ops:    []op{set("metadata.labels", map[string]string{"app": "web"})},
			want:   "{\n  \"metadata\": {\n    \"name\": \"a\",\n    \"labels\": {\n      \"app\": \"web\"\n    }\n  }\n}\n",
		},
		{
			name:   "pretty 4 spaces",
			reason: "4-space JSON gets 4-space additions",
			file:   "f.json",
			src:    "{\n    \"a\": 1,\n    \"b\": {\n        \"c\": true\n    }\n}\n",
			ops:    []op{set("b.d", []int{1, 2}), set("a", "0755")},
			want:   "{\n    \"a\": \"0755\",\n    \"b\": {\n        \"c\": true,\n        \"d\": [\n            1,\n            2\n        ]\n    }\n}\n",
		},
		{
			name:   "minified",
			reason: "minified JSON stays minified",
			file:   "f.json",
			src:    `{"a":1,"b":{"c":true}}`,
			ops:    []op{set("b.d", "x"), set("e", map[string]int{"f": 1})},
			want:   `{"a":1,"b":{"c":true,"d":"x"},"e":{"f":1}}`,
		},
		{
			name:   "empty object becomes pretty",
			reason: "an empty JSON object gets a pretty body in a pretty file",
			file:   "f.json",
			src:    "{\n  \"metadata\": {\n    \"labels\": {}\n  }\n}\n",
			ops:    []op{set("metadata.labels.app", "web")},
			want:   "{\n  \"metadata\": {\n    \"labels\": {\n      \"app\": \"web\"\n    }\n  }\n}\n",
		},
		{
			name:   "json strings",
			reason: "values that YAML would quote are JSON strings",
			file:   "f.json",
			src:    "{\"a\": \"x\", \"b\": 1}\n",
			ops:    []op{set("a", "true"), set("b", "multi\nline"), set("c", nil)},
			want:   "{\"a\": \"true\", \"b\": \"multi\\nline\", \"c\": null}\n",
		},
		{
			name:   "delete from pretty",
			reason: "deleting a JSON entry keeps the JSON valid",
			file:   "f.json",
			src:    "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n",
			ops:    []op{del("c")},
			want:   "{\n  \"a\": 1,\n  \"b\": 2\n}\n",
		},
		{
			name:          "delete first from pretty",
			reason:        "deleting the first JSON entry takes its comma",
			file:          "f.json",
			src:           "{\n  \"a\": 1,\n  \"b\": {\"x\": [1, 2]},\n  \"c\": 3\n}\n",
			ops:           []op{del("a"), del("b.x[0]")},
			want:          "{\n  \"b\": {\"x\": [2]},\n  \"c\": 3\n}\n",
			notIdempotent: true,
		},
		{
			name:   "delete all but one, minified",
			reason: "minified JSON stays minified and valid",
			file:   "f.json",
			src:    `{"a":1,"b":2,"c":3}`,
			ops:    []op{del("a"), del("c")},
			want:   `{"b":2}`,
		},
		{
			name:   "JSON array",
			reason: "setting an item of a JSON array",
			file:   "f.json",
			src:    "[\n  {\"a\": 1},\n  2\n]\n",
			ops:    []op{set("[0].a", 5), set("[1]", "x")},
			want:   "[\n  {\"a\": 5},\n  \"x\"\n]\n",
		},
	})
}

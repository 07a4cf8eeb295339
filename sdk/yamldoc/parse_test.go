package yamldoc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// docSummary is what a test checks of a parsed document.
type docSummary struct {
	Line   int
	Empty  bool
	Source string
	Value  any
}

func summarize(t *testing.T, f *File) []docSummary {
	t.Helper()
	var out []docSummary
	for _, d := range f.Docs() {
		v, err := d.Root().Value()
		if err != nil {
			t.Fatalf("Value: %v", err)
		}
		out = append(out, docSummary{Line: d.Line(), Empty: d.Empty(), Source: string(d.Source()), Value: v})
	}
	return out
}

func TestParseSplitsDocuments(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		src    string
		want   []docSummary
	}{
		{
			name:   "single",
			reason: "a file without markers is one document",
			src:    "a: 1\n",
			want:   []docSummary{{Line: 1, Source: "a: 1\n", Value: map[string]any{"a": int64(1)}}},
		},
		{
			name:   "comment before first marker",
			reason: "a comment before the first --- is a document of its own, empty, as Kubernetes' decoder cuts the stream",
			src:    "# head\n---\na: 1\n---\nb: 2\n",
			want: []docSummary{
				{Line: 1, Empty: true, Source: "# head\n"},
				{Line: 3, Source: "---\na: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 5, Source: "---\nb: 2\n", Value: map[string]any{"b": int64(2)}},
			},
		},
		{
			name:   "document end marker followed by comments",
			reason: "... ends the document; comments may follow it in the same document",
			src:    "a: 1\n...\n# end\n",
			want:   []docSummary{{Line: 1, Source: "a: 1\n...\n# end\n", Value: map[string]any{"a": int64(1)}}},
		},
		{
			name:   "separator with a comment",
			reason: "---#c cuts the stream, as the decoder's line reader sees it",
			src:    "a: 1\n---#c\nb: 2\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "---#c\nb: 2\n", Value: map[string]any{"b": int64(2)}},
			},
		},
		{
			name:   "JSON stream",
			reason: "concatenated JSON values are documents, as kubectl reads them",
			src:    "{\"a\": 1}\n{\"b\":\n 2}{\"c\":\"x\\/y\"}\n",
			want: []docSummary{
				{Line: 1, Source: "{\"a\": 1}", Value: map[string]any{"a": int64(1)}},
				{Line: 2, Source: "\n{\"b\":\n 2}", Value: map[string]any{"b": int64(2)}},
				{Line: 3, Source: "{\"c\":\"x\\/y\"}\n", Value: map[string]any{"c": "x/y"}},
			},
		},
		{
			name:   "JSON then YAML",
			reason: "when the second JSON value does not decode, the decoder reads the rest as YAML",
			src:    "{\"a\": 1}\nb: 2\n---\nc: 3\n",
			want: []docSummary{
				{Line: 1, Source: "{\"a\": 1}\n", Value: map[string]any{"a": int64(1)}},
				{Line: 2, Source: "b: 2\n", Value: map[string]any{"b": int64(2)}},
				{Line: 4, Source: "---\nc: 3\n", Value: map[string]any{"c": int64(3)}},
			},
		},
		{
			name:   "JSON with a byte order mark",
			reason: "a byte order mark is not a space: the file is read as YAML, whose flow mappings read the JSON",
			src:    "\ufeff{\"a\": [1, \"x\"]}\n",
			want:   []docSummary{{Line: 1, Source: "\ufeff{\"a\": [1, \"x\"]}\n", Value: map[string]any{"a": []any{int64(1), "x"}}}},
		},
		{
			name:   "empty documents",
			reason: "bare --- lines are empty documents, counted as yq and kubectl count them",
			src:    "---\n---\na: 1\n---\n# only a comment\n",
			want: []docSummary{
				{Line: 1, Empty: true, Source: "---\n"},
				{Line: 3, Source: "---\na: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 4, Empty: true, Source: "---\n# only a comment\n"},
			},
		},
		{
			name:   "trailing marker",
			reason: "a --- at the end of the file starts no document: it stays with the last one",
			src:    "a: 1\n---\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n---\n", Value: map[string]any{"a": int64(1)}},
			},
		},
		{
			name:   "CRLF",
			reason: "Windows line ends split and parse like LF ones",
			src:    "a: 1\r\n---\r\nb: x\r\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\r\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "---\r\nb: x\r\n", Value: map[string]any{"b": "x"}},
			},
		},
		{
			name:   "BOM",
			reason: "a byte order mark is not part of the first key",
			src:    "\ufeffa: 1\n---\nb: 2\n",
			want: []docSummary{
				{Line: 1, Source: "\ufeffa: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "---\nb: 2\n", Value: map[string]any{"b": int64(2)}},
			},
		},
		{
			name:   "no final newline",
			reason: "the last document may end without a newline",
			src:    "a: 1\n---\nb: 2",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "---\nb: 2", Value: map[string]any{"b": int64(2)}},
			},
		},
		{
			name:   "marker-like text in a block scalar",
			reason: "an indented --- inside a literal block is content, not a marker",
			src:    "a: |\n  x\n  ---\n  y\n",
			want:   []docSummary{{Line: 1, Source: "a: |\n  x\n  ---\n  y\n", Value: map[string]any{"a": "x\n---\ny\n"}}},
		},
		{
			name:   "empty file",
			reason: "an empty file is one empty document",
			src:    "",
			want:   []docSummary{{Line: 1, Empty: true, Source: ""}},
		},
		{
			name:   "trailing comment",
			reason: "comments after the last document stay with it",
			src:    "a: 1\n---\nb: 2\n# end\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "---\nb: 2\n# end\n", Value: map[string]any{"b": int64(2)}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatalf("%s: Parse: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, summarize(t, f)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
			got, err := f.Bytes()
			if err != nil || string(got) != tc.src {
				t.Errorf("%s: unedited Bytes() = %q, %v; want the source", tc.reason, got, err)
			}
			for i, d := range f.Docs() {
				if d.Index() != i {
					t.Errorf("doc %d: Index() = %d", i, d.Index())
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		src    string
		want   string // the error message
	}{
		{
			name:   "malformed",
			reason: "a syntax error names the file and line",
			src:    "a: 1\nb: [1, 2\n",
			want:   "f.yaml:",
		},
		{
			name:   "malformed in third document",
			reason: "the line is the file's, not the document's",
			src:    "a: 1\n---\nb: 2\n---\nc: 3\nd: : x\n",
			want:   "f.yaml:6: mapping values are not allowed in this context",
		},
		{
			name:   "tab indentation in second document",
			reason: "the line is the file's, not the document's",
			src:    "a: 1\n---\nb:\n\t- x\n",
			want:   "f.yaml:4: a tab indents this line: YAML allows only spaces for indentation",
		},
		{
			name:   "duplicate key",
			reason: "a duplicate key is refused, naming both lines, as the API server would",
			src:    "---\nmetadata:\n  name: a\n  name: b\n",
			want:   `f.yaml:4: duplicate key "name" (first defined at line 3)`,
		},
		{
			name:   "duplicate key after a document",
			reason: "duplicate key lines are file lines",
			src:    "x: 1\n---\na: 1\nb: 2\na: 3\n",
			want:   `f.yaml:5: duplicate key "a" (first defined at line 3)`,
		},
		{
			name:   "duplicate JSON key",
			reason: "encoding/json keeps the last; yamldoc refuses rather than edit the wrong one",
			src:    "{\"a\": 1,\n \"a\": 2}",
			want:   `f.yaml:2: duplicate key "a" (first defined at line 1)`,
		},
		{
			name:   "undefined alias",
			reason: "an alias to an undefined anchor is refused on its line, without its name (it may be a password)",
			src:    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: *S3cr3t-Pa55\n",
			want:   `f.yaml:6: an alias refers to an anchor that is not defined before it`,
		},
		{
			name:   "undefined alias in a later document",
			reason: "the alias's own line, not the document's --- line",
			src:    "a: 1\n---\nb: 1\nc: 2\nd: 3\ne: 4\nf: 5\ng: *nope\n",
			want:   `f.yaml:8: an alias refers to an anchor that is not defined before it`,
		},
		{
			name:   "error on the line of the problem",
			reason: "a misindented key is reported on its own line, not on the line before",
			src:    "a: 1\nb: 2\nc:\n  d: 1\n e: x\n",
			want:   `f.yaml:5: did not find expected key`,
		},
		{
			name:   "list item error line",
			reason: "a key among list items is reported on its line",
			src:    "a: 1\nb:\n  - x\n  y: 2\n",
			want:   `f.yaml:4: did not find expected '-' indicator`,
		},
		{
			name:   "content on the marker line",
			reason: "kubectl's decoder refuses a --- line with content after the marker",
			src:    "a: 1\n--- {b: 1}\n",
			want:   `f.yaml:2: a line starting with "---" must be a document separator`,
		},
		{
			name:   "content after document end",
			reason: "goyaml.v2 silently drops what follows a ... line: refused rather than read differently",
			src:    "a: 1\n...\nb: 2\n",
			want:   `f.yaml:2: content after the end of the document`,
		},
		{
			name:   "directive",
			reason: "the decoder cuts a %YAML directive from its document, which goyaml.v2 then refuses",
			src:    "%YAML 1.1\n---\na: 1\n",
			want:   `f.yaml:`,
		},
		{
			name:   "infinity",
			reason: ".inf cannot be read as JSON: Kubernetes refuses the document",
			src:    "a: 1\nb: .inf\n",
			want:   `f.yaml:2: a .inf or .nan value cannot be read by Kubernetes`,
		},
		{
			name:   "colliding keys",
			reason: "1 and \"1\" are one key once read as strings, with either value",
			src:    "a: 1\n1: x\n\"1\": y\n",
			want:   `f.yaml:`,
		},
		{
			name:   "merge of a scalar",
			reason: "a << merge key must name a map",
			src:    "a:\n  <<: 1\n",
			want:   `f.yaml:2: a "<<" merge key must name a map or a list of maps`,
		},
		{
			name:   "wrong explicit tag",
			reason: "a value its tag does not match is refused, without quoting either",
			src:    "a: !!int password\n",
			want:   `f.yaml:1: the value does not match its explicit type tag`,
		},
		{
			name:   "null key",
			reason: "Kubernetes cannot read a null key",
			src:    "a:\n  ~: 1\n",
			want:   `f.yaml:2: a map key is null`,
		},
		{
			name:   "two JSON values then garbage",
			reason: "after two values, a JSON stream does not fall back to YAML",
			src:    "{\"a\":1}{\"b\":2}\nx: 1\n",
			want:   `f.yaml:2: invalid character`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%s: Parse error = %v, want a *SyntaxError", tc.reason, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("%s:\n got %q\nwant %q", tc.reason, err.Error(), tc.want)
			}
		})
	}
}

func TestAliasBombFailsFast(t *testing.T) {
	src := `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`
	start := time.Now()
	f, err := Parse("bomb.yaml", []byte(src))
	if err != nil {
		// Refusing the document outright is fine too.
		return
	}
	root := f.Docs()[0].Root()
	if _, err := root.Value(); err == nil || !strings.Contains(err.Error(), "too many nodes") {
		t.Errorf("Value() error = %v, want an alias bomb error", err)
	}
	var x map[string]any
	if err := root.Decode("", &x); err == nil {
		t.Errorf("Decode() succeeded on an alias bomb")
	}
	if err := root.Set("copy", root); err == nil {
		t.Errorf("Set(copy of the bomb) succeeded")
	}
	// Editing the document next to the bomb neither expands it nor loses it.
	if err := root.Set("z", 1); err != nil {
		t.Fatal(err)
	}
	out, err := f.Bytes()
	if err != nil {
		t.Fatalf("Bytes after an edit: %v", err)
	}
	if want := src + "z: 1\n"; string(out) != want {
		t.Errorf("Bytes after an edit = %q, want %q", out, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

func TestFormatOf(t *testing.T) {
	cases := []struct {
		name string
		want Format
	}{
		{"a.json", JSON}, {"A.JSON", JSON}, {"a.yaml", YAML}, {"a.yml", YAML}, {"dir.json/a", YAML}, {"a", YAML},
	}
	for _, tc := range cases {
		if got := FormatOf(tc.name); got != tc.want {
			t.Errorf("FormatOf(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

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
			reason: "a comment before the first --- belongs to the document after it, not to an extra empty one",
			src:    "# head\n---\na: 1\n---\nb: 2\n",
			want: []docSummary{
				{Line: 3, Source: "# head\n---\na: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 5, Source: "---\nb: 2\n", Value: map[string]any{"b": int64(2)}},
			},
		},
		{
			name:   "content on the marker line",
			reason: "--- followed by a value on the same line starts a document holding that value",
			src:    "--- a\n--- {b: 1}\n",
			want: []docSummary{
				{Line: 1, Source: "--- a\n", Value: "a"},
				{Line: 2, Source: "--- {b: 1}\n", Value: map[string]any{"b": int64(1)}},
			},
		},
		{
			name:   "document end marker",
			reason: "... ends a document; what follows starts the next one",
			src:    "a: 1\n...\nb: 2\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n...\n", Value: map[string]any{"a": int64(1)}},
				{Line: 3, Source: "b: 2\n", Value: map[string]any{"b": int64(2)}},
			},
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
			reason: "a --- at the end of the file is an empty last document",
			src:    "a: 1\n---\n",
			want: []docSummary{
				{Line: 1, Source: "a: 1\n", Value: map[string]any{"a": int64(1)}},
				{Line: 2, Empty: true, Source: "---\n"},
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
		{
			name:   "directive",
			reason: "a %YAML directive belongs to the document after it",
			src:    "%YAML 1.1\n---\na: 1\n",
			want:   []docSummary{{Line: 3, Source: "%YAML 1.1\n---\na: 1\n", Value: map[string]any{"a": int64(1)}}},
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
			name:   "undefined alias",
			reason: "an alias to an undefined anchor is a syntax error",
			src:    "a: *nope\n",
			want:   `f.yaml:1: unknown anchor 'nope' referenced`,
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

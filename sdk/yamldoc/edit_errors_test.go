package yamldoc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetErrorsLeaveTheDocument(t *testing.T) {
	const src = "# c\nmetadata:\n  name: a\nitems:\n  - x\nalias: &a {k: 1}\nref: *a\n"
	cases := []struct {
		name     string
		reason   string
		path     string
		value    any
		want     string
		notFound bool
	}{
		{"into a scalar", "a scalar cannot hold keys", "metadata.name.x", 1, `f.yaml:3: metadata.name: is a string, not a map`, false},
		{"index into a map", "a map has no items", "metadata[0]", 1, `f.yaml:3: metadata: is a map, not a list`, false},
		{"index past the end", "only index len appends", "items[3]", "y", `f.yaml:5: items[3]: index out of range: the list has 1 items (append at [1])`, false},
		{"list under a created map", "maps are created on the way, lists are not; nothing is created", "spec.containers[0].image", "x", `f.yaml:2: spec.containers[0]: not found: only maps are created on the way; set the list first`, true},
		{"through an alias into a scalar", "the copy the walk made of the alias is undone", "ref.k.x", 2, `f.yaml:6: ref.k: is an integer, not a map`, false},
		{"unencodable", "a value encoding/json refuses is an error", "x", func() {}, `f.yaml:2: x: cannot encode func(): json: unsupported type: func()`, false},
		{"bad path", "a malformed path", "a..b", 1, `path "a..b": empty key at offset 2`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			err = f.Docs()[0].Root().Set(tc.path, tc.value)
			if err == nil {
				t.Fatalf("%s: Set succeeded", tc.reason)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
			if errors.Is(err, ErrNotFound) != tc.notFound {
				t.Errorf("%s: errors.Is(err, ErrNotFound) = %v", tc.reason, !tc.notFound)
			}
			if f.Changed() {
				t.Errorf("%s: a failed Set changed the document", tc.reason)
			}
		})
	}
}

func TestDeleteRootRefused(t *testing.T) {
	f, _ := Parse("f.yaml", []byte("a: 1\n"))
	if _, err := f.Docs()[0].Root().Delete(""); err == nil {
		t.Error("Delete(\"\") succeeded")
	}
}

func TestRemoveAndReplaceDocuments(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		src    string
		edit   func(f *File) error
		want   string
		whole  int
	}{
		{
			name:   "remove middle",
			reason: "a removed document takes its --- line; the others keep their bytes",
			src:    "a: 1\n---\nb: 2\n---\nc: 3\n",
			edit:   func(f *File) error { f.Docs()[1].Remove(); return nil },
			want:   "a: 1\n---\nc: 3\n",
		},
		{
			name:   "remove first",
			reason: "removing the first document keeps the rest byte for byte",
			src:    "# head\na: 1\n---\nb: 2\n",
			edit:   func(f *File) error { f.Docs()[0].Remove(); return nil },
			want:   "---\nb: 2\n",
		},
		{
			name:   "remove before a last document without newline",
			reason: "the documents are still separated",
			src:    "a: 1\n---\nb: 2\n---\nc: 3",
			edit:   func(f *File) error { f.Docs()[1].Remove(); return nil },
			want:   "a: 1\n---\nc: 3",
		},
		{
			name:   "replace root",
			reason: "setting the empty path replaces the document's value, keeping its head",
			src:    "a: 1\n---\n# keep\nb: 2\n",
			edit: func(f *File) error {
				return f.Docs()[1].Root().Set("", map[string]any{"c": []string{"x"}})
			},
			want:  "a: 1\n---\n# keep\nc:\n- x\n",
			whole: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(f); err != nil {
				t.Fatal(err)
			}
			got, err := f.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
			if f.wholeRenders != tc.whole {
				t.Errorf("%s: %d whole renders, want %d", tc.reason, f.wholeRenders, tc.whole)
			}
		})
	}
}

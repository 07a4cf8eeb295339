package sdk

import (
	"fmt"
	"testing"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// TestMetadataLinesFollowLineOf holds the metadata files' own walk (metaFile.at, which finds
// the entry Kratix reads) to yamldoc's LineOf rule: on every document both can read, every path
// that exists, and paths that do not at every depth, name the same line.
func TestMetadataLinesFollowLineOf(t *testing.T) {
	docs := []struct {
		reason string
		src    string
	}{
		{"nested maps and a list", `message: ready
conditions:
  - type: Ready
    status: "True"
    reason: Done
  - type: Synced
    status: "False"
extra:
  deep:
    deeper: 1
`},
		{"flow style on one line and across lines", `a: {b: 1, c: [1, 2, {d: 3}]}
e: [
  {f: 1},
  {g: 2}
]
`},
		{"an alias and a merge key: the line is the entry read, where it is written", `base: &b
  x: 1
  w: {z: 2}
copy: *b
merged:
  <<: *b
  v: 3
`},
		{"comments, blank lines and a document after the first", `# written by stage one

message: one # the first stage's
count: 2
---
message: ignored
`},
		{"a list at the root, as destination-selectors.yaml is", `- matchLabels:
    environment: dev
- directory: platform
  matchLabels: {environment: platform}
`},
		{"keys read as YAML 1.1 reads them: y is true, no is false, 0x1F is 31", `y: {a: 1}
no: 2
0x1F: x
"on": quoted, so a string
`},
		{"quoted keys and keys with dots", `"app.kubernetes.io/name": web
labels:
  "a.b/c": "1"
`},
	}
	for _, d := range docs {
		f, err := yamldoc.Parse(StatusFile, []byte(d.src))
		if err != nil {
			t.Fatalf("%s: %v", d.reason, err)
		}
		root := f.Docs()[0].Root()
		k := kratixOn(t, pod(t, map[string]string{StatusFile: d.src}), nil)
		m, err := k.readMeta(StatusFile)
		if err != nil {
			t.Fatal(err)
		}
		paths := missingAround(allPaths(root, nil))
		if len(paths) < 10 {
			t.Fatalf("%s: only %d paths: the walk of the document found nothing", d.reason, len(paths))
		}
		for _, p := range paths {
			want := root.LineOfPath(p)
			if got := m.at(p); got.Line != want || got.Path != p.String() || got.File != StatusFile {
				t.Errorf("%s: at(%s) = %v, want line %d (LineOf)", d.reason, p, got, want)
			}
		}
	}
}

// TestMetadataLinesAsKratixReads pins the lines of what only the metadata walk can read: the
// entry Kratix reads is the one whose line a message names.
func TestMetadataLinesAsKratixReads(t *testing.T) {
	cases := []struct {
		reason string
		src    string
		path   fieldpath.Path
		want   int
	}{
		{"a duplicate key: Kratix reads the last value, so its line is named", "message: one\ncount: 1\nmessage: two\n",
			fieldpath.Path{fieldpath.Key("message")}, 3},
		{"under a duplicate key, the last value's children", "a:\n  b: 1\na:\n  c: 2\n",
			fieldpath.Path{fieldpath.Key("a"), fieldpath.Key("c")}, 4},
		{"a missing field under a duplicate key: the last key's line", "a:\n  b: 1\na:\n  c: 2\n",
			fieldpath.Path{fieldpath.Key("a"), fieldpath.Key("b")}, 3},
		{"a field the work-writer's typed read matches case-insensitively", "- MatchLabels: {env: dev}\n  Directory: platform\n",
			fieldpath.Path{fieldpath.Index(0), fieldpath.Key("directory")}, 2},
		{"an exact spelling wins over a case-insensitive one", "- directory: a\n  Directory: b\n",
			fieldpath.Path{fieldpath.Index(0), fieldpath.Key("directory")}, 1},
	}
	for _, tc := range cases {
		k := kratixOn(t, pod(t, map[string]string{SelectorsFile: tc.src}), nil)
		m, err := k.readMeta(SelectorsFile)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.at(tc.path).Line; got != tc.want {
			t.Errorf("%s: line %d, want %d", tc.reason, got, tc.want)
		}
	}
}

// allPaths lists the path of every value under n, n's included.
func allPaths(n yamldoc.Node, at fieldpath.Path) []fieldpath.Path {
	out := []fieldpath.Path{at}
	switch n.Kind() {
	case yamldoc.MapKind:
		for _, key := range n.Keys() {
			child, err := n.LookupPath(fieldpath.Path{fieldpath.Key(key)})
			if err != nil {
				panic(fmt.Sprint(at, key, err))
			}
			out = append(out, allPaths(child, at.Child(fieldpath.Key(key)))...)
		}
	case yamldoc.SeqKind:
		for i := range n.Len() {
			out = append(out, allPaths(n.Item(i), at.Child(fieldpath.Index(i)))...)
		}
	}
	return out
}

// missingAround adds, for every path, paths that do not exist below it: a missing key, an
// index past the end, and two levels of missing keys.
func missingAround(paths []fieldpath.Path) []fieldpath.Path {
	out := append([]fieldpath.Path(nil), paths...)
	for _, p := range paths {
		out = append(out,
			p.Child(fieldpath.Key("missing")),
			p.Child(fieldpath.Index(99)),
			p.Child(fieldpath.Key("x"), fieldpath.Key("y")))
	}
	return out
}

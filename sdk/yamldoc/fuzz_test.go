package yamldoc

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stagekit/stagekit/sdk/fieldpath"
)

// strictFuzz logs the inputs that needed a fallback (YAMLDOC_STRICT=1), to find what the
// splicer could handle better.
var strictFuzz = os.Getenv("YAMLDOC_STRICT") != ""

// fuzzSeeds are small documents covering the constructs the splicer handles.
var fuzzSeeds = []string{
	"a: 1\n",
	"# head\n---\na: 1 # one\nb:\n  c: \"x\"\n  d: 'y'\n---\n- 1\n- k: v\n  w: [1, 2]\n",
	"metadata:\n  name: a\n  labels: {}\nspec:\n  containers:\n    - name: c\n      image: x\n",
	"items:\n- name: a\n  x: 1\n- name: b\n",
	"a: |\n  x\n  y\nb: >-\n  folded\n  text\nc: plain\n  continued\n",
	"a: &x {k: 1}\nb: *x\nc: [*x]\n",
	"--- a\n--- {b: 1}\n...\n",
	"a: 1\r\nb:\r\n  c: 2\r\n",
	"\ufeffa: 1\n",
	"a:\nb: null\nc: ~\nd: {}\ne: []\n",
	"{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [1, 2]\n  }\n}\n",
	`{"a":1,"b":{"c":true}}`,
	"{\n    \"metadata\": {\n        \"labels\": {}\n    }\n}",
	"héé: ü\n\"q\": 'r'\n",
	"a: 1",
}

var fuzzPaths = []string{"a", "b.c", "metadata.labels.x", "spec.containers[0].image", "items[1].y", "c[0]", "[0]", "[2]", "d.e", "a.b.c"}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Add([]byte("a: &a [1,2]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n"), false)
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		format := YAML
		if asJSON {
			format = JSON
		}
		start := time.Now()
		file, err := ParseFormat("f", src, format)
		if err != nil {
			return
		}
		out, err := file.Bytes()
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("unedited Bytes() = %q, %v; want the source", out, err)
		}
		for _, d := range file.Docs() {
			_, _ = d.Root().Value()
			_ = d.Root().Keys()
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("took %v", el)
		}
	})
}

// checkEdited checks an edited file: Bytes either fails cleanly or reads back as the intended
// documents, with the documents that were not edited byte for byte.
func checkEdited(t *testing.T, file *File, edited int) []byte {
	t.Helper()
	out, err := file.Bytes()
	if strictFuzz && (err != nil || file.wholeRenders > 0) {
		t.Logf("STRICT: %s fallback (%v) for %q", t.Name(), err, file.src)
	}
	if err != nil {
		return nil
	}
	g, err := ParseFormat("f", out, file.format)
	if err != nil {
		t.Fatalf("output does not parse: %v\n%q", err, out)
	}
	var want []*Doc
	for _, d := range file.docs {
		if !d.removed {
			want = append(want, d)
		}
	}
	if len(g.docs) != len(want) {
		t.Fatalf("output has %d documents, want %d:\n%q", len(g.docs), len(want), out)
	}
	for i, d := range want {
		if !equalNodes(g.docs[i].root, d.root) {
			t.Fatalf("document %d does not read back as intended:\n%q", i, out)
		}
		if i != edited && !bytes.Equal(g.docs[i].Source(), d.Source()) {
			t.Fatalf("document %d changed: %q -> %q", i, d.Source(), g.docs[i].Source())
		}
	}
	return out
}

func FuzzSetRoundTrip(f *testing.F) {
	for i, s := range fuzzSeeds {
		p := fuzzPaths[i%len(fuzzPaths)]
		f.Add([]byte(s), s[0] == '{', 0, p, "v", int64(0), false)
		f.Add([]byte(s), s[0] == '{', 0, "metadata.labels.x", "yes", int64(7), true)
		f.Add([]byte(s), false, 1, p, "a\nb\n", int64(-1), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool, doc int, path string, sval string, ival int64, useInt bool) {
		format := YAML
		if asJSON {
			format = JSON
		}
		file, err := ParseFormat("f", src, format)
		if err != nil {
			return
		}
		docs := file.Docs()
		if doc < 0 || doc >= len(docs) {
			return
		}
		p, err := fieldpath.Parse(path)
		if err != nil || len(p) == 0 {
			return
		}
		var val any = sval
		if useInt {
			val = ival
		}
		if err := docs[doc].Root().SetPath(p, val); err != nil {
			if docs[doc].Changed() {
				t.Fatalf("a failed Set changed the document: %v", err)
			}
			return
		}
		out := checkEdited(t, file, doc)
		if out == nil {
			return
		}
		// The same Set again changes nothing.
		g, _ := ParseFormat("f", out, format)
		if err := g.Docs()[doc].Root().SetPath(p, val); err != nil {
			t.Fatalf("second Set failed: %v", err)
		}
		if g.Changed() {
			t.Fatalf("second identical Set changed the document:\n%q", out)
		}
	})
}

func FuzzDelete(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), s[0] == '{', 0, fuzzPaths[i%len(fuzzPaths)], "b")
		f.Add([]byte(s), false, 1, "[0]", "a")
	}
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool, doc int, path, path2 string) {
		format := YAML
		if asJSON {
			format = JSON
		}
		file, err := ParseFormat("f", src, format)
		if err != nil {
			return
		}
		docs := file.Docs()
		if doc < 0 || doc >= len(docs) {
			return
		}
		root := docs[doc].Root()
		ok1, err1 := root.Delete(path)
		ok2, err2 := root.Delete(path2)
		if (err1 != nil || !ok1) && (err2 != nil || !ok2) && file.Changed() {
			t.Fatalf("deletes that did nothing changed the file")
		}
		out := checkEdited(t, file, doc)
		if out == nil || (!ok1 && !ok2) {
			return
		}
		// Deleting keys again changes nothing (list items shift, so only for keys).
		p1, _ := fieldpath.Parse(path)
		p2, _ := fieldpath.Parse(path2)
		if len(p1) == 0 || len(p2) == 0 || p1[len(p1)-1].IsIndex || p2[len(p2)-1].IsIndex {
			return
		}
		for _, e := range append(p1[:len(p1)-1:len(p1)-1], p2[:len(p2)-1]...) {
			if e.IsIndex {
				return
			}
		}
		g, _ := ParseFormat("f", out, format)
		r := g.Docs()[doc].Root()
		_, _ = r.Delete(path)
		_, _ = r.Delete(path2)
		if g.Changed() {
			t.Fatalf("deleting again changed the document:\n%q", out)
		}
	})
}

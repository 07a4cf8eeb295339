package yamldoc

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/internal/fixtures"
)

// fixtureDirs are the real Helm renders and Kratix samples of the acceptance fixtures,
// relative to their directory.
var fixtureDirs = []string{
	"kratix-marketplace/rendered",
	"kratix/work-creator-sample-complete",
}

// fixtureFiles returns the YAML and JSON files of the fixtures, skipping the test when the
// fixtures are absent (outside this repository's CI).
func fixtureFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out, err := readFixtures()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Skip("acceptance fixtures not found")
	}
	return out
}

// readFixtures reads the fixtures' YAML and JSON files; none when they are absent.
func readFixtures() (map[string][]byte, error) {
	out := map[string][]byte{}
	root := fixtures.Dir()
	if root == "" {
		return out, nil
	}
	for _, dir := range fixtureDirs {
		dir = filepath.Join(root, filepath.FromSlash(dir))
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out[p] = b
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

const testLabel = `metadata.labels["stagekit.dev/test"]`

func TestFixturesRoundTripUnedited(t *testing.T) {
	for name, src := range fixtureFiles(t) {
		f, err := Parse(name, src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := f.Bytes()
		if err != nil {
			t.Errorf("%s: Bytes: %v", name, err)
			continue
		}
		if !bytes.Equal(got, src) {
			t.Errorf("%s: unedited file changed:\n%s", name, cmp.Diff(string(src), string(got)))
		}
	}
}

// hasMetadataMap reports whether a document has a metadata map to label.
func hasMetadataMap(d *Doc) bool {
	m, err := d.Root().Lookup("metadata")
	return err == nil && m.Kind() == MapKind
}

func TestFixturesLabelOneDocument(t *testing.T) {
	edits := 0
	for name, src := range fixtureFiles(t) {
		f, err := Parse(name, src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for i := range f.Docs() {
			g, _ := Parse(name, src)
			d := g.Docs()[i]
			if d.Empty() || d.Root().Kind() != MapKind || !hasMetadataMap(d) {
				continue
			}
			edits++
			want, err := d.Root().Value()
			if err != nil {
				t.Fatalf("%s doc %d: %v", name, i, err)
			}
			setPath(t, want, []string{"metadata", "labels", "stagekit.dev/test"}, "yes")
			if err := d.Root().Set(testLabel, "yes"); err != nil {
				t.Errorf("%s doc %d: Set: %v", name, i, err)
				continue
			}
			out, err := g.Bytes()
			if err != nil {
				t.Errorf("%s doc %d: Bytes: %v", name, i, err)
				continue
			}
			if g.wholeRenders != 0 {
				t.Errorf("%s doc %d (line %d): re-rendered whole instead of spliced", name, i, d.Line())
			}
			// Only the edited document's bytes differ.
			tail := src[d.end:]
			if !bytes.HasPrefix(out, src[:d.start]) || !bytes.HasSuffix(out, tail) || len(out)-len(tail) < d.start {
				t.Errorf("%s doc %d: bytes outside the edited document changed", name, i)
				continue
			}
			if !isInsertion(src, out) {
				t.Errorf("%s doc %d: adding a label rewrote more than it inserted:\n%s", name, i, cmp.Diff(string(src), string(out)))
			}
			edited := out[d.start : len(out)-len(tail)]
			checkDoc(t, name, i, edited, want)
		}
	}
	if edits == 0 {
		t.Error("no document with metadata found in the fixtures")
	}
}

func TestFixturesLabelEveryDocument(t *testing.T) {
	for name, src := range fixtureFiles(t) {
		f, err := Parse(name, src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var wants []any
		for i, d := range f.Docs() {
			want, err := d.Root().Value()
			if err != nil {
				t.Fatalf("%s doc %d: %v", name, i, err)
			}
			if !d.Empty() && d.Root().Kind() == MapKind && hasMetadataMap(d) {
				if err := d.Root().Set("metadata.labels", map[string]string{"a": "1", "stagekit.dev/test": "yes"}); err != nil {
					t.Errorf("%s doc %d: %v", name, i, err)
				}
				setPath(t, want, []string{"metadata", "labels"}, map[string]any{"a": "1", "stagekit.dev/test": "yes"})
				if tm, err := d.Root().Lookup("spec.template"); err == nil && tm.Kind() == MapKind {
					if err := d.Root().Set("spec.template.metadata.labels.x", "y"); err != nil {
						t.Errorf("%s doc %d: %v", name, i, err)
					}
					setPath(t, want, []string{"spec", "template", "metadata", "labels", "x"}, "y")
				}
			}
			wants = append(wants, want)
		}
		out, err := f.Bytes()
		if err != nil {
			t.Errorf("%s: Bytes: %v", name, err)
			continue
		}
		if f.wholeRenders != 0 {
			t.Errorf("%s: %d documents re-rendered whole instead of spliced", name, f.wholeRenders)
		}
		g, err := Parse(name, out)
		if err != nil {
			t.Errorf("%s: output does not parse: %v\n%s", name, err, out)
			continue
		}
		if len(g.Docs()) != len(wants) {
			t.Errorf("%s: %d documents, want %d", name, len(g.Docs()), len(wants))
			continue
		}
		for i, d := range g.Docs() {
			got, err := d.Root().Value()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wants[i], got); diff != "" {
				t.Errorf("%s doc %d (-want +got):\n%s", name, i, diff)
			}
		}
		// A second identical edit changes nothing.
		for _, d := range g.Docs() {
			if !d.Empty() && d.Root().Kind() == MapKind && hasMetadataMap(d) {
				_ = d.Root().Set("metadata.labels", map[string]string{"a": "1", "stagekit.dev/test": "yes"})
			}
		}
		if g.Changed() {
			t.Errorf("%s: setting the same labels again changed the file", name)
		}
	}
}

// checkDoc parses one document's bytes and compares it with want.
func checkDoc(t *testing.T, name string, i int, b []byte, want any) {
	t.Helper()
	f, err := Parse(name, b)
	if err != nil {
		t.Errorf("%s doc %d: edited document does not parse: %v\n%s", name, i, err, b)
		return
	}
	var docs []*Doc
	for _, d := range f.Docs() {
		if !d.Empty() {
			docs = append(docs, d)
		}
	}
	if len(docs) != 1 {
		t.Errorf("%s doc %d: edited document reads as %d documents:\n%s", name, i, len(docs), b)
		return
	}
	got, err := docs[0].Root().Value()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s doc %d (-want +got):\n%s", name, i, diff)
	}
}

// setPath sets a value in a tree of Go values, creating maps on the way.
func setPath(t testing.TB, tree any, keys []string, v any) {
	t.Helper()
	m, ok := tree.(map[string]any)
	if !ok {
		t.Fatalf("setPath: %T is not a map", tree)
	}
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

// isInsertion reports whether out is src with one run of bytes inserted: nothing of src was
// rewritten.
func isInsertion(src, out []byte) bool {
	if len(out) < len(src) {
		return false
	}
	pre := 0
	for pre < len(src) && src[pre] == out[pre] {
		pre++
	}
	return bytes.Equal(src[pre:], out[len(out)-(len(src)-pre):])
}

package sdk

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// docSeeds are inputs where reading one document at a time could part from reading the whole
// file: JSON streams, byte order marks, "---" lines of every kind, comments and blank documents,
// no final line break, CRLF, Lists, anchors, and documents that do not parse.
var docSeeds = []string{
	multiDoc,
	"",
	"\n",
	"---\n",
	"---\n---\n",
	"# only a comment\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: 3\n",
	"apiVersion: v1\nkind: A\nmetadata: {labels: {a: b}}\n---\n---\n# c\n",
	"--- # first\napiVersion: v1\nkind: A\n--- !!map\napiVersion: v1\nkind: B\n...\n---\napiVersion: v1\nkind: C\n",
	"apiVersion: v1\r\nkind: A\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: B\r\n",
	"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: A}, 3]\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMapList\n  items:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: y}}\n",
	"{\"apiVersion\": \"v1\", \"kind\": \"A\", \"metadata\": {\"name\": \"x\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"b\"}}\n",
	"{\"apiVersion\":\"v1\",\"kind\":\"A\"}{\"apiVersion\":\"v1\",\"kind\":\"B\"}",
	"{\"apiVersion\":\"v1\",\"kind\":\"A\"}\napiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: C\n",
	"\ufeff{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n",
	"\ufeffapiVersion: v1\nkind: ConfigMap\n---\n\ufeffapiVersion: v1\nkind: B\n",
	"apiVersion: v1\nkind: A\nmetadata: &m {name: a}\nspec: *m\n",
	"apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [x\n---\napiVersion: v1\nkind: C\n",
	"apiVersion: v1\nkind: [x\n",
	"a: 1\n---\n- 1\n---\nplain\n",
}

// editOf is what the parity tests do to the i-th object of a file.
func editOf(mode int) func(m *Manifest, i int) error {
	return func(m *Manifest, i int) error {
		switch {
		case mode == 1:
			return m.SetLabel("stagekit.dev/x", "yes")
		case mode == 2 && i%3 == 1:
			m.Remove()
		case mode == 3:
			// The value a label already has: no change.
			if v, ok := m.Label("a"); ok {
				return m.SetLabel("a", v)
			}
		case mode == 4 && i%2 == 0:
			m.Remove()
			return nil
		case mode == 4:
			return m.SetLabel("stagekit.dev/x", "yes")
		}
		return nil
	}
}

type runResult struct {
	err     error
	files   map[string]string
	writes  map[string]int
	removes map[string]int
}

// runEach runs edit over every object of the output with EachManifestFile (whole) or
// EachDocument, and commits when it succeeded.
func runEach(t testing.TB, in map[string]string, mode int, whole bool) runResult {
	t.Helper()
	mem := pod(t, in)
	c := counting(mem)
	k := kratixOn(t, c, nil)
	edit := editOf(mode)
	var err error
	if whole {
		err = k.Output.EachManifestFile(func(f *ManifestFile) error {
			var errs []error
			for i, m := range f.Manifests() {
				if err := edit(m, i); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		})
	} else {
		i, file := 0, ""
		err = k.Output.EachDocument(func(d *Document) error {
			if d.File.Name != file {
				i, file = 0, d.File.Name
			}
			var errs []error
			for _, m := range d.Manifests() {
				if err := edit(m, i); err != nil {
					errs = append(errs, err)
				}
				i++
			}
			return errors.Join(errs...)
		})
	}
	if err != nil {
		if rerr := k.Rollback(); rerr != nil {
			t.Fatal(rerr)
		}
	} else {
		commit(t, k)
	}
	return runResult{err: err, files: files(mem), writes: c.writes, removes: c.removes}
}

// sameAsWhole checks that EachDocument leaves the output as EachManifestFile does, writes and
// removes the same files, and fails where it fails, with its errors. Where the whole file does
// not parse, EachDocument has visited the documents before the bad one: it may report their
// problems too.
func sameAsWhole(t *testing.T, in map[string]string, mode int) {
	t.Helper()
	want := runEach(t, in, mode, true)
	got := runEach(t, in, mode, false)
	if (want.err == nil) != (got.err == nil) || got.err != nil && !strings.Contains(got.err.Error(), want.err.Error()) {
		t.Fatalf("mode %d, %q:\nEachManifestFile: %v\nEachDocument:     %v", mode, in, want.err, got.err)
	}
	if diff := cmp.Diff(want.files, got.files); diff != "" {
		t.Fatalf("mode %d, %q: output -EachManifestFile +EachDocument:\n%s", mode, in, diff)
	}
	if diff := cmp.Diff(want.writes, got.writes); diff != "" {
		t.Fatalf("mode %d, %q: writes -EachManifestFile +EachDocument:\n%s", mode, in, diff)
	}
	if diff := cmp.Diff(want.removes, got.removes); diff != "" {
		t.Fatalf("mode %d, %q: removals -EachManifestFile +EachDocument:\n%s", mode, in, diff)
	}
	for name := range got.files {
		if strings.Contains(name, fsys.StagingDir) {
			t.Fatalf("mode %d, %q: %s left behind", mode, in, name)
		}
	}
}

func TestEachDocumentMatchesEachManifestFile(t *testing.T) {
	for _, src := range docSeeds {
		for _, name := range []string{"output/f.yaml", "output/f.json"} {
			for mode := 0; mode <= 4; mode++ {
				sameAsWhole(t, map[string]string{name: src}, mode)
			}
		}
	}
}

// The Helm renders, every file at once: the bytes real pipelines write.
func TestEachDocumentMatchesEachManifestFileOnRenders(t *testing.T) {
	out, _ := fixtures.LargeOutput(t, 1)
	in := map[string]string{}
	names := make([]string, 0, len(out))
	for name, data := range out {
		in["output/"+name] = data
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("no renders")
	}
	for mode := 0; mode <= 4; mode++ {
		sameAsWhole(t, in, mode)
	}
}

func FuzzEachDocument(f *testing.F) {
	for _, s := range docSeeds {
		f.Add([]byte(s), false, uint8(1))
		f.Add([]byte(s), true, uint8(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool, mode uint8) {
		name := "output/f.yaml"
		if asJSON {
			name = "output/f.json"
		}
		sameAsWhole(t, map[string]string{name: string(data)}, int(mode%5))
	})
}

func TestEachDocumentNoChangeWritesNothing(t *testing.T) {
	in := map[string]string{"output/app.yaml": multiDoc, "output/x.json": "{\"apiVersion\":\"v1\",\"kind\":\"A\"}"}
	for _, mode := range []int{0, 3} {
		got := runEach(t, in, mode, false)
		if got.err != nil {
			t.Fatal(got.err)
		}
		if len(got.writes)+len(got.removes) != 0 {
			t.Errorf("mode %d: unchanged files were rewritten: %v %v", mode, got.writes, got.removes)
		}
	}
}

func TestEachDocumentRemovesEmptiedFile(t *testing.T) {
	mem := pod(t, map[string]string{"output/one.yaml": "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n", "output/two.yaml": "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n"})
	k := kratixOn(t, mem, nil)
	err := k.Output.EachDocument(func(d *Document) error {
		if d.File.Name == "one.yaml" {
			d.Remove()
		} else if d.Index() == 1 {
			d.Remove()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, k)
	got := files(mem)
	if _, ok := got["output/one.yaml"]; ok {
		t.Errorf("a file left with no document was kept: %q", got["output/one.yaml"])
	}
	if got["output/two.yaml"] != "apiVersion: v1\nkind: A\n" {
		t.Errorf("removing the last document: %q", got["output/two.yaml"])
	}
}

// A callback error, or a document that does not parse, saves nothing of that file (the other
// files are saved), reports where, and leaves nothing staged behind once the run rolls back.
func TestEachDocumentErrorSavesNothingOfThatFile(t *testing.T) {
	in := map[string]string{
		"output/a.yaml":   "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: C\nmetadata:\n  name: c\n",
		"output/bad.yaml": "apiVersion: v1\nkind: A\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: [Oops\n",
		"output/z.yaml":   "apiVersion: v1\nkind: Z\nmetadata:\n  name: z\n",
	}
	mem := pod(t, in)
	k := kratixOn(t, mem, nil)
	var seen []string
	err := k.Output.EachDocument(func(d *Document) error {
		var errs []error
		for _, m := range d.Manifests() {
			seen = append(seen, m.Name())
			if m.Kind() == "B" {
				errs = append(errs, Errorf(m.At(), "B is forbidden"))
				continue
			}
			if err := m.SetLabel("x", "y"); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
	var se *yamldoc.SyntaxError
	if !errors.As(err, &se) || se.File != "output/bad.yaml" || se.Line != 7 {
		t.Errorf("error %v: want a syntax error at output/bad.yaml:7", err)
	}
	if !strings.HasPrefix(errText(err), "output/a.yaml:6: B is forbidden\n") {
		t.Errorf("error %q does not start with the callback's", errText(err))
	}
	// Every document that parses is visited, after a failure too.
	if diff := cmp.Diff([]string{"a", "b", "c", "ok", "z"}, seen); diff != "" {
		t.Errorf("visited -want +got:\n%s", diff)
	}
	pending := k.tx.Pending()
	if diff := cmp.Diff([]string{"output/z.yaml"}, pending); diff != "" {
		t.Errorf("staged -want +got:\n%s", diff)
	}
	if err := k.Rollback(); err != nil {
		t.Fatal(err)
	}
	got := files(mem)
	for n := range got {
		if !strings.HasPrefix(n, "output/") {
			delete(got, n)
		}
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("the output changed although the run failed: -want +got:\n%s", diff)
	}
}

// An edit that would not read back as written is refused, naming the file and the line, as
// EachManifestFile refuses it.
func TestEachDocumentEditThatDoesNotReadBack(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		doc       int
		value     any
	}{
		{"output/a.json", "{\"apiVersion\":\"v1\",\"kind\":\"A\"}\n{\"apiVersion\":\"v1\",\"kind\":\"B\"}\n", 0, "x"},
		{"output/a.yaml", "{\"apiVersion\":\"v1\",\"kind\":\"A\"}{\"apiVersion\":\"v1\",\"kind\":\"B\"}", 0, []int{1}},
		{"output/a.yaml", "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n", 1, "---"},
	} {
		mem := pod(t, map[string]string{tc.name: tc.src})
		k := kratixOn(t, mem, nil)
		errWhole := k.Output.EachManifestFile(func(f *ManifestFile) error {
			return f.Documents()[tc.doc].Root().Set("", tc.value)
		})
		if err := k.Rollback(); err != nil {
			t.Fatal(err)
		}
		k = kratixOn(t, mem, nil)
		errDoc := k.Output.EachDocument(func(d *Document) error {
			if d.Index() == tc.doc {
				return d.Doc().Root().Set("", tc.value)
			}
			return nil
		})
		if errWhole == nil || errText(errWhole) != errText(errDoc) || !strings.HasPrefix(errText(errDoc), tc.name+":") {
			t.Errorf("%q: EachManifestFile: %v\nEachDocument:     %v", tc.src, errWhole, errDoc)
		}
		if err := k.Rollback(); err != nil {
			t.Fatal(err)
		}
		if got := files(mem)[tc.name]; got != tc.src {
			t.Errorf("%q: changed to %q", tc.src, got)
		}
	}
}

func TestEachDocumentSaveIsAnError(t *testing.T) {
	mem := pod(t, map[string]string{"output/a.yaml": "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n"})
	k := kratixOn(t, mem, nil)
	err := k.Output.EachDocumentOf("a.yaml", func(d *Document) error {
		_, err := d.Manifests()[0].File.Save()
		return err
	})
	want := "output/a.yaml: Save: the file is saved by EachDocument, which visits it one document at a time\n" +
		"output/a.yaml: Save: the file is saved by EachDocument, which visits it one document at a time"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestEachDocumentOfRefusesNames(t *testing.T) {
	mem := pod(t, map[string]string{"input/object.yaml": "kind: A\n"})
	_ = mem.Symlink("../input/object.yaml", "output/in.yaml")
	k := kratixOn(t, mem, nil)
	for _, name := range []string{"../input/object.yaml", "/etc/passwd", "in.yaml", "missing.yaml"} {
		err := k.Output.EachDocumentOf(name, func(*Document) error { t.Errorf("%s: visited", name); return nil })
		if err == nil || !strings.HasPrefix(err.Error(), "output/") {
			t.Errorf("EachDocumentOf(%q) = %v, want an error naming output/...", name, err)
		}
	}
}

func TestReadDocumentsSavesNothing(t *testing.T) {
	in := map[string]string{"output/app.yaml": multiDoc, "output/x.json": "{\"apiVersion\":\"v1\",\"kind\":\"A\"}"}
	mem := pod(t, in)
	c := counting(mem)
	k := kratixOn(t, c, nil)
	var kinds []string
	err := k.Output.ReadDocuments(func(d *Document) error {
		for _, m := range d.Manifests() {
			kinds = append(kinds, m.Kind())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Deployment", "ConfigMap", "Secret", "Service", "A"}, kinds); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	// An edit is refused, naming the document; nothing is staged.
	err = k.Output.ReadDocuments(func(d *Document) error {
		if d.File.Name == "x.json" {
			return d.Manifests()[0].SetLabel("a", "b")
		}
		if d.Index() == 2 {
			d.Remove()
		}
		return nil
	})
	want := "output/app.yaml:21: document 3 was edited during ReadDocuments, which saves nothing: edit it with EachDocument\n" +
		"output/x.json:1: document 1 was edited during ReadDocuments, which saves nothing: edit it with EachDocument"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if p := k.tx.Pending(); len(p) != 0 {
		t.Errorf("staged %v", p)
	}
	commit(t, k)
	if len(c.writes)+len(c.removes) != 0 {
		t.Errorf("ReadDocuments wrote %v %v", c.writes, c.removes)
	}
}

package sdk

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOutputFiles(t *testing.T) {
	m := pod(t, map[string]string{
		"output/z.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n",
		"output/app/b/main.tf": "resource \"x\" \"y\" {}\n",
		"output/app/a.json":    "{}\n",
		"output/.hidden":       "",
		"output/README.md":     "# not: [a manifest\n",
	})
	// Written last: writing output/app/a.json removes its temp file.
	if err := m.WriteFile("output/app/.a.json.stagekit-tmp", []byte("half a fi")); err != nil {
		t.Fatal(err)
	}
	k := kratixOn(t, m, nil)
	got, err := k.Output.Files()
	if err != nil {
		t.Fatal(err)
	}
	type f struct {
		Name, Path string
		Manifest   bool
	}
	var names []f
	for _, x := range got {
		names = append(names, f{x.Name, x.Path, x.IsManifest()})
	}
	want := []f{
		{".hidden", "output/.hidden", false},
		{"README.md", "output/README.md", false},
		{"app/a.json", "output/app/a.json", true},
		{"app/b/main.tf", "output/app/b/main.tf", false},
		{"z.yaml", "output/z.yaml", true},
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("files: -want +got:\n%s", diff)
	}
	commit(t, k)
	if _, err := m.ReadFile("output/app/.a.json.stagekit-tmp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the temp leftover of a crashed write was not swept: %v", err)
	}
	// Non-manifest files are never parsed: the malformed README does not fail the iteration.
	n := 0
	if err := k.Output.EachManifest(func(*Manifest) error { n++; return nil }); err != nil {
		t.Errorf("EachManifest: %v", err)
	}
	if n != 1 {
		t.Errorf("EachManifest visited %d objects, want 1", n)
	}
}

func TestOutputRefusesEscapes(t *testing.T) {
	m := pod(t, map[string]string{ObjectFile: "kind: X\n", "output/ok.yaml": "a: 1\n"})
	for link, target := range map[string]string{
		"output/passwd.yaml": "/etc/passwd",
		"output/input":       "../input",
		"output/up":          "../../outside",
	} {
		if err := m.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	k := kratixOn(t, m, nil)
	tests := []struct {
		reason string
		name   string
		want   string
	}{
		{"a name with .. is refused, naming it", "../metadata/status.yaml", "output/../metadata/status.yaml: refused"},
		{"a name with .. inside is refused", "a/../../x", "output/a/../../x: refused"},
		{"an absolute name is refused", "/etc/x.yaml", "output//etc/x.yaml: refused"},
		{"an empty name is refused", "", "output/: refused"},
		{"the output directory itself is not a file", ".", "output/.: refused"},
		{"a symlink to /etc/passwd is refused", "passwd.yaml", "output/passwd.yaml"},
		{"a symlink into input/ is refused", "input/object.yaml", "output/input"},
		{"a symlink out of the kratix dir is refused", "up/x.yaml", "output/up"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			for op, err := range map[string]error{
				"Write":       k.Output.Write(tc.name, []byte("x: 1\n")),
				"WriteObject": k.Output.WriteObject(tc.name, map[string]any{"x": 1}),
			} {
				if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("%s(%q) = %v, want an error starting %q", op, tc.name, err, tc.want)
				}
			}
			if _, err := k.Output.Read(tc.name); err == nil {
				t.Errorf("Read(%q): no error", tc.name)
			}
			if _, err := k.Output.Open(tc.name); err == nil {
				t.Errorf("Open(%q): no error", tc.name)
			}
		})
	}
	if got, _ := m.ReadFile(ObjectFile); string(got) != "kind: X\n" {
		t.Errorf("input/object.yaml was changed: %q", got)
	}
	if _, err := m.ReadFile("outside"); err == nil {
		t.Errorf("a file was written outside the kratix dir")
	}
	// Files lists what is fine and names every escaping link.
	got, err := k.Output.Files()
	if len(got) != 1 || got[0].Name != "ok.yaml" {
		t.Errorf("Files() = %v, want only ok.yaml", got)
	}
	for _, link := range []string{"output/passwd.yaml", "output/input", "output/up"} {
		if err == nil || !strings.Contains(err.Error(), link) {
			t.Errorf("Files() error %v does not name %s", err, link)
		}
	}
	if err := k.Output.EachManifest(func(*Manifest) error { return nil }); err == nil || !strings.Contains(err.Error(), "output/passwd.yaml") {
		t.Errorf("EachManifest error %v does not name output/passwd.yaml", err)
	}
}

func TestOutputWrite(t *testing.T) {
	type meta struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels,omitempty"`
	}
	type cm struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Metadata   meta              `json:"metadata"`
		Data       map[string]string `json:"data"`
	}
	obj := cm{"v1", "ConfigMap", meta{Name: "a", Labels: map[string]string{"z": "1", "a": "2"}}, map[string]string{"k": "v"}}
	tests := []struct {
		reason string
		write  func(o *Output) error
		name   string
		want   string
	}{
		{"bytes, creating the parent directories", func(o *Output) error { return o.Write("a/b/c.tf", []byte("x = 1\n")) }, "a/b/c.tf", "x = 1\n"},
		{"a struct as YAML: declared field order, sorted map keys", func(o *Output) error { return o.WriteObject("cm.yaml", obj) }, "cm.yaml",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    a: \"2\"\n    z: \"1\"\ndata:\n  k: v\n"},
		{"several objects as a YAML stream", func(o *Output) error {
			return o.WriteObject("two.yaml", map[string]any{"kind": "A"}, map[string]any{"kind": "B"})
		}, "two.yaml", "kind: A\n---\nkind: B\n"},
		{"JSON when the name ends in .json", func(o *Output) error { return o.WriteObject("cm.json", map[string]any{"kind": "A", "n": 1}) }, "cm.json",
			"{\n  \"kind\": \"A\",\n  \"n\": 1\n}\n"},
		{"overwriting replaces the whole file", func(o *Output) error {
			if err := o.Write("o.yaml", []byte("a long first version\n")); err != nil {
				return err
			}
			return o.Write("o.yaml", []byte("short\n"))
		}, "o.yaml", "short\n"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			m := pod(t, nil)
			k := kratixOn(t, m, nil)
			if err := tc.write(k.Output); err != nil {
				t.Fatal(err)
			}
			got, err := k.Output.Read(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			commit(t, k)
			if diff := cmp.Diff(tc.want, string(m.Files()["output/"+tc.name])); diff != "" {
				t.Errorf("committed: -want +got:\n%s", diff)
			}
			if mode := m.Mode("output/" + tc.name); mode.Perm() != 0o644 {
				t.Errorf("mode %v, want 0644", mode)
			}
		})
	}
	k := kratixOn(t, pod(t, nil), nil)
	if err := k.Output.WriteObject("x.json", 1, 2); err == nil || !strings.HasPrefix(err.Error(), "output/x.json: ") {
		t.Errorf("two values in a JSON file: %v", err)
	}
	if err := k.Output.Remove("missing.yaml"); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
}

const multiDoc = `# the app
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # keep me
spec:
  replicas: 2
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: one
  - apiVersion: v1
    kind: Secret
    metadata:
      name: two
---
just: data
---
apiVersion: v1
kind: Service
metadata: {name: svc, labels: {a: b}}
`

func TestEachManifestLocations(t *testing.T) {
	m := pod(t, map[string]string{"output/app.yaml": multiDoc,
		"output/j.json": "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {\"name\": \"j\"}\n}\n"})
	k := kratixOn(t, m, nil)
	type loc struct {
		File, Kind, Name string
		Doc, Item, Line  int
	}
	var got []loc
	var nonObjects []Location
	err := k.Output.EachManifestFile(func(f *ManifestFile) error {
		nonObjects = append(nonObjects, f.NonObjects()...)
		for _, mf := range f.Manifests() {
			got = append(got, loc{mf.At().File, mf.Kind(), mf.Name(), mf.Document(), mf.ListItem(), mf.At().Line})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{
		{"output/app.yaml", "Deployment", "web", 0, -1, 2},
		{"output/app.yaml", "ConfigMap", "one", 1, 0, 12},
		{"output/app.yaml", "Secret", "two", 1, 1, 16},
		{"output/app.yaml", "Service", "svc", 3, -1, 23},
		{"output/j.json", "ConfigMap", "j", 0, -1, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]Location{{File: "output/app.yaml", Line: 21}}, nonObjects); diff != "" {
		t.Errorf("non-objects -want +got:\n%s", diff)
	}
	if len(m.Files()) != 2 || string(m.Files()["output/app.yaml"]) != multiDoc {
		t.Errorf("reading changed the files")
	}
}

func TestEachManifestEdits(t *testing.T) {
	other := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  labels:\n    team: a\n"
	tests := []struct {
		reason string
		edit   func(m *Manifest) error
		want   string // app.yaml after the run
	}{
		{
			reason: "one label on one document: only that document's bytes change, comments kept",
			edit: func(m *Manifest) error {
				if m.Kind() == "Deployment" {
					return m.SetLabel("team", "a")
				}
				return nil
			},
			want: strings.Replace(multiDoc, "  name: web   # keep me\n", "  name: web   # keep me\n  labels:\n    team: a\n", 1),
		},
		{
			reason: "removing a document keeps the others byte for byte",
			edit: func(m *Manifest) error {
				if m.Kind() == "Deployment" {
					m.Remove()
				}
				return nil
			},
			// The separator that opened the next document stays with it.
			want: multiDoc[strings.Index(multiDoc, "---\napiVersion: v1\nkind: List"):],
		},
		{
			reason: "removing a List item keeps the other items",
			edit: func(m *Manifest) error {
				if m.Kind() == "Secret" {
					m.Remove()
				}
				return nil
			},
			want: strings.Replace(multiDoc, "  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: two\n", "", 1),
		},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			mem := pod(t, map[string]string{"output/app.yaml": multiDoc, "output/other.yaml": other})
			c := counting(mem)
			k := kratixOn(t, c, nil)
			if err := k.Output.EachManifest(tc.edit); err != nil {
				t.Fatal(err)
			}
			commit(t, k)
			got := files(mem)
			if diff := cmp.Diff(tc.want, got["output/app.yaml"]); diff != "" {
				t.Errorf("app.yaml -want +got:\n%s", diff)
			}
			if got["output/other.yaml"] != other {
				t.Errorf("other.yaml changed")
			}
			if diff := cmp.Diff(map[string]int{"output/app.yaml": 1}, c.writes); diff != "" {
				t.Errorf("writes -want +got:\n%s", diff)
			}
		})
	}
}

func TestEachManifestNoEditWritesNothing(t *testing.T) {
	mem := pod(t, map[string]string{"output/app.yaml": multiDoc, "output/x.json": "{\"apiVersion\":\"v1\",\"kind\":\"A\"}"})
	c := counting(mem)
	k := kratixOn(t, c, nil)
	err := k.Output.EachManifest(func(m *Manifest) error {
		// Setting a label to the value it has is not a change.
		if m.Kind() == "Service" {
			return m.SetLabel("a", "b")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, k)
	if len(c.writes)+len(c.removes) != 0 {
		t.Errorf("unchanged files were rewritten: %v %v", c.writes, c.removes)
	}
	if string(mem.Files()["output/app.yaml"]) != multiDoc {
		t.Errorf("bytes changed")
	}
}

func TestEachManifestRemovesEmptiedFile(t *testing.T) {
	mem := pod(t, map[string]string{"output/one.yaml": "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n"})
	k := kratixOn(t, mem, nil)
	if err := k.Output.EachManifest(func(m *Manifest) error { m.Remove(); return nil }); err != nil {
		t.Fatal(err)
	}
	commit(t, k)
	if _, ok := mem.Files()["output/one.yaml"]; ok {
		t.Errorf("a file left with no document was kept: %q", mem.Files()["output/one.yaml"])
	}
}

func TestEachManifestMalformed(t *testing.T) {
	bad := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: [Oops\n"
	mem := pod(t, map[string]string{
		"output/a.yaml":   "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n",
		"output/bad.yaml": bad,
		"output/z.yaml":   "apiVersion: v1\nkind: Z\nmetadata:\n  name: z\n",
	})
	k := kratixOn(t, mem, nil)
	var seen []string
	err := k.Output.EachManifest(func(m *Manifest) error {
		seen = append(seen, m.Name())
		return m.SetLabel("x", "y")
	})
	if err == nil || !strings.HasPrefix(err.Error(), "output/bad.yaml:") {
		t.Fatalf("error %v does not name output/bad.yaml and a line", err)
	}
	if diff := cmp.Diff([]string{"a", "z"}, seen); diff != "" {
		t.Errorf("the other files were not all visited (every problem must be reported): -want +got:\n%s", diff)
	}
	// All or nothing: the run fails, and a malformed file anywhere leaves the whole output as it
	// was, staging files included.
	if err := k.Rollback(); err != nil {
		t.Fatal(err)
	}
	got := files(mem)
	want := map[string]string{
		"output/a.yaml":   "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n",
		"output/bad.yaml": bad,
		"output/z.yaml":   "apiVersion: v1\nkind: Z\nmetadata:\n  name: z\n",
	}
	for n := range got {
		if !strings.HasPrefix(n, "output/") {
			delete(got, n)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the output changed although a file was malformed: -want +got:\n%s", diff)
	}
	ds := diagnose(err)
	if len(ds) != 1 || ds[0].File != "output/bad.yaml" || ds[0].Line == 0 {
		t.Errorf("diagnostics %+v: want one located at output/bad.yaml with a line", ds)
	}
}

func TestEachManifestCallbackErrorSavesNothingOfThatFile(t *testing.T) {
	mem := pod(t, map[string]string{"output/a.yaml": "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n"})
	k := kratixOn(t, mem, nil)
	err := k.Output.EachManifest(func(m *Manifest) error {
		if m.Kind() == "B" {
			return Errorf(m.At(), "B is forbidden")
		}
		return m.SetLabel("x", "y")
	})
	if diff := cmp.Diff("output/a.yaml:6: B is forbidden", errText(err)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if got, _ := k.Output.Read("a.yaml"); strings.Contains(string(got), "x: ") {
		t.Errorf("a file whose callback failed was half-edited and saved")
	}
}

func TestManifestHelpers(t *testing.T) {
	f := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ns\n  labels: {app: web}\n  annotations:\n    a: \"1\"\n"
	mem := pod(t, map[string]string{"output/d.yaml": f})
	k := kratixOn(t, mem, nil)
	mf, err := k.Output.Open("d.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := mf.Manifests()[0]
	if !m.Is("apps", "Deployment") || m.Is("", "Deployment") || m.Group() != "apps" || m.APIVersion() != "apps/v1" || m.Namespace() != "ns" {
		t.Errorf("identity: %s %s %s %s", m.APIVersion(), m.Kind(), m.Name(), m.Namespace())
	}
	if diff := cmp.Diff(map[string]string{"app": "web"}, m.Labels()); diff != "" {
		t.Errorf("labels -want +got:\n%s", diff)
	}
	if old, had := m.Label("app"); old != "web" || !had {
		t.Errorf("Label(app) = %q, %v; want web, true", old, had)
	}
	if err := m.SetLabel("app", "api"); err != nil {
		t.Errorf("SetLabel: %v", err)
	}
	if v, had := m.Label("app"); v != "api" || !had {
		t.Errorf("Label(app) after SetLabel = %q, %v; want api, true", v, had)
	}
	if old, had := m.Annotation("a.b/c"); old != "" || had {
		t.Errorf("Annotation(a.b/c) = %q, %v; want none", old, had)
	}
	if err := m.SetAnnotation("a.b/c", "x"); err != nil {
		t.Errorf("SetAnnotation: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"a": "1", "a.b/c": "x"}, m.Annotations()); diff != "" {
		t.Errorf("annotations -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(Location{File: "output/d.yaml", Line: 5, Path: "metadata.namespace"}, m.AtPath("metadata.namespace")); diff != "" {
		t.Errorf("AtPath -want +got:\n%s", diff)
	}
	if !mf.Changed() {
		t.Errorf("Changed() = false after edits")
	}
	wrote, err := mf.Save()
	if !wrote || err != nil {
		t.Fatalf("Save = %v, %v", wrote, err)
	}
	want := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ns\n  labels: {app: api}\n  annotations:\n    a: \"1\"\n    a.b/c: x\n"
	commit(t, k)
	if diff := cmp.Diff(want, string(mem.Files()["output/d.yaml"])); diff != "" {
		t.Errorf("saved -want +got:\n%s", diff)
	}
	if wrote, err := mf.Save(); wrote || err != nil {
		t.Errorf("second Save = %v, %v; want nothing written", wrote, err)
	}
}

package sdk

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// deleted is what Label or Annotation read before a DeleteLabel or DeleteAnnotation call, what
// the call gave, and what its file became.
type deleted struct {
	Old   string
	Had   bool
	Err   string
	Saved string // the file after Save, or Save's error
}

// deleteIn runs del on the first manifest of src and saves the file.
func deleteIn(t *testing.T, src string, del func(m *Manifest) (string, bool, error)) deleted {
	t.Helper()
	mem := pod(t, map[string]string{"output/m.yaml": src})
	k := kratixOn(t, mem, nil)
	mf, err := k.Output.Open("m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got deleted
	old, had, err := del(mf.Manifests()[0])
	got.Old, got.Had = old, had
	if err != nil {
		got.Err = err.Error()
	}
	if _, err := mf.Save(); err != nil {
		got.Saved = "save: " + err.Error()
		return got
	}
	commit(t, k)
	got.Saved = string(mem.Files()["output/m.yaml"])
	return got
}

func TestDeleteLabelAndAnnotation(t *testing.T) {
	const plain = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web # the app's config
  labels:
    app.kubernetes.io/name: web
    team: a
  annotations: {helm.sh/hook: pre-install, note: keep}
`
	label := func(key string) func(m *Manifest) (string, bool, error) {
		return func(m *Manifest) (string, bool, error) {
			old, _ := m.Label(key)
			had, err := m.DeleteLabel(key)
			return old, had, err
		}
	}
	annotation := func(key string) func(m *Manifest) (string, bool, error) {
		return func(m *Manifest) (string, bool, error) {
			old, _ := m.Annotation(key)
			had, err := m.DeleteAnnotation(key)
			return old, had, err
		}
	}
	cases := []struct {
		name   string
		reason string
		src    string
		del    func(m *Manifest) (string, bool, error)
		delete string // the same deletion written as a Node.Delete path
		want   deleted
	}{
		{"label", "the label goes, the others and the comments stay; Label read the value removed",
			plain, label("team"), `metadata.labels.team`,
			deleted{Old: "a", Had: true, Saved: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web # the app's config
  labels:
    app.kubernetes.io/name: web
  annotations: {helm.sh/hook: pre-install, note: keep}
`}},
		{"key with dots and a slash", "a key is a key, never parsed as a path",
			plain, label("app.kubernetes.io/name"), `metadata.labels["app.kubernetes.io/name"]`,
			deleted{Old: "web", Had: true, Saved: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web # the app's config
  labels:
    team: a
  annotations: {helm.sh/hook: pre-install, note: keep}
`}},
		{"annotation in a flow map", "an annotation goes from a flow map, in its style",
			plain, annotation("helm.sh/hook"), `metadata.annotations["helm.sh/hook"]`,
			deleted{Old: "pre-install", Had: true, Saved: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web # the app's config
  labels:
    app.kubernetes.io/name: web
    team: a
  annotations: {note: keep}
`}},
		{"missing label", "a label that is not there is not an error and changes nothing",
			plain, label("tier"), `metadata.labels.tier`,
			deleted{Saved: plain}},
		{"no labels at all", "an object without labels is left as it is",
			"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n", label("team"), `metadata.labels.team`,
			deleted{Saved: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"}},
		{"the last label", "an emptied map stays, as an empty map",
			"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    team: a\n", label("team"), `metadata.labels.team`,
			deleted{Old: "a", Had: true, Saved: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {}\n"}},
		{"through an alias", "labels that alias the annotations become a copy without the label; the annotations keep it",
			`apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  annotations: &a
    app: web
    team: a
  labels: *a
`, label("team"), `metadata.labels.team`,
			deleted{Old: "a", Had: true, Saved: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  annotations: &a
    app: web
    team: a
  labels:
    app: web
`}},
		{"supplied by a merge key", "a label a << merge key supplies goes from a copy of the merged map, which the annotations still use",
			`apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  annotations: &common
    team: a
    tier: web
  labels:
    <<: *common
    app: web
`, label("team"), `metadata.labels.team`,
			deleted{Old: "a", Had: true, Saved: `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  annotations: &common
    team: a
    tier: web
  labels:
    <<:
      tier: web
    app: web
`}},
		{"an anchor a selector aliases", "an edit that would change the selector through its alias is refused when the file is saved, naming both lines",
			`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
    team: a
spec:
  selector:
    matchLabels: *labels
`, label("team"), `metadata.labels.team`,
			deleted{Old: "a", Had: true, Saved: "save: output/m.yaml:5: the anchored value on this line is edited, but its alias at line 10 is not: writing the edit would change what that alias reads too; edit every use of the anchor alike (or only the alias's place)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := deleteIn(t, tc.src, tc.del)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
			}
			// The same deletion through Node.Delete leaves the same file: one rule for both.
			viaDelete := deleteIn(t, tc.src, func(m *Manifest) (string, bool, error) {
				had, err := m.Delete(tc.delete)
				return "", had, err
			})
			if diff := cmp.Diff(fmt.Sprint(got.Had, got.Err, got.Saved), fmt.Sprint(viaDelete.Had, viaDelete.Err, viaDelete.Saved)); diff != "" {
				t.Errorf("%s: differs from Node.Delete(%q): -label +Delete:\n%s", tc.reason, tc.delete, diff)
			}
		})
	}
}

func TestLabelAndAnnotation(t *testing.T) {
	const src = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  labels: &common
    app.kubernetes.io/name: web
    replicas: 1
    empty: ""
    none: null
  annotations:
    <<: *common
    note: keep
`
	type read struct {
		Value string
		Had   bool
	}
	cases := []struct {
		reason string
		read   func(m *Manifest) (string, bool)
		want   read
	}{
		{"a label is read by its key, dots and slash included", func(m *Manifest) (string, bool) { return m.Label("app.kubernetes.io/name") }, read{"web", true}},
		{"a missing label is not there", func(m *Manifest) (string, bool) { return m.Label("team") }, read{"", false}},
		{"an empty label is there, empty", func(m *Manifest) (string, bool) { return m.Label("empty") }, read{"", true}},
		{"a null label is there, read as the empty string a map of strings decodes it to", func(m *Manifest) (string, bool) { return m.Label("none") }, read{"", true}},
		{"a value that is not a string reads as it is written", func(m *Manifest) (string, bool) { return m.Label("replicas") }, read{"1", true}},
		{"an annotation a << merge key supplies is read as Kubernetes reads it", func(m *Manifest) (string, bool) { return m.Annotation("app.kubernetes.io/name") }, read{"web", true}},
		{"an annotation of the map itself", func(m *Manifest) (string, bool) { return m.Annotation("note") }, read{"keep", true}},
		{"a label is not an annotation", func(m *Manifest) (string, bool) { return m.Label("note") }, read{"", false}},
	}
	mem := pod(t, map[string]string{"output/m.yaml": src})
	k := kratixOn(t, mem, nil)
	mf, err := k.Output.Open("m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := mf.Manifests()[0]
	for _, tc := range cases {
		var got read
		got.Value, got.Had = tc.read(m)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
		}
	}
}

func TestSetLabelAndAnnotation(t *testing.T) {
	const plain = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web # the app's config
  labels:
    team: a
`
	cases := []struct {
		reason string
		src    string
		set    func(m *Manifest) error
		set2   string // the same edit as a Node.Set path, which must leave the same file
		value  string
		want   string
	}{
		{"a label is replaced in place, its comment-bearing neighbours kept", plain,
			func(m *Manifest) error { return m.SetLabel("team", "b") }, "metadata.labels.team", "b",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web # the app's config\n  labels:\n    team: b\n"},
		{"a key with dots and a slash is one key", plain,
			func(m *Manifest) error { return m.SetLabel("app.kubernetes.io/name", "web") }, `metadata.labels["app.kubernetes.io/name"]`, "web",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web # the app's config\n  labels:\n    team: a\n    app.kubernetes.io/name: web\n"},
		{"an annotation makes the map it needs", plain,
			func(m *Manifest) error { return m.SetAnnotation("note", "x") }, "metadata.annotations.note", "x",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web # the app's config\n  labels:\n    team: a\n  annotations:\n    note: x\n"},
		{"the same value changes nothing", plain,
			func(m *Manifest) error { return m.SetLabel("team", "a") }, "metadata.labels.team", "a", plain},
	}
	save := func(t *testing.T, src string, edit func(m *Manifest) error) string {
		t.Helper()
		mem := pod(t, map[string]string{"output/m.yaml": src})
		k := kratixOn(t, mem, nil)
		mf, err := k.Output.Open("m.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := edit(mf.Manifests()[0]); err != nil {
			return "edit: " + err.Error()
		}
		if _, err := mf.Save(); err != nil {
			return "save: " + err.Error()
		}
		commit(t, k)
		return string(mem.Files()["output/m.yaml"])
	}
	for _, tc := range cases {
		got := save(t, tc.src, tc.set)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
		}
		viaSet := save(t, tc.src, func(m *Manifest) error { return m.Set(tc.set2, tc.value) })
		if diff := cmp.Diff(got, viaSet); diff != "" {
			t.Errorf("%s: differs from Node.Set(%q): -label +Set:\n%s", tc.reason, tc.set2, diff)
		}
	}
}

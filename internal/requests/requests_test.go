package requests

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/promise"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
)

var vmPromise = &promise.Promise{File: "promise.yaml", Name: "vm", API: promise.API{Group: "example.com", Kind: "VM", Versions: []string{"v1"}}}

var files = map[string]string{
	"multi.yaml": `# a comment before the first document
apiVersion: example.com/v1
kind: VM
metadata: {name: a, namespace: team-a, labels: {env: prod}}
spec: {size: 1}
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
--- # a comment on the marker
apiVersion: example.com/v1
kind: VM
metadata: {name: b}
spec:
  size: 2.5
  tags: {on: yes}
`,
	"list.json": `{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "example.com/v1", "kind": "VM", "metadata": {"name": "c", "namespace": "team-c"}, "spec": {"big": 12345678901234567890}},
  {"apiVersion": "example.com/v2", "kind": "VM", "metadata": {"name": "d", "namespace": "team-c"}}
]}`,
	"kubectl.yaml": `apiVersion: v1
items:
- apiVersion: example.com/v1
  kind: VM
  metadata:
    name: e
    namespace: default
    uid: 0b1e
    resourceVersion: "42"
  spec: {}
  status: {message: Resource requested}
kind: List
metadata:
  resourceVersion: ""
`,
}

// The real thing decides what a file holds: apimachinery's YAMLOrJSONDecoder (what kubectl
// apply reads) must find the same objects, field for field.
func TestLoadReadsWhatKubectlReads(t *testing.T) {
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Load([]string{dir}, nil, vmPromise)
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]any
	for _, name := range []string{"kubectl.yaml", "list.json", "multi.yaml"} {
		dec := k8syaml.NewYAMLOrJSONDecoder(strings.NewReader(files[name]), 4096)
		for {
			var obj map[string]any
			if err := dec.Decode(&obj); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if obj == nil {
				continue
			}
			items, _ := obj["items"].([]any)
			if obj["kind"] == "List" {
				for _, it := range items {
					want = append(want, it.(map[string]any))
				}
				continue
			}
			want = append(want, obj)
		}
	}
	var kept []map[string]any
	for _, o := range want {
		if o["kind"] == "VM" && strings.HasPrefix(o["apiVersion"].(string), "example.com/") {
			kept = append(kept, o)
		}
	}
	if len(set.Requests) != len(kept) || set.Other != len(want)-len(kept) {
		t.Fatalf("%d requests and %d others, apimachinery finds %d and %d", len(set.Requests), set.Other, len(kept), len(want)-len(kept))
	}
	byName := map[string]map[string]any{}
	for _, o := range kept {
		byName[o["metadata"].(map[string]any)["name"].(string)] = o
	}
	for _, r := range set.Requests {
		got := normalize(t, r.Object)
		// What Load adds, as the API server and Kratix would: the namespace and Kratix's label.
		meta := got["metadata"].(map[string]any)
		labels := meta["labels"].(map[string]any)
		if labels[PromiseLabel] != "vm" || meta["namespace"] != r.Namespace {
			t.Errorf("%s: want the label %s=vm and namespace %q: %v", r.ID(), PromiseLabel, r.Namespace, meta)
		}
		delete(labels, PromiseLabel)
		if len(labels) == 0 {
			delete(meta, "labels")
		}
		want := normalize(t, byName[r.Name])
		if _, had := want["metadata"].(map[string]any)["namespace"]; !had {
			delete(meta, "namespace")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-apimachinery +stagekit):\n%s", r.ID(), diff)
		}
	}
	var ids []string
	for _, r := range set.Requests {
		ids = append(ids, r.ID()+" "+filepath.Base(r.Source))
	}
	if diff := cmp.Diff([]string{"default/b multi.yaml:12", "default/e kubectl.yaml:3", "team-a/a multi.yaml:2",
		"team-c/c list.json:2", "team-c/d list.json:3"}, ids); diff != "" {
		t.Errorf("requests, sorted by namespace and name, with where they start (-want +got):\n%s", diff)
	}
}

// normalize compares values as JSON does: numbers by their text.
func normalize(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vm := func(name string) string {
		return "apiVersion: example.com/v1\nkind: VM\nmetadata: {name: " + name + "}\n"
	}
	for _, tc := range []struct {
		reason string
		paths  []string
		want   string
	}{
		{"a document that does not parse is named by file and line, its text withheld",
			[]string{write("bad.yaml", vm("a")+"---\nkind: Secret\nstringData:\n  password: *hunter2\n")}, "bad.yaml:"},
		{"the same request twice", []string{write("one.yaml", vm("a")), write("two.yaml", vm("a"))}, "VM default/a again (first at "},
		{"a request without a name", []string{write("noname.yaml", "apiVersion: example.com/v1\nkind: VM\n")}, "noname.yaml:1: VM without metadata.name"},
		{"a missing file", []string{filepath.Join(dir, "missing.yaml")}, "no such file"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			_, err := Load(tc.paths, nil, vmPromise)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error quotes the file: %v", err)
			}
		})
	}
}

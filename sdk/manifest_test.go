package sdk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nested holds Lists inside Lists: a Service in a ServiceList in a List, a ConfigMap in a List
// in a List in a List, and a plain document after them.
const nested = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceList
    items:
      - apiVersion: v1
        kind: Service
        metadata:
          name: svc-a
      - apiVersion: v1
        kind: Service
        metadata:
          name: svc-b
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm-top
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm-deep
---
apiVersion: v1
kind: Secret
metadata:
  name: plain
`

func TestManifestsInNestedLists(t *testing.T) {
	mem := pod(t, map[string]string{"output/n.yaml": nested})
	k := kratixOn(t, mem, nil)
	mf, err := k.Output.Open("n.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type where struct {
		Name  string
		Doc   int
		Items []int
		Item  int
		At    string
	}
	var got []where
	for _, m := range mf.Manifests() {
		got = append(got, where{m.Name(), m.Document(), m.ListItems(), m.ListItem(), m.At().String()})
	}
	want := []where{
		{"svc-a", 0, []int{0, 0}, 0, "output/n.yaml:7"},
		{"svc-b", 0, []int{0, 1}, 1, "output/n.yaml:11"},
		{"cm-top", 0, []int{1}, 1, "output/n.yaml:15"},
		{"cm-deep", 0, []int{2, 0, 0}, 0, "output/n.yaml:25"},
		{"plain", 1, nil, -1, "output/n.yaml:30"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the items of Lists inside Lists are the manifests, the Lists are not: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(Location{File: "output/n.yaml", Line: 28, Path: "metadata.name"}, mf.Manifests()[3].AtPath("metadata.name")); diff != "" {
		t.Errorf("AtPath inside a nested item: -want +got:\n%s", diff)
	}
}

func TestEachManifestLabelsNestedItems(t *testing.T) {
	mem := pod(t, map[string]string{"output/n.yaml": nested})
	k := kratixOn(t, mem, nil)
	var seen []string
	err := k.Output.EachManifest(func(m *Manifest) error {
		seen = append(seen, m.Kind()+"/"+m.Name())
		return m.SetLabel("team", "a")
	})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, k)
	if diff := cmp.Diff([]string{"Service/svc-a", "Service/svc-b", "ConfigMap/cm-top", "ConfigMap/cm-deep", "Secret/plain"}, seen); diff != "" {
		t.Errorf("visited -want +got:\n%s", diff)
	}
	got := files(mem)["output/n.yaml"]
	if n := strings.Count(got, "team: a"); n != 5 {
		t.Errorf("%d objects labelled, want the 5 objects (not the Lists):\n%s", n, got)
	}
	k2 := kratixOn(t, mem, nil)
	if err := k2.Output.EachManifest(func(m *Manifest) error {
		if m.Labels()["team"] != "a" {
			t.Errorf("%s %s: not labelled after save", m.At(), m.Name())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRemoveAtEveryDepth(t *testing.T) {
	tests := []struct {
		reason string
		remove []string // names of the manifests to remove
		left   []string // names of the manifests left
	}{
		{"an item of a List inside a List", []string{"svc-a"}, []string{"svc-b", "cm-top", "cm-deep", "plain"}},
		{"items at several depths of one document, and a whole document",
			[]string{"svc-b", "cm-top", "cm-deep", "plain"}, []string{"svc-a"}},
		{"every item of an inner List, the outer List keeps its other items",
			[]string{"svc-a", "svc-b"}, []string{"cm-top", "cm-deep", "plain"}},
		{"the deepest item, next to nothing", []string{"cm-deep"}, []string{"svc-a", "svc-b", "cm-top", "plain"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			mem := pod(t, map[string]string{"output/n.yaml": nested})
			k := kratixOn(t, mem, nil)
			err := k.Output.EachManifest(func(m *Manifest) error {
				for _, n := range tc.remove {
					if m.Name() == n {
						m.Remove()
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, k)
			var left []string
			k2 := kratixOn(t, mem, nil)
			if err := k2.Output.EachManifest(func(m *Manifest) error {
				left = append(left, m.Name())
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.left, left); diff != "" {
				t.Errorf("left -want +got:\n%s\nfile:\n%s", diff, files(mem)["output/n.yaml"])
			}
			if got := files(mem)["output/n.yaml"]; !strings.Contains(got, "kind: ServiceList") {
				t.Errorf("a List itself was removed:\n%s", got)
			}
		})
	}
}

func ExampleManifest_ListItems() {
	k := New(context.Background(), pod(nilT{}, map[string]string{"output/n.yaml": nested}), Env{}, nil)
	f, _ := k.Output.Open("n.yaml")
	for _, m := range f.Manifests() {
		fmt.Println(m.Kind(), m.Name(), m.Document(), m.ListItems())
	}
	// Output:
	// Service svc-a 0 [0 0]
	// Service svc-b 0 [0 1]
	// ConfigMap cm-top 0 [1]
	// ConfigMap cm-deep 0 [2 0 0]
	// Secret plain 1 []
}

// nilT lets an Example use the test helpers; it fails loudly instead of reporting.
type nilT struct{ testing.TB }

func (nilT) Helper()                      {}
func (nilT) Fatal(args ...any)            { panic(fmt.Sprint(args...)) }
func (nilT) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

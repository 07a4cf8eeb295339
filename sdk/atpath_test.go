package sdk

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Object.AtPath and Manifest.AtPath name the same line for the same field: the line of its key,
// or of its closest existing parent's key.
func TestAtPath(t *testing.T) {
	obj, err := ParseObject([]byte(requestYAML), Env{})
	if err != nil {
		t.Fatal(err)
	}
	mem := pod(t, map[string]string{"output/objects.yaml": "# rendered\n---\n" + requestYAML})
	k := kratixOn(t, mem, nil)
	mf, err := k.Output.Open("objects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := mf.Manifests()[0]
	const shift = 2 // the manifest's document starts two lines down its file
	cases := []struct {
		reason string
		path   string
		line   int // in requestYAML
	}{
		{"a field that exists: its key's line", "spec.size", 15},
		{"a map that exists: its key's line, not its first entry's", "spec.labels", 12},
		{"a missing field: the line of its parent's key (spec:), not of the first key under it", "spec.database", 6},
		{"a missing field deeper down: the closest parent that exists", "spec.database.name", 6},
		{"under a map that exists", "spec.labels.owner", 12},
		{"an escaped dot is part of the key, not a step", `spec.labels.team\.name`, 12},
		{"a list item", "spec.ports[1]", 11},
		{"an item past the end: the list's key", "spec.ports[7]", 11},
		{"a missing top-level key: the object's first line", "data", 1},
		{"a malformed path: the object's first line", "spec..size", 1},
	}
	for _, tc := range cases {
		want := Location{File: ObjectFile, Line: tc.line, Path: tc.path}
		if diff := cmp.Diff(want, obj.AtPath(tc.path)); diff != "" {
			t.Errorf("Object: %s: -want +got:\n%s", tc.reason, diff)
		}
		want = Location{File: "output/objects.yaml", Line: tc.line + shift, Path: tc.path}
		if diff := cmp.Diff(want, m.AtPath(tc.path)); diff != "" {
			t.Errorf("Manifest: %s: -want +got:\n%s", tc.reason, diff)
		}
	}
}

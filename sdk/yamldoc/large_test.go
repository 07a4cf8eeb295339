package yamldoc

import (
	"bytes"
	"strings"
	"testing"
)

// largeList is a document whose items list holds n values, one a line, as Helm and kubectl
// write a list.
func largeList(n int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\nitems:\n")
	for range n {
		b.WriteString("- 0\n")
	}
	return b.Bytes()
}

// bigNodes is more values than the fixed budget of visited nodes (1<<20) that yamldoc once
// had: a document that size was refused as an alias bomb by Value, JSON, Set of a copy and
// the read-back check of Bytes, though it had no alias.
const bigNodes = 1<<20 + 1000

// TestLargeDocumentWithoutAliases: a document with no alias is never refused as an alias bomb,
// whatever its size: Kubernetes' reader (goyaml.v2) only limits what is decoded through
// aliases.
func TestLargeDocumentWithoutAliases(t *testing.T) {
	src := largeList(bigNodes)
	f, err := Parse("big.yaml", src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	root := f.Docs()[0].Root()
	v, err := root.Value()
	if err != nil {
		t.Fatalf("Value: %v", err)
	}
	if items := v.(map[string]any)["items"].([]any); len(items) != bigNodes {
		t.Fatalf("%d items, want %d", len(items), bigNodes)
	}
	js, err := root.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if !bytes.HasSuffix(js, []byte(",0,0]}")) {
		t.Fatalf("JSON ends %q", js[len(js)-20:])
	}
	items, err := root.Lookup("items")
	if err != nil {
		t.Fatal(err)
	}
	if err := root.Set("copy", items); err != nil {
		t.Fatalf("Set(a copy of the list): %v", err)
	}
	if err := root.Set("metadata.labels.a", "b"); err != nil {
		t.Fatal(err)
	}
	out, err := f.Bytes()
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	if f.wholeRenders != 0 {
		t.Fatal("the document was re-rendered whole")
	}
	if !strings.HasPrefix(string(out), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  labels:\n    a: b\nitems:\n- 0\n") ||
		!bytes.Contains(out[len(src):], []byte("- 0\ncopy:\n- 0\n")) {
		t.Fatalf("Bytes starts %q, ends %q", out[:100], out[len(out)-40:])
	}
}

// TestLargeSlowDocumentWithoutAliases: the same on the yaml.v3 path, which reads every
// document it parses as Kubernetes would (checkReading): its size alone is never a reason to
// refuse it. The tree is built here; yaml.v3 and goyaml.v2 would take seconds on it.
func TestLargeSlowDocumentWithoutAliases(t *testing.T) {
	items := make([]*node, bigNodes)
	zero := &node{kind: ScalarKind, tid: idInt, value: "0", line: 2, col: 3}
	for i := range items {
		items[i] = zero
	}
	root := &node{kind: MapKind, tid: idMap, line: 1, col: 1, children: []*node{
		{kind: ScalarKind, tid: idStr, value: "items", line: 1, col: 1},
		{kind: SeqKind, tid: idSeq, line: 2, col: 1, children: items},
	}}
	v, err := checkReading(root, false)
	if err != nil {
		t.Fatalf("checkReading: %v", err)
	}
	if got := len(v.(map[string]any)["items"].([]any)); got != bigNodes {
		t.Fatalf("%d items, want %d", got, bigNodes)
	}
}

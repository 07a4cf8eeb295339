package enforcetags

import (
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds the golden inputs of one extension to a fuzz corpus.
func seedFiles(f *testing.F, suffix string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "output-before", "*"+suffix))
	files2, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "output-before", "*", "*", "*"+suffix))
	for _, p := range append(files, files2...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "kratix.io/promise", "vm")
		}
	}
}

// fuzzEditor checks an editor on any input: it never panics, and what it writes, edited
// again, changes nothing (the second run of a pipeline must be a no-op).
func fuzzEditor(t *testing.T, name string, edit func(string, []byte, Enforcement) (*Edit, error), src []byte, key, value string) {
	if hclText(key) != nil || hclText(value) != nil {
		return // refused by the settings (see hclText)
	}
	e := Enforcement{Tags: []Tag{{"managed-by", "kratix"}, {key, value}}, Attribute: "tags"}
	if key == "managed-by" || key == "" {
		e.Tags = e.Tags[:1]
	}
	ed, err := edit(name, src, e)
	if err != nil || ed.Out == nil {
		return
	}
	again, err := edit(name, ed.Out, e)
	if err != nil {
		t.Fatalf("the edited file does not edit again: %v\nedited:\n%s", err, ed.Out)
	}
	if again.Out != nil {
		t.Fatalf("a second edit changed the file again:\nfirst:\n%s\nsecond:\n%s", ed.Out, again.Out)
	}
}

func FuzzEditJSON(f *testing.F) {
	seedFiles(f, ".tf.json")
	f.Add([]byte(`{"module":[{"a":{"tags":null}},{"b":{"tags":{"x":1}}}]}`), "k", "v")
	f.Add([]byte(`{"module":{"a":{"instance_tags":{},"tags":{"managed-by":["x"]}}}}`), "a.b/c:d", "")
	f.Fuzz(func(t *testing.T, src []byte, key, value string) {
		fuzzEditor(t, "main.tf.json", editJSON, src, key, value)
	})
}

func FuzzEditHCL(f *testing.F) {
	seedFiles(f, ".tf")
	f.Add([]byte("module \"m\" {\n  tags = merge(var.a, { x = 1 })\n  instance_tags = var.b\n}\n"), "k", "${x}")
	f.Add([]byte("module \"m\" {\n  tags = { a = \"b\" /* c */ }\n}\n"), "true", "%{if}")
	f.Add([]byte("module \"m\" {\n  tags = {\n    # c\n  }\n  volume_tags = merge(\n    var.a,\n  )\n}\n"), "k\"q", "v\nw")
	f.Fuzz(func(t *testing.T, src []byte, key, value string) {
		fuzzEditor(t, "main.tf", editHCL, src, key, value)
	})
}

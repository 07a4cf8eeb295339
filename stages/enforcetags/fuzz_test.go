package enforcetags

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stagekit/stagekit/internal/tfcheck"
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

// fuzzEditor checks an editor on any input: it never panics, what it writes, edited again,
// changes nothing (the second run of a pipeline must be a no-op), and Terraform finds no error
// in the edited file that it did not find in the input (init, validate; fmt -check when the
// input was in canonical format): an edit of a valid file is valid. Inputs Terraform refuses
// whatever they hold (a module label that is no identifier, a module without source) are left
// out of that check.
func fuzzEditor(t *testing.T, tf *tfcheck.Fuzz, name string, edit func(string, []byte, Enforcement) (*Edit, error), src []byte, key, value string) {
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
	before := tfcheck.Config{Name: "before", Files: map[string]string{name: string(src)}}
	if tfcheck.CertainlyInvalid(before) != "" {
		return // Terraform refuses the input whatever the edit does
	}
	tf.Check(t, []any{src, key, value}, []tfcheck.Config{
		before,
		{Name: "after", Files: map[string]string{name: string(ed.Out)}},
	}, func(rs []tfcheck.Result) []string {
		before, after := rs[0], rs[1]
		if before.Unsupported != "" {
			return nil // needs a provider: Terraform cannot tell offline
		}
		// Every error Terraform finds after the edit, it found before it: the edit adds none.
		had := map[string]int{}
		for _, d := range before.Errors {
			had[d.Summary]++
		}
		var problems []string
		for _, d := range after.Errors {
			if had[d.Summary] == 0 {
				problems = append(problems, "the edit added: "+d.String())
			}
			had[d.Summary]--
		}
		if len(after.Unformatted) > 0 && len(before.Unformatted) == 0 {
			problems = append(problems, name+": the edit took the file out of canonical format (terraform fmt -check)")
		}
		if len(problems) > 0 {
			problems = append(problems, "input:\n"+string(src), "edited:\n"+string(ed.Out))
		}
		return problems
	})
}

func FuzzEditJSON(f *testing.F) {
	seedFiles(f, ".tf.json")
	f.Add([]byte(`{"module":[{"a":{"tags":null}},{"b":{"tags":{"x":1}}}]}`), "k", "v")
	f.Add([]byte(`{"module":{"a":{"instance_tags":{},"tags":{"managed-by":["x"]}}}}`), "a.b/c:d", "")
	f.Add([]byte(`{"module": {"b": [{"source": "./mod", "tags": {"lit": "$${lit}"}}]}}`), "lit", "${lit}")
	f.Add([]byte(`{"module": {"m": {"source": "./mod", "tags": {"owner": "a"}, "volume_tags": {}}}}`), "owner", "${var.x} %{if}")
	f.Add([]byte("{\"module\": {\"m\": {\"source\": \"a\\/b\", \"tags\": {\"x\": \"\x7f\u0085\\ud83d\\ude00\"}}}}"), "k", "\x7f\u0085\ufffe")
	tf := tfcheck.NewFuzz(f)
	f.Fuzz(func(t *testing.T, src []byte, key, value string) {
		fuzzEditor(t, tf, "main.tf.json", editJSON, src, key, value)
	})
	tf.Flush(f)
}

func FuzzEditHCL(f *testing.F) {
	seedFiles(f, ".tf")
	f.Add([]byte("module \"m\" {\n  tags = merge(var.a, { x = 1 })\n  instance_tags = var.b\n}\n"), "k", "${x}")
	f.Add([]byte("module \"m\" {\n  tags = { a = \"b\" /* c */ }\n}\n"), "true", "%{if}")
	f.Add([]byte("module \"m\" {\n  tags = {\n    # c\n  }\n  volume_tags = merge(\n    var.a,\n  )\n}\n"), "k\"q", "v\nw")
	f.Add([]byte("module \"m\" {\n  source = \"./x\"\n  tags   = {}\n}\n"), "for", "${x}")
	tf := tfcheck.NewFuzz(f)
	f.Fuzz(func(t *testing.T, src []byte, key, value string) {
		fuzzEditor(t, tf, "main.tf", editHCL, src, key, value)
	})
	tf.Flush(f)
}

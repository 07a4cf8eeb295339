package tfcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// ExpectedErrors is the file of a golden case listing the Terraform errors its output is meant
// to have, one per line, each the start of one line of Result.Problems, in order. A case
// without it must give output Terraform accepts.
const ExpectedErrors = "terraform-errors"

// CheckGoldens runs Terraform over the expected output of every golden case under dir (the
// layout of sdk/stagetest.Golden: <case>/expected/output, <case>/output-before) in one batch.
// A case whose output Terraform rejects fails, unless its ExpectedErrors file lists exactly
// those errors. A .tf file terraform fmt would change fails too, unless the file was already
// so before the stage ran (a stage editing a file keeps its layout). vars gives, per case
// directory, the variables of the modules its output calls. It returns the number of cases
// Terraform checked.
func (tf *Terraform) CheckGoldens(t *testing.T, dir string, vars func(caseDir string) Variables) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type goldenCase struct {
		name, dir string
		want      []string
	}
	var cases []goldenCase
	var cfgs []Config
	for _, e := range ents {
		caseDir := filepath.Join(dir, e.Name())
		out := stagetest.ReadTree(t, filepath.Join(caseDir, "expected", "output"))
		if !e.IsDir() || !hasTerraform(out) {
			if _, err := os.Stat(filepath.Join(caseDir, ExpectedErrors)); err == nil {
				t.Errorf("%s: %s lists Terraform errors, but the case writes no Terraform file", e.Name(), ExpectedErrors)
			}
			continue
		}
		c := goldenCase{name: e.Name(), dir: caseDir}
		if b, err := os.ReadFile(filepath.Join(caseDir, ExpectedErrors)); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					c.want = append(c.want, l)
				}
			}
		}
		cases = append(cases, c)
		cfgs = append(cfgs, Config{Name: c.name, Files: out, Variables: vars(caseDir)},
			Config{Name: c.name + " (before)", Files: stagetest.ReadTree(t, filepath.Join(caseDir, "output-before")), FormatOnly: true})
	}
	if len(cases) == 0 {
		t.Fatalf("no golden case under %s writes a Terraform file", dir)
	}
	results := tf.Check(t, cfgs, Declare)
	for i, c := range cases {
		out, before := results[2*i], results[2*i+1]
		if out.Unsupported != "" {
			t.Errorf("%s: Terraform cannot check the output offline: %s", c.name, out.Unsupported)
			continue
		}
		keptLayout := map[string]bool{}
		for _, f := range before.Unformatted {
			keptLayout[f] = true
		}
		var got []string
		for _, d := range out.Errors {
			got = append(got, d.String())
		}
		for _, f := range out.Unformatted {
			if !keptLayout[f] {
				got = append(got, f+": terraform fmt -check: not in canonical format")
			}
		}
		if !matches(c.want, got) {
			if len(c.want) == 0 {
				t.Errorf("%s: Terraform rejects the expected output (list the errors in %s if the case means it):\n%s", c.name, ExpectedErrors, strings.Join(got, "\n"))
			} else {
				t.Errorf("%s: Terraform's errors differ from %s: -want +got:\n%s", c.name, ExpectedErrors, cmp.Diff(c.want, got))
			}
		}
	}
	return len(cases)
}

// matches reports whether every got line starts with the want line at its position.
func matches(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			return false
		}
	}
	return true
}

func hasTerraform(files map[string]string) bool {
	for n := range files {
		if strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json") {
			return true
		}
	}
	return false
}

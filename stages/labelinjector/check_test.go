package labelinjector

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		reason string
		cfg    Config
		errs   []string
		dirs   map[string]bool
	}{
		{"no component directory, nothing to say", Config{IncludeTemplates: true}, nil, map[string]bool{}},
		{"component directories spelled every way the work-writer accepts are one directory each",
			Config{ComponentDirs: []string{"platform", "./platform/", "platform//", "platform/.", "x/../dbs"}},
			nil, map[string]bool{"platform": true, "dbs": true}},
		{"a path, the default group and all of the output name no component directory; every problem is reported",
			Config{ComponentDirs: []string{"platform/db", ".", "/", ".."}}, []string{
				`COMPONENT_DIRS (--component-dirs): "platform/db" must be one top-level directory of /kratix/output (like platform), not a path`,
				`COMPONENT_DIRS (--component-dirs): "." names no directory (it is the default group): give one top-level directory of /kratix/output, like platform`,
				`COMPONENT_DIRS (--component-dirs): "/" names all of /kratix/output: give one top-level directory of it, like platform`,
				`COMPONENT_DIRS (--component-dirs): ".." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`,
			}, map[string]bool{}},
		{"selectors without templates, and LABELS keys the stage owns or Kubernetes refuses, all at once",
			Config{IncludeSelectors: true, Labels: map[string]string{LabelManagedBy: "me", "team": "a", "Bad_Prefix/k": "v"}}, []string{
				"INCLUDE_SELECTORS (--include-selectors): true needs INCLUDE_TEMPLATES=true: selectors carrying labels the pod templates lack match no pod, and the API server refuses such workloads",
				`LABELS (--labels): "Bad_Prefix/k" is not a valid label key: the prefix "Bad_Prefix" must be a DNS subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit`,
				"LABELS (--labels): sets app.kubernetes.io/managed-by: set MANAGED_BY instead",
			}, map[string]bool{}},
	}
	for _, tc := range cases {
		cfg := tc.cfg
		err := cfg.Check(sdk.Env{})
		var got []string
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				got = append(got, e.Error())
			}
			if !sdk.IsMisconfigured(err) {
				t.Errorf("%s: %v is not a configuration error", tc.reason, err)
			}
		}
		if diff := cmp.Diff(tc.errs, got); diff != "" {
			t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
		}
		if diff := cmp.Diff(tc.dirs, cfg.dirs); diff != "" {
			t.Errorf("%s: component directories -want +got:\n%s", tc.reason, diff)
		}
	}
}

// TestComponentDirsSpelledAsTheWorkWriterReadsThem runs the component-dirs-get-parent-labels
// golden case with COMPONENT_DIRS spelled the other ways the work-writer reads as platform: the
// output is the golden's.
func TestComponentDirsSpelledAsTheWorkWriterReadsThem(t *testing.T) {
	dir := "testdata/golden/component-dirs-get-parent-labels"
	read := func(area string) map[string]string {
		files := map[string]string{}
		root := filepath.Join(dir, area)
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	before, want := read("output-before"), read("expected/output")
	if len(want) < 3 {
		t.Fatalf("the golden case has %d expected files", len(want))
	}
	env := map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
		"KRATIX_PROMISE_NAME": "workshop-app", "KRATIX_OBJECT_NAME": "my-app", "KRATIX_OBJECT_NAMESPACE": "default"}
	for _, spelled := range []string{"./platform/", "platform//", "platform/."} {
		env["COMPONENT_DIRS"] = spelled
		res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: env, Output: before})
		if res.ExitCode != 0 {
			t.Fatalf("COMPONENT_DIRS=%s: exit %d:\n%s", spelled, res.ExitCode, res.Logs)
		}
		if diff := cmp.Diff(want, res.Files("output")); diff != "" {
			t.Errorf("COMPONENT_DIRS=%s: output -golden +got:\n%s", spelled, diff)
		}
	}
}

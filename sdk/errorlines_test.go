package sdk_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/stages/labelinjector"
)

// readsEverything is what most stages do: read a required field of the request, then every
// manifest of the output.
var readsEverything = sdk.Stage[struct{}]{Name: "reader", Run: func(k *sdk.Kratix, _ *struct{}) error {
	obj, err := k.Object()
	if err != nil {
		return err
	}
	if _, err := obj.GetString("spec.name"); err != nil {
		return err
	}
	return k.Output.EachManifest(func(*sdk.Manifest) error { return nil })
}}

const goodRequest = "apiVersion: example.com/v1\nkind: App\nmetadata:\n  name: todo\nspec:\n  name: todo\n"

// The line an error names is the line to fix, end to end: through a stage run, in the log line
// a platform engineer reads.
func TestErrorLinesThroughAStageRun(t *testing.T) {
	env := map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "app"}
	tests := []struct {
		reason string
		stage  stagetest.Runner
		fx     stagetest.Fixture
		want   string // the first ERROR line
	}{
		{"a YAML error on line 5 is reported on line 5, not on the line before",
			readsEverything, stagetest.Fixture{Object: goodRequest, Output: map[string]string{
				"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n namespace: x\n"}},
			"ERROR reader: output/app.yaml:5: did not find expected key"},
		{"the same in the request",
			readsEverything, stagetest.Fixture{Object: "apiVersion: example.com/v1\nkind: App\nmetadata:\n  name: todo\n namespace: x\nspec:\n  name: todo\n"},
			"ERROR reader: input/object.yaml:5: did not find expected key"},
		{"a prebuilt stage names the same line",
			labelinjector.Stage, stagetest.Fixture{Object: goodRequest, Output: map[string]string{
				"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n namespace: x\n"}},
			"ERROR label-injector: output/app.yaml:5: did not find expected key"},
		{"an undefined alias on line 8 is reported on line 8, not on its document's --- line",
			readsEverything, stagetest.Fixture{Object: goodRequest, Output: map[string]string{
				"app.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {password: *nope}\n"}},
			"ERROR reader: output/app.yaml:8: an alias refers to an anchor that is not defined before it"},
		{"the same through a prebuilt stage",
			labelinjector.Stage, stagetest.Fixture{Object: goodRequest, Output: map[string]string{
				"app.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {password: *nope}\n"}},
			"ERROR label-injector: output/app.yaml:8: an alias refers to an anchor that is not defined before it"},
		{"spec.name: not found names the spec: line, not the first key under spec",
			readsEverything, stagetest.Fixture{Object: "apiVersion: example.com/v1\nkind: App\nmetadata:\n  name: todo\nspec:\n  size: 3\n  image: todo\n"},
			"ERROR reader: input/object.yaml:5: spec.name: not found"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			tc.fx.Env = env
			res := stagetest.Run(t, tc.stage, tc.fx)
			if res.ExitCode != sdk.ExitRuleBroken {
				t.Errorf("exit %d, want 1", res.ExitCode)
			}
			i := slices.IndexFunc(res.LogLines(), func(l string) bool { return strings.HasPrefix(l, "ERROR ") })
			got := ""
			if i >= 0 {
				got = res.LogLines()[i]
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("first error line -want +got:\n%s\nlog:\n%s", diff, res.Logs)
			}
		})
	}
}

package labelinjector

import (
	"testing"

	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// FuzzInject runs the stage on arbitrary output files: it must never panic or hang, must end
// with exit 0 or 1, must be idempotent, and every object it labels must read back labelled.
func FuzzInject(f *testing.F) {
	seeds := []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {app: d}}\nspec:\n  selector: {matchLabels: {app: d}}\n  template: {metadata: {labels: {app: d}}}\n",
		"# comment\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  labels: [not, a, map]\n",
		"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate: &t\n    metadata: {}\n  other: *t\n",
		"apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template: null\n",
		"replicas: 2\n---\n---\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: 3\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n",
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, selectors bool) {
		env := map[string]string{}
		for k, v := range resourceEnv {
			env[k] = v
		}
		if selectors {
			env["INCLUDE_SELECTORS"] = "true"
		}
		res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: env, Output: map[string]string{"f.yaml": src}})
		if res.ExitCode != 0 && res.ExitCode != 1 {
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
		if res.ExitCode != 0 || !res.HasOutput("f.yaml") {
			return
		}
		out, err := yamldoc.Parse("f.yaml", []byte(res.Output("f.yaml")))
		if err != nil {
			t.Fatalf("the labelled file does not parse: %v\n%s", err, res.Output("f.yaml"))
		}
		for _, d := range out.Docs() {
			if d.Empty() || !isObjectNode(d.Root()) {
				continue
			}
			for _, pair := range objectPairs(d.Root(), d.Root()) {
				if !isObjectNode(pair[1]) {
					continue
				}
				v, _ := pair[1].LookupPath(fieldpath.Path{fieldpath.Key("metadata"), fieldpath.Key("labels"), fieldpath.Key(LabelResource)})
				if s, _ := v.GetString(""); s != "todo" {
					t.Fatalf("object at line %d not labelled:\n%s", pair[1].Line(), res.Output("f.yaml"))
				}
			}
		}
	})
}

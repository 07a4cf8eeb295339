package replicamigration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/sdk/stagetest"
)

// FuzzStage runs the stage on arbitrary output files (a workload file and an autoscaler file).
// It must never panic, must exit 0 or 1, must leave the files alone when it fails, and a second
// run must change nothing.
func FuzzStage(f *testing.F) {
	f.Add(deployment, "")
	f.Add(strings.Replace(deployment, "replicas: 1", "replicas: {{ .Values.n }}", 1), "")
	f.Add(deployment+"  # c\n", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: default}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 1\n")
	f.Add("apiVersion: apps/v1\nkind: List\nitems: [{apiVersion: apps/v1, kind: Deployment, metadata: {annotations: {stagekit.dev/min-replicas: \"3\"}}}]\n", "---\n---\n")
	cases, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "output-before", "*.yaml"))
	for _, c := range cases {
		if b, err := os.ReadFile(c); err == nil {
			f.Add(string(b), "")
		}
	}
	f.Fuzz(func(t *testing.T, workloads, hpas string) {
		fx := stagetest.Fixture{Output: map[string]string{"w.yaml": workloads, "h.yaml": hpas}, Metadata: map[string]string{"status.yaml": "message: x\n"}}
		res := stagetest.Idempotent(t, Stage, fx)
		if strings.Contains(res.Logs, "internal error") {
			t.Fatalf("panic recovered:\n%s", res.Logs)
		}
		switch res.ExitCode {
		case 0:
		case 1:
			out := res.Files("output")
			if out["w.yaml"] != workloads || out["h.yaml"] != hpas {
				t.Fatalf("a failed run changed the output:\n%s", res.Logs)
			}
		default:
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
	})
}

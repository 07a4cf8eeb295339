package replicamigration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// fixturesDir is the repository's testdata/; a test fails when it is missing.
func fixturesDir(t testing.TB) string { return fixtures.Require(t) }

// readDir reads every regular file under dir, by slash path relative to it.
func readDir(t testing.TB, dir string) map[string]string { return fixtures.ReadTree(t, dir) }

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var resourceConfigure = map[string]string{
	"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure",
	"KRATIX_OBJECT_NAME": "my-app", "KRATIX_OBJECT_NAMESPACE": "default",
}

// The seed scenario: the workshop-app pipeline's real output, with the status files a
// pipeline of that era left, gets replicas: 2 in the Deployment and in status; every other
// status key and every other file is kept byte for byte.
func TestSeedWorkshopApp(t *testing.T) {
	root := fixturesDir(t)
	run := filepath.Join(root, "kratix-marketplace", "pipeline-run-workshop-app")
	hack := filepath.Join(root, "derived", "app-as-a-service-hackathon-pipeline-state")
	output := readDir(t, filepath.Join(run, "output"))
	tests := []struct {
		name, reason string
		status       string
		want         map[string]any
		warnings     int
	}{
		{"pipeline-run-status", "the status the workshop pipeline itself wrote (message, createdAt) is kept",
			readFile(t, filepath.Join(run, "metadata", "status.yaml")),
			map[string]any{"createdAt": "Fri Nov 29 12:48:08 UTC 2024", "message": "my-app.local.gd:31338", "replicas": int64(2)}, 0},
		{"hackathon-after-resource-configure", "message and endpoint are kept, replicas 1 becomes 2",
			readFile(t, filepath.Join(hack, "status.after-resource-configure.yaml")),
			map[string]any{"message": "deployed to http://todoer.local.gd:31338", "endpoint": "http://todoer.local.gd:31338", "replicas": int64(2)}, 0},
		{"hackathon-after-database-configure", "the stray second document stays (the SDK warns) and the first is merged",
			readFile(t, filepath.Join(hack, "status.after-database-configure.yaml")),
			map[string]any{"message": "deployed to http://todoer.local.gd:31338", "endpoint": "http://todoer.local.gd:31338", "replicas": int64(2)}, 1},
		{"hackathon-dbdriver-none", "the same with database: 'null' appended",
			readFile(t, filepath.Join(hack, "status.after-database-configure-dbdriver-none.yaml")),
			map[string]any{"message": "deployed to http://todoer.local.gd:31338", "endpoint": "http://todoer.local.gd:31338", "replicas": int64(2)}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := stagetest.Fixture{
				Object:   readFile(t, filepath.Join(run, "input", "object.yaml")),
				Env:      resourceConfigure,
				Output:   output,
				Metadata: map[string]string{"status.yaml": tc.status, "destination-selectors.yaml": readFile(t, filepath.Join(run, "metadata", "destination-selectors.yaml"))},
			}
			res := stagetest.Idempotent(t, Stage, fx)
			if res.ExitCode != 0 {
				t.Fatalf("%s: exit %d\n%s", tc.reason, res.ExitCode, res.Logs)
			}
			got := res.Files("output")
			wantDeployment := strings.Replace(output["deployment.yaml"], "  replicas: 1\n", "  replicas: 2\n", 1)
			want := map[string]string{}
			for k, v := range output {
				want[k] = v
			}
			want["deployment.yaml"] = wantDeployment
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: output -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want, res.Status()); diff != "" {
				t.Errorf("%s: status -want +got:\n%s", tc.reason, diff)
			}
			if n := len(res.Warnings()); n != tc.warnings {
				t.Errorf("%s: %d warnings, want %d: %v", tc.reason, n, tc.warnings, res.Warnings())
			}
			// Everything after the first document is what the other stage wrote: untouched.
			if _, rest, ok := strings.Cut(tc.status, "\n---\n"); ok {
				if !strings.HasSuffix(res.Files("metadata")["status.yaml"], "\n---\n"+rest) {
					t.Errorf("%s: second status document changed:\n%s", tc.reason, res.Files("metadata")["status.yaml"])
				}
			}
		})
	}
}

// The renders with Deployments and autoscalers: istiod and the Tekton webhook are autoscaled
// (their HPAs go to minReplicas 2), the other Deployments are raised directly, and no file
// without a change is rewritten.
func TestRenderedHelmCharts(t *testing.T) {
	root := fixturesDir(t)
	rendered := filepath.Join(root, "kratix-marketplace", "rendered")
	tests := []struct {
		file, reason string
		wantExit     int
		wantStatus   map[string]any
		wantLogPart  []string
	}{
		{"istiod-helm.yaml", "istiod's HPA (minReplicas 1, maxReplicas 5) targets its Deployment: the HPA is raised, not the Deployment",
			0, map[string]any{"replicas": int64(2)}, []string{"HorizontalPodAutoscaler istio-system/istiod: minReplicas 1 -> 2"}},
		{"tekton-v0.68.1.yaml", "the webhook is autoscaled, the controller and others are raised directly",
			0, map[string]any{"replicas": int64(2)}, []string{"HorizontalPodAutoscaler tekton-pipelines/tekton-pipelines-webhook: minReplicas 1 -> 2"}},
		{"knative-serving-hpa.yaml", "a Deployment with no replicas gets replicas: 2",
			0, map[string]any{"replicas": int64(2)}, []string{"Deployment knative-serving/autoscaler-hpa: replicas unset (1) -> 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			src := readFile(t, filepath.Join(rendered, tc.file))
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: resourceConfigure, Output: map[string]string{tc.file: src}})
			if res.ExitCode != tc.wantExit {
				t.Fatalf("%s: exit %d\n%s", tc.reason, res.ExitCode, res.Logs)
			}
			if diff := cmp.Diff(tc.wantStatus, res.Status()); diff != "" {
				t.Errorf("%s: status -want +got:\n%s", tc.reason, diff)
			}
			for _, part := range tc.wantLogPart {
				if !strings.Contains(res.Logs, part) {
					t.Errorf("%s: log lacks %q:\n%s", tc.reason, part, res.Logs)
				}
			}
			if got := res.Output(tc.file); changedLines(src, got) > 4*strings.Count(res.Logs, " -> ") {
				t.Errorf("%s: %d lines changed for %d edits", tc.reason, changedLines(src, got), strings.Count(res.Logs, " -> "))
			}
		})
	}
}

// Every render runs: the stage never crashes, and either succeeds or names a file and line.
func TestEveryRenderRuns(t *testing.T) {
	rendered := filepath.Join(fixturesDir(t), "kratix-marketplace", "rendered")
	for name, src := range readDir(t, rendered) {
		t.Run(name, func(t *testing.T) {
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: resourceConfigure, Output: map[string]string{name: src}})
			t.Log(res.Logs)
			if res.ExitCode == 0 {
				return
			}
			for _, e := range res.Errors() {
				if !strings.HasPrefix(e, "output/"+name+":") {
					t.Errorf("error without file and line: %s", e)
				}
			}
		})
	}
}

// changedLines counts the lines only one side has (as multisets): an inserted line is 1.
func changedLines(a, b string) int {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]--
	}
	n := 0
	for _, c := range count {
		n += max(c, -c)
	}
	return n
}

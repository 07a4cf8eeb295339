package replicamigration

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// TestNamespacesLeftUnset: an object without metadata.namespace lands in the namespace the
// destination applies it to. An autoscaler and a workload are matched across an unset
// namespace when the output gives their kind and name one namespace at most; otherwise the
// autoscaler is refused, naming it and each workload it may or may not scale.
func TestNamespacesLeftUnset(t *testing.T) {
	dep := func(ns string) string {
		meta := "metadata: {name: web}"
		if ns != "" {
			meta = "metadata: {name: web, namespace: " + ns + "}"
		}
		return "apiVersion: apps/v1\nkind: Deployment\n" + meta + "\nspec: {replicas: 1}\n"
	}
	hpa := func(ns string) string {
		meta := "metadata: {name: web}"
		if ns != "" {
			meta = "metadata: {name: web, namespace: " + ns + "}"
		}
		return "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n" + meta +
			"\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n"
	}
	tests := []struct {
		name, reason string
		output       map[string]string
		// raised lists the files whose Deployment is raised (the others are left to an
		// autoscaler); hpaRaised says whether hpa.yaml's minReplicas went up.
		raised    []string
		hpaRaised bool
		wantErr   string // the start of the one error, when the run is refused
	}{
		{"both-unset", "an autoscaler and a workload both without a namespace land in the same one",
			map[string]string{"a.yaml": dep(""), "hpa.yaml": hpa("")}, nil, true, ""},
		{"hpa-unset", "the autoscaler lands in default, the only namespace the Deployment has",
			map[string]string{"a.yaml": dep("default"), "hpa.yaml": hpa("")}, nil, true, ""},
		{"deployment-unset", "the Deployment lands in team-a, the only namespace the output gives it",
			map[string]string{"a.yaml": dep(""), "hpa.yaml": hpa("team-a")}, nil, true, ""},
		{"both-set-differ", "two namespaces written out: two objects, the Deployment is raised itself",
			map[string]string{"a.yaml": dep("default"), "hpa.yaml": hpa("other")}, []string{"a.yaml"}, false, ""},
		{"hpa-unset-two-namespaces", "default or prod: the stage cannot tell which one the autoscaler scales",
			map[string]string{"a.yaml": dep("default"), "b.yaml": dep("prod"), "hpa.yaml": hpa("")}, nil, false,
			"output/hpa.yaml:1: cannot tell whether HorizontalPodAutoscaler web (no namespace) scales Deployment default/web at output/a.yaml:1, nor whether it scales Deployment prod/web at output/b.yaml:1"},
		{"unset-and-set-deployments", "prod is the one namespace the output gives Deployment web: the unset objects are taken to land there, so the autoscaler scales both",
			map[string]string{"a.yaml": dep(""), "b.yaml": dep("prod"), "hpa.yaml": hpa("")}, nil, true, ""},
		{"other-autoscaler-names-a-namespace", "an autoscaler in prod names the Deployment too: the unset one may be in prod or not",
			map[string]string{"a.yaml": dep(""), "hpa.yaml": hpa("default"), "prod.yaml": hpa("prod")}, nil, false,
			"output/hpa.yaml:1: cannot tell whether HorizontalPodAutoscaler default/web scales Deployment web (no namespace) at output/a.yaml:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Output: tc.output})
			if tc.wantErr != "" {
				errs := res.Errors()
				if res.ExitCode != 1 || len(errs) == 0 || !strings.HasPrefix(errs[0], tc.wantErr) {
					t.Fatalf("%s: exit %d, errors %q; want exit 1 and an error starting %q", tc.reason, res.ExitCode, errs, tc.wantErr)
				}
				if diff := cmp.Diff(tc.output, res.Files("output")); diff != "" {
					t.Errorf("%s: a refused run changed the output -before +after:\n%s", tc.reason, diff)
				}
				return
			}
			if res.ExitCode != 0 {
				t.Fatalf("%s: exit %d\n%s", tc.reason, res.ExitCode, res.Logs)
			}
			var raised []string
			for _, f := range []string{"a.yaml", "b.yaml"} {
				if res.HasOutput(f) && strings.Contains(res.Output(f), "replicas: 2") {
					raised = append(raised, f)
				}
			}
			if diff := cmp.Diff(tc.raised, raised); diff != "" {
				t.Errorf("%s: raised Deployments -want +got:\n%s", tc.reason, diff)
			}
			if got := strings.Contains(res.Output("hpa.yaml"), "minReplicas: 2"); got != tc.hpaRaised {
				t.Errorf("%s: autoscaler raised %v, want %v:\n%s", tc.reason, got, tc.hpaRaised, res.Output("hpa.yaml"))
			}
		})
	}
}

package replicamigration

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
`

func TestSettings(t *testing.T) {
	tests := []struct {
		name, reason string
		env          map[string]string
		args         []string
		wantExit     int
		wantErrors   []string
	}{
		{"defaults", "no setting at all raises Deployments to 2", nil, nil, 0, nil},
		{"min-replicas-negative", "a negative minimum is a misconfiguration, not a no-op",
			map[string]string{"MIN_REPLICAS": "-1"}, nil, 2,
			[]string{"MIN_REPLICAS (--min-replicas): -1 is below 1; a minimum of 0 would raise nothing"}},
		{"kinds-daemonset", "DaemonSets have no replicas",
			map[string]string{"KINDS": "Deployment,DaemonSet"}, nil, 2,
			[]string{`KINDS (--kinds): "DaemonSet" is not one of Deployment, StatefulSet, ReplicaSet`}},
		{"kinds-case-insensitive", "kinds are matched the way the tag spells them", map[string]string{"KINDS": "deployment"}, nil, 0, nil},
		{"require-workload-not-bool", "booleans are true or false",
			map[string]string{"REQUIRE_WORKLOAD": "yes"}, nil, 2,
			[]string{`REQUIRE_WORKLOAD (--require-workload): "yes" is not a boolean (true or false)`}},
		{"status-field-kratix", "Kratix owns status.kratix",
			map[string]string{"STATUS_FIELD": "kratix"}, nil, 2,
			[]string{`STATUS_FIELD (--status-field): "kratix" cannot hold a replica count (Kratix owns kratix and types message and conditions); pick another key or leave it empty`}},
		{"flag-overrides-env", "a flag wins over the env var", map[string]string{"MIN_REPLICAS": "0"}, []string{"--min-replicas=3"}, 0, nil},
		{"two-problems-at-once", "every setting problem is reported in one run",
			map[string]string{"MIN_REPLICAS": "0", "STATUS_FIELD": "conditions"}, nil, 2,
			[]string{
				"MIN_REPLICAS (--min-replicas): 0 is below 1; a minimum of 0 would raise nothing",
				`STATUS_FIELD (--status-field): "conditions" cannot hold a replica count (Kratix owns kratix and types message and conditions); pick another key or leave it empty`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := stagetest.Run(t, Stage, stagetest.Fixture{Env: tc.env, Args: tc.args, Output: map[string]string{"app.yaml": deployment}})
			if res.ExitCode != tc.wantExit {
				t.Errorf("%s: exit %d, want %d\n%s", tc.reason, res.ExitCode, tc.wantExit, res.Logs)
			}
			if diff := cmp.Diff(tc.wantErrors, res.Errors()); diff != "" {
				t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
			}
			if tc.wantExit != 0 && res.Output("app.yaml") != deployment {
				t.Errorf("%s: a misconfigured run changed the output", tc.reason)
			}
		})
	}
}

// STATUS_FIELD="" disables the status (the README says so), and a flag wins over the env var
// whatever either holds: flag, then env, then default.
func TestStatusFieldPrecedence(t *testing.T) {
	tests := []struct {
		reason string
		env    map[string]string
		args   []string
		want   map[string]any
	}{
		{"the default writes status.replicas", nil, nil, map[string]any{"replicas": int64(2)}},
		{"an empty env var disables the status", map[string]string{"STATUS_FIELD": ""}, nil, map[string]any{}},
		{"blanks disable it too", map[string]string{"STATUS_FIELD": "  "}, nil, map[string]any{}},
		{"a flag wins over an empty env var", map[string]string{"STATUS_FIELD": ""}, []string{"--status-field", "replicas"}, map[string]any{"replicas": int64(2)}},
		{"a flag naming another key wins over an empty env var", map[string]string{"STATUS_FIELD": ""}, []string{"--status-field=ready"}, map[string]any{"ready": int64(2)}},
		{"an empty flag wins over the env var", map[string]string{"STATUS_FIELD": "ready"}, []string{"--status-field="}, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			res := stagetest.Run(t, Stage, stagetest.Fixture{Env: tc.env, Args: tc.args, Output: map[string]string{"app.yaml": deployment}})
			if res.ExitCode != 0 {
				t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
			}
			if diff := cmp.Diff(tc.want, res.Status()); diff != "" {
				t.Errorf("status -want +got:\n%s", diff)
			}
		})
	}
}

func TestFinalReplicas(t *testing.T) {
	tests := []struct {
		name, reason string
		env          map[string]string
		output       map[string]string
		wantStatus   map[string]any
		wantReplicas map[string]string // file → the replicas line it must hold
	}{
		{"list-and-document", "a *List item and a document in two files are both raised; status is their minimum",
			nil,
			map[string]string{
				"a.yaml": "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n  spec: {replicas: 1}\n",
				"b.yaml": strings.Replace(deployment, "replicas: 1", "replicas: 7", 1),
			},
			map[string]any{"replicas": int64(2)},
			map[string]string{"a.yaml": "spec: {replicas: 2}", "b.yaml": "replicas: 7"}},
		{"replicaset", "ReplicaSet in KINDS is raised like a Deployment",
			map[string]string{"KINDS": "ReplicaSet"},
			map[string]string{"rs.yaml": strings.Replace(deployment, "Deployment", "ReplicaSet", 1)},
			map[string]any{"replicas": int64(2)},
			map[string]string{"rs.yaml": "replicas: 2"}},
		{"hpa-without-api-version", "an autoscaling/v1 scaleTargetRef with no apiVersion still matches by kind and name",
			nil,
			map[string]string{"app.yaml": deployment + "---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: default\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: web\n  maxReplicas: 1\n"},
			map[string]any{"replicas": int64(2)},
			map[string]string{"app.yaml": "  replicas: 1\n"}},
		{"hpa-targets-other-group", "an HPA naming a Deployment of another API group does not scale the apps one",
			nil,
			map[string]string{"app.yaml": deployment + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: default\nspec:\n  scaleTargetRef:\n    apiVersion: example.com/v1\n    kind: Deployment\n    name: web\n  minReplicas: 1\n  maxReplicas: 1\n"},
			map[string]any{"replicas": int64(2)},
			map[string]string{"app.yaml": "  replicas: 2\n"}},
		{"null-replicas", "replicas: null is the Kubernetes default, 1",
			nil,
			map[string]string{"app.yaml": strings.Replace(deployment, "replicas: 1", "replicas: null", 1)},
			map[string]any{"replicas": int64(2)},
			map[string]string{"app.yaml": "replicas: 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: tc.env, Output: tc.output})
			if res.ExitCode != 0 {
				t.Fatalf("%s: exit %d\n%s", tc.reason, res.ExitCode, res.Logs)
			}
			if diff := cmp.Diff(tc.wantStatus, res.Status()); diff != "" {
				t.Errorf("%s: status -want +got:\n%s", tc.reason, diff)
			}
			for file, line := range tc.wantReplicas {
				if got := res.Output(file); !strings.Contains(got, line) {
					t.Errorf("%s: %s lacks %q:\n%s", tc.reason, file, line, got)
				}
			}
		})
	}
}

// A failed run leaves every file as it was, even when other files were fine.
func TestErrorsWriteNothing(t *testing.T) {
	fx := stagetest.Fixture{
		Output: map[string]string{
			"ok.yaml":  deployment,
			"bad.yaml": strings.Replace(deployment, "replicas: 1", `replicas: "3"`, 1),
		},
		Metadata: map[string]string{"status.yaml": "message: hi\n"},
	}
	res := stagetest.Idempotent(t, Stage, fx)
	want := []string{`output/bad.yaml:7: spec.replicas: want an integer, got a string (Deployment default/web); write a plain number of replicas — the stage does not guess`}
	if diff := cmp.Diff(want, res.Errors()); diff != "" {
		t.Errorf("errors -want +got:\n%s", diff)
	}
	if res.ExitCode != sdk.ExitRuleBroken {
		t.Errorf("exit %d, want 1", res.ExitCode)
	}
	if diff := cmp.Diff(fx.Output, res.Files("output")); diff != "" {
		t.Errorf("output changed -before +after:\n%s", diff)
	}
	if diff := cmp.Diff(fx.Metadata, res.Files("metadata")); diff != "" {
		t.Errorf("metadata changed -before +after:\n%s", diff)
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var out strings.Builder
	Stage.Execute(sdk.Invocation{Args: []string{"--help"}, Stdout: &out})
	for _, s := range []string{"MIN_REPLICAS", "KINDS", "STATUS_FIELD", "REQUIRE_WORKLOAD"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("--help lacks %s:\n%s", s, out.String())
		}
	}
}

package main

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

func request(t *testing.T) string {
	b, err := os.ReadFile("testdata/request.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWritesDeploymentServiceStatusAndSelector(t *testing.T) {
	res := stagetest.Idempotent(t, stage, stagetest.Fixture{Object: request(t), Env: map[string]string{"ENVIRONMENT": "prod"}})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	want := `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: todo
  name: todo
  namespace: team-a
spec:
  selector:
    matchLabels:
      app: todo
  template:
    metadata:
      labels:
        app: todo
    spec:
      containers:
      - image: ghcr.io/example/todo:1.4.2
        name: app
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  labels:
    app: todo
  name: todo
  namespace: team-a
spec:
  ports:
  - port: 80
    targetPort: 8080
  selector:
    app: todo
`
	if diff := cmp.Diff(want, res.Output("todo.yaml")); diff != "" {
		t.Errorf("todo.yaml: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"message": "ghcr.io/example/todo:1.4.2 deployed to prod"}, res.Status()); diff != "" {
		t.Errorf("status: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]sdk.Selector{{MatchLabels: map[string]string{"environment": "prod"}}}, res.Selectors()); diff != "" {
		t.Errorf("selectors: -want +got:\n%s", diff)
	}
}

func TestMissingImageNamesTheField(t *testing.T) {
	res := stagetest.Run(t, stage, stagetest.Fixture{Object: "apiVersion: example.stagekit.dev/v1\nkind: App\nmetadata:\n  name: todo\nspec:\n  replicas: 2\n"})
	want := []string{"input/object.yaml:5: spec.image: not found"}
	if res.ExitCode != sdk.ExitRuleBroken || !cmp.Equal(want, res.Errors()) {
		t.Errorf("exit %d, errors -want +got:\n%s", res.ExitCode, cmp.Diff(want, res.Errors()))
	}
}

func TestSettingsAreChecked(t *testing.T) {
	cases := []struct {
		reason string
		port   string
		exit   int
		errors []string
	}{
		{"a port in range", "443", sdk.ExitOK, nil},
		{"port 0 is no port: the stage is misconfigured, and says which setting", "0", sdk.ExitMisconfigured,
			[]string{"PORT (--port): 0 is not a port (1-65535)"}},
		{"nor is a port beyond 65535", "70000", sdk.ExitMisconfigured,
			[]string{"PORT (--port): 70000 is not a port (1-65535)"}},
	}
	for _, tc := range cases {
		res := stagetest.Run(t, stage, stagetest.Fixture{Object: request(t), Env: map[string]string{"PORT": tc.port}})
		if res.ExitCode != tc.exit {
			t.Errorf("%s: exit %d, want %d:\n%s", tc.reason, res.ExitCode, tc.exit, res.Logs)
		}
		if diff := cmp.Diff(tc.errors, res.Errors()); diff != "" {
			t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
		}
	}
}

// A chain: a second stage (from another team) adds its own status and selector; the first
// stage's message and selector survive, as they must in a real pipeline.
func TestChainKeepsWhatEarlierStagesWrote(t *testing.T) {
	audit := sdk.Stage[struct{}]{Name: "audit", Run: func(k *sdk.Kratix, _ *struct{}) error {
		if err := k.Status.Set("audited", true); err != nil {
			return err
		}
		if err := k.Output.Write("platform/audit.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: audit\n")); err != nil {
			return err
		}
		return k.Selectors.Add(sdk.Selector{Directory: "platform", MatchLabels: map[string]string{"environment": "platform"}})
	}}
	res := stagetest.Idempotent(t, stagetest.Chain(stage, audit), stagetest.Fixture{Object: request(t)})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	if diff := cmp.Diff(map[string]any{"message": "ghcr.io/example/todo:1.4.2 deployed to dev", "audited": true}, res.Status()); diff != "" {
		t.Errorf("status: -want +got:\n%s", diff)
	}
	want := []sdk.Selector{
		{MatchLabels: map[string]string{"environment": "dev"}},
		{Directory: "platform", MatchLabels: map[string]string{"environment": "platform"}},
	}
	if diff := cmp.Diff(want, res.Selectors()); diff != "" {
		t.Errorf("selectors: -want +got:\n%s", diff)
	}
}

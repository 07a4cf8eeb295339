package orchestrator_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/examples/helm-service/namespacer"
	"github.com/stagekit/stagekit/examples/internal/pipelinetest"
	"github.com/stagekit/stagekit/examples/platform-orchestrator/netpol"
	"github.com/stagekit/stagekit/examples/platform-orchestrator/orchestrator"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/schema"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

const payments = `apiVersion: platform.example.com/v1alpha1
kind: TeamPlatform
metadata:
  name: payments
  namespace: payments
spec:
  environment: prod
  cache:
    enabled: true
  ingress:
    host: pay.example.com
`

var images = map[string]stagetest.Runner{
	"ghcr.io/stagekit/examples-platform-orchestrator":  orchestrator.Stage,
	"ghcr.io/stagekit/examples-namespacer":             namespacer.Stage,
	"ghcr.io/stagekit/examples-default-network-policy": netpol.Stage,
}

func TestRendersTheSubRequestsIntoTheComponentDirectory(t *testing.T) {
	res := stagetest.Idempotent(t, orchestrator.Stage, stagetest.Fixture{Object: payments})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	wantSub := `apiVersion: platform.example.com/v1alpha1
kind: TeamNamespace
metadata:
  name: payments
  namespace: payments
spec:
  environment: prod
  quota:
    cpu: "16"
    memory: "64Gi"
---
apiVersion: databases.example.com/v1
kind: Postgres
metadata:
  name: payments-db
  namespace: payments
spec:
  instances: 3
---
apiVersion: platform.example.com/v1alpha1
kind: Redis
metadata:
  name: payments-cache
  namespace: payments
spec:
  replicas: 3
`
	if diff := cmp.Diff(wantSub, res.Output("platform/payments_payments.yaml")); diff != "" {
		t.Errorf("sub-requests: -want +got:\n%s", diff)
	}
	app := res.Output("payments_payments.yaml")
	for _, want := range []string{"kind: Ingress", "host: pay.example.com", "kind: ExternalSecret", "name: platform-vault", "key: teams/payments/payments"} {
		if !strings.Contains(app, want) {
			t.Errorf("the team's objects lack %q:\n%s", want, app)
		}
	}
	wantSel := []sdk.Selector{
		{Directory: "platform", MatchLabels: map[string]string{"environment": "platform"}},
		{MatchLabels: map[string]string{"environment": "prod"}},
	}
	if diff := cmp.Diff(wantSel, res.Selectors()); diff != "" {
		t.Errorf("selectors: -want +got:\n%s", diff)
	}
	if got := res.Status()["message"]; got != "team platform payments/payments (prod): TeamNamespace, Postgres, Redis" {
		t.Errorf("status message %q", got)
	}
}

func TestOnlyWhatTheRequestAsksFor(t *testing.T) {
	obj := "apiVersion: platform.example.com/v1alpha1\nkind: TeamPlatform\nmetadata:\n  name: reporting\n  namespace: analytics\nspec:\n  environment: dev\n"
	res := stagetest.Run(t, orchestrator.Stage, stagetest.Fixture{Object: obj})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	sub, app := res.Output("platform/analytics_reporting.yaml"), res.Output("analytics_reporting.yaml")
	if strings.Contains(sub, "kind: Redis") || !strings.Contains(sub, "instances: 1") {
		t.Errorf("dev without a cache: want one database instance and no Redis:\n%s", sub)
	}
	if strings.Contains(app, "kind: Ingress") || !strings.Contains(app, "kind: ExternalSecret") {
		t.Errorf("no host: want no Ingress, and the ExternalSecret:\n%s", app)
	}
}

func TestBadEnvironmentIsNamed(t *testing.T) {
	obj := strings.Replace(payments, "environment: prod", "environment: staging", 1)
	res := stagetest.Run(t, orchestrator.Stage, stagetest.Fixture{Object: obj})
	want := []string{`input/object.yaml:7: spec.environment: "staging" is not an environment: dev or prod`}
	if res.ExitCode != sdk.ExitRuleBroken || !cmp.Equal(want, res.Errors()) {
		t.Errorf("exit %d, errors -want +got:\n%s", res.ExitCode, cmp.Diff(want, res.Errors()))
	}
	if len(res.Files("output")) != 0 {
		t.Error("wrote output for a bad request")
	}
}

func TestSettings(t *testing.T) {
	cases := []struct {
		reason string
		env    map[string]string
		code   int
		errors []string
		subs   string // the sub-requests' file, when the run succeeds
	}{
		{"COMPONENT_DIR is read as the work-writer reads a selector's directory: platform/ is platform",
			map[string]string{"COMPONENT_DIR": "./platform/"}, sdk.ExitOK, nil, "platform/payments_payments.yaml"},
		{"every problem at once: a path is no component directory, and a destination needs label=value",
			map[string]string{"COMPONENT_DIR": "platform/db", "PLATFORM_DESTINATION": "platform"}, sdk.ExitMisconfigured, []string{
				`PLATFORM_DESTINATION (--platform-destination): "platform" is not label=value`,
				`COMPONENT_DIR (--component-dir): "platform/db" must be one top-level directory of /kratix/output (like platform), not a path`,
			}, ""},
		{"all of the output is no component directory", map[string]string{"COMPONENT_DIR": "/"}, sdk.ExitMisconfigured, []string{
			`COMPONENT_DIR (--component-dir): "/" names all of /kratix/output: give one top-level directory of it, like platform`,
		}, ""},
	}
	for _, tc := range cases {
		res := stagetest.Run(t, orchestrator.Stage, stagetest.Fixture{Object: payments, Env: tc.env})
		if res.ExitCode != tc.code {
			t.Errorf("%s: exit %d, want %d:\n%s", tc.reason, res.ExitCode, tc.code, res.Logs)
		}
		if diff := cmp.Diff(tc.errors, res.Errors()); diff != "" {
			t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
		}
		if tc.subs == "" {
			continue
		}
		if !res.HasOutput(tc.subs) {
			t.Errorf("%s: no %s; output: %v", tc.reason, tc.subs, res.Files("output"))
		}
		if got := res.Selectors(); len(got) == 0 || got[0].Directory != "platform" {
			t.Errorf("%s: selectors %v, want the first for directory platform", tc.reason, got)
		}
	}
}

// The Postgres sub-request is a request of the helm-service example's Promise: its API admits it.
func TestTheDatabaseSubRequestIsValidForItsPromise(t *testing.T) {
	s := loadSchema(t, "../../helm-service/promise-v2.yaml")
	for _, obj := range pipelinetest.Requests(t, "../requests.yaml") {
		res := stagetest.Run(t, orchestrator.Stage, stagetest.Fixture{Object: obj})
		if res.ExitCode != 0 {
			t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
		}
		for name, data := range res.Files("output") {
			f, err := yamldoc.Parse(name, []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Docs() {
				if k, _ := d.Root().GetString("kind"); k != "Postgres" {
					continue
				}
				spec, err := d.Root().GetMap("spec")
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range s.ValidateSpec(spec) {
					t.Errorf("%s: %s", name, v)
				}
			}
		}
	}
}

func loadSchema(t *testing.T, file string) *schema.Schema {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Load(data, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The house rules, on the Promise's own pipeline: every object labelled (the sub-requests with
// the parent labels, since Kratix owns kratix.io/promise-name on requests), managed-by kratix on
// everything, an explicit namespace on every namespaced object.
func TestTheHouseRules(t *testing.T) {
	for _, file := range []string{"../promise.yaml", "../promise-v2.yaml"} {
		p := pipelinetest.Load(t, file)
		for _, req := range pipelinetest.Requests(t, "../requests.yaml") {
			pod := p.Pod(t, "resource", req, images)[0]
			if pod.ExitCode != 0 {
				t.Fatalf("%s: exit %d:\n%s", file, pod.ExitCode, pod.Logs)
			}
			obj, _ := sdk.ParseObject([]byte(req), sdk.Env{})
			for name, data := range pod.Files("output") {
				f, err := yamldoc.Parse(name, []byte(data))
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range f.Docs() {
					root := d.Root()
					labels, _ := root.GetStringMap("metadata.labels")
					ns, _ := root.GetString("metadata.namespace")
					kind, _ := root.GetString("kind")
					want := map[string]string{"app.kubernetes.io/managed-by": "kratix"}
					if strings.HasPrefix(name, "platform/") {
						want["kratix.io/parent-promise-name"] = "team-platform"
						want["kratix.io/parent-resource-name"] = obj.Name()
						want["kratix.io/parent-resource-namespace"] = obj.Namespace()
					} else {
						want["kratix.io/promise-name"] = "team-platform"
						want["kratix.io/resource-name"] = obj.Name()
					}
					if diff := cmp.Diff(want, labels); diff != "" {
						t.Errorf("%s: %s %s: labels -want +got:\n%s", file, name, kind, diff)
					}
					if ns != obj.Namespace() {
						t.Errorf("%s: %s %s: namespace %q, want the request's %q", file, name, kind, ns, obj.Namespace())
					}
					if kind == "Secret" {
						t.Errorf("%s: %s holds a Secret", file, name)
					}
				}
			}
		}
	}
}

// A stage that starts writing a Secret, or a sub-request without a namespace, stops the
// pipeline: the rules are stages, not conventions.
func TestTheHouseRulesRefuse(t *testing.T) {
	p := pipelinetest.Load(t, "../promise.yaml")
	leaky := sdk.Stage[struct{}]{Name: "leaky", Run: func(k *sdk.Kratix, _ *struct{}) error {
		return k.Output.Write("payments_db-password.yaml", []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-password\n  namespace: payments\nstringData:\n  password: hunter2\n"))
	}}
	sloppy := sdk.Stage[struct{}]{Name: "sloppy", Run: func(k *sdk.Kratix, _ *struct{}) error {
		return k.Output.Write("platform/extra.yaml", []byte("apiVersion: platform.example.com/v1alpha1\nkind: Bucket\nmetadata:\n  name: reports\n"))
	}}
	for _, tc := range []struct {
		name  string
		extra stagetest.Runner
		want  string
	}{
		{"a Secret", leaky, "ERROR secret-forbidder: output/payments_db-password.yaml:1: Secret payments/db-password (document 1)"},
		{"no namespace", sloppy, "ERROR namespacer: output/platform/extra.yaml:3: metadata.namespace: Bucket reports is namespaced but names no namespace"},
	} {
		withExtra := map[string]stagetest.Runner{"ghcr.io/stagekit/examples-platform-orchestrator": stagetest.Chain(orchestrator.Stage, tc.extra)}
		for k, v := range images {
			if _, ok := withExtra[k]; !ok {
				withExtra[k] = v
			}
		}
		pod := p.Pod(t, "resource", payments, withExtra)[0]
		if pod.ExitCode != sdk.ExitRuleBroken || !strings.Contains(pod.Logs, tc.want) {
			t.Errorf("%s: exit %d, want 1 and %q:\n%s", tc.name, pod.ExitCode, tc.want, pod.Logs)
		}
		if strings.Contains(pod.Logs, "hunter2") {
			t.Errorf("%s: the Secret's value is in the log", tc.name)
		}
	}
}

package netpol_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/examples/platform-orchestrator/netpol"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

const object = "apiVersion: platform.example.com/v1alpha1\nkind: TeamPlatform\nmetadata:\n  name: payments\n  namespace: payments\nspec: {}\n"

func names(files map[string]string) []string {
	var out []string
	for n := range files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestAPolicyPerNamespaceTheOutputDeploysTo(t *testing.T) {
	output := map[string]string{
		"app.yaml":            "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: payments\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: payments-jobs\n",
		"crb.yaml":            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\n",
		"platform/subs.yaml":  "apiVersion: databases.example.com/v1\nkind: Postgres\nmetadata:\n  name: db\n  namespace: platform-requests\n",
		"elsewhere/subs.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nested\n",
	}
	res := stagetest.Idempotent(t, netpol.Stage, stagetest.Fixture{Object: object, Output: output, Env: map[string]string{"COMPONENT_DIRS": "platform"}})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	// The sub-requests' namespace on the platform cluster gets none; a nested directory that is
	// not a component directory is deployed like any other.
	want := []string{"app.yaml", "crb.yaml", "elsewhere/subs.yaml", "network-policy_nested.yaml", "network-policy_payments-jobs.yaml", "network-policy_payments.yaml", "platform/subs.yaml"}
	if diff := cmp.Diff(want, names(res.Files("output"))); diff != "" {
		t.Errorf("files: -want +got:\n%s", diff)
	}
	wantPolicy := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-ingress
  namespace: payments
spec:
  ingress:
  - from:
    - podSelector: {}
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ingress-nginx
  podSelector: {}
  policyTypes:
  - Ingress
`
	if diff := cmp.Diff(wantPolicy, res.Output("network-policy_payments.yaml")); diff != "" {
		t.Errorf("policy: -want +got:\n%s", diff)
	}
}

func TestAPolicyAnotherStageWroteIsKept(t *testing.T) {
	own := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-ingress\n  namespace: payments\nspec:\n  podSelector: {}\n"
	res := stagetest.Run(t, netpol.Stage, stagetest.Fixture{Object: object, Output: map[string]string{"team-policy.yaml": own}})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	if res.HasOutput("network-policy_payments.yaml") {
		t.Error("wrote a second default-ingress policy beside the team's")
	}
	if !strings.Contains(res.Logs, "namespace payments already has a NetworkPolicy default-ingress in the output: kept") {
		t.Errorf("the log does not say the policy was kept:\n%s", res.Logs)
	}
}

func TestMisconfigured(t *testing.T) {
	cases := []struct {
		reason string
		env    map[string]string
		want   []string // the error lines
	}{
		{"a namespace that is no DNS label", map[string]string{"INGRESS_NAMESPACE": "Ingress_Nginx"},
			[]string{`INGRESS_NAMESPACE (--ingress-namespace): "Ingress_Nginx" is not a DNS label (lower-case letters, digits and -, at most 63)`}},
		{"every problem at once, a component directory that is a path included",
			map[string]string{"POLICY_NAME": "-x", "COMPONENT_DIRS": "platform/db,."},
			[]string{
				`POLICY_NAME (--policy-name): "-x" is not a DNS label (lower-case letters, digits and -, at most 63)`,
				`COMPONENT_DIRS (--component-dirs): "platform/db" must be one top-level directory of /kratix/output (like platform), not a path`,
				`COMPONENT_DIRS (--component-dirs): "." names no directory (it is the default group): give one top-level directory of /kratix/output, like platform`,
			}},
	}
	for _, tc := range cases {
		res := stagetest.Run(t, netpol.Stage, stagetest.Fixture{Object: object, Env: tc.env})
		if res.ExitCode != sdk.ExitMisconfigured {
			t.Errorf("%s: exit %d, want 2:\n%s", tc.reason, res.ExitCode, res.Logs)
		}
		if diff := cmp.Diff(tc.want, res.Errors()); diff != "" {
			t.Errorf("%s: errors -want +got:\n%s", tc.reason, diff)
		}
	}
}

// TestComponentDirsAsTheWorkWriterReadsThem: a component directory spelled any way the
// work-writer accepts for a selector is the same directory.
func TestComponentDirsAsTheWorkWriterReadsThem(t *testing.T) {
	output := map[string]string{
		"app.yaml":           "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: payments\n",
		"platform/subs.yaml": "apiVersion: databases.example.com/v1\nkind: Postgres\nmetadata:\n  name: db\n  namespace: platform-requests\n",
	}
	for _, spelled := range []string{"platform", "platform/", "./platform", "platform//", "platform/.", "x/../platform"} {
		res := stagetest.Run(t, netpol.Stage, stagetest.Fixture{Object: object, Output: output, Env: map[string]string{"COMPONENT_DIRS": spelled}})
		if res.ExitCode != 0 {
			t.Fatalf("COMPONENT_DIRS=%s: exit %d:\n%s", spelled, res.ExitCode, res.Logs)
		}
		if res.HasOutput("network-policy_platform-requests.yaml") {
			t.Errorf("COMPONENT_DIRS=%s: the sub-requests' namespace got a policy: %s was not read as platform", spelled, spelled)
		}
		if !res.HasOutput("network-policy_payments.yaml") {
			t.Errorf("COMPONENT_DIRS=%s: the app's namespace got no policy", spelled)
		}
	}
}

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
	res := stagetest.Run(t, netpol.Stage, stagetest.Fixture{Object: object, Env: map[string]string{"INGRESS_NAMESPACE": "Ingress_Nginx"}})
	if res.ExitCode != sdk.ExitMisconfigured || !strings.Contains(res.Logs, `INGRESS_NAMESPACE: "Ingress_Nginx" is not a DNS label`) {
		t.Errorf("exit %d, want 2 naming INGRESS_NAMESPACE:\n%s", res.ExitCode, res.Logs)
	}
}

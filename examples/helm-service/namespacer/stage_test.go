package namespacer_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/examples/helm-service/namespacer"
	"github.com/stagekit/stagekit/examples/helm-service/render"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/stagetest"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

const request = "apiVersion: databases.example.com/v1\nkind: Postgres\nmetadata:\n  name: orders-db\n  namespace: orders\nspec:\n  instances: 3\n"

// namespaces lists "Kind name: namespace" for every object of the output.
func namespaces(t *testing.T, res *stagetest.Result) []string {
	t.Helper()
	var out []string
	for name, data := range res.Files("output") {
		f, err := yamldoc.Parse(name, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Docs() {
			if d.Empty() {
				continue
			}
			kind, _ := d.Root().GetString("kind")
			n, _ := d.Root().GetString("metadata.name")
			ns, _ := d.Root().GetString("metadata.namespace")
			out = append(out, kind+" "+n+": "+ns)
		}
	}
	sort.Strings(out)
	return out
}

// Both charts, as v1 renders them into a request's output: namespaced objects without a
// namespace get the request's, the operator's keep cnpg-system, and nothing cluster-scoped gets
// one: built-in kinds, and ClusterImageCatalog, whose CRD in the same output says scope: Cluster.
func TestNamespacedObjectsOnly(t *testing.T) {
	res := stagetest.Idempotent(t, stagetest.Chain(render.Stage, namespacer.Stage), stagetest.Fixture{
		Object: request,
		Env: map[string]string{"CHARTS": "cloudnative-pg,cluster", "DROP_ANNOTATIONS": "licensing.example.com/spdx",
			"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_OBJECT_NAMESPACE": "orders"},
	})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
	}
	want := []string{
		"Cluster orders-db: orders",
		"ClusterImageCatalog postgresql: ",
		"ClusterRole cnpg-cloudnative-pg: ",
		"ClusterRoleBinding cnpg-cloudnative-pg: ",
		"ConfigMap cnpg-default-monitoring: cnpg-system",
		"CustomResourceDefinition clusterimagecatalogs.postgresql.cnpg.io: ",
		"CustomResourceDefinition clusters.postgresql.cnpg.io: ",
		"CustomResourceDefinition poolers.postgresql.cnpg.io: ",
		"Deployment cnpg-cloudnative-pg: cnpg-system",
		"MutatingWebhookConfiguration cnpg-mutating-webhook-configuration: ",
		"Namespace cnpg-system: ",
		"Pooler orders-db-rw: orders",
		"Service cnpg-webhook-service: cnpg-system",
		"ServiceAccount cnpg-cloudnative-pg: cnpg-system",
		"ValidatingWebhookConfiguration cnpg-validating-webhook-configuration: ",
	}
	if diff := cmp.Diff(want, namespaces(t, res)); diff != "" {
		t.Errorf("namespaces: -want +got:\n%s", diff)
	}
	for name, data := range res.Files("output") {
		if strings.Contains(data, "licensing.example.com") {
			t.Errorf("%s keeps the licence annotation", name)
		}
		if !strings.Contains(data, "# Source: ") {
			t.Errorf("%s lost the render's comments", name)
		}
	}
	// Other annotations stay: the CRDs keep controller-gen's and Helm's.
	if out := res.Output("cloudnative-pg.yaml"); strings.Count(out, "helm.sh/resource-policy: keep") != 3 {
		t.Errorf("the CRDs' own annotations were touched:\n%s", out)
	}
	wantLog := []string{
		"INFO namespacer: output/cloudnative-pg.yaml: 13 annotations dropped",
		"INFO namespacer: output/cluster_orders_orders-db.yaml: metadata.namespace orders set on 2 objects; 2 annotations dropped",
		"INFO namespacer: done: 6 namespaced and 9 cluster-scoped objects seen; 15 annotations dropped; 2 files changed; 2 files written in output, 0 files in metadata",
	}
	for _, l := range wantLog {
		if !strings.Contains(res.Logs, l+"\n") {
			t.Errorf("log lacks %q:\n%s", l, res.Logs)
		}
	}
}

func run(t *testing.T, env map[string]string, output map[string]string) *stagetest.Result {
	t.Helper()
	full := map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_OBJECT_NAMESPACE": "team-a"}
	for k, v := range env {
		full[k] = v
	}
	return stagetest.Idempotent(t, namespacer.Stage, stagetest.Fixture{Object: request, Env: full, Output: output})
}

func TestScopeDecisions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		in     string
		want   string
		log    string
		reason string
	}{
		{"explicit namespace kept", nil,
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: elsewhere\n",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: elsewhere\n", "",
			"a chart that names a namespace means it"},
		{"unknown kind taken as namespaced", nil,
			"apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: db\n",
			"apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: db\n  namespace: team-a\n",
			"INFO namespacer: output/x.yaml:1: monitoring.coreos.com/PodMonitor is not a built-in kind and no CRD in the output defines it: taken as namespaced (name it in CLUSTER_SCOPED_KINDS if it is cluster-scoped)",
			"as kustomize's namespace field does; most custom kinds are namespaced, and the log says what was assumed"},
		{"declared cluster-scoped kind left alone", map[string]string{"CLUSTER_SCOPED_KINDS": "postgresql.cnpg.io/ClusterImageCatalog"},
			"apiVersion: postgresql.cnpg.io/v1\nkind: ClusterImageCatalog\nmetadata:\n  name: pg\n",
			"apiVersion: postgresql.cnpg.io/v1\nkind: ClusterImageCatalog\nmetadata:\n  name: pg\n", "",
			"its CRD is installed by another workflow: the Promise says what the output cannot"},
		{"items of a List", nil,
			"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: r}\n",
			"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s, namespace: team-a}\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: r}\n", "",
			"List items are objects too; flow style is kept"},
		{"emptied annotations go", map[string]string{"DROP_ANNOTATIONS": "licensing.example.com/spdx,absent.example.com/x"},
			"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: team-a\n  annotations:\n    licensing.example.com/spdx: Apache-2.0\n",
			"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: team-a\n", "",
			"an empty annotations map is noise in Git; a key that is absent is no error"},
		{"JSON stays JSON", nil,
			`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}` + "\n",
			`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "team-a"}}` + "\n", "",
			"a JSON manifest is edited as JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "x.yaml"
			if strings.HasPrefix(tc.in, "{") {
				name = "x.json"
			}
			res := run(t, tc.env, map[string]string{name: tc.in})
			if res.ExitCode != 0 {
				t.Fatalf("exit %d:\n%s", res.ExitCode, res.Logs)
			}
			if diff := cmp.Diff(tc.want, res.Output(name)); diff != "" {
				t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
			}
			if tc.log != "" && !strings.Contains(res.Logs, tc.log+"\n") {
				t.Errorf("log lacks %q:\n%s", tc.log, res.Logs)
			}
		})
	}
}

// MODE=require is the house rule of story 3: nothing is changed, every namespaced object
// without a namespace is an error naming it, and the run fails.
func TestRequireMode(t *testing.T) {
	in := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n---\napiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: creds\n"
	res := stagetest.Run(t, namespacer.Stage, stagetest.Fixture{Object: request, Env: map[string]string{"MODE": "require"}, Output: map[string]string{"x.yaml": in}})
	want := []string{
		"output/x.yaml:3: metadata.namespace: ConfigMap a is namespaced but names no namespace: every namespaced object must say where it goes",
		"output/x.yaml:13: metadata.namespace: ExternalSecret creds is namespaced but names no namespace: every namespaced object must say where it goes",
	}
	if res.ExitCode != sdk.ExitRuleBroken {
		t.Errorf("exit %d, want 1:\n%s", res.ExitCode, res.Logs)
	}
	if diff := cmp.Diff(want, res.Errors()); diff != "" {
		t.Errorf("errors: -want +got:\n%s", diff)
	}
	if got := res.Output("x.yaml"); got != in {
		t.Errorf("require mode changed the output:\n%s", got)
	}
}

func TestMisconfigured(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		want   string
		reason string
	}{
		{map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_PROMISE_NAME": "postgres", "KRATIX_OBJECT_NAMESPACE": ""},
			`NAMESPACE (--namespace): "" is not a namespace name`, "a promise workflow has no request namespace to default to"},
		{map[string]string{"NAMESPACE": "Team_A"}, `NAMESPACE (--namespace): "Team_A" is not a namespace name`, "namespaces are DNS labels"},
		{map[string]string{"CLUSTER_SCOPED_KINDS": "v1/Node,postgresql.cnpg.io/clusterimagecatalog"},
			`CLUSTER_SCOPED_KINDS (--cluster-scoped-kinds): "v1/Node" is not Kind or group/Kind`, "a version is not a group, and kinds are CamelCase"},
	} {
		res := stagetest.Run(t, namespacer.Stage, stagetest.Fixture{Object: request, Env: tc.env, Output: map[string]string{"x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"}})
		if res.ExitCode != sdk.ExitMisconfigured || !strings.Contains(res.Logs, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q (%s):\n%s", tc.env, res.ExitCode, tc.want, tc.reason, res.Logs)
		}
	}
}

package sdk_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/stagekit/stagekit/internal/fixtures"
	"github.com/stagekit/stagekit/sdk"
)

func TestBuiltinScope(t *testing.T) {
	for _, tc := range []struct {
		group, kind string
		want        sdk.Scope
		reason      string
	}{
		{"", "Namespace", sdk.ClusterScoped, "a Namespace holds namespaced objects and has none itself"},
		{"", "ConfigMap", sdk.Namespaced, "core group, namespaced"},
		{"", "Secret", sdk.Namespaced, "core group, namespaced"},
		{"", "PersistentVolume", sdk.ClusterScoped, "volumes are cluster-wide; their claims are not"},
		{"", "PersistentVolumeClaim", sdk.Namespaced, "a claim lives beside its pod"},
		{"rbac.authorization.k8s.io", "ClusterRole", sdk.ClusterScoped, "the cluster half of RBAC"},
		{"rbac.authorization.k8s.io", "RoleBinding", sdk.Namespaced, "the namespaced half of RBAC"},
		{"apiextensions.k8s.io", "CustomResourceDefinition", sdk.ClusterScoped, "declared outside k8s.io/api, served by every API server"},
		{"admissionregistration.k8s.io", "ValidatingWebhookConfiguration", sdk.ClusterScoped, "webhooks apply to the whole cluster"},
		{"scheduling.k8s.io", "PriorityClass", sdk.ClusterScoped, "shipped by kubeflow's manifest among namespaced objects"},
		{"storage.k8s.io", "StorageClass", sdk.ClusterScoped, "cluster-wide"},
		{"networking.k8s.io", "IngressClass", sdk.ClusterScoped, "cluster-wide, while Ingress in the same group is namespaced"},
		{"networking.k8s.io", "Ingress", sdk.Namespaced, "same group as IngressClass, other scope"},
		{"extensions", "Ingress", sdk.Namespaced, "the old group of Ingress, still in old renders"},
		{"policy", "PodSecurityPolicy", sdk.ClusterScoped, "removed in 1.25, still in old renders"},
		{"apps", "Deployment", sdk.Namespaced, "the workload everyone ships"},
		{"example.com", "Deployment", sdk.ScopeUnknown, "a custom kind named like a built-in one: the group decides"},
		{"", "Deployment", sdk.ScopeUnknown, "Deployment is not in the core group"},
		{"rbac.authorization.k8s.io", "clusterrole", sdk.ScopeUnknown, "kinds are case-sensitive"},
		{"postgresql.cnpg.io", "Cluster", sdk.ScopeUnknown, "a custom resource: only its CRD knows"},
	} {
		if got := sdk.BuiltinScope(tc.group, tc.kind); got != tc.want {
			t.Errorf("BuiltinScope(%q, %q) = %s, want %s: %s", tc.group, tc.kind, got, tc.want, tc.reason)
		}
	}
}

// crdYAML is a CustomResourceDefinition as operators' charts ship it, cut to what decides scope.
func crdYAML(apiVersion, group, kind, scope string) string {
	s := fmt.Sprintf("apiVersion: %s\nkind: CustomResourceDefinition\nmetadata:\n  name: %ss.%s\nspec:\n  group: %s\n  names:\n    kind: %s\n    plural: %ss\n",
		apiVersion, strings.ToLower(kind), group, group, kind, strings.ToLower(kind))
	if scope != "" {
		s += "  scope: " + scope + "\n"
	}
	return s
}

func scopesOf(t *testing.T, files map[string]string) (*sdk.Scopes, error) {
	t.Helper()
	k := sdk.New(context.Background(), kratixDir(files), sdk.Env{}, nil)
	return k.Output.Scopes()
}

func TestOutputScopesLearnsTheCRDsOfTheOutput(t *testing.T) {
	files := map[string]string{
		// An operator's render: a cluster-scoped kind, a namespaced one, in two files and a List.
		"output/operator/crds.yaml": crdYAML("apiextensions.k8s.io/v1", "postgresql.cnpg.io", "ClusterImageCatalog", "Cluster") +
			"---\n" + crdYAML("apiextensions.k8s.io/v1", "postgresql.cnpg.io", "Cluster", "Namespaced"),
		"output/operator/list.yaml": "apiVersion: v1\nkind: List\nitems:\n- " +
			strings.ReplaceAll(strings.TrimSuffix(crdYAML("apiextensions.k8s.io/v1beta1", "postgresql.cnpg.io", "Pooler", ""), "\n"), "\n", "\n  ") + "\n",
		"output/service.yaml": "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: db\n",
		// Not a CRD although it says so in another group: ignored.
		"output/fake.yaml": "apiVersion: example.com/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\n",
	}
	s, err := scopesOf(t, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		group, kind string
		want        sdk.Scope
		reason      string
	}{
		{"postgresql.cnpg.io", "ClusterImageCatalog", sdk.ClusterScoped, "its CRD in the output says scope: Cluster"},
		{"postgresql.cnpg.io", "Cluster", sdk.Namespaced, "its CRD says scope: Namespaced (a kind named Cluster is not cluster-scoped)"},
		{"postgresql.cnpg.io", "Pooler", sdk.Namespaced, "a v1beta1 CRD without scope is Namespaced, the API server's default, and CRDs inside a List count"},
		{"rbac.authorization.k8s.io", "ClusterRole", sdk.ClusterScoped, "built-in kinds are still known"},
		{"monitoring.coreos.com", "ServiceMonitor", sdk.ScopeUnknown, "no CRD in the output defines it and it is not built in: only the cluster knows; the stage decides"},
	} {
		if got := s.Of(tc.group, tc.kind); got != tc.want {
			t.Errorf("Of(%q, %q) = %s, want %s: %s", tc.group, tc.kind, got, tc.want, tc.reason)
		}
	}
	want := []string{"postgresql.cnpg.io/Cluster namespaced", "postgresql.cnpg.io/ClusterImageCatalog cluster-scoped", "postgresql.cnpg.io/Pooler namespaced"}
	if diff := cmp.Diff(want, s.Kinds()); diff != "" {
		t.Errorf("Kinds: -want +got:\n%s", diff)
	}
	// Reading scopes changes nothing.
	k := sdk.New(context.Background(), kratixDir(files), sdk.Env{}, nil)
	if _, err := k.Output.Scopes(); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, _ := k.Output.Read(strings.TrimPrefix(name, "output/"))
		if string(got) != data {
			t.Errorf("%s changed by Scopes", name)
		}
	}
}

func TestOutputScopesRefusesCRDsTheAPIServerRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		want   string
		reason string
	}{
		{"lowercase scope", map[string]string{"output/crd.yaml": crdYAML("apiextensions.k8s.io/v1", "example.com", "Widget", "cluster")},
			`output/crd.yaml:10: spec.scope: "cluster" is not a scope: the API server accepts Namespaced or Cluster`,
			"the API server's enum is case-sensitive; guessing would put objects in the wrong place"},
		{"v1 without scope", map[string]string{"output/crd.yaml": crdYAML("apiextensions.k8s.io/v1", "example.com", "Widget", "")},
			`output/crd.yaml:5: spec.scope: not found`,
			"apiextensions.k8s.io/v1 requires spec.scope; only v1beta1 defaulted it"},
		{"no kind", map[string]string{"output/crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: w\nspec:\n  group: example.com\n  names: {plural: widgets}\n  scope: Cluster\n"},
			`output/crd.yaml:7: spec.names.kind: not found`,
			"a CRD must name its kind"},
		{"two scopes for one kind", map[string]string{
			"output/a.yaml": crdYAML("apiextensions.k8s.io/v1", "example.com", "Widget", "Cluster"),
			"output/b.yaml": crdYAML("apiextensions.k8s.io/v1", "example.com", "Widget", "Namespaced")},
			`output/b.yaml:10: spec.scope: example.com/Widget is namespaced here but cluster-scoped at output/a.yaml:10: spec.scope`,
			"two renders disagree: the cluster will keep one, and the stage cannot know which"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scopesOf(t, tc.files)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s\n(%s)", err, tc.want, tc.reason)
			}
		})
	}
}

func TestScopesDefine(t *testing.T) {
	var s sdk.Scopes // the zero value knows the built-in kinds
	if got := s.Of("", "Namespace"); got != sdk.ClusterScoped {
		t.Errorf("zero Scopes: Namespace is %s", got)
	}
	at := sdk.Location{Path: "CLUSTER_SCOPED_KINDS"}
	if err := s.Define("postgresql.cnpg.io", "ClusterImageCatalog", sdk.ClusterScoped, at); err != nil {
		t.Fatal(err)
	}
	if got := s.Of("postgresql.cnpg.io", "ClusterImageCatalog"); got != sdk.ClusterScoped {
		t.Errorf("a defined kind is %s", got)
	}
	if err := s.Define("postgresql.cnpg.io", "ClusterImageCatalog", sdk.ClusterScoped, at); err != nil {
		t.Errorf("defining a kind again with the same scope: %v", err)
	}
	if err := s.Define("postgresql.cnpg.io", "ClusterImageCatalog", sdk.Namespaced, sdk.Location{File: "output/x.yaml", Line: 3}); err == nil {
		t.Error("a kind given two scopes was accepted")
	}
	if err := s.Define("example.com", "Widget", sdk.ScopeUnknown, at); err == nil {
		t.Error("defining a kind as unknown was accepted")
	}
	// A built-in kind keeps its scope whatever is defined.
	if err := s.Define("rbac.authorization.k8s.io", "ClusterRole", sdk.Namespaced, at); err != nil {
		t.Fatal(err)
	}
	if got := s.Of("rbac.authorization.k8s.io", "ClusterRole"); got != sdk.ClusterScoped {
		t.Errorf("a built-in kind was redefined: %s", got)
	}
}

// The real renders of testdata/kratix-marketplace: every kind is answered from the built-in
// table or a CRD of the same render, except the custom resources whose CRDs the charts install
// elsewhere, which are unknown.
func TestOutputScopesOnTheMarketplaceRenders(t *testing.T) {
	renders := fixtures.Renders(t)
	files := map[string]string{}
	for name, data := range renders {
		files["output/"+name] = data
	}
	k := sdk.New(context.Background(), kratixDir(files), sdk.Env{}, nil)
	s, err := k.Output.Scopes()
	if err != nil {
		t.Fatal(err)
	}
	byScope := map[sdk.Scope][]string{}
	seen := map[string]bool{}
	err = k.Output.EachManifest(func(m *sdk.Manifest) error {
		gk := m.Kind()
		if m.Group() != "" {
			gk = m.Group() + "/" + gk
		}
		sc := s.Of(m.Group(), m.Kind())
		if !seen[gk] {
			seen[gk] = true
			byScope[sc] = append(byScope[sc], gk)
		}
		if sc == sdk.ClusterScoped && m.Namespace() != "" {
			t.Errorf("%s: %s %s is cluster-scoped but has a namespace", m.At(), gk, m.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range byScope {
		sort.Strings(l)
	}
	want := map[sdk.Scope][]string{
		sdk.ClusterScoped: {"admissionregistration.k8s.io/MutatingWebhookConfiguration", "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
			"apiextensions.k8s.io/CustomResourceDefinition", "networking.k8s.io/IngressClass", "rbac.authorization.k8s.io/ClusterRole",
			"rbac.authorization.k8s.io/ClusterRoleBinding", "scheduling.k8s.io/PriorityClass", "Namespace"},
		sdk.ScopeUnknown: {"dapr.io/Configuration", "jenkins.io/Jenkins", "networking.istio.io/EnvoyFilter"},
	}
	sort.Strings(want[sdk.ClusterScoped])
	if diff := cmp.Diff(want[sdk.ClusterScoped], byScope[sdk.ClusterScoped]); diff != "" {
		t.Errorf("cluster-scoped kinds: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(want[sdk.ScopeUnknown], byScope[sdk.ScopeUnknown]); diff != "" {
		t.Errorf("unknown kinds: -want +got:\n%s", diff)
	}
	// Tekton's render defines ClusterTask with scope: Cluster and eight namespaced kinds.
	if got := s.Of("tekton.dev", "ClusterTask"); got != sdk.ClusterScoped {
		t.Errorf("tekton.dev/ClusterTask is %s, want cluster-scoped (its CRD in tekton-v0.68.1.yaml)", got)
	}
	if got := s.Of("tekton.dev", "Pipeline"); got != sdk.Namespaced {
		t.Errorf("tekton.dev/Pipeline is %s, want namespaced", got)
	}
	if got := s.Of("argoproj.io", "Application"); got != sdk.Namespaced {
		t.Errorf("argoproj.io/Application is %s, want namespaced", got)
	}
}

// The built-in table agrees with kustomize's (kyaml/openapi, from the Kubernetes OpenAPI
// document it embeds plus its own precomputed table): the namespace transformer of kustomize
// decides with it which objects get a namespace.
func TestBuiltinScopeAgreesWithKustomize(t *testing.T) {
	// Subresource kinds are in kustomize's table but never in a manifest.
	subresources := map[string]bool{"NodeProxyOptions": true, "PodAttachOptions": true, "PodExecOptions": true,
		"PodPortForwardOptions": true, "PodProxyOptions": true, "ServiceProxyOptions": true, "Scale": true,
		"Binding": true, "TokenRequest": true, "DeleteOptions": true, "Status": true, "WatchEvent": true}
	checked := 0
	for _, gvk := range kustomizeKinds(t) {
		tm := kyaml.TypeMeta{APIVersion: gvk.apiVersion(), Kind: gvk.Kind}
		nsScoped, found := openapi.IsNamespaceScoped(tm)
		if !found || subresources[gvk.Kind] {
			continue
		}
		want := sdk.ClusterScoped
		if nsScoped {
			want = sdk.Namespaced
		}
		got := sdk.BuiltinScope(gvk.Group, gvk.Kind)
		checked++
		if got != want {
			t.Errorf("%s %s: BuiltinScope says %s, kustomize %s", tm.APIVersion, gvk.Kind, got, want)
		}
	}
	if checked < 60 {
		t.Errorf("compared %d kinds with kustomize's table, want the built-in kinds", checked)
	}
}

type gvk struct{ Group, Version, Kind string }

func (g gvk) apiVersion() string {
	if g.Group == "" {
		return g.Version
	}
	return g.Group + "/" + g.Version
}

// kustomizeKinds lists every group, version and kind of kustomize's built-in OpenAPI document.
func kustomizeKinds(t *testing.T) []gvk {
	t.Helper()
	var out []gvk
	for name, def := range openapi.Schema().Definitions {
		ext, ok := def.Extensions["x-kubernetes-group-version-kind"].([]any)
		if !ok {
			continue
		}
		for _, e := range ext {
			m, ok := e.(map[string]any)
			if !ok {
				t.Fatalf("%s: x-kubernetes-group-version-kind item %T", name, e)
			}
			out = append(out, gvk{Group: fmt.Sprint(m["group"]), Version: fmt.Sprint(m["version"]), Kind: fmt.Sprint(m["kind"])})
		}
	}
	if len(out) == 0 {
		t.Fatal("kustomize's OpenAPI document lists no kind")
	}
	return out
}

// A stage that defaults namespaces leaves cluster-scoped objects alone: built-in kinds and
// kinds whose CRD in the output says scope: Cluster.
func TestManifestScope(t *testing.T) {
	files := map[string]string{
		"output/render.yaml": crdYAML("apiextensions.k8s.io/v1", "postgresql.cnpg.io", "ClusterImageCatalog", "Cluster") + `---
apiVersion: postgresql.cnpg.io/v1
kind: ClusterImageCatalog
metadata: {name: postgresql}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: manager}}
  - {apiVersion: v1, kind: ServiceAccount, metadata: {name: manager}}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: cnpg}
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: not-apps}
`,
	}
	k := sdk.New(context.Background(), kratixDir(files), sdk.Env{}, nil)
	scopes, err := k.Output.Scopes()
	if err != nil {
		t.Fatal(err)
	}
	type scoped struct{ With, Builtin sdk.Scope }
	want := map[string]scoped{
		"CustomResourceDefinition": {sdk.ClusterScoped, sdk.ClusterScoped},
		"ClusterImageCatalog":      {sdk.ClusterScoped, sdk.ScopeUnknown},  // learnt from the CRD beside it
		"ClusterRole":              {sdk.ClusterScoped, sdk.ClusterScoped}, // an item of a List
		"ServiceAccount":           {sdk.Namespaced, sdk.Namespaced},
		"PodMonitor":               {sdk.ScopeUnknown, sdk.ScopeUnknown}, // no CRD in the output: the stage decides
		"Deployment":               {sdk.ScopeUnknown, sdk.ScopeUnknown}, // the group decides, not the kind's name
	}
	got := map[string]scoped{}
	if err := k.Output.EachManifest(func(m *sdk.Manifest) error {
		got[m.Kind()] = scoped{m.Scope(scopes), m.Scope(nil)}
		if m.Scope(scopes) != scopes.Of(m.Group(), m.Kind()) {
			t.Errorf("%s: Manifest.Scope and Scopes.Of disagree", m.At())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scope with the output's CRDs, and with nil Scopes (built-in kinds only): -want +got:\n%s", diff)
	}
}

func ExampleScopes() {
	fs := kratixDir(map[string]string{"output/render.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterimagecatalogs.postgresql.cnpg.io}
spec:
  group: postgresql.cnpg.io
  names: {kind: ClusterImageCatalog, plural: clusterimagecatalogs}
  scope: Cluster
---
apiVersion: postgresql.cnpg.io/v1
kind: ClusterImageCatalog
metadata: {name: postgresql}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cnpg-manager}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cnpg-manager}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: cnpg}
`})
	k := sdk.New(context.Background(), fs, sdk.Env{}, nil)
	scopes, err := k.Output.Scopes()
	if err != nil {
		panic(err)
	}
	_ = k.Output.EachManifest(func(m *sdk.Manifest) error {
		fmt.Printf("%s %s: %s\n", m.Kind(), m.Name(), m.Scope(scopes))
		return nil
	})
	// Output:
	// CustomResourceDefinition clusterimagecatalogs.postgresql.cnpg.io: cluster-scoped
	// ClusterImageCatalog postgresql: cluster-scoped
	// ClusterRole cnpg-manager: cluster-scoped
	// ServiceAccount cnpg-manager: namespaced
	// PodMonitor cnpg: unknown scope
}

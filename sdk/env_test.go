package sdk

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadEnv(t *testing.T) {
	full := map[string]string{
		"KRATIX_WORKFLOW_ACTION":  "configure",
		"KRATIX_WORKFLOW_TYPE":    "resource",
		"KRATIX_PROMISE_NAME":     "vm",
		"KRATIX_PIPELINE_NAME":    "instance-configure",
		"KRATIX_OBJECT_KIND":      "VM",
		"KRATIX_OBJECT_GROUP":     "marketplace.kratix.io",
		"KRATIX_OBJECT_VERSION":   "v1alpha1",
		"KRATIX_OBJECT_NAME":      "web",
		"KRATIX_OBJECT_NAMESPACE": "team-a",
		"KRATIX_CRD_PLURAL":       "vms",
		"KRATIX_CLUSTER_SCOPED":   "false",
		"KRATIX_DRY_RUN":          "true",
	}
	tests := []struct {
		reason  string
		env     map[string]string
		want    Env
		wantErr string
	}{
		{
			reason: "every KRATIX_* variable of a resource workflow is read into its typed field",
			env:    full,
			want: Env{WorkflowType: "resource", WorkflowAction: "configure", PromiseName: "vm", PipelineName: "instance-configure",
				ObjectKind: "VM", ObjectGroup: "marketplace.kratix.io", ObjectVersion: "v1alpha1", ObjectName: "web",
				ObjectNamespace: "team-a", CRDPlural: "vms", DryRun: true},
		},
		{
			reason: "a promise workflow is cluster scoped with an empty namespace and no dry run",
			env: map[string]string{"KRATIX_WORKFLOW_ACTION": "delete", "KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_OBJECT_KIND": "Promise",
				"KRATIX_OBJECT_GROUP": "platform.kratix.io", "KRATIX_OBJECT_VERSION": "v1alpha1", "KRATIX_OBJECT_NAME": "vm",
				"KRATIX_OBJECT_NAMESPACE": "", "KRATIX_CRD_PLURAL": "promises", "KRATIX_CLUSTER_SCOPED": "true"},
			want: Env{WorkflowType: "promise", WorkflowAction: "delete", ObjectKind: "Promise", ObjectGroup: "platform.kratix.io",
				ObjectVersion: "v1alpha1", ObjectName: "vm", CRDPlural: "promises", ClusterScoped: true},
		},
		{
			reason: "outside Kratix (nothing set) a resource configure run is assumed, and marked as assumed",
			env:    nil,
			want:   Env{WorkflowType: "resource", WorkflowAction: "configure", Assumed: true},
		},
		{
			reason: "an extension workflow type is kept as is, not assumed",
			env:    map[string]string{"KRATIX_WORKFLOW_TYPE": "resource-ext", "KRATIX_WORKFLOW_ACTION": "configure"},
			want:   Env{WorkflowType: "resource-ext", WorkflowAction: "configure"},
		},
		{
			reason: "booleans accept True/FALSE and surrounding blanks",
			env:    map[string]string{"KRATIX_CLUSTER_SCOPED": " True ", "KRATIX_DRY_RUN": "FALSE"},
			want:   Env{WorkflowType: "resource", WorkflowAction: "configure", Assumed: true, ClusterScoped: true},
		},
		{
			reason:  "a boolean that is neither true nor false is an error naming the variable and the value",
			env:     map[string]string{"KRATIX_DRY_RUN": "yes", "KRATIX_CLUSTER_SCOPED": "1"},
			want:    Env{WorkflowType: "resource", WorkflowAction: "configure", Assumed: true},
			wantErr: `KRATIX_CLUSTER_SCOPED="1": want true or false; KRATIX_DRY_RUN="yes": want true or false`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			got, err := ReadEnv(MapEnv(tc.env))
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(Env{})); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestEnvPredicates(t *testing.T) {
	tests := []struct {
		reason                                string
		typ, action                           string
		resource, promise, configure, delete_ bool
		workflow                              Workflow
	}{
		{"resource configure", "resource", "configure", true, false, true, false, ResourceConfigure},
		{"resource delete", "resource", "delete", true, false, false, true, ResourceDelete},
		{"promise configure", "promise", "configure", false, true, true, false, PromiseConfigure},
		{"promise delete", "promise", "delete", false, true, false, true, PromiseDelete},
		{"an extension type starting with resource is compared exactly: not a resource workflow", "resource-ext", "configure", false, false, true, false, Workflow{"resource-ext", "configure"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			e, err := ReadEnv(MapEnv(map[string]string{"KRATIX_WORKFLOW_TYPE": tc.typ, "KRATIX_WORKFLOW_ACTION": tc.action}))
			if err != nil {
				t.Fatal(err)
			}
			got := []bool{e.IsResource(), e.IsPromise(), e.IsConfigure(), e.IsDelete()}
			want := []bool{tc.resource, tc.promise, tc.configure, tc.delete_}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("IsResource, IsPromise, IsConfigure, IsDelete -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.workflow, e.Workflow()); diff != "" {
				t.Errorf("Workflow -want +got:\n%s", diff)
			}
		})
	}
}

func TestEnvLookupAndWorkflowString(t *testing.T) {
	e, err := ReadEnv(MapEnv(map[string]string{"MIN_REPLICAS": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Lookup("MIN_REPLICAS"); v != "3" || !ok {
		t.Errorf("Lookup(MIN_REPLICAS) = %q, %v; want \"3\", true", v, ok)
	}
	if _, ok := e.Lookup("NOPE"); ok {
		t.Errorf("Lookup(NOPE) found a value")
	}
	if _, ok := (Env{}).Lookup("X"); ok {
		t.Errorf("the zero Env found a value")
	}
	if got := PromiseDelete.String(); got != "promise delete" {
		t.Errorf("PromiseDelete.String() = %q", got)
	}
	if _, err := ReadEnv(nil); err != nil {
		t.Errorf("ReadEnv(nil): %v", err)
	}
}

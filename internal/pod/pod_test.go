package pod

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
)

// fake is a container that writes files, records what it saw, and exits with a code.
type fake struct {
	writes map[string]string
	exit   int
	seen   *[]Container
	object *[]string
}

func (f fake) How() string { return "fake" }

func (f fake) Run(_ context.Context, c Container, files *fsys.MemFS, log io.Writer) (int, error) {
	if f.seen != nil {
		*f.seen = append(*f.seen, c)
	}
	if f.object != nil {
		data, _ := files.ReadFile(sdk.ObjectFile)
		*f.object = append(*f.object, string(data))
	}
	for name, data := range f.writes {
		if err := files.WriteFile(name, []byte(data)); err != nil {
			return -1, err
		}
	}
	fmt.Fprintf(log, "%s ran\n", c.Name)
	return f.exit, nil
}

func workflowOf(w sdk.Workflow, pipelines ...[]fake) *Workflow {
	p := &promise.Promise{Name: "vm", API: promise.API{Group: "example.com", Kind: "VM", Plural: "vms"},
		DestinationSelectors: []map[string]string{{"region": "eu"}}}
	wf := &Workflow{Promise: p, Workflow: w}
	for i, steps := range pipelines {
		pl := Pipeline{Name: fmt.Sprintf("p%d", i+1)}
		for j, f := range steps {
			c := promise.Container{Name: fmt.Sprintf("c%d", j+1), Image: "img",
				Env:  []promise.EnvVar{{Name: "GREETING", Value: "hello $(KRATIX_OBJECT_NAME), $$(KRATIX_OBJECT_NAME), $(UNKNOWN)"}},
				Args: []string{"--to", "$(GREETING)"}}
			pl.Steps = append(pl.Steps, Step{Container: c, Runner: f})
		}
		wf.Pipelines = append(wf.Pipelines, pl)
	}
	return wf
}

var vm1 = map[string]any{"apiVersion": "example.com/v1", "kind": "VM",
	"metadata": map[string]any{"name": "vm-1", "namespace": "default"}, "spec": map[string]any{"size": "s"},
	"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "False"}}}}

// The pipelines of a configure workflow run in order, each in a fresh /kratix whose object
// carries the status the earlier ones wrote (merged as the status-writer merges: top-level keys
// replaced, conditions by type) and "Pending"; after the last, "Pending" becomes "Resource
// requested" unless a stage set a message.
func TestPipelinesCarryTheStatus(t *testing.T) {
	var objects []string
	wf := workflowOf(sdk.ResourceConfigure,
		[]fake{{object: &objects, writes: map[string]string{"output/a.yaml": "kind: A\n",
			sdk.StatusFile: "endpoint: {url: x}\nconditions:\n- {type: Ready, status: \"True\"}\n"}}},
		[]fake{{object: &objects, writes: map[string]string{sdk.StatusFile: "endpoint: {port: 1}\n"}}},
	)
	res := wf.Run(context.Background(), vm1)
	if res.Failure != nil {
		t.Fatal(res.Failure)
	}
	wantObjects := []string{`apiVersion: example.com/v1
kind: VM
metadata:
  name: vm-1
  namespace: default
spec:
  size: s
status:
  conditions:
  - status: "False"
    type: Ready
  message: Pending
`, `apiVersion: example.com/v1
kind: VM
metadata:
  name: vm-1
  namespace: default
spec:
  size: s
status:
  conditions:
  - status: "True"
    type: Ready
  endpoint:
    url: x
  message: Pending
`}
	if diff := cmp.Diff(wantObjects, objects); diff != "" {
		t.Errorf("input/object.yaml of each pipeline (-want +got):\n%s", diff)
	}
	want := map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		"endpoint": map[string]any{"port": int64(1)}, "message": "Resource requested"}
	if diff := cmp.Diff(want, res.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	if len(res.Pipelines) != 2 || string(res.Pipelines[0].Output["a.yaml"]) != "kind: A\n" || len(res.Pipelines[1].Output) != 0 {
		t.Errorf("each pipeline has its own output: %+v", res.Pipelines)
	}
}

// The environment is Kratix's, then the container's with $(VAR) references expanded as the
// kubelet expands them; command and args are expanded too.
func TestContainerEnvironment(t *testing.T) {
	var seen []Container
	wf := workflowOf(sdk.ResourceConfigure, []fake{{seen: &seen}})
	wf.DryRun = true
	if res := wf.Run(context.Background(), vm1); res.Failure != nil {
		t.Fatal(res.Failure)
	}
	var env []string
	for _, e := range seen[0].Env {
		env = append(env, e.Name+"="+e.Value)
	}
	want := []string{"KRATIX_WORKFLOW_ACTION=configure", "KRATIX_WORKFLOW_TYPE=resource", "KRATIX_PROMISE_NAME=vm",
		"KRATIX_PIPELINE_NAME=p1", "KRATIX_OBJECT_KIND=VM", "KRATIX_OBJECT_GROUP=example.com", "KRATIX_OBJECT_VERSION=v1",
		"KRATIX_OBJECT_NAME=vm-1", "KRATIX_OBJECT_NAMESPACE=default", "KRATIX_CRD_PLURAL=vms", "KRATIX_CLUSTER_SCOPED=false",
		"KRATIX_DRY_RUN=true", "GREETING=hello vm-1, $(KRATIX_OBJECT_NAME), $(UNKNOWN)"}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"--to", "hello vm-1, $(KRATIX_OBJECT_NAME), $(UNKNOWN)"}, seen[0].Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "1", "B": "two"}
	for in, want := range map[string]string{
		"$(A)-$(B)": "1-two", "$$(A)": "$(A)", "$(C)": "$(C)", "$(A": "$(A", "a$": "a$", "$x": "$x", "$$$(A)": "$1", "": "",
	} {
		if got := Expand(in, vars); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWhereAWorkflowStops(t *testing.T) {
	for _, tc := range []struct {
		reason    string
		workflow  sdk.Workflow
		pipelines [][]fake
		ran       int
		failure   string
		stopped   string
	}{
		{"a container that fails stops its pipeline and the workflow", sdk.ResourceConfigure,
			[][]fake{{{exit: 1}, {}}, {{}}}, 1, "pipeline p1: container c1 exited 1", ""},
		{"a delete workflow runs only its first pipeline", sdk.ResourceDelete, [][]fake{{{}}, {{}}}, 1, "", ""},
		{"suspend stops the later pipelines", sdk.ResourceConfigure,
			[][]fake{{{writes: map[string]string{sdk.ControlFile: "suspend: true\nmessage: wait\n"}}}, {{}}}, 1, "", "suspended: wait"},
		{"retryAfter stops the later pipelines", sdk.ResourceConfigure,
			[][]fake{{{writes: map[string]string{sdk.ControlFile: "retryAfter: 5m\n"}}}, {{}}}, 1, "", "retry after 5m0s"},
		{"the status-writer refuses a kratix key", sdk.ResourceConfigure,
			[][]fake{{{writes: map[string]string{sdk.StatusFile: "kratix: {}\n"}}}}, 1, "the status-writer refuses metadata/status.yaml", ""},
		{"the API server refuses a message that is not a string", sdk.ResourceConfigure,
			[][]fake{{{writes: map[string]string{sdk.StatusFile: "message: 1\n"}}}}, 1, "message: must be a string", ""},
		{"the work-writer refuses a directory the output lacks", sdk.ResourceConfigure,
			[][]fake{{{writes: map[string]string{sdk.SelectorsFile: "- directory: platform\n  matchLabels: {a: b}\n"}}}}, 1,
			`metadata/destination-selectors.yaml names "platform", but /kratix/output has no such directory`, ""},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			res := workflowOf(tc.workflow, tc.pipelines...).Run(context.Background(), vm1)
			if len(res.Pipelines) != tc.ran {
				t.Errorf("%d pipelines ran, want %d", len(res.Pipelines), tc.ran)
			}
			got := ""
			if res.Failure != nil {
				got = res.Failure.Error()
			}
			if !strings.Contains(got, tc.failure) || (tc.failure == "") != (got == "") {
				t.Errorf("failure %q, want %q", got, tc.failure)
			}
			if res.Stopped != tc.stopped {
				t.Errorf("stopped %q, want %q", res.Stopped, tc.stopped)
			}
		})
	}
}

// A promise workflow's object is the Promise; only status.message is kept.
func TestPromiseWorkflow(t *testing.T) {
	var seen []Container
	wf := workflowOf(sdk.PromiseConfigure, []fake{{seen: &seen, writes: map[string]string{sdk.StatusFile: "message: installed\nversion: 2\n"}}})
	res := wf.Run(context.Background(), map[string]any{"apiVersion": "platform.kratix.io/v1alpha1", "kind": "Promise", "metadata": map[string]any{"name": "vm"}})
	if res.Failure != nil {
		t.Fatal(res.Failure)
	}
	if diff := cmp.Diff(map[string]any{"message": "installed"}, res.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	env := map[string]string{}
	for _, e := range seen[0].Env {
		env[e.Name] = e.Value
	}
	// Set, and empty: a Promise has no namespace, and $(KRATIX_OBJECT_NAMESPACE) expands to "".
	for k, v := range map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_OBJECT_KIND": "Promise", "KRATIX_OBJECT_NAMESPACE": "",
		"KRATIX_CRD_PLURAL": "promises", "KRATIX_CLUSTER_SCOPED": "true"} {
		if got, set := env[k]; !set || got != v {
			t.Errorf("%s=%q (set: %v), want %q", k, got, set, v)
		}
	}
	if _, ok := env["KRATIX_DRY_RUN"]; ok {
		t.Errorf("KRATIX_DRY_RUN is never set in promise workflows")
	}
}

// The work-writer: files under a selector's directory go with it; the rest to the default group,
// where the Promise's selectors join the pipeline's and win.
func TestSchedule(t *testing.T) {
	wf := workflowOf(sdk.ResourceConfigure, []fake{{writes: map[string]string{
		"output/app.yaml": "kind: A\n", "output/platform/crd.yaml": "kind: B\n", "output/other/x.yaml": "kind: C\n",
		sdk.SelectorsFile: "- matchLabels: {env: dev, region: us}\n- directory: platform\n  matchLabels: {tier: platform}\n"}}})
	res := wf.Run(context.Background(), vm1)
	if res.Failure != nil {
		t.Fatal(res.Failure)
	}
	got := res.Pipelines[0].Schedule.Lines()
	want := "default: env=dev,region=eu (the Promise overrides the pipeline's region)\ndirectory platform/: tier=platform\n"
	if got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
	g, _ := res.Pipelines[0].Schedule.GroupOf("other/x.yaml")
	if g.Directory != "" {
		t.Errorf("a directory no selector names is in the default group, got %q", g.Directory)
	}
}

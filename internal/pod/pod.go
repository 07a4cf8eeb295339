// Package pod runs a Promise's workflow for one object the way Kratix runs it, with no cluster:
// each Pipeline in a fresh /kratix (an in-memory file system), the reader writing
// input/object.yaml, the Promise's containers one after another with the environment Kratix
// and the kubelet give them, then the work-writer (which files go to which destinations) and
// the status-writer (the status merged into the object, carried to the next Pipeline), and
// workflow-control.yaml stopping later Pipelines (docs/contract.md).
//
// How a container runs (a stagekit stage in process, a binary, a container engine) is the
// Runner's business; package runners provides them.
package pod

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/internal/workwriter"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
	"sigs.k8s.io/yaml"
)

// Runner runs one container on the pod's files.
type Runner interface {
	// Run runs the container and returns its exit code; its stdout and stderr go to log. An
	// error means it could not be started at all.
	Run(ctx context.Context, c Container, files *fsys.MemFS, log io.Writer) (int, error)
	// How says how it runs, for reports: "in process", "exec ./bin/custom-stage", "podman".
	How() string
}

// Container is a container as the pod starts it: $(VAR) references expanded, the environment in
// the order a pod builds it (Kratix's variables, then the container's env).
type Container struct {
	Name, Image   string
	Command, Args []string
	Env           []EnvVar
}

// EnvVar is one variable of a container's environment.
type EnvVar struct{ Name, Value string }

// Step is one container of a Pipeline and how it runs.
type Step struct {
	Container promise.Container
	Runner    Runner // nil when Skipped
	Skipped   string // why the container is left out ("--skip terraform-apply")
}

// Pipeline is a Pipeline of the workflow with its containers resolved.
type Pipeline struct {
	Name  string
	Steps []Step
}

// Workflow is one workflow of a Promise, ready to run for any object.
type Workflow struct {
	Promise   *promise.Promise
	Workflow  sdk.Workflow
	Pipelines []Pipeline
	// Values are the values of env entries that use valueFrom (a Secret, a ConfigMap), given on
	// the command line: a local run reads no cluster.
	Values map[string]string
	DryRun bool // KRATIX_DRY_RUN=true, as in a Kratix dry run
	// Keep keeps each Pipeline's /kratix in its result (for --out).
	Keep bool
}

// Result is what a workflow did to one object.
type Result struct {
	Pipelines []PipelineResult // the Pipelines that ran, in order
	Status    map[string]any   // the object's status after the workflow
	Failure   *Failure         // the Pipeline that failed, if one did
	Stopped   string           // "suspended: why" or "retry after 5m: why" when workflow-control.yaml stopped the workflow
}

// PipelineResult is one Pipeline's run.
type PipelineResult struct {
	Name       string
	Containers []ContainerResult
	Output     map[string][]byte // files under /kratix/output, by path relative to it
	Status     map[string]any    // what the Pipeline wrote to metadata/status.yaml (first document)
	Selectors  []sdk.Selector
	Schedule   workwriter.Schedule
	Control    sdk.ControlState
	// Stopped is set when workflow-control.yaml suspends the workflow or asks for a retry:
	// "suspended: why" or "retry after 5m: why". Later Pipelines do not run.
	Stopped string
	Files   *fsys.MemFS // the whole /kratix, with Workflow.Keep
}

// ContainerResult is one container's run.
type ContainerResult struct {
	Name, Image, How string
	Skipped          string // why it did not run
	Exit             int
	Log              []byte
}

// Failure says where a workflow stopped with an error.
type Failure struct {
	Pipeline  string
	Container string // "" when Kratix's work-writer or status-writer refused the Pipeline
	Exit      int
	Message   string   // what failed, in words
	Log       []string // the container's last log lines
}

func (f *Failure) Error() string {
	if f.Container != "" {
		return fmt.Sprintf("pipeline %s: container %s exited %d", f.Pipeline, f.Container, f.Exit)
	}
	return fmt.Sprintf("pipeline %s: %s", f.Pipeline, f.Message)
}

// LogTail is how many log lines a failure keeps.
const LogTail = 10

// Identity is what Kratix tells a stage about the object (docs/contract.md, Environment).
type Identity struct {
	Group, Version, Kind, Name, Namespace string
}

// Identify reads an object's apiVersion, kind, name and namespace.
func Identify(obj map[string]any) Identity {
	av, _ := obj["apiVersion"].(string)
	id := Identity{Version: av}
	if g, v, ok := strings.Cut(av, "/"); ok {
		id.Group, id.Version = g, v
	}
	id.Kind, _ = obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	id.Name, _ = meta["name"].(string)
	id.Namespace, _ = meta["namespace"].(string)
	return id
}

// Run runs the workflow for obj, the live object (a request, or the Promise in a promise
// workflow); obj is not modified.
func (w *Workflow) Run(ctx context.Context, obj map[string]any) Result {
	var res Result
	live := copyMap(obj)
	status, _ := live["status"].(map[string]any)
	pipelines := w.Pipelines
	if w.Workflow.Action == sdk.ActionDelete && len(pipelines) > 1 {
		pipelines = pipelines[:1] // a delete workflow runs only its first Pipeline
	}
	for _, p := range pipelines {
		status = sdk.MergeStatus(status, map[string]any{"message": "Pending"})
		live["status"] = status
		pr, fail := w.runPipeline(ctx, p, live)
		res.Pipelines = append(res.Pipelines, pr)
		if fail != nil {
			res.Failure = fail
			res.Status = status
			return res
		}
		if pr.Status != nil {
			status = sdk.MergeStatus(status, pr.Status)
		}
		if pr.Stopped != "" {
			res.Stopped = pr.Stopped
			res.Status = status
			return res
		}
	}
	if msg, _ := status["message"].(string); msg == "Pending" && w.Workflow.Action == sdk.ActionConfigure {
		done := "Resource requested"
		if w.Workflow.Type == sdk.TypePromise {
			done = "Promise configured"
		}
		status = sdk.MergeStatus(status, map[string]any{"message": done})
	}
	res.Status = status
	return res
}

func (w *Workflow) runPipeline(ctx context.Context, p Pipeline, live map[string]any) (PipelineResult, *Failure) {
	pr := PipelineResult{Name: p.Name}
	fail := func(container string, exit int, msg string, log []byte) (PipelineResult, *Failure) {
		return pr, &Failure{Pipeline: p.Name, Container: container, Exit: exit, Message: msg, Log: tail(log, LogTail)}
	}
	files := fsys.NewMem()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := files.MkdirAll(d); err != nil {
			return fail("", 0, err.Error(), nil)
		}
	}
	object, err := yaml.Marshal(live)
	if err != nil {
		return fail("", 0, "the reader cannot write the object: "+err.Error(), nil)
	}
	if err := files.WriteFile(sdk.ObjectFile, object); err != nil {
		return fail("", 0, err.Error(), nil)
	}
	if w.Keep {
		pr.Files = files
	}
	kratix := w.kratixEnv(p.Name, live)
	for _, st := range p.Steps {
		cr := ContainerResult{Name: st.Container.Name, Image: st.Container.Image, Skipped: st.Skipped}
		if st.Runner == nil {
			pr.Containers = append(pr.Containers, cr)
			continue
		}
		cr.How = st.Runner.How()
		c, err := w.container(st.Container, kratix)
		if err != nil {
			pr.Containers = append(pr.Containers, cr)
			return fail(st.Container.Name, -1, err.Error(), nil)
		}
		var log bytes.Buffer
		exit, err := st.Runner.Run(ctx, c, files, &log)
		cr.Exit, cr.Log = exit, log.Bytes()
		pr.Containers = append(pr.Containers, cr)
		if err != nil {
			return fail(st.Container.Name, -1, fmt.Sprintf("cannot run %s: %v", st.Container.Image, err), cr.Log)
		}
		if exit != 0 {
			return fail(st.Container.Name, exit, fmt.Sprintf("exited %d", exit), cr.Log)
		}
	}
	env := sdk.Env{WorkflowType: w.Workflow.Type, WorkflowAction: w.Workflow.Action, PipelineName: p.Name, PromiseName: w.Promise.Name}
	k := sdk.New(ctx, files, env, nil)
	entries, err := fsys.Walk(files, "output")
	if err != nil {
		return fail("", 0, "the work-writer cannot read /kratix/output: "+err.Error(), nil)
	}
	pr.Output = make(map[string][]byte, len(entries))
	var names []string
	for _, e := range entries {
		data, err := files.ReadFile(e.Name)
		if err != nil {
			return fail("", 0, "the work-writer cannot read "+e.Name+": "+err.Error(), nil)
		}
		name := strings.TrimPrefix(e.Name, "output/")
		pr.Output[name] = data
		names = append(names, name)
	}
	if w.Workflow.Action == sdk.ActionConfigure {
		// The work-writer: selectors first, then workflow control, then the groups.
		if pr.Selectors, err = k.Selectors.Read(); err != nil {
			return fail("", 0, "the work-writer refuses "+sdk.SelectorsFile+": "+err.Error(), nil)
		}
		if pr.Control, err = k.Control.Read(); err != nil {
			return fail("", 0, "Kratix refuses "+sdk.ControlFile+": "+err.Error(), nil)
		}
		dirs := func(d string) bool {
			fi, err := files.Lstat("output/" + d)
			return err == nil && fi.IsDir()
		}
		if pr.Schedule, err = workwriter.Plan(names, dirs, pr.Selectors, w.Promise.DestinationSelectors); err != nil {
			return fail("", 0, err.Error(), nil)
		}
		if c := pr.Control; c.Suspend || c.RetryAfter != 0 || hasRetry(files) {
			pr.Stopped = describeControl(c)
		}
	}
	// The status-writer: the first document of status.yaml, checked as Kratix and the API server
	// check it.
	written, err := k.Status.Read()
	if err != nil {
		return fail("", 0, "the status-writer refuses "+sdk.StatusFile+": "+err.Error(), nil)
	}
	if len(written) > 0 {
		checked, err := sdk.CheckStatus(written)
		if err != nil {
			return fail("", 0, "the status-writer refuses "+sdk.StatusFile+": "+err.Error(), nil)
		}
		if w.Workflow.Type == sdk.TypePromise {
			checked = map[string]any{"message": checked["message"]} // a Promise keeps only its message
			if checked["message"] == nil {
				checked = nil
			}
		}
		pr.Status = checked
	}
	return pr, nil
}

// kratixEnv is what Kratix sets in every container of a Pipeline, in its order.
func (w *Workflow) kratixEnv(pipeline string, live map[string]any) []EnvVar {
	id := Identify(live)
	plural, scoped := w.Promise.API.Plural, w.Promise.API.ClusterScoped
	if w.Workflow.Type == sdk.TypePromise {
		id = Identity{Group: "platform.kratix.io", Version: "v1alpha1", Kind: "Promise", Name: w.Promise.Name}
		plural, scoped = "promises", true
	}
	env := []EnvVar{
		{"KRATIX_WORKFLOW_ACTION", w.Workflow.Action},
		{"KRATIX_WORKFLOW_TYPE", w.Workflow.Type},
		{"KRATIX_PROMISE_NAME", w.Promise.Name},
		{"KRATIX_PIPELINE_NAME", pipeline},
		{"KRATIX_OBJECT_KIND", id.Kind},
		{"KRATIX_OBJECT_GROUP", id.Group},
		{"KRATIX_OBJECT_VERSION", id.Version},
		{"KRATIX_OBJECT_NAME", id.Name},
		{"KRATIX_OBJECT_NAMESPACE", id.Namespace},
		{"KRATIX_CRD_PLURAL", plural},
		{"KRATIX_CLUSTER_SCOPED", fmt.Sprint(scoped)},
	}
	if w.DryRun && w.Workflow.Type == sdk.TypeResource {
		env = append(env, EnvVar{"KRATIX_DRY_RUN", "true"})
	}
	return env
}

// container builds the container as the kubelet starts it: Kratix's variables first, then the
// Promise's env with $(VAR) references to the variables before each one expanded, then the
// command and args expanded with the whole environment.
func (w *Workflow) container(c promise.Container, kratix []EnvVar) (Container, error) {
	out := Container{Name: c.Name, Image: c.Image}
	vars := make(map[string]string, len(kratix)+len(c.Env))
	for _, e := range kratix {
		vars[e.Name] = e.Value
		out.Env = append(out.Env, e)
	}
	for _, e := range c.Env {
		v := Expand(e.Value, vars)
		if e.From != "" {
			given, ok := w.Values[e.Name]
			if !ok {
				return out, fmt.Errorf("container %s: env %s comes from %s, which a local run cannot read: give it with --env %s=VALUE", c.Name, e.Name, e.From, e.Name)
			}
			v = given
		}
		vars[e.Name] = v
		out.Env = append(out.Env, EnvVar{e.Name, v})
	}
	for _, s := range c.Command {
		out.Command = append(out.Command, Expand(s, vars))
	}
	for _, s := range c.Args {
		out.Args = append(out.Args, Expand(s, vars))
	}
	return out, nil
}

// hasRetry reports a retryAfter in workflow-control.yaml, whatever its duration: Kratix retries
// on any retryAfter, "0s" included.
func hasRetry(files *fsys.MemFS) bool {
	data, err := files.ReadFile(sdk.ControlFile)
	if err != nil {
		return false
	}
	f, err := yamldoc.Parse(sdk.ControlFile, data)
	if err != nil || len(f.Docs()) == 0 {
		return false
	}
	s, err := f.Docs()[0].Root().GetString("retryAfter")
	return err == nil && s != ""
}

func describeControl(c sdk.ControlState) string {
	what := "suspended"
	if !c.Suspend {
		what = "retry after " + c.RetryAfter.String()
	}
	if c.Message != "" {
		what += ": " + c.Message
	}
	return what
}

func tail(log []byte, n int) []string {
	s := strings.TrimRight(string(log), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// OutputNames lists a Pipeline's output files in order.
func (pr PipelineResult) OutputNames() []string {
	names := make([]string, 0, len(pr.Output))
	for n := range pr.Output {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

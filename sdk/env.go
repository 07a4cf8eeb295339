package sdk

import (
	"fmt"
	"strings"
)

// The workflow types and actions Kratix sets in KRATIX_WORKFLOW_TYPE and KRATIX_WORKFLOW_ACTION.
const (
	TypeResource    = "resource"
	TypePromise     = "promise"
	ActionConfigure = "configure"
	ActionDelete    = "delete"
)

// Env is what Kratix tells a stage through its environment (docs/contract.md#environment).
type Env struct {
	WorkflowType    string // KRATIX_WORKFLOW_TYPE: resource, promise (or an extension's type)
	WorkflowAction  string // KRATIX_WORKFLOW_ACTION: configure or delete
	PromiseName     string // KRATIX_PROMISE_NAME
	PipelineName    string // KRATIX_PIPELINE_NAME
	ObjectKind      string // KRATIX_OBJECT_KIND
	ObjectGroup     string // KRATIX_OBJECT_GROUP
	ObjectVersion   string // KRATIX_OBJECT_VERSION
	ObjectName      string // KRATIX_OBJECT_NAME
	ObjectNamespace string // KRATIX_OBJECT_NAMESPACE (set but empty in promise workflows)
	CRDPlural       string // KRATIX_CRD_PLURAL
	ClusterScoped   bool   // KRATIX_CLUSTER_SCOPED
	DryRun          bool   // KRATIX_DRY_RUN: produce the same output, skip side effects

	// Assumed is true when KRATIX_WORKFLOW_TYPE or KRATIX_WORKFLOW_ACTION was not set (a laptop,
	// a test): the missing one was assumed to be resource or configure.
	Assumed bool

	lookup func(string) (string, bool)
}

// LookupFunc finds an environment variable, like os.LookupEnv.
type LookupFunc func(string) (string, bool)

// MapEnv is a LookupFunc over a map, for tests.
func MapEnv(m map[string]string) LookupFunc {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// ReadEnv reads the KRATIX_* variables. Booleans must be "true" or "false" (or unset); other
// values are an error naming the variable, since a stage cannot guess what the platform meant.
func ReadEnv(lookup LookupFunc) (Env, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	get := func(k string) string { v, _ := lookup(k); return v }
	e := Env{
		WorkflowType:    get("KRATIX_WORKFLOW_TYPE"),
		WorkflowAction:  get("KRATIX_WORKFLOW_ACTION"),
		PromiseName:     get("KRATIX_PROMISE_NAME"),
		PipelineName:    get("KRATIX_PIPELINE_NAME"),
		ObjectKind:      get("KRATIX_OBJECT_KIND"),
		ObjectGroup:     get("KRATIX_OBJECT_GROUP"),
		ObjectVersion:   get("KRATIX_OBJECT_VERSION"),
		ObjectName:      get("KRATIX_OBJECT_NAME"),
		ObjectNamespace: get("KRATIX_OBJECT_NAMESPACE"),
		CRDPlural:       get("KRATIX_CRD_PLURAL"),
		lookup:          lookup,
	}
	var errs []string
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"KRATIX_CLUSTER_SCOPED", &e.ClusterScoped}, {"KRATIX_DRY_RUN", &e.DryRun}} {
		switch v := strings.TrimSpace(get(b.name)); strings.ToLower(v) {
		case "", "false":
		case "true":
			*b.dst = true
		default:
			errs = append(errs, fmt.Sprintf("%s=%q: want true or false", b.name, v))
		}
	}
	// Kratix always sets both; a local run may set neither or only one. What is missing is
	// assumed (and logged by the runner), never left empty.
	if e.WorkflowType == "" {
		e.WorkflowType, e.Assumed = TypeResource, true
	}
	if e.WorkflowAction == "" {
		e.WorkflowAction, e.Assumed = ActionConfigure, true
	}
	if len(errs) > 0 {
		return e, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return e, nil
}

// Lookup returns any environment variable, for settings a stage reads itself.
func (e Env) Lookup(name string) (string, bool) {
	if e.lookup == nil {
		return "", false
	}
	return e.lookup(name)
}

// IsResource reports a resource workflow. Kratix compares the type exactly; so does this.
func (e Env) IsResource() bool { return e.WorkflowType == TypeResource }

// IsPromise reports a promise workflow.
func (e Env) IsPromise() bool { return e.WorkflowType == TypePromise }

// IsConfigure reports a configure action.
func (e Env) IsConfigure() bool { return e.WorkflowAction == ActionConfigure }

// IsDelete reports a delete action. Output written in a delete workflow is ignored by Kratix.
func (e Env) IsDelete() bool { return e.WorkflowAction == ActionDelete }

// Workflow is the workflow this run belongs to.
func (e Env) Workflow() Workflow { return Workflow{Type: e.WorkflowType, Action: e.WorkflowAction} }

// Workflow is a (type, action) pair a stage may act on.
type Workflow struct{ Type, Action string }

// The four workflows of the Kratix contract.
var (
	ResourceConfigure = Workflow{TypeResource, ActionConfigure}
	ResourceDelete    = Workflow{TypeResource, ActionDelete}
	PromiseConfigure  = Workflow{TypePromise, ActionConfigure}
	PromiseDelete     = Workflow{TypePromise, ActionDelete}
)

func (w Workflow) String() string { return w.Type + " " + w.Action }

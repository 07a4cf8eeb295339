// Package labelinjector is the label-injector stage: it stamps ownership labels (the Promise,
// the request, who manages the object, and any extra labels) on every Kubernetes object a
// pipeline writes to /kratix/output, and optionally on pod templates and selectors.
package labelinjector

import (
	"errors"

	"github.com/stagekit/stagekit/sdk"
)

// Config is what a Promise sets on the container.
type Config struct {
	ManagedBy        string            `env:"MANAGED_BY" default:"kratix" help:"value of app.kubernetes.io/managed-by on every object"`
	Labels           map[string]string `env:"LABELS" help:"extra labels, key=value,key2=value2; values may use $(KRATIX_...) references"`
	IncludeTemplates bool              `env:"INCLUDE_TEMPLATES" default:"true" help:"also label the pod templates of workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)"`
	IncludeSelectors bool              `env:"INCLUDE_SELECTORS" default:"false" help:"also add the labels to selectors (kustomize commonLabels fields); selectors of existing workloads are immutable"`
	ComponentDirs    []string          `env:"COMPONENT_DIRS" help:"top-level output directories holding child requests of a compound Promise; their objects get kratix.io/parent-* labels"`

	dirs map[string]bool // COMPONENT_DIRS as the work-writer reads them, made by Check
}

// Check checks the settings before anything is read, reporting every problem at once (exit 2):
// COMPONENT_DIRS, read the way the work-writer reads a selector's directory
// (sdk.ComponentDirectory: "platform", "platform/", "./platform" and "platform//" are one);
// INCLUDE_SELECTORS, which needs INCLUDE_TEMPLATES; and the keys LABELS sets. The label values
// are checked by Run, with the labels that come from the request.
func (cfg *Config) Check(sdk.Env) error {
	var problems []error
	cfg.dirs = map[string]bool{}
	for _, d := range cfg.ComponentDirs {
		dir, err := sdk.ComponentDirectory(d)
		if err != nil {
			problems = append(problems, sdk.SettingErrorf("COMPONENT_DIRS", "%v", err))
			continue
		}
		cfg.dirs[dir] = true
	}
	if cfg.IncludeSelectors && !cfg.IncludeTemplates {
		problems = append(problems, sdk.SettingErrorf("INCLUDE_SELECTORS", "true needs INCLUDE_TEMPLATES=true: selectors carrying labels the pod templates lack match no pod, and the API server refuses such workloads"))
	}
	problems = append(problems, labelKeyProblems(cfg.Labels)...)
	return errors.Join(problems...)
}

// Stage is label-injector. Delete workflows are skipped: Kratix ignores their output.
var Stage = sdk.Stage[Config]{
	Name:    "label-injector",
	Summary: "adds ownership labels to every Kubernetes object in /kratix/output",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:     run,
}

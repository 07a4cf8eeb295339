// Package labelinjector is the label-injector stage: it stamps ownership labels (the Promise,
// the request, who manages the object, and any extra labels) on every Kubernetes object a
// pipeline writes to /kratix/output, and optionally on pod templates and selectors.
package labelinjector

import "github.com/stagekit/stagekit/sdk"

// Config is what a Promise sets on the container.
type Config struct {
	ManagedBy        string            `env:"MANAGED_BY" default:"kratix" help:"value of app.kubernetes.io/managed-by on every object"`
	Labels           map[string]string `env:"LABELS" help:"extra labels, key=value,key2=value2; values may use $(KRATIX_...) references"`
	IncludeTemplates bool              `env:"INCLUDE_TEMPLATES" default:"true" help:"also label the pod templates of workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)"`
	IncludeSelectors bool              `env:"INCLUDE_SELECTORS" default:"false" help:"also add the labels to selectors (kustomize commonLabels fields); selectors of existing workloads are immutable"`
	ComponentDirs    []string          `env:"COMPONENT_DIRS" help:"top-level output directories holding child requests of a compound Promise; their objects get kratix.io/parent-* labels"`
}

// Stage is label-injector. Delete workflows are skipped: Kratix ignores their output.
var Stage = sdk.Stage[Config]{
	Name:    "label-injector",
	Summary: "adds ownership labels to every Kubernetes object in /kratix/output",
	Acts:    []sdk.Workflow{sdk.ResourceConfigure, sdk.PromiseConfigure},
	Run:     run,
}

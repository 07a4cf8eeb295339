package labelinjector

import (
	"errors"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fieldpath"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// target is a labels map inside an object that gets the labels too. When Parent is set the
// map is made if missing, as long as Parent exists as a map; otherwise the map must exist.
type target struct {
	Path   fieldpath.Path // the labels map
	Parent fieldpath.Path
}

func path(keys ...string) fieldpath.Path {
	p := make(fieldpath.Path, len(keys))
	for i, k := range keys {
		p[i] = fieldpath.Key(k)
	}
	return p
}

var (
	templateLabels    = target{path("spec", "template", "metadata", "labels"), path("spec", "template")}
	jobTemplateLabels = target{path("spec", "jobTemplate", "metadata", "labels"), path("spec", "jobTemplate")}
	cronPodLabels     = target{path("spec", "jobTemplate", "spec", "template", "metadata", "labels"), path("spec", "jobTemplate", "spec", "template")}

	// Selectors, after kustomize's commonLabels field specs. matchLabels is made under an
	// existing spec.selector of the apps workloads (kustomize creates it; apps/v1 requires a
	// selector, so a manifest without one is left as it is); elsewhere only an existing map is
	// extended, since adding a selector where there was none changes what the object selects.
	workloadSelector = target{path("spec", "selector", "matchLabels"), path("spec", "selector")}
	existingMatch    = target{Path: path("spec", "selector", "matchLabels")}
	plainSelector    = target{Path: path("spec", "selector")}
	cronSelector     = target{Path: path("spec", "jobTemplate", "spec", "selector", "matchLabels")}
	podSelector      = target{Path: path("spec", "podSelector", "matchLabels")}
)

// kindKey identifies a built-in kind by group and kind; a CRD that reuses the name
// "Deployment" in its own group is not a workload.
type kindKey struct{ group, kind string }

var templateTargets = map[kindKey][]target{
	{"apps", "Deployment"}:        {templateLabels},
	{"extensions", "Deployment"}:  {templateLabels},
	{"apps", "StatefulSet"}:       {templateLabels},
	{"apps", "DaemonSet"}:         {templateLabels},
	{"extensions", "DaemonSet"}:   {templateLabels},
	{"apps", "ReplicaSet"}:        {templateLabels},
	{"extensions", "ReplicaSet"}:  {templateLabels},
	{"", "ReplicationController"}: {templateLabels},
	{"batch", "Job"}:              {templateLabels},
	{"batch", "CronJob"}:          {jobTemplateLabels, cronPodLabels},
}

var selectorTargets = map[kindKey][]target{
	{"", "Service"}:                        {plainSelector},
	{"", "ReplicationController"}:          {plainSelector},
	{"apps", "Deployment"}:                 {workloadSelector},
	{"extensions", "Deployment"}:           {workloadSelector},
	{"apps", "StatefulSet"}:                {workloadSelector},
	{"apps", "DaemonSet"}:                  {workloadSelector},
	{"extensions", "DaemonSet"}:            {workloadSelector},
	{"apps", "ReplicaSet"}:                 {workloadSelector},
	{"extensions", "ReplicaSet"}:           {workloadSelector},
	{"batch", "Job"}:                       {existingMatch},
	{"batch", "CronJob"}:                   {cronSelector},
	{"policy", "PodDisruptionBudget"}:      {existingMatch},
	{"networking.k8s.io", "NetworkPolicy"}: {podSelector},
}

// targets lists the label maps of m to stamp besides metadata.labels, keeping only those that
// exist or may be created under an existing parent.
func targets(m *sdk.Manifest, cfg *Config) []fieldpath.Path {
	if !cfg.IncludeTemplates && !cfg.IncludeSelectors {
		return nil
	}
	key := kindKey{m.Group(), m.Kind()}
	var cands []target
	if cfg.IncludeTemplates {
		cands = append(cands, templateTargets[key]...)
	}
	if cfg.IncludeSelectors {
		cands = append(cands, selectorTargets[key]...)
	}
	var out []fieldpath.Path
	for _, t := range cands {
		if isMap(m.Node, t.Path) || t.Parent != nil && canCreate(m.Node, t) {
			out = append(out, t.Path)
		}
	}
	return out
}

func isMap(n yamldoc.Node, p fieldpath.Path) bool {
	v, err := n.LookupPath(p)
	return err == nil && v.Kind() == yamldoc.MapKind
}

// canCreate reports whether t's map can be made: its parent is a map and every step below it
// is a map, missing or null.
func canCreate(n yamldoc.Node, t target) bool {
	if !isMap(n, t.Parent) {
		return false
	}
	for i := len(t.Parent) + 1; i <= len(t.Path); i++ {
		if !mapOrAbsent(n, t.Path[:i]) {
			return false
		}
	}
	return true
}

// mapOrAbsent is true when p is a map, missing or null: a place labels can go.
func mapOrAbsent(n yamldoc.Node, p fieldpath.Path) bool {
	v, err := n.LookupPath(p)
	if err != nil {
		return errors.Is(err, yamldoc.ErrNotFound)
	}
	return v.Kind() == yamldoc.MapKind || v.Kind() == yamldoc.ScalarKind && v.Tag() == "!!null"
}

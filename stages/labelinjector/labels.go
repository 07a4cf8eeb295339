package labelinjector

import (
	"errors"
	"fmt"
	"sort"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/labels"
)

// The labels the stage owns.
const (
	LabelPromise         = "kratix.io/promise-name"
	LabelResource        = "kratix.io/resource-name"
	LabelManagedBy       = "app.kubernetes.io/managed-by"
	LabelParentPromise   = "kratix.io/parent-promise-name"
	LabelParentResource  = "kratix.io/parent-resource-name"
	LabelParentNamespace = "kratix.io/parent-resource-namespace"
)

// label is one label to stamp, with where its value came from for error messages.
type label struct {
	Key, Value string
	From       string
}

// owner is who the output belongs to.
type owner struct {
	Promise, Resource, Namespace string
	resourceWorkflow             bool
}

// labelSets are the labels for ordinary objects and for objects in component directories.
type labelSets struct {
	Plain, Component []label
}

// resolveOwner reads the Promise and request from the environment, falling back to the input
// object outside Kratix, where KRATIX_* is not set.
func resolveOwner(k *sdk.Kratix) (owner, error) {
	o := owner{Promise: k.Env.PromiseName, Resource: k.Env.ObjectName, Namespace: k.Env.ObjectNamespace, resourceWorkflow: k.Env.IsResource()}
	needObject := o.Promise == "" || (o.resourceWorkflow && o.Resource == "")
	if !needObject {
		return o, nil
	}
	obj, err := k.Object()
	if errors.Is(err, fsys.ErrNotRegular) {
		return o, err // not a missing setting: the input is not a file (exit 1)
	}
	if err != nil {
		return o, sdk.Misconfigured("KRATIX_PROMISE_NAME or KRATIX_OBJECT_NAME is not set and the input object cannot tell them: %v", err)
	}
	if o.Resource == "" {
		o.Resource = obj.Name()
	}
	if o.Namespace == "" {
		o.Namespace = obj.Namespace()
	}
	if o.Promise == "" {
		if obj.IsPromise() {
			o.Promise = obj.Name()
		} else if l, err := obj.GetStringMap("metadata.labels"); err == nil {
			o.Promise = l[LabelPromise]
		}
	}
	if o.Promise == "" {
		return o, sdk.Misconfigured("KRATIX_PROMISE_NAME is not set and the input object has no %s label: set KRATIX_PROMISE_NAME", LabelPromise)
	}
	if o.resourceWorkflow && o.Resource == "" {
		return o, sdk.Misconfigured("KRATIX_OBJECT_NAME is not set and the input object has no metadata.name: set KRATIX_OBJECT_NAME")
	}
	return o, nil
}

// buildLabels decides the labels: the stage's own, then LABELS (whose keys Check checked).
func buildLabels(o owner, cfg *Config) labelSets {
	var plain, comp []label
	if o.resourceWorkflow {
		plain = append(plain,
			label{LabelPromise, o.Promise, "the Promise's name, KRATIX_PROMISE_NAME"},
			label{LabelResource, o.Resource, "the request's name, KRATIX_OBJECT_NAME"})
		comp = append(comp,
			label{LabelParentPromise, o.Promise, "the Promise's name, KRATIX_PROMISE_NAME"},
			label{LabelParentResource, o.Resource, "the request's name, KRATIX_OBJECT_NAME"})
		// A cluster-scoped request has no namespace; an empty label would say nothing.
		if o.Namespace != "" {
			comp = append(comp, label{LabelParentNamespace, o.Namespace, "the request's namespace, KRATIX_OBJECT_NAMESPACE"})
		}
	} else {
		plain = append(plain, label{LabelPromise, o.Promise, "the Promise's name, KRATIX_PROMISE_NAME"})
		comp = append(comp, label{LabelParentPromise, o.Promise, "the Promise's name, KRATIX_PROMISE_NAME"})
	}
	managed := label{LabelManagedBy, cfg.ManagedBy, "MANAGED_BY"}
	plain, comp = append(plain, managed), append(comp, managed)

	for _, key := range sortedKeys(cfg.Labels) {
		l := label{key, cfg.Labels[key], "LABELS"}
		plain, comp = append(plain, l), append(comp, l)
	}
	return labelSets{Plain: plain, Component: comp}
}

// labelKeyProblems checks the keys LABELS sets. LABELS may not set a label the stage owns: two
// settings fighting over one key would make the result depend on which wins.
func labelKeyProblems(extra map[string]string) []error {
	var bad []error
	for _, key := range sortedKeys(extra) {
		switch key {
		case LabelPromise, LabelResource, LabelManagedBy, LabelParentPromise, LabelParentResource, LabelParentNamespace:
			hint := "the stage sets it itself"
			if key == LabelManagedBy {
				hint = "set MANAGED_BY instead"
			}
			bad = append(bad, sdk.SettingErrorf("LABELS", "sets %s: %s", key, hint))
			continue
		}
		if why := labels.KeyError(key); why != "" {
			bad = append(bad, sdk.SettingErrorf("LABELS", "%q is not a valid label key: %s", key, why))
		}
	}
	return bad
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

// invalidValues lists every label whose value Kubernetes would refuse, each naming the label,
// the value, where the value came from and why.
// Component labels are checked only when COMPONENT_DIRS is set, since only then are they used.
func invalidValues(sets labelSets, components bool) []string {
	var out []string
	seen := map[string]bool{}
	all := sets.Plain
	if components {
		all = append(append([]label(nil), all...), sets.Component...)
	}
	for _, l := range all {
		if seen[l.Key] {
			continue
		}
		seen[l.Key] = true
		if why := labels.ValueError(l.Value); why != "" {
			out = append(out, fmt.Sprintf("label %s: value %q (%s) is not a valid label value: %s", l.Key, l.Value, l.From, why))
		}
	}
	return out
}

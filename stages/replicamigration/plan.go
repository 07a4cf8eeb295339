package replicamigration

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// plan is what the second pass does, decided from the facts of the whole output (an autoscaler
// may sit in another file than its workload).
type plan struct {
	workloads       []workload
	edits           map[pos]edit
	names           map[string]string // real path → name under output/
	raisedWorkloads int
	raisedHPAs      int
	final           []int64 // each workload's guaranteed replica count after the run
	errs            error
}

// edit is one change the second pass makes to one object.
type edit struct {
	field    string // spec.replicas or spec.minReplicas
	from, to int64
	fromSet  bool  // the field was written (absent counts as 1)
	maxFrom  int64 // autoscalers: maxReplicas before and after
	maxTo    int64
	reason   string // for the log line: the minimum and where it comes from
}

// plan decides every edit. A workload scaled by an autoscaler is left to it: the autoscaler's
// minReplicas is raised instead (and maxReplicas to at least that).
func (fs *facts) plan() *plan {
	p := &plan{workloads: fs.workloads, edits: map[pos]edit{}, names: fs.names}
	scaledBy := map[int][]int64{} // workload index → the final minReplicas of its autoscalers
	var errs []error
	byName := fs.byName()
	for _, a := range fs.autoscalers {
		targets, err := fs.targets(a, byName[nameKey{a.target.kind, a.target.name}])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(targets) == 0 {
			continue
		}
		if a.boundsErr != nil {
			errs = append(errs, a.boundsErr)
			continue
		}
		var want int64
		for _, i := range targets {
			want = max(want, fs.workloads[i].min)
		}
		to := max(a.min, want)
		maxTo := max(a.max, to)
		if to != a.min || maxTo != a.max {
			p.edits[a.pos] = edit{field: "spec.minReplicas", from: a.min, fromSet: a.minSet, to: to, maxFrom: a.max, maxTo: maxTo, reason: "it scales " + refName(fs.workloads[targets[0]].kind, fs.workloads[targets[0]].namespace, a.target.name) + ", " + minReason(fs.workloads[targets[0]])}
			p.raisedHPAs++
		}
		for _, i := range targets {
			scaledBy[i] = append(scaledBy[i], to)
		}
	}
	p.errs = errors.Join(errs...)
	for i, w := range fs.workloads {
		if mins, ok := scaledBy[i]; ok {
			p.final = append(p.final, minOf(mins))
			continue
		}
		if w.replicas < w.min {
			p.edits[w.pos] = edit{field: "spec.replicas", from: w.replicas, fromSet: w.replicasSet, to: w.min, reason: minReason(w)}
			p.raisedWorkloads++
			p.final = append(p.final, w.min)
			continue
		}
		p.final = append(p.final, w.replicas)
	}
	return p
}

// targets lists the workloads an autoscaler scales: the workloads of the kind and name it names,
// in its namespace. An object without metadata.namespace lands in the namespace the destination
// applies it to, which the output does not say: it is taken to be the one namespace the output
// gives that kind and name (on the workloads and the autoscalers naming them). When those are in
// more than one namespace, a pair whose namespaces differ only by one being unset may or may not
// be the same namespace: the autoscaler is refused, naming it and each such workload.
func (fs *facts) targets(a autoscaler, named *sameName) ([]int, error) {
	if a.hasGroup && a.targetGroup != "apps" {
		return nil, nil
	}
	if named == nil || len(named.workloads) == 0 {
		return nil, nil
	}
	candidates, namespaces := named.workloads, named.namespaces
	var targets, unsure []int
	for _, i := range candidates {
		w := fs.workloads[i]
		switch {
		case w.namespace == a.namespace:
			targets = append(targets, i)
		case w.namespace != "" && a.namespace != "":
			// Two namespaces: another object.
		case len(namespaces) <= 1:
			targets = append(targets, i)
		default:
			unsure = append(unsure, i)
		}
	}
	if len(unsure) == 0 {
		return targets, nil
	}
	var which []string
	for _, i := range unsure {
		w := fs.workloads[i]
		which = append(which, refName(w.kind, w.namespace, w.name)+nsNote(w.namespace)+" at "+fs.where(w.pos, w.line))
	}
	return nil, sdk.Errorf(sdk.Location{File: fs.shown(a.file), Line: a.line},
		"cannot tell whether %s%s scales %s: an object without metadata.namespace lands in the namespace the destination applies it to, and %s %s is in %d namespaces of the output (%s); set metadata.namespace on both",
		refName(a.kind, a.namespace, a.name), nsNote(a.namespace), strings.Join(which, ", nor whether it scales "),
		a.target.kind, a.target.name, len(namespaces), strings.Join(slices.Sorted(maps.Keys(namespaces)), ", "))
}

// nameKey is a kind and a name, as an autoscaler names its target.
type nameKey struct{ kind, name string }

// sameName is what targets needs about one kind and name: the workloads that have it, and the
// namespaces given to it, on those workloads and on the autoscalers naming them ("" left out).
type sameName struct {
	workloads  []int
	namespaces map[string]bool
}

// byName indexes the workloads and autoscalers by kind and name once, so that matching every
// autoscaler takes time in proportion to the output, not to its square.
func (fs *facts) byName() map[nameKey]*sameName {
	idx := map[nameKey]*sameName{}
	get := func(k nameKey) *sameName {
		n := idx[k]
		if n == nil {
			n = &sameName{namespaces: map[string]bool{}}
			idx[k] = n
		}
		return n
	}
	for i, w := range fs.workloads {
		n := get(nameKey{w.kind, w.name})
		n.workloads = append(n.workloads, i)
		if w.namespace != "" {
			n.namespaces[w.namespace] = true
		}
	}
	for _, o := range fs.autoscalers {
		if !o.hasGroup || o.targetGroup == "apps" {
			if n := idx[nameKey{o.target.kind, o.target.name}]; n != nil && o.namespace != "" {
				n.namespaces[o.namespace] = true
			}
		}
	}
	return idx
}

// nsNote marks an object that has no namespace.
func nsNote(namespace string) string {
	if namespace == "" {
		return " (no namespace)"
	}
	return ""
}

// shown is how messages name the file a real path was read through: output/app.yaml.
func (fs *facts) shown(real string) string {
	if n, ok := fs.names[real]; ok {
		return "output/" + n
	}
	return real
}

func (fs *facts) where(p pos, line int) string {
	return sdk.Location{File: fs.shown(p.file), Line: line}.String()
}

func minReason(w workload) string {
	if w.annotated {
		return fmt.Sprintf("minimum %d from its %s annotation", w.min, MinReplicasAnnotation)
	}
	return fmt.Sprintf("minimum %d", w.min)
}

// floor is the smallest final replica count: what every workload of the request is
// guaranteed to run at least.
func (p *plan) floor() int64 { return minOf(p.final) }

func minOf(xs []int64) int64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

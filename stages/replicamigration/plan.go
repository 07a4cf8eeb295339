package replicamigration

import (
	"errors"
	"fmt"
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
	byRef := map[ref][]int{}
	for i, w := range fs.workloads {
		byRef[w.ref] = append(byRef[w.ref], i)
	}
	scaledBy := map[int][]int64{} // workload index → the final minReplicas of its autoscalers
	var errs []error
	for _, a := range fs.autoscalers {
		var targets []int
		for _, i := range byRef[a.target] {
			if !a.hasGroup || a.targetGroup == "apps" {
				targets = append(targets, i)
			}
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
			p.edits[a.pos] = edit{field: "spec.minReplicas", from: a.min, fromSet: a.minSet, to: to, maxFrom: a.max, maxTo: maxTo, reason: "it scales " + refName(fs.workloads[targets[0]].kind, a.target.namespace, a.target.name) + ", " + minReason(fs.workloads[targets[0]])}
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

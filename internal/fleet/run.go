package fleet

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/internal/requests"
	"github.com/stagekit/stagekit/sdk/rollout"
)

// Diff is one fleet diff to run.
type Diff struct {
	From, To *pod.Workflow
	Requests []requests.Request // sorted by namespace, then name
	Jobs     int                // requests run at once
	Shard    *Shard             // run only this shard's requests
}

// Header is the report without its requests and summary: what a renderer prints first.
func (d *Diff) Header() Report {
	side := func(w *pod.Workflow) Side {
		s := Side{File: w.Promise.File, Digest: w.Promise.Digest, Pipelines: pipelineSummary(w)}
		for _, p := range w.Pipelines {
			for _, st := range p.Steps {
				if st.Skipped != "" {
					s.Skipped = append(s.Skipped, fmt.Sprintf("%s/%s (%s)", p.Name, st.Container.Name, st.Skipped))
				}
			}
		}
		return s
	}
	return Report{SchemaVersion: SchemaVersion, Promise: d.To.Promise.Name, Workflow: promise.FlagName(d.To.Workflow),
		From: side(d.From), To: side(d.To), Shard: d.Shard}
}

// Selected are the requests this run covers: all of them, or its shard's.
func (d *Diff) Selected() []requests.Request {
	if d.Shard == nil {
		return d.Requests
	}
	var out []requests.Request
	for _, r := range d.Requests {
		if InShard(r.Namespace, r.Name, *d.Shard) {
			out = append(out, r)
		}
	}
	return out
}

// InShard reports whether a request belongs to a shard: the rollout hash of its namespace/name
// with the salt "shard", modulo the shard count. The salt makes shards independent of rollout
// waves: each shard holds its share of every wave, so shards take about the same time whatever
// the wave (unsalted, a 1% wave would land whole in one of 100 shards).
func InShard(namespace, name string, s Shard) bool {
	return rollout.Hash("shard", namespace, name)%uint64(s.Count) == uint64(s.Index)
}

// ParseShard reads I/N: shard I (from 0) of N.
func ParseShard(s string) (*Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || idx < 0 || idx >= count {
		return nil, fmt.Errorf("--shard %s: want I/N with 0 <= I < N (JOB_COMPLETION_INDEX/completions)", s)
	}
	return &Shard{Index: idx, Count: count}, nil
}

// Run diffs every selected request, Jobs at a time, and hands the reports to emit in order as
// they complete. At most a few reports per job wait for an earlier slow one; each request's
// files are dropped once compared, so memory stays bounded whatever the fleet's size. done is
// called after each emitted report (for a progress line).
func (d *Diff) Run(ctx context.Context, emit func(RequestReport) error, done func(n, total int)) (Summary, error) {
	reqs := d.Selected()
	jobs := max(d.Jobs, 1)
	window := 4 * jobs
	slots := make([]chan RequestReport, len(reqs))
	for i := range slots {
		slots[i] = make(chan RequestReport, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	room := make(chan struct{}, window)
	go func() {
		defer close(next)
		for i := range reqs {
			select {
			case room <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range jobs {
		go func() {
			for i := range next {
				r := reqs[i]
				from := d.From.Run(ctx, r.Object)
				to := d.To.Run(ctx, r.Object)
				slots[i] <- Compare(r, from, to)
			}
		}()
	}
	var sum Summary
	for i := range reqs {
		rep := <-slots[i]
		slots[i] = nil
		<-room
		sum.add(rep)
		if err := emit(rep); err != nil {
			return sum, err
		}
		if done != nil {
			done(i+1, len(reqs))
		}
	}
	return sum, nil
}

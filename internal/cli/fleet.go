package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/stagekit/stagekit/internal/fleet"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/internal/requests"
	"github.com/stagekit/stagekit/sdk"
)

func fleetDiffUsage(w io.Writer, f *flags) {
	fmt.Fprint(w, `Usage: stagekit fleet diff --from OLD.yaml --to NEW.yaml --requests PATH... [flags]

Runs every request through the old and the new Promise's resource.configure pipelines and
prints what the change does to each: unchanged, changed (a unified diff of every file that
differs, Secret values withheld) or failed (where, the exit code, the last log lines), then
one line for the fleet. Requests come from files or directories of YAML (several documents,
kind: List, as kubectl get -o yaml prints them; - reads stdin), filtered to the Promise's kind.

Flags:
`)
	f.usage(w)
	fmt.Fprint(w, `
Exit codes: 0 done (with --exit-code: nothing changed), 1 with --exit-code: something changed,
2 a request failed, a flag is wrong, a file cannot be read or a container cannot run.
`)
}

func fleetDiffCommand(args []string, sys IO) int {
	f := newFlags()
	var rf runFlags
	var from, to, output, shard string
	var reqPaths []string
	var exitCode, quiet, stat bool
	jobs := sys.NumCPU
	f.str("from", "", "OLD.yaml", "the Promise as it is", &from)
	f.str("to", "", "NEW.yaml", "the Promise as it will be", &to)
	f.list("requests", "PATH", "a file or directory of requests, - for stdin (repeatable; arguments count too)", &reqPaths)
	f.str("output", "o", "FORMAT", "text (default), json or markdown", &output)
	f.boolean("stat", "one line per file that differs (lines added, removed) instead of its diff; text and markdown", &stat)
	f.boolean("exit-code", "exit 1 when something changed, 0 when nothing did", &exitCode)
	f.integer("jobs", "N", "requests run at once (default: the number of CPUs)", &jobs)
	f.str("shard", "", "I/N", "run only shard I (from 0) of N, by a stable hash of namespace/name; join the JSON reports with fleet merge", &shard)
	f.boolean("quiet", "no notes on stderr (documents of other kinds left out...), for logs that mix stderr into the report", &quiet)
	rf.register(f)
	usage := func(w io.Writer) { fleetDiffUsage(w, f) }
	pos, err := f.parse(args)
	if err != nil {
		return fail(sys, "fleet diff", err, usage)
	}
	reqPaths = append(reqPaths, pos...)
	var problems []string
	if from == "" || to == "" {
		problems = append(problems, "--from and --to are required")
	}
	if len(reqPaths) == 0 {
		problems = append(problems, "--requests is required")
	}
	if jobs < 1 {
		problems = append(problems, fmt.Sprintf("--jobs %d: want at least 1", jobs))
	}
	var writerOpts []fleet.WriterOption
	if stat {
		writerOpts = append(writerOpts, fleet.Stat())
	}
	if _, err := fleet.NewWriter(output, sys.Stdout, writerOpts...); err != nil {
		problems = append(problems, err.Error())
	}
	var sh *fleet.Shard
	if shard != "" {
		if sh, err = fleet.ParseShard(shard); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return fail(sys, "fleet diff", usagef("%s", strings.Join(problems, "; ")), usage)
	}
	opts, err := rf.options(sys.Getenv)
	if err != nil {
		return fail(sys, "fleet diff", err, usage)
	}
	var promises [2]*promise.Promise
	for i, file := range []string{from, to} {
		if promises[i], err = promise.Load(file); err != nil {
			return fail(sys, "fleet diff", err, usage)
		}
	}
	if promises[0].Name != promises[1].Name && !quiet {
		fmt.Fprintf(sys.Stderr, "stagekit fleet diff: note: the Promises have different names (%s, %s)\n", promises[0].Name, promises[1].Name)
	}
	d := &fleet.Diff{Jobs: jobs, Shard: sh}
	var cantRun []string
	for i, p := range promises {
		w, err := workflow(p, sdk.ResourceConfigure, opts, !rf.noDryRun)
		if err != nil {
			cantRun = append(cantRun, err.Error())
			continue
		}
		if i == 0 {
			d.From = w
		} else {
			d.To = w
		}
	}
	if len(cantRun) > 0 {
		return fail(sys, "fleet diff", fmt.Errorf("%s", strings.Join(cantRun, "\n")), usage)
	}
	set, err := requests.Load(reqPaths, sys.Stdin, promises[1])
	if err != nil {
		return fail(sys, "fleet diff", err, usage)
	}
	if set.Other > 0 && !quiet {
		fmt.Fprintf(sys.Stderr, "stagekit fleet diff: left out %s of other kinds than %s.%s\n", plural(set.Other, "document"), promises[1].API.Kind, promises[1].API.Group)
	}
	d.Requests = set.Requests
	selected := d.Selected()
	buf := bufio.NewWriterSize(sys.Stdout, 64<<10)
	out, _ := fleet.NewWriter(output, buf, writerOpts...)
	if err := out.Begin(d.Header(), len(selected)); err != nil {
		return fail(sys, "fleet diff", err, usage)
	}
	prog := newProgress(sys)
	sum, err := d.Run(context.Background(), func(r fleet.RequestReport) error {
		if err := out.Request(r); err != nil {
			return err
		}
		if buf.Buffered() > 32<<10 {
			return buf.Flush()
		}
		return nil
	}, prog.update)
	prog.clear()
	if err == nil {
		err = out.End(sum)
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		return fail(sys, "fleet diff", err, usage)
	}
	switch {
	case sum.Failed > 0:
		return ExitError
	case exitCode && sum.Changed > 0:
		return ExitChanged
	}
	return ExitOK
}

func plural(n int, what string) string { return count(n, what) }

// progress draws "12/1000 requests, 340/s" on a terminal's stderr, at most ten times a second.
type progress struct {
	w     io.Writer
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(sys IO) *progress {
	if !sys.Terminal {
		return &progress{}
	}
	return &progress{w: sys.Stderr, start: time.Now()}
}

func (p *progress) update(n, total int) {
	if p.w == nil || (time.Since(p.last) < 100*time.Millisecond && n < total) {
		return
	}
	p.last = time.Now()
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r\033[Kfleet diff: %d/%d requests, %.0f/s", n, total, rate)
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func fleetMergeUsage(w io.Writer, f *flags) {
	fmt.Fprint(w, `Usage: stagekit fleet merge REPORT.json... [-o text|json|markdown] [--stat]

Joins the JSON reports of the shards of one fleet diff (--shard I/N, every I of N once) into
the report one unsharded run prints, in any format.

Flags:
`)
	f.usage(w)
	fmt.Fprint(w, `
Exit codes: 0 merged, 2 a report is missing, unreadable or from another diff.
`)
}

func fleetMergeCommand(args []string, sys IO) int {
	f := newFlags()
	var output string
	var stat bool
	f.str("output", "o", "FORMAT", "text (default), json or markdown", &output)
	f.boolean("stat", "one line per file that differs (lines added, removed) instead of its diff; text and markdown", &stat)
	usage := func(w io.Writer) { fleetMergeUsage(w, f) }
	pos, err := f.parse(args)
	if err != nil {
		return fail(sys, "fleet merge", err, usage)
	}
	if len(pos) == 0 {
		return fail(sys, "fleet merge", usagef("want the JSON reports to merge"), usage)
	}
	var writerOpts []fleet.WriterOption
	if stat {
		writerOpts = append(writerOpts, fleet.Stat())
	}
	out, err := fleet.NewWriter(output, sys.Stdout, writerOpts...)
	if err != nil {
		return fail(sys, "fleet merge", usageError{err.Error()}, usage)
	}
	var reps []fleet.Report
	for _, name := range pos {
		data, err := os.ReadFile(name)
		if err != nil {
			return fail(sys, "fleet merge", err, usage)
		}
		rep, err := fleet.Parse(name, data)
		if err != nil {
			return fail(sys, "fleet merge", err, usage)
		}
		reps = append(reps, rep)
	}
	merged, err := fleet.Merge(pos, reps)
	if err != nil {
		return fail(sys, "fleet merge", err, usage)
	}
	if err := fleet.Write(out, merged); err != nil {
		return fail(sys, "fleet merge", err, usage)
	}
	return ExitOK
}

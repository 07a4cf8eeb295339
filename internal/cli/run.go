package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/internal/requests"
	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"sigs.k8s.io/yaml"
)

func runUsage(w io.Writer, f *flags) {
	fmt.Fprint(w, `Usage: stagekit run PROMISE.yaml [REQUEST.yaml...] [flags]

Runs the Promise's workflow for each request (resource workflows) or for the Promise itself
(promise workflows) as Kratix runs it: every Pipeline in order, each in a fresh /kratix, and
prints per Pipeline what each container did, the files written, the status, the destination
selectors and where the work-writer schedules each file.

Flags:
`)
	f.usage(w)
	fmt.Fprint(w, `
Exit codes: 0 every Pipeline ran (or workflow-control.yaml stopped the workflow), 1 a Pipeline
failed, 2 a flag is wrong, a file cannot be read or a container cannot run.
`)
}

func runCommand(args []string, sys IO) int {
	f := newFlags()
	var rf runFlags
	var wf, out string
	f.str("workflow", "w", "TYPE.ACTION", "resource.configure (default), resource.delete, promise.configure or promise.delete", &wf)
	f.str("out", "", "DIR", "keep each Pipeline's /kratix under DIR", &out)
	rf.register(f)
	usage := func(w io.Writer) { runUsage(w, f) }
	pos, err := f.parse(args)
	if err != nil {
		return fail(sys, "run", err, usage)
	}
	if len(pos) == 0 {
		return fail(sys, "run", usagef("want PROMISE.yaml, then the request files (none for a promise workflow)"), usage)
	}
	w := sdk.ResourceConfigure
	if wf != "" {
		if w, err = promise.ParseWorkflow(wf); err != nil {
			return fail(sys, "run", usageError{err.Error()}, usage)
		}
	}
	p, err := promise.Load(pos[0])
	if err != nil {
		return fail(sys, "run", err, usage)
	}
	if len(p.Workflows[w]) == 0 {
		return fail(sys, "run", fmt.Errorf("%s: Promise %s has no %s workflow", p.File, p.Name, promise.FlagName(w)), usage)
	}
	opts, err := rf.options(sys.Getenv)
	if err != nil {
		return fail(sys, "run", err, usage)
	}
	pw, err := workflow(p, w, opts, !rf.noDryRun)
	if err != nil {
		return fail(sys, "run", err, usage)
	}
	pw.Keep = out != ""
	type target struct {
		obj         map[string]any
		title, dest string
	}
	var targets []target
	if w.Type == sdk.TypePromise {
		if len(pos) > 1 {
			return fail(sys, "run", usagef("a promise workflow runs for the Promise itself: give no request files"), usage)
		}
		targets = append(targets, target{obj: p.Object, title: "Promise " + p.Name, dest: out})
	} else {
		if len(pos) < 2 {
			return fail(sys, "run", usagef("a resource workflow needs request files (or - for stdin)"), usage)
		}
		set, err := requests.Load(pos[1:], sys.Stdin, p)
		if err != nil {
			return fail(sys, "run", err, usage)
		}
		if len(set.Requests) == 0 {
			return fail(sys, "run", fmt.Errorf("no %s request (%s/%s) in %s", p.API.Kind, p.API.Group, strings.Join(p.API.Versions, ","), strings.Join(pos[1:], " ")), usage)
		}
		for _, r := range set.Requests {
			dest := ""
			if out != "" {
				dest = filepath.Join(out, nsDir(r.Namespace), r.Name)
			}
			targets = append(targets, target{obj: r.Object, title: fmt.Sprintf("%s %s (%s)", p.API.Kind, r.ID(), r.Source), dest: dest})
		}
	}
	code := ExitOK
	for i, t := range targets {
		if i > 0 {
			fmt.Fprintln(sys.Stdout)
		}
		res := pw.Run(context.Background(), t.obj)
		printRun(sys.Stdout, pw, t.title, res)
		if t.dest != "" {
			if err := keep(t.dest, res); err != nil {
				return fail(sys, "run", err, usage)
			}
		}
		if res.Failure != nil {
			code = ExitChanged
		}
	}
	return code
}

func nsDir(ns string) string {
	if ns == "" {
		return "_" // cluster-scoped: "_" is no namespace's name
	}
	return ns
}

// printRun prints one workflow run.
func printRun(w io.Writer, pw *pod.Workflow, title string, res pod.Result) {
	if title == "Promise "+pw.Promise.Name { // a promise workflow: the object is the Promise
		fmt.Fprintf(w, "%s: %s", title, promise.FlagName(pw.Workflow))
	} else {
		fmt.Fprintf(w, "%s: Promise %s, %s", title, pw.Promise.Name, promise.FlagName(pw.Workflow))
	}
	if pw.DryRun && pw.Workflow.Type == sdk.TypeResource {
		fmt.Fprint(w, ", KRATIX_DRY_RUN=true")
	}
	fmt.Fprintln(w)
	for i, pr := range res.Pipelines {
		fmt.Fprintf(w, "\npipeline %s (%d of %d)\n", pr.Name, i+1, len(pw.Pipelines))
		nameW, imageW := 0, 0
		for _, c := range pr.Containers {
			nameW, imageW = max(nameW, len(c.Name)), max(imageW, len(c.Image))
		}
		for _, c := range pr.Containers {
			state := fmt.Sprintf("%s, exit %d", c.How, c.Exit)
			if c.Skipped != "" {
				state = "skipped (" + c.Skipped + ")"
			}
			fmt.Fprintf(w, "  %-*s  %-*s  %s\n", nameW, c.Name, imageW, c.Image, state)
			for _, l := range strings.Split(strings.TrimRight(string(c.Log), "\n"), "\n") {
				if l != "" {
					fmt.Fprintf(w, "      %s\n", l)
				}
			}
		}
		if res.Failure != nil && i == len(res.Pipelines)-1 {
			fmt.Fprintf(w, "  FAILED: %s\n", failureText(res.Failure))
			break
		}
		names := pr.OutputNames()
		fmt.Fprintf(w, "  output: %s\n", count(len(names), "file"))
		for _, n := range names {
			group := ""
			if g, ok := pr.Schedule.GroupOf(n); ok {
				group = " -> " + g.Name() + " group"
			}
			fmt.Fprintf(w, "    %s (%s)%s\n", n, count(len(pr.Output[n]), "byte"), group)
		}
		if pw.Workflow.Action == sdk.ActionDelete {
			fmt.Fprintln(w, "  (a delete workflow has no work-writer: Kratix ignores its output)")
		}
		fmt.Fprintf(w, "  status written: %s\n", inline(pr.Status, "nothing"))
		if pw.Workflow.Action == sdk.ActionConfigure {
			fmt.Fprintf(w, "  destination selectors: %s\n", selectorsText(pr.Selectors))
			fmt.Fprintf(w, "  work-writer: %s\n", count(len(pr.Schedule.Groups), "workload group"))
			for _, g := range pr.Schedule.Groups {
				fmt.Fprintf(w, "    %s: %s, %s", g.Name(), g.Labels(), count(len(g.Files), "file"))
				if len(g.Overridden) > 0 {
					fmt.Fprintf(w, " (the Promise's selectors override the pipeline's %s)", strings.Join(g.Overridden, ", "))
				}
				fmt.Fprintln(w)
			}
			if pw.Workflow.Type == sdk.TypeResource {
				fmt.Fprintln(w, "    (each group goes to one destination matching its labels)")
			} else {
				fmt.Fprintln(w, "    (each group goes to every destination matching its labels)")
			}
		}
		if pr.Stopped != "" {
			fmt.Fprintf(w, "  workflow-control.yaml: %s; later pipelines do not run\n", pr.Stopped)
		}
	}
	fmt.Fprintf(w, "\nstatus after the workflow:\n")
	if len(res.Status) == 0 {
		fmt.Fprintln(w, "  (none)")
	} else {
		data, _ := yaml.Marshal(res.Status)
		for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if s := skipped(pw); len(s) > 0 {
		fmt.Fprintf(w, "skipped: %s\n", strings.Join(s, ", "))
	}
	switch {
	case res.Failure != nil:
		fmt.Fprintf(w, "result: failed: %s\n", failureText(res.Failure))
	case res.Stopped != "":
		fmt.Fprintf(w, "result: stopped by workflow-control.yaml: %s\n", res.Stopped)
	default:
		fmt.Fprintf(w, "result: %s ran\n", count(len(res.Pipelines), "pipeline"))
	}
}

func failureText(f *pod.Failure) string {
	if f.Container != "" {
		return fmt.Sprintf("pipeline %s, container %s: %s", f.Pipeline, f.Container, f.Message)
	}
	return fmt.Sprintf("pipeline %s: %s", f.Pipeline, f.Message)
}

func selectorsText(sels []sdk.Selector) string {
	if len(sels) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range sels {
		dir := "default group"
		if s.Directory != "" {
			dir = "directory " + s.Directory + "/"
		}
		parts = append(parts, fmt.Sprintf("%s %s", dir, inline(s.MatchLabels, "{}")))
	}
	return strings.Join(parts, "; ")
}

// inline is a small value on one line, as JSON (keys sorted): {"message":"ready"}.
func inline(v any, empty string) string {
	switch m := v.(type) {
	case map[string]any:
		if len(m) == 0 {
			return empty
		}
	case map[string]string:
		if len(m) == 0 {
			return empty
		}
	case nil:
		return empty
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// keep writes each Pipeline's /kratix under dir/<pipeline>.
func keep(dir string, res pod.Result) error {
	for _, pr := range res.Pipelines {
		if pr.Files == nil {
			continue
		}
		if err := writeTree(pr.Files, filepath.Join(dir, pr.Name)); err != nil {
			return err
		}
	}
	return nil
}

func writeTree(files *fsys.MemFS, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	for name, data := range files.Files() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

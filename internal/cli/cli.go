// Package cli is the stagekit command: `stagekit run` runs a Promise's pipelines for a request
// as Kratix would, `stagekit fleet diff` previews what a Promise change does to every request,
// `stagekit fleet merge` joins sharded reports. cmd/stagekit is its main.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/stagekit/stagekit/internal/engine"
	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/promise"
	"github.com/stagekit/stagekit/internal/runners"
	"github.com/stagekit/stagekit/sdk"
)

// Exit codes.
const (
	ExitOK      = 0 // done; nothing changed (fleet diff --exit-code)
	ExitChanged = 1 // fleet diff --exit-code: something changed; run: a pipeline failed
	ExitError   = 2 // a flag is wrong, a file cannot be read, a container cannot run, a request failed
)

// IO is what the command talks to; tests fill it in memory.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Terminal reports whether stderr is a terminal (progress lines are drawn only there).
	Terminal bool
	// NumCPU is the default of --jobs.
	NumCPU int
}

// OS is the command's IO from the process.
func OS() IO {
	return IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Terminal: isTerminal(os.Stderr), NumCPU: runtime.NumCPU()}
}

// usageError is a problem with the command line: exit 2 with the command's usage hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const mainUsage = `stagekit: run a Kratix Promise's pipelines locally, and preview a Promise change across the fleet.

Usage:
  stagekit run PROMISE.yaml [REQUEST.yaml...] [flags]
  stagekit fleet diff --from OLD.yaml --to NEW.yaml --requests PATH... [flags]
  stagekit fleet merge REPORT.json... [-o text|json|markdown]
  stagekit version

Run "stagekit <command> --help" for a command's flags. Manual: cmd/stagekit/README.md.
`

// Main runs the command line and returns the exit code.
func Main(args []string, sys IO) int {
	if sys.Getenv == nil {
		sys.Getenv = func(string) string { return "" }
	}
	if sys.NumCPU < 1 {
		sys.NumCPU = 1
	}
	if len(args) == 0 {
		fmt.Fprint(sys.Stderr, mainUsage)
		return ExitError
	}
	var err error
	switch args[0] {
	case "run":
		return runCommand(args[1:], sys)
	case "fleet":
		if len(args) < 2 {
			err = usagef("fleet: want a subcommand: diff or merge")
			break
		}
		switch args[1] {
		case "diff":
			return fleetDiffCommand(args[2:], sys)
		case "merge":
			return fleetMergeCommand(args[2:], sys)
		}
		err = usagef("fleet %s: unknown subcommand (want diff or merge)", args[1])
	case "version", "--version":
		fmt.Fprintln(sys.Stdout, "stagekit", Version)
		return ExitOK
	case "help", "-h", "--help":
		fmt.Fprint(sys.Stdout, mainUsage)
		return ExitOK
	default:
		err = usagef("unknown command %q", args[0])
	}
	fmt.Fprintf(sys.Stderr, "stagekit: %v\n\n%s", err, mainUsage)
	return ExitError
}

// Version is set at build time (-ldflags "-X github.com/stagekit/stagekit/internal/cli.Version=v0.2.0").
var Version = "dev"

// fail prints an error and returns the exit code for it.
func fail(sys IO, cmd string, err error, usage func(io.Writer)) int {
	if errors.Is(err, errHelp) {
		usage(sys.Stdout)
		return ExitOK
	}
	fmt.Fprintf(sys.Stderr, "stagekit %s: %v\n", cmd, err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(sys.Stderr, "run \"stagekit %s --help\" for the flags\n", cmd)
	}
	return ExitError
}

// runFlags are how containers run, shared by run and fleet diff.
type runFlags struct {
	stages, execs, execDirs, skips, envs []string
	engine                               string
	noDryRun                             bool
}

func (r *runFlags) register(f *flags) {
	f.list("skip", "NAME", "leave out the container NAME (repeatable): a preview leaves out a terraform apply", &r.skips)
	f.list("stage", "IMAGE=STAGE", "run IMAGE as the stagekit stage STAGE, in process (repeatable)", &r.stages)
	f.list("exec", "IMAGE=PATH", "run IMAGE as the binary PATH on a temporary KRATIX_DIR (repeatable)", &r.execs)
	f.list("exec-dir", "PREFIX=DIR", "run each image PREFIX<name> as the binary DIR/<name>, as --exec does (repeatable)", &r.execDirs)
	f.str("engine", "", "docker|podman", "run any other image with this container engine, as Kratix runs it", &r.engine)
	f.list("env", "NAME=VALUE", "the value of an env entry that uses valueFrom (repeatable)", &r.envs)
	f.boolean("no-dry-run", "do not set KRATIX_DRY_RUN=true in resource workflows", &r.noDryRun)
}

// options checks the flags into runner options.
func (r *runFlags) options(getenv func(string) string) (runners.Options, error) {
	var o runners.Options
	var err error
	var errs []error
	if o.Stages, err = keyValues("stage", r.stages); err != nil {
		errs = append(errs, err)
	}
	if o.Exec, err = keyValues("exec", r.execs); err != nil {
		errs = append(errs, err)
	}
	if o.ExecDirs, err = keyValues("exec-dir", r.execDirs); err != nil {
		errs = append(errs, err)
	}
	if o.Values, err = keyValues("env", r.envs); err != nil {
		errs = append(errs, err)
	}
	o.Skip = map[string]bool{}
	for _, s := range r.skips {
		o.Skip[s] = true
	}
	if r.engine != "" {
		e, err := engine.Find(r.engine, func(name string) (string, error) { return lookPath(name, getenv("PATH")) })
		if err != nil {
			errs = append(errs, err)
		} else {
			o.Engine = &e
		}
	}
	if err := errors.Join(errs...); err != nil {
		return o, usageError{err.Error()}
	}
	return o, nil
}

// workflow resolves every container of a Promise's workflow; the error lists every container
// that cannot run and the flags that would run it.
func workflow(p *promise.Promise, w sdk.Workflow, o runners.Options, dryRun bool) (*pod.Workflow, error) {
	pw := &pod.Workflow{Promise: p, Workflow: w, Values: o.Values, DryRun: dryRun}
	var errs []string
	for _, pl := range p.Workflows[w] {
		steps := pod.Pipeline{Name: pl.Name}
		for _, c := range pl.Containers {
			r, skip, err := o.Resolve(c)
			if err != nil {
				errs = append(errs, fmt.Sprintf("  %s: pipeline %s: %v", p.File, pl.Name, err))
			}
			steps.Steps = append(steps.Steps, pod.Step{Container: c, Runner: r, Skipped: skip})
		}
		pw.Pipelines = append(pw.Pipelines, steps)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("cannot run every container of %s %s:\n%s", p.Name, promise.FlagName(w), strings.Join(errs, "\n"))
	}
	return pw, nil
}

// skipped lists the containers a workflow leaves out, with why.
func skipped(w *pod.Workflow) []string {
	var out []string
	for _, p := range w.Pipelines {
		for _, s := range p.Steps {
			if s.Skipped != "" {
				out = append(out, fmt.Sprintf("%s/%s (%s)", p.Name, s.Container.Name, s.Skipped))
			}
		}
	}
	return out
}

// lookPath finds an executable on a PATH value.
func lookPath(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/internal/logfmt"
	"github.com/stagekit/stagekit/sdk/internal/settings"
)

// Exit codes shared by every stage (docs/design.md#exit-codes).
const (
	ExitOK            = 0 // success, including "nothing to do"
	ExitRuleBroken    = 1 // the input or output breaks a rule: the pipeline must stop
	ExitMisconfigured = 2 // a setting is missing or wrong
)

// Stage is a pipeline stage: its settings (the struct C, declared once with tags), the
// workflows it acts on, and what it does. A stage's main is one line:
//
//	func main() { stage.Main() }
//
// Settings come from env vars (what a Promise sets) or flags (local runs), e.g.
//
//	type Config struct {
//		MinReplicas int `env:"MIN_REPLICAS" default:"2" help:"lowest replica count a workload may have"`
//	}
//
// with tags env, flag, default, help, required:"true", enum:"a,b" and empty:"allowed"; --help
// lists them. A flag wins over the env var, the env var over the default; an env var set to ""
// counts as unset unless the setting is tagged empty:"allowed" ("" switches something off).
// $(KRATIX_*) references left in values are expanded the Kubernetes way. What the tags cannot
// say (a value's syntax, two settings that contradict each other) C says with a Check method
// (see ConfigChecker): it runs before Run, and its problems exit 2, all reported at once.
type Stage[C any] struct {
	Name    string // the binary's name, first word of every log line
	Summary string // one line for --help
	// Acts lists the workflows the stage acts on; in any other it logs why it skips and exits 0.
	// Empty means both configure workflows, resource and promise (see Workflows): a stage put
	// in a configure pipeline acts, whichever the pipeline is, and none acts in a delete
	// workflow unless it says so, since Kratix ignores a delete workflow's output. A stage that
	// only makes sense for requests says Acts: []sdk.Workflow{sdk.ResourceConfigure}.
	Acts []Workflow
	// Run does the work. Problems it records with k.ReportErrorf, or returns (joined errors are
	// reported one per line), make the run exit 1; Misconfigured and SettingErrorf errors exit 2.
	// It runs only after C's Check (if any) passed. A Stage without Run is a bug: every run of it
	// says so and exits 1.
	Run func(k *Kratix, cfg *C) error
}

// DefaultActs are the workflows a stage with no Acts acts on: both configure workflows.
var DefaultActs = []Workflow{ResourceConfigure, PromiseConfigure}

// Workflows are the workflows the stage acts on: Acts, or DefaultActs when it is empty.
func (s Stage[C]) Workflows() []Workflow {
	if len(s.Acts) == 0 {
		return slices.Clone(DefaultActs)
	}
	return slices.Clone(s.Acts)
}

// Invocation is what a stage process is given. Tests fill it in memory; Main from the OS.
type Invocation struct {
	Args   []string
	Env    LookupFunc // nil: no variables
	FS     fsys.FS    // nil: the disk at --kratix-dir / KRATIX_DIR (default /kratix)
	Stdout io.Writer  // --help goes here
	Stderr io.Writer  // logs go here
	Ctx    context.Context
}

// Result is how a run ended.
type Result struct {
	ExitCode    int
	Diagnostics []Diagnostic
	// Changes are the changes the run reported with Changef and Change and committed (none when
	// it failed), as they were logged.
	Changes []Diagnostic
}

// Main runs the stage as a process and exits with its code.
func (s Stage[C]) Main() {
	tuneGC(os.LookupEnv)
	res := s.Execute(Invocation{Args: os.Args[1:], Env: os.LookupEnv, Stdout: os.Stdout, Stderr: os.Stderr})
	os.Exit(res.ExitCode)
}

// tuneGC sets the garbage collector for a short batch process, unless the platform set GOGC or
// GOMEMLIMIT itself (see gcTuner): the heap may grow gcFloor above what the last collection
// found live (a quarter of it above once that is more), so that a run holding one document at a
// time collects rarely, while one that must hold a large file peaks near that file plus the
// floor, not five times it as GOGC=400 allowed. A soft limit well inside Kratix's default 256Mi
// (gcMaxLimit) makes a huge output collect harder instead of being killed.
func tuneGC(lookup LookupFunc) {
	_, gogc := lookup("GOGC")
	_, limit := lookup("GOMEMLIMIT")
	if !limit {
		debug.SetMemoryLimit(gcMaxLimit)
	}
	if !gogc {
		startGCTuner(!limit)
	}
}

// Settings describes the stage's settings, for documentation.
func (s Stage[C]) Settings() []settings.Setting { return settings.Describe(new(C)) }

// Execute runs the stage once: settings (parsed, then checked by C's Check), gating on the
// workflow, the work, the end-of-run checks, one summary line. It never panics: a panic in Run
// or Check is reported as a bug, exit 1.
func (s Stage[C]) Execute(inv Invocation) (res Result) {
	if inv.Stderr == nil {
		inv.Stderr = io.Discard
	}
	if inv.Stdout == nil {
		inv.Stdout = io.Discard
	}
	if inv.Env == nil {
		inv.Env = func(string) (string, bool) { return "", false }
	}
	if inv.Ctx == nil {
		inv.Ctx = context.Background()
	}
	cfg := new(C)
	common, err := settings.Parse(inv.Args, inv.Env, cfg)
	if common.LogFormat == "" {
		common.LogFormat = logfmt.FormatText
	}
	log := logfmt.New(inv.Stderr, s.Name, common.LogFormat, common.LogLevel)
	if errors.Is(err, settings.ErrHelp) {
		settings.Usage(inv.Stdout, s.Name, s.Summary, cfg)
		return Result{ExitCode: ExitOK}
	}
	if s.Run == nil {
		return s.noRun(log)
	}
	if err != nil {
		return s.misconfigured(log, err, true) // every problem the parser finds is a setting's
	}
	env, err := ReadEnv(inv.Env)
	if err != nil {
		return s.misconfigured(log, err, false)
	}
	if env.Assumed {
		log.Info(fmt.Sprintf("KRATIX_WORKFLOW_TYPE or KRATIX_WORKFLOW_ACTION is not set: assuming a %s run outside Kratix", env.Workflow()))
	}
	wave, waveErr := parseWave(common)
	if res, done := s.checkConfig(log, cfg, env, waveErr); done {
		return res
	}
	acts := s.Workflows()
	if !slices.Contains(acts, env.Workflow()) {
		log.Info(fmt.Sprintf("skipped: acts on %s workflows only, this is a %s workflow", workflowList(acts), env.Workflow()))
		return Result{ExitCode: ExitOK}
	}
	files := inv.FS
	if files == nil {
		disk, err := fsys.Disk(common.KratixDir)
		if err != nil {
			return s.misconfigured(log, fmt.Errorf("kratix directory %s: %v (set --kratix-dir or KRATIX_DIR)", common.KratixDir, unwrapPath(err)), true)
		}
		defer disk.Close()
		files = disk
	}
	k := New(inv.Ctx, files, env, log)
	if res, done := s.outsideWave(k, wave); done {
		if err := k.Rollback(); err != nil { // nothing was written: only the run's staging goes
			k.ReportError(err)
			res.ExitCode = max(res.ExitCode, ExitRuleBroken)
		}
		return res
	}
	runErr := s.transact(k, cfg)
	if IsMisconfigured(runErr) {
		k.ReportError(s.nameFlags(runErr))
		res := Result{ExitCode: ExitMisconfigured, Diagnostics: k.Diagnostics()}
		log.Error(s.misconfiguredLine(res.Diagnostics, false))
		return res
	}
	if runErr != nil {
		k.ReportError(runErr)
	}
	res.Diagnostics, res.Changes = k.Diagnostics(), k.committedChanges()
	s.summarize(k, res.Diagnostics)
	if k.Failed() {
		res.ExitCode = ExitRuleBroken
	}
	return res
}

// transact runs the stage as one transaction: its writes reach /kratix only if Run returned nil
// and nothing was reported as an error, the end-of-run checks included (they see the staged
// writes); otherwise they are dropped.
func (s Stage[C]) transact(k *Kratix, cfg *C) error {
	if k.beginErr != nil {
		return k.beginErr
	}
	runErr := s.run(k, cfg)
	if runErr == nil && !k.Failed() {
		if err := k.checkMetadataTypes(); err != nil {
			k.ReportError(err)
		} else if err := k.Selectors.CheckDirectories(); err != nil {
			k.ReportError(err)
		}
	}
	if runErr != nil || k.Failed() {
		if err := k.Rollback(); err != nil {
			return errors.Join(runErr, err)
		}
		return runErr
	}
	return s.commit(k)
}

func (s Stage[C]) commit(k *Kratix) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k.Log.Debug("panic stack", "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error while committing: %v (this is a bug in %s; the next run undoes whatever was half done)", r, s.Name)
		}
	}()
	return k.Commit()
}

func (s Stage[C]) run(k *Kratix, cfg *C) (err error) {
	defer func() {
		if r := recover(); r != nil {
			stack := string(debug.Stack())
			k.Log.Debug("panic stack", "stack", stack)
			err = fmt.Errorf("internal error: %v (this is a bug in %s; please report it with the input that caused it)", r, s.Name)
		}
	}()
	return s.Run(k, cfg)
}

func (s Stage[C]) summarize(k *Kratix, diags []Diagnostic) {
	var errs, warns int
	for _, d := range diags {
		if d.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	out, meta := k.changedFiles()
	parts := []string{}
	if k.summary != "" {
		parts = append(parts, k.summary)
	}
	parts = append(parts, fmt.Sprintf("%s written in output, %s in metadata", plural(out, "file"), plural(meta, "file")))
	if warns > 0 {
		parts = append(parts, plural(warns, "warning"))
	}
	if errs > 0 {
		k.Log.Error(fmt.Sprintf("failed: %s; %s", plural(errs, "error"), strings.Join(parts, "; ")))
		return
	}
	k.Log.Info("done: " + strings.Join(parts, "; "))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// noRun is the run of a Stage declared without Run: a bug in the stage, not in its input or
// settings, so it exits 1 as a panic does, saying what is missing.
func (s Stage[C]) noRun(log *slog.Logger) Result {
	name := s.Name
	if name == "" {
		name = "the stage"
	}
	d := Diagnostic{Severity: Error, Message: fmt.Sprintf("%s has no Run function: its sdk.Stage is declared without Run (this is a bug in %s)", name, name)}
	log.Error(d.Message)
	log.Error("failed: 1 error; nothing read, nothing written")
	return Result{ExitCode: ExitRuleBroken, Diagnostics: []Diagnostic{d}}
}

// misconfigured ends a run whose settings or environment are wrong, before Run: every problem,
// then the last line. settingsErr says err is about settings --help lists, whatever it names.
func (s Stage[C]) misconfigured(log *slog.Logger, err error, settingsErr bool) Result {
	ds := diagnose(err)
	for _, d := range ds {
		for _, line := range strings.Split(d.String(), "\n") {
			log.Error(line)
		}
	}
	log.Error(s.misconfiguredLine(ds, settingsErr))
	return Result{ExitCode: ExitMisconfigured, Diagnostics: ds}
}

// misconfiguredLine is the last line of a misconfigured run, with a hint only where it is
// true: --help when the problems are the settings' (settingsErr) or one names a setting --help
// lists (by its variable or its flag), and for a KRATIX_* variable that is not one of them,
// that Kratix sets it in the pod and how to set it outside Kratix.
func (s Stage[C]) misconfiguredLine(ds []Diagnostic, settingsErr bool) string {
	names := map[string]bool{}
	for _, st := range settings.Listed(new(C)) {
		names[st.Env], names["--"+st.Flag] = true, true
	}
	setting := settingsErr
	var kratix []string
	for _, d := range ds {
		for _, word := range strings.FieldsFunc(d.String(), notNameChar) {
			switch {
			case names[word]:
				setting = true
			case strings.HasPrefix(word, "KRATIX_") && len(word) > len("KRATIX_") && !slices.Contains(kratix, word):
				kratix = append(kratix, word)
			}
		}
	}
	line := "failed: misconfigured (exit 2)"
	if setting {
		line += "; run with --help to list the settings"
	}
	if len(kratix) > 0 {
		stage := s.Name
		if stage == "" {
			stage = "<stage>"
		}
		is, them := "is", "it"
		if len(kratix) > 1 {
			is, them = "are", "them"
		}
		line += fmt.Sprintf("; %s %s set by Kratix in the pipeline pod (docs/contract.md#environment): outside Kratix, set %s in the environment (%s=<value> %s ...)",
			joinAnd(kratix), is, them, kratix[0], stage)
	}
	return line
}

// notNameChar splits a message into the words that may name a variable or a flag.
func notNameChar(r rune) bool {
	return !(r == '_' || r == '-' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}

func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func workflowList(acts []Workflow) string {
	s := make([]string, len(acts))
	for i, a := range acts {
		s[i] = a.String()
	}
	return strings.Join(s, " and ")
}

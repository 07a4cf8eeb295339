package sdk

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/internal/logfmt"
)

// The files of the contract, relative to the kratix directory.
const (
	ObjectFile    = "input/object.yaml"
	StatusFile    = "metadata/status.yaml"
	SelectorsFile = "metadata/destination-selectors.yaml"
	ControlFile   = "metadata/workflow-control.yaml"
)

// Kratix is a stage's view of its pod: the environment, the /kratix directory and the place to
// report problems. Its fields read as what a stage does with them:
//
//	obj, err := k.Object()
//	k.Output.WriteObject("deployment.yaml", deployment)
//	k.Status.Set("message", "ready")
//	k.Selectors.Add(sdk.Selector{MatchLabels: map[string]string{"env": "dev"}})
//	k.Control.RetryAfter(5*time.Minute, "waiting for approval")
//
// Its methods that record a problem are named Report...: Report, ReportError, ReportErrorf and
// ReportWarningf log it at once and count it in the run's last line; an error makes the run fail
// (exit 1) once Run returns, so a stage reports every problem before it fails. Changef,
// ChangeDetailf and Change record a change, logged only if the run commits. Infof only logs.
// sdk.Errorf, like fmt.Errorf, records nothing: it returns an error with a location, for Run to
// return or to pass to ReportError.
type Kratix struct {
	Env       Env
	Log       *slog.Logger
	FS        fsys.FS
	Output    *Output
	Status    *Status
	Selectors *Selectors
	Control   *Control

	ctx       context.Context
	mu        sync.Mutex
	diags     []Diagnostic
	object    *Object
	objErr    error
	loaded    bool
	summary   string
	tx        *fsys.Tx
	beginErr  error
	changes   []change     // reported with Changef, logged at Commit
	logged    []Diagnostic // changes committed and logged
	committed []string     // files the run's commits changed
}

// New makes a Kratix over a file system and an environment; log may be nil (discarded).
// Stage.Execute builds one for each run; tests usually go through sdk/stagetest instead.
//
// Every write through the Kratix is staged (see fsys.Tx): reads see it, /kratix/output and
// /kratix/metadata do not, until Commit. Stage.Execute commits when Run succeeded; a tool that
// uses New directly must call Commit itself (or Rollback to drop the changes). New first
// finishes what a killed earlier run left (see fsys.Begin); if that fails, every file operation
// and Commit return the error.
func New(ctx context.Context, files fsys.FS, env Env, log *slog.Logger) *Kratix {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	k := &Kratix{Env: env, Log: log, ctx: ctx}
	if files != nil { // nil: a Kratix that never touches files (a test of the API calls)
		k.tx, k.beginErr = fsys.Begin(files, "output", "metadata")
		k.FS = k.tx
	}
	k.Output = &Output{k: k}
	k.Status = &Status{k: k}
	k.Selectors = &Selectors{k: k}
	k.Control = &Control{k: k}
	return k
}

// Context is the run's context: cancelled when the stage must stop.
func (k *Kratix) Context() context.Context { return k.ctx }

// Report records diagnostics and logs them at once. Any Error makes the run exit 1.
func (k *Kratix) Report(ds ...Diagnostic) {
	k.mu.Lock()
	k.diags = append(k.diags, ds...)
	k.mu.Unlock()
	for _, d := range ds {
		level := slog.LevelWarn
		if d.Severity == Error {
			level = slog.LevelError
		}
		k.Log.Log(k.ctx, level, d.Message, locAttrs(d.Location)...)
	}
}

// ReportError records err as an error, and the run goes on: one diagnostic per error err joins
// (errors.Join), each with the location it carries (see Errorf). A nil err records nothing.
func (k *Kratix) ReportError(err error) { k.Report(diagnose(err)...) }

// ReportErrorf records an error at a location, and the run goes on.
func (k *Kratix) ReportErrorf(at Location, format string, args ...any) {
	k.Report(Diagnostic{Severity: Error, Location: at, Message: sprintf(format, args...)})
}

// ReportWarningf records a warning at a location: logged at WARN and counted in the run's last
// line; the run does not fail.
func (k *Kratix) ReportWarningf(at Location, format string, args ...any) {
	k.Report(Diagnostic{Severity: Warning, Location: at, Message: sprintf(format, args...)})
}

// Infof logs an event at a location (INFO). It records nothing: a change the run makes is
// reported with Changef instead, so that it is logged only if the run commits.
func (k *Kratix) Infof(at Location, format string, args ...any) {
	k.Log.Info(sprintf(format, args...), locAttrs(at)...)
}

// Diagnostics returns what was reported so far.
func (k *Kratix) Diagnostics() []Diagnostic {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]Diagnostic(nil), k.diags...)
}

// Failed reports whether an error was reported.
func (k *Kratix) Failed() bool {
	for _, d := range k.Diagnostics() {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Summarize sets what the run's last log line says it did ("labelled 120 objects in 14 files").
func (k *Kratix) Summarize(format string, args ...any) { k.summary = sprintf(format, args...) }

func locAttrs(l Location) []any {
	var a []any
	if l.File != "" {
		a = append(a, logfmt.KeyFile, l.File)
		if l.Line > 0 {
			a = append(a, logfmt.KeyLine, l.Line)
		}
	}
	if l.Path != "" {
		a = append(a, logfmt.KeyPath, l.Path)
	}
	return a
}

// Changef reports a change the run makes to its files: a label overwritten, a replica count
// raised. The line is logged (INFO) when the run's writes are committed, in the order reported,
// and never if the run fails: a log never tells of a change that did not happen.
func (k *Kratix) Changef(at Location, format string, args ...any) {
	k.Change(Diagnostic{Location: at, Message: sprintf(format, args...)})
}

// ChangeDetailf reports one detail of changes a Changef line sums up (a label overwritten on
// one object, under a line counting the objects of the file): logged at DEBUG when the run's
// writes are committed, never if the run fails. Nothing is kept when DEBUG is off.
func (k *Kratix) ChangeDetailf(at Location, format string, args ...any) {
	if !k.Log.Enabled(k.ctx, slog.LevelDebug) {
		return
	}
	k.mu.Lock()
	k.changes = append(k.changes, change{Diagnostic: Diagnostic{Location: at, Message: sprintf(format, args...)}, detail: true})
	k.mu.Unlock()
}

// change is a change reported during the run, logged at commit.
type change struct {
	Diagnostic
	detail bool // logged at DEBUG
}

// Change is Changef for a change a reader must not miss (an object removed from the output): with
// Severity Warning it is logged at WARN and counted among the run's warnings, at commit. An Error
// is not a change: it is reported at once, as Report does, and fails the run.
func (k *Kratix) Change(d Diagnostic) {
	if d.Severity == Error {
		k.Report(d)
		return
	}
	k.mu.Lock()
	k.changes = append(k.changes, change{Diagnostic: d})
	k.mu.Unlock()
}

// Commit writes everything the run staged to /kratix/output and /kratix/metadata, all of it or
// none (each file atomically; a failure undoes what was done), then logs the changes reported
// with Changef. The error names the file that failed. Stage.Execute calls it when Run returned
// nil and nothing was reported as an error; a tool that uses New must call it. The Kratix can
// stage and commit again afterwards.
func (k *Kratix) Commit() error {
	if k.tx == nil {
		return nil
	}
	pending := k.tx.Pending()
	err := k.tx.Commit()
	if err != nil && !errors.Is(err, fsys.ErrCommitted) {
		k.dropChanges()
		return err
	}
	k.mu.Lock()
	k.committed = append(k.committed, pending...)
	changes := k.changes
	k.changes = nil
	for _, c := range changes {
		k.logged = append(k.logged, c.Diagnostic)
	}
	k.mu.Unlock()
	for _, c := range changes {
		switch {
		case c.detail:
			k.Log.Debug(c.Message, locAttrs(c.Location)...)
		case c.Severity == Warning:
			k.Report(c.Diagnostic)
		default:
			k.Log.Info(c.Message, locAttrs(c.Location)...)
		}
	}
	return err
}

// Rollback drops everything the run staged, and the changes it reported: /kratix/output and
// /kratix/metadata stay as they were.
func (k *Kratix) Rollback() error {
	k.dropChanges()
	if k.tx == nil {
		return nil
	}
	return k.tx.Rollback()
}

func (k *Kratix) committedChanges() []Diagnostic {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.logged)
}

func (k *Kratix) dropChanges() {
	k.mu.Lock()
	k.changes = nil
	k.mu.Unlock()
}

func (k *Kratix) changedFiles() (output, metadata int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, n := range k.committed {
		switch {
		case strings.HasPrefix(n, "output/"):
			output++
		case strings.HasPrefix(n, "metadata/"):
			metadata++
		}
	}
	return output, metadata
}

package sdk

import (
	"context"
	"io"
	"log/slog"
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
type Kratix struct {
	Env       Env
	Log       *slog.Logger
	FS        fsys.FS
	Output    *Output
	Status    *Status
	Selectors *Selectors
	Control   *Control

	ctx     context.Context
	mu      sync.Mutex
	diags   []Diagnostic
	object  *Object
	objErr  error
	loaded  bool
	summary string
	writes  map[string]bool // files written or removed this run
}

// New makes a Kratix over a file system and an environment; log may be nil (discarded).
// Stage.Execute builds one for each run; tests usually go through sdk/stagetest instead.
func New(ctx context.Context, files fsys.FS, env Env, log *slog.Logger) *Kratix {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	k := &Kratix{Env: env, Log: log, ctx: ctx, writes: map[string]bool{}}
	k.FS = &recordingFS{FS: files, k: k}
	k.Output = &Output{k: k}
	k.Status = &Status{k: k}
	k.Selectors = &Selectors{k: k}
	k.Control = &Control{k: k}
	return k
}

// Context is the run's context: cancelled when the stage must stop.
func (k *Kratix) Context() context.Context { return k.ctx }

// Report records diagnostics and logs them at once, so a stage can report every problem before
// it fails. Any Error makes the run exit 1.
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

// Fail records err (every error it joins, each with its location) as errors.
func (k *Kratix) Fail(err error) { k.Report(diagnose(err)...) }

// Errorf records an error at a location.
func (k *Kratix) Errorf(at Location, format string, args ...any) {
	k.Report(Diagnostic{Severity: Error, Location: at, Message: sprintf(format, args...)})
}

// Warnf records a warning at a location.
func (k *Kratix) Warnf(at Location, format string, args ...any) {
	k.Report(Diagnostic{Severity: Warning, Location: at, Message: sprintf(format, args...)})
}

// Infof logs an event at a location.
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

// recordingFS counts what a run changes, for the summary line.
type recordingFS struct {
	fsys.FS
	k *Kratix
}

func (r *recordingFS) WriteFile(name string, data []byte) error {
	err := r.FS.WriteFile(name, data)
	if err == nil {
		r.note(name)
	}
	return err
}

func (r *recordingFS) Remove(name string) error {
	err := r.FS.Remove(name)
	if err == nil {
		r.note(name)
	}
	return err
}

func (r *recordingFS) Rename(oldname, newname string) error {
	err := r.FS.Rename(oldname, newname)
	if err == nil {
		r.note(newname)
	}
	return err
}

func (r *recordingFS) note(name string) {
	if fsys.IsTemp(name) {
		return // staging is not a change of the output
	}
	r.k.mu.Lock()
	r.k.writes[name] = true
	r.k.mu.Unlock()
}

func (k *Kratix) changedFiles() (output, metadata int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for n := range k.writes {
		switch {
		case strings.HasPrefix(n, "output/"):
			output++
		case strings.HasPrefix(n, "metadata/"):
			metadata++
		}
	}
	return output, metadata
}

package stagetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Runner is anything that runs like a stage process: an sdk.Stage, or a Chain.
type Runner interface {
	Execute(inv sdk.Invocation) sdk.Result
}

// Fixture is the pod a stage runs in.
type Fixture struct {
	Object   string            // input/object.yaml
	Env      map[string]string // KRATIX_* and the stage's settings
	Args     []string          // flags
	Output   map[string]string // files already in /kratix/output, by name relative to it
	Metadata map[string]string // files already in /kratix/metadata
}

// FS builds the fixture's in-memory kratix directory.
func (fx Fixture) FS() *fsys.MemFS {
	m := fsys.NewMem()
	_ = m.MkdirAll("input")
	_ = m.MkdirAll("output")
	_ = m.MkdirAll("metadata")
	if fx.Object != "" {
		_ = m.WriteFile(sdk.ObjectFile, []byte(fx.Object))
	}
	for name, data := range fx.Output {
		_ = m.WriteFile("output/"+name, []byte(data))
	}
	for name, data := range fx.Metadata {
		_ = m.WriteFile("metadata/"+name, []byte(data))
	}
	return m
}

// Result is what a run left behind.
type Result struct {
	sdk.Result
	FS   *fsys.MemFS
	Logs string
	t    testing.TB
}

// Run executes a stage on the fixture.
func Run(t testing.TB, r Runner, fx Fixture) *Result {
	t.Helper()
	return RunOn(t, r, fx.FS(), fx.Env, fx.Args)
}

// RunOn executes a stage on an existing file system (to run again on what a run left).
func RunOn(t testing.TB, r Runner, m *fsys.MemFS, env map[string]string, args []string) *Result {
	t.Helper()
	var logs bytes.Buffer
	res := r.Execute(sdk.Invocation{Args: args, Env: sdk.MapEnv(env), FS: m, Stderr: &logs, Stdout: &logs})
	return &Result{Result: res, FS: m, Logs: logs.String(), t: t}
}

// LogLines are the log lines of the run.
func (r *Result) LogLines() []string {
	s := strings.TrimRight(r.Logs, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Files are the files under a kratix area ("output" or "metadata"), by name relative to it.
func (r *Result) Files(area string) map[string]string {
	out := map[string]string{}
	for name, data := range r.FS.Files() {
		if rel, ok := strings.CutPrefix(name, area+"/"); ok {
			out[rel] = string(data)
		}
	}
	return out
}

// Output returns an output file's content; the test fails if it does not exist.
func (r *Result) Output(name string) string {
	r.t.Helper()
	data, err := r.FS.ReadFile("output/" + name)
	if err != nil {
		r.t.Fatalf("output/%s: %v", name, err)
	}
	return string(data)
}

// HasOutput reports whether an output file exists.
func (r *Result) HasOutput(name string) bool {
	_, err := r.FS.ReadFile("output/" + name)
	return err == nil
}

// Status is metadata/status.yaml as the status-writer will read it, as Kratix.Status.Read reads
// it: YAML 1.1 (an unquoted yes is true), integers as int64, other numbers as float64; empty when
// absent. The test fails if Kratix would refuse the file.
func (r *Result) Status() map[string]any {
	r.t.Helper()
	k := sdk.New(context.Background(), r.FS, sdk.Env{}, nil)
	st, err := k.Status.Read()
	if err != nil {
		r.t.Fatalf("%s: %v", sdk.StatusFile, err)
	}
	return st
}

// Control is metadata/workflow-control.yaml as Go values (empty when absent).
func (r *Result) Control() map[string]any {
	r.t.Helper()
	return r.firstMap(sdk.ControlFile)
}

func (r *Result) firstMap(name string) map[string]any {
	r.t.Helper()
	data, err := r.FS.ReadFile(name)
	if err != nil {
		return map[string]any{}
	}
	f, err := yamldoc.Parse(name, data)
	if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	docs := f.Docs()
	if len(docs) == 0 || docs[0].Empty() {
		return map[string]any{}
	}
	m, err := docs[0].Root().GetMap("")
	if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	return m
}

// Selectors are the destination selectors, validated as the work-writer would.
func (r *Result) Selectors() []sdk.Selector {
	r.t.Helper()
	k := sdk.New(context.Background(), r.FS, sdk.Env{}, nil)
	sels, err := k.Selectors.Read()
	if err != nil {
		r.t.Fatalf("%s: %v", sdk.SelectorsFile, err)
	}
	return sels
}

// Errors are the messages of the error diagnostics, each prefixed by its location.
func (r *Result) Errors() []string { return r.messages(sdk.Error) }

// Warnings are the messages of the warning diagnostics.
func (r *Result) Warnings() []string { return r.messages(sdk.Warning) }

func (r *Result) messages(sev sdk.Severity) []string {
	var out []string
	for _, d := range r.Diagnostics {
		if d.Severity == sev {
			out = append(out, d.String())
		}
	}
	return out
}

// Snapshot is every file of the kratix directory, for comparing runs.
func (r *Result) Snapshot() map[string]string { return Snapshot(r.FS) }

// Snapshot is every file of an in-memory kratix directory, by name.
func Snapshot(m *fsys.MemFS) map[string]string {
	out := map[string]string{}
	for k, v := range m.Files() {
		out[k] = string(v)
	}
	return out
}

// chain runs stages one after another on the same pod, stopping at the first that fails, as
// Kratix's init containers do.
type chain []Runner

// Chain makes one Runner of several stages, run one after another on the same pod. Each gets
// the run's environment and flags (the Fixture's); to give a stage its own settings, as a
// Promise gives each container its env and args, wrap it in a Container:
//
//	pipeline := stagetest.Chain(
//		stagetest.Container{Stage: stage, Env: map[string]string{"ENVIRONMENT": "prod"}},
//		stagetest.Container{Stage: labelinjector.Stage, Env: map[string]string{"MANAGED_BY": "platform-team"}},
//	)
//	res := stagetest.Run(t, pipeline, stagetest.Fixture{Object: request, Env: map[string]string{"KRATIX_PROMISE_NAME": "hello"}})
func Chain(stages ...Runner) Runner { return chain(stages) }

// Container is one container of a Promise's pipeline: a stage with the env and args the Promise
// gives that container alone. It runs with the run's environment (the KRATIX_* variables Kratix
// gives every container, and the Fixture's Env) overlaid by its own Env, and with the run's
// flags followed by its own Args (a later flag wins). Other containers of a Chain do not see
// its settings.
type Container struct {
	Stage Runner
	Env   map[string]string
	Args  []string
}

// Execute runs the container's stage with its own env and args.
func (c Container) Execute(inv sdk.Invocation) sdk.Result {
	if len(c.Env) > 0 {
		pod := inv.Env
		own := c.Env
		inv.Env = func(name string) (string, bool) {
			if v, ok := own[name]; ok {
				return v, true
			}
			if pod == nil {
				return "", false
			}
			return pod(name)
		}
	}
	inv.Args = append(inv.Args[:len(inv.Args):len(inv.Args)], c.Args...)
	return c.Stage.Execute(inv)
}

func (c chain) Execute(inv sdk.Invocation) sdk.Result {
	var all []sdk.Diagnostic
	for _, s := range c {
		res := s.Execute(inv)
		all = append(all, res.Diagnostics...)
		if res.ExitCode != sdk.ExitOK {
			res.Diagnostics = all
			return res
		}
	}
	return sdk.Result{Diagnostics: all}
}

// Idempotent runs the stage on the fixture, then again on what the first run left, and fails
// the test if the second run changed any file or ended differently, or if either run left a
// staging or temporary file behind. It returns the first run.
func Idempotent(t testing.TB, r Runner, fx Fixture) *Result {
	t.Helper()
	first := Run(t, r, fx)
	first.checkNoLeftovers()
	before := first.Snapshot()
	firstLogs := first.Logs
	second := RunOn(t, r, first.FS, fx.Env, fx.Args)
	second.checkNoLeftovers()
	if second.ExitCode != first.ExitCode {
		t.Errorf("second run exited %d, first %d\nsecond run logs:\n%s", second.ExitCode, first.ExitCode, second.Logs)
	}
	if diff := DiffSnapshots(before, second.Snapshot()); diff != "" {
		t.Errorf("the second run changed files (not idempotent):\n%s", diff)
	}
	first.Logs = firstLogs
	return first
}

// checkNoLeftovers fails the test if the run left a staging directory or a temporary file: the
// work-writer would ship it.
func (r *Result) checkNoLeftovers() {
	r.t.Helper()
	for name := range r.FS.Files() {
		if strings.Contains(name, "/"+fsys.StagingDir+"/") || fsys.IsTemp(name) {
			r.t.Errorf("the run left %s behind", name)
		}
	}
}

// DiffSnapshots lists the files created, removed or changed between two snapshots, with the
// contents of small changed files (a huge file is summarised by its sizes); "" when equal.
func DiffSnapshots(a, b map[string]string) string {
	var names []string
	seen := map[string]bool{}
	for k := range a {
		names, seen[k] = append(names, k), true
	}
	for k := range b {
		if !seen[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	const show = 4 << 10
	var out strings.Builder
	for _, n := range names {
		av, aok := a[n]
		bv, bok := b[n]
		switch {
		case !aok:
			fmt.Fprintf(&out, "+ %s (created, %d bytes)\n", n, len(bv))
		case !bok:
			fmt.Fprintf(&out, "- %s (removed)\n", n)
		case av == bv:
		case len(av) <= show && len(bv) <= show:
			fmt.Fprintf(&out, "~ %s:\n--- before\n%s\n--- after\n%s\n", n, av, bv)
		default:
			fmt.Fprintf(&out, "~ %s (%d -> %d bytes)\n", n, len(av), len(bv))
		}
	}
	return out.String()
}

// Benchmark runs a stage on a fresh copy of the fixture per iteration (building the copy is not
// measured) and fails if it does not exit with wantExit. size is the bytes the run processes, for
// MB/s. The fixture is in memory; BenchmarkOnDisk measures the system calls too.
func Benchmark(b *testing.B, r Runner, fx Fixture, size int64, wantExit int) {
	b.Helper()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		files := fx.FS()
		b.StartTimer()
		res := r.Execute(sdk.Invocation{Args: fx.Args, Env: sdk.MapEnv(fx.Env), FS: files})
		if res.ExitCode != wantExit {
			b.Fatalf("exit %d, want %d: %v", res.ExitCode, wantExit, res.Diagnostics)
		}
	}
}

// BenchmarkOnDisk is Benchmark on a real directory, the way a stage runs in a pod: each iteration
// writes the fixture to a fresh kratix directory under b.TempDir() (not measured) and runs the stage
// with --kratix-dir, so the figures include the kernel's work for every file read and written.
// Besides time it reports the CPU the process spent per run, in user space and in the kernel
// (user-ms/op, sys-ms/op, from getrusage): on a shared machine they vary less than the time.
func BenchmarkOnDisk(b *testing.B, r Runner, fx Fixture, size int64, wantExit int) {
	b.Helper()
	b.SetBytes(size)
	b.ReportAllocs()
	parent := b.TempDir()
	var user, sys time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		dir := filepath.Join(parent, strconv.Itoa(n))
		fx.writeTo(b, dir)
		args := append([]string{"--kratix-dir", dir}, fx.Args...)
		u0, s0 := cpuTimes()
		b.StartTimer()
		res := r.Execute(sdk.Invocation{Args: args, Env: sdk.MapEnv(fx.Env)})
		b.StopTimer()
		u1, s1 := cpuTimes()
		user, sys = user+u1-u0, sys+s1-s0
		if res.ExitCode != wantExit {
			b.Fatalf("exit %d, want %d: %v", res.ExitCode, wantExit, res.Diagnostics)
		}
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(user.Milliseconds())/float64(n), "user-ms/op")
	b.ReportMetric(float64(sys.Milliseconds())/float64(n), "sys-ms/op")
}

// cpuTimes is the CPU the process has used so far, in user space and in the kernel.
func cpuTimes() (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// writeTo writes the fixture as a kratix directory on disk.
func (fx Fixture) writeTo(t testing.TB, dir string) {
	t.Helper()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if fx.Object != "" {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(sdk.ObjectFile)), fx.Object)
	}
	writeTree(t, filepath.Join(dir, "output"), fx.Output)
	writeTree(t, filepath.Join(dir, "metadata"), fx.Metadata)
}

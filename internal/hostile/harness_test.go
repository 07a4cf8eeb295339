// Package hostile runs every prebuilt stage on inputs built to hurt it
// (docs/design.md#fail-loudly-precisely-and-safely): alias bombs, a 100 MB document, 10,000-deep nesting, broken encodings,
// duplicate keys, symlink tricks, unreadable files, named pipes, sockets and devices where a file
// is expected, names at the edge of the rules. Each case says what correct means in its reason,
// and every case proves: no panic, no hang, and either correct handling (exit 0 and the right
// output) or a clear error (exit 1 naming the file, the line and what is wrong) with nothing
// half-written. The leak test (leak_test.go) runs every stage on Secrets built to be printed and
// checks that nothing of them is.
package hostile

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stagekit/stagekit/sdk"
	"github.com/stagekit/stagekit/sdk/fsys"
	"github.com/stagekit/stagekit/sdk/stagetest"
)

// deadline is how long one run may take before the case counts as a hang. It detects a stage
// that never returns (a FIFO read, a loop), not a slow one: speed is make bench's job. So it is
// generous enough for a machine whose cores are shared with other builds: a 100 MB case
// (bigDeadline) took over 40 s on two cores under a load average of 14.
const (
	deadline    = 1 * time.Minute
	bigDeadline = 5 * time.Minute
)

// hcase is one stage run on one hostile input.
type hcase struct {
	stage  string // label-injector, secret-forbidder, replica-migration, enforce-tags, terraform-generate
	input  string // the hostile input, as the matrix names it
	reason string // what correct means for this stage and this input

	// setup builds the pod on top of the stage's base fixture: it writes (or links, or hides)
	// files in m and may change env.
	setup func(m *fsys.MemFS, env map[string]string)

	// code is the exit code a correct stage ends with.
	code int
	// errors are regexps, each of which must match one error diagnostic (file:line: message).
	// With code 1 at least one is required: a clear error names the file and the line.
	errors []string
	// logs are regexps that must each match the logs.
	logs []string
	// noLog are regexps that must match no line of the logs (a secret value, a stack trace).
	noLog []string
	// check inspects a successful run: the output it must have made. before is the kratix
	// directory before the run.
	check func(t *testing.T, res *stagetest.Result, before map[string]string)
	// unchanged lists the files (relative to the kratix dir) that must keep their bytes even in
	// a successful run.
	unchanged []string
	// maxHeap bounds the live heap the run may add on top of what was live before it (bytes);
	// 0 means not measured.
	maxHeap uint64
	// slow gives the case bigDeadline.
	slow bool
	// onDisk runs the stage on the pod written to a directory (DiskFS), named pipes and sockets
	// made for real, instead of in memory; the checks then see the directory read back.
	onDisk bool
}

// runners are the five stages by their binary names.
var runners = map[string]stagetest.Runner{}

// baseFixtures build each stage's pod where a run succeeds and does real work, so that a hostile
// input is the only thing wrong.
var baseFixtures = map[string]func() (*fsys.MemFS, map[string]string){}

func runCases(t *testing.T, cases []hcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.stage+"/"+tc.input, func(t *testing.T) {
			t.Logf("reason: %s", tc.reason)
			runCase(t, tc)
		})
	}
}

func runCase(t *testing.T, tc hcase) {
	base, ok := baseFixtures[tc.stage]
	if !ok {
		t.Fatalf("no base fixture for stage %q", tc.stage)
	}
	m, env := base()
	if tc.setup != nil {
		tc.setup(m, env)
	}
	before := snapshot(m)
	var files fsys.FS = m
	var dir string
	if tc.onDisk {
		dir = t.TempDir()
		toDisk(t, m, dir)
		disk, err := fsys.Disk(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer disk.Close()
		files = disk
	}

	var peak atomic.Uint64
	var baseline uint64
	stopSampler := func() {}
	if tc.maxHeap > 0 {
		runtime.GC()
		baseline = liveHeap()
		stopSampler = sampleHeap(&peak)
	}

	type outcome struct {
		res   *stagetest.Result
		panic any
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{panic: r}
			}
		}()
		var logs strings.Builder
		r := runners[tc.stage].Execute(sdk.Invocation{Env: sdk.MapEnv(env), FS: files, Stderr: &logs, Stdout: &logs})
		done <- outcome{res: &stagetest.Result{Result: r, FS: m, Logs: logs.String()}}
	}()
	limit := deadline
	if tc.slow {
		limit = bigDeadline
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var out outcome
	select {
	case out = <-done:
	case <-timer.C:
		stopSampler()
		t.Fatalf("hang: the stage did not finish within %s", limit)
	}
	stopSampler()
	if out.panic != nil {
		t.Fatalf("the stage panicked out of Execute: %v", out.panic)
	}
	res := out.res
	if tc.onDisk {
		m = fromDisk(t, dir)
		res.FS = m
	}
	logs := res.Logs

	if strings.Contains(logs, "internal error") || strings.Contains(logs, "this is a bug in") {
		t.Errorf("the stage recovered a panic (a bug):\n%s", logs)
	}
	if res.ExitCode != tc.code {
		t.Errorf("exit code %d, want %d\nlogs:\n%s", res.ExitCode, tc.code, logs)
	}
	if tc.code == 1 && len(tc.errors) == 0 {
		t.Errorf("test bug: an exit-1 case must say which error it expects")
	}
	errs := res.Errors()
	for _, re := range tc.errors {
		if !matchAny(re, errs) {
			t.Errorf("no error matches %q; errors:\n  %s", re, strings.Join(errs, "\n  "))
		}
	}
	lines := strings.Split(logs, "\n")
	for _, re := range tc.logs {
		if !matchAny(re, lines) {
			t.Errorf("no log line matches %q; logs:\n%s", re, clip(logs))
		}
	}
	for _, re := range tc.noLog {
		if matchAny(re, lines) {
			t.Errorf("a log line matches %q, which must never be logged; logs:\n%s", re, clip(logs))
		}
	}
	after := snapshot(m)
	if res.ExitCode != 0 {
		// A failed run writes nothing: the whole kratix directory keeps its bytes.
		if d := stagetest.DiffSnapshots(before, after); d != "" {
			t.Errorf("a failed run changed files (half-written output):\n%s", d)
		}
	} else if tc.check != nil {
		tc.check(t, res, before)
	}
	for _, name := range tc.unchanged {
		if before[name] != after[name] {
			t.Errorf("%s changed, but must keep its bytes", name)
		}
	}
	if tc.maxHeap > 0 {
		if p := peak.Load(); p > baseline && p-baseline > tc.maxHeap {
			t.Errorf("peak live heap grew by %d MiB over the run, more than the %d MiB allowed", (p-baseline)>>20, tc.maxHeap>>20)
		} else {
			t.Logf("peak live heap growth: %d MiB (limit %d MiB)", (p-min(p, baseline))>>20, tc.maxHeap>>20)
		}
	}
}

// liveHeap is the bytes of live and not-yet-swept heap objects.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap records the largest heap seen every millisecond until stopped.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if h := liveHeap(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	var stopped atomic.Bool
	return func() {
		if stopped.CompareAndSwap(false, true) {
			close(quit)
			<-finished
		}
	}
}

func matchAny(re string, lines []string) bool {
	r := regexp.MustCompile(re)
	for _, l := range lines {
		if r.MatchString(l) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + fmt.Sprintf("... (%d more bytes)", len(s)-4000)
	}
	return s
}

// file asserts that a file exists after the run and returns it.
func file(t *testing.T, res *stagetest.Result, name string) string {
	t.Helper()
	b, err := res.FS.ReadFile(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(b)
}

// contains asserts every want is in the file.
func contains(name string, wants ...string) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, _ map[string]string) {
		t.Helper()
		got := file(t, res, name)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s does not contain %q:\n%s", name, w, clip(got))
			}
		}
	}
}

// all runs several checks.
func all(checks ...func(t *testing.T, res *stagetest.Result, before map[string]string)) func(t *testing.T, res *stagetest.Result, before map[string]string) {
	return func(t *testing.T, res *stagetest.Result, before map[string]string) {
		t.Helper()
		for _, c := range checks {
			c(t, res, before)
		}
	}
}

// write puts a file in the fixture, failing loudly on a setup mistake.
func write(m *fsys.MemFS, name, data string) {
	if err := m.WriteFile(name, []byte(data)); err != nil {
		panic(fmt.Sprintf("setup: %s: %v", name, err))
	}
}

func link(m *fsys.MemFS, target, name string) {
	if err := m.Symlink(target, name); err != nil {
		panic(fmt.Sprintf("setup: symlink %s: %v", name, err))
	}
}

func unreadable(m *fsys.MemFS, name string) {
	if err := m.SetUnreadable(name); err != nil {
		panic(fmt.Sprintf("setup: chmod %s: %v", name, err))
	}
}

func remove(m *fsys.MemFS, name string) {
	if err := m.Remove(name); err != nil {
		panic(fmt.Sprintf("setup: remove %s: %v", name, err))
	}
}

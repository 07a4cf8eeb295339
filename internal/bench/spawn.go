package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// Measurements go through a helper process: the running binary re-executed with HelperEnv set.
//
// Why: Linux records a child's peak RSS (rusage ru_maxrss) as the maximum over every address
// space the process had, and a Go parent starts children with vfork (CLONE_VM), so at execve the
// child inherits the parent's high-water mark. A stagebench process holding a 15 MB tree would
// make `true` report the parent's memory. The helper is a fresh, small process that only reads a
// Spec, starts each step, reaps it with wait4 and reports the rusage: every measured peak is
// max(the step's own peak, the helper's peak at spawn time), and the helper's peak (Floor, about
// 2 MiB) is reported so a figure at the floor is read as "at most".
const HelperEnv = "STAGEBENCH_HELPER"

// Step is one process to run and measure.
type Step struct {
	Name   string   `json:"name"`
	Argv   []string `json:"argv"` // argv[0] must be an absolute path
	Env    []string `json:"env"`
	Dir    string   `json:"dir,omitempty"`
	Stdout string   `json:"stdout,omitempty"` // file to write the step's stdout to ("" = /dev/null)
	Stderr string   `json:"stderr,omitempty"`
}

// Spec is what the helper runs: its steps one after another, stopping at the first step that
// does not exit with one of OK (default: 0).
type Spec struct {
	Steps   []Step        `json:"steps"`
	OK      []int         `json:"ok,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
	// CPUs pins every step to these CPUs (sched_setaffinity, inherited by the step and its
	// children, so a Go program's GOMAXPROCS follows); empty: no pinning.
	CPUs []int `json:"cpus,omitempty"`
}

// StepResult is one step's wait4 rusage and wall time.
type StepResult struct {
	Name      string `json:"name"`
	Exit      int    `json:"exit"` // -1 when killed by a signal or not started
	Signal    string `json:"signal,omitempty"`
	Err       string `json:"err,omitempty"`
	UserNs    int64  `json:"user_ns"`
	SysNs     int64  `json:"sys_ns"`
	MaxRSSKiB int64  `json:"maxrss_kib"` // includes every waited-for descendant (RUSAGE_BOTH)
	WallNs    int64  `json:"wall_ns"`
}

// Result is what the helper measured.
type Result struct {
	Steps    []StepResult `json:"steps"`
	WallNs   int64        `json:"wall_ns"` // first start to last exit
	FloorKiB int64        `json:"floor_kib"`
}

// CPU is the user+sys time of every step (and their descendants).
func (r Result) CPU() time.Duration {
	var t int64
	for _, s := range r.Steps {
		t += s.UserNs + s.SysNs
	}
	return time.Duration(t)
}

// MaxRSSKiB is the largest peak RSS among the steps.
func (r Result) MaxRSSKiB() int64 {
	var m int64
	for _, s := range r.Steps {
		m = max(m, s.MaxRSSKiB)
	}
	return m
}

// Failed describes the first step that did not exit with an accepted code, or "".
func (r Result) Failed(ok []int) string {
	if len(ok) == 0 {
		ok = []int{0}
	}
	for _, s := range r.Steps {
		accepted := false
		for _, c := range ok {
			if s.Exit == c {
				accepted = true
			}
		}
		if !accepted {
			msg := fmt.Sprintf("%s: exit %d", s.Name, s.Exit)
			if s.Signal != "" {
				msg += " (" + s.Signal + ")"
			}
			if s.Err != "" {
				msg += ": " + s.Err
			}
			return msg
		}
	}
	return ""
}

// ServeHelper runs the helper and exits when HelperEnv is set; otherwise it returns at once.
// Call it first thing in main (and in TestMain).
func ServeHelper() {
	if os.Getenv(HelperEnv) != "1" {
		return
	}
	var spec Spec
	if err := json.NewDecoder(os.Stdin).Decode(&spec); err != nil {
		fmt.Fprintln(os.Stderr, "stagebench helper: reading the spec:", err)
		os.Exit(3)
	}
	res := runSpec(spec)
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		os.Exit(3)
	}
	os.Exit(0)
}

func runSpec(spec Spec) Result {
	ok := spec.OK
	if len(ok) == 0 {
		ok = []int{0}
	}
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Minute
	}
	var res Result
	if len(spec.CPUs) > 0 {
		// A child inherits the affinity of the thread that forks it: keep this goroutine (which
		// starts every step) on one thread and pin that thread.
		runtime.LockOSThread()
		if err := setAffinity(spec.CPUs); err != nil {
			res.Steps = append(res.Steps, StepResult{Name: "pin", Exit: -1, Err: err.Error()})
			return res
		}
	}
	start := time.Now()
	for _, st := range spec.Steps {
		res.FloorKiB = max(res.FloorKiB, selfHWM())
		sr := runStep(st, timeout)
		res.Steps = append(res.Steps, sr)
		if r := (Result{Steps: []StepResult{sr}}); r.Failed(ok) != "" {
			break
		}
	}
	res.WallNs = int64(time.Since(start))
	return res
}

func runStep(st Step, timeout time.Duration) StepResult {
	sr := StepResult{Name: st.Name, Exit: -1}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		sr.Err = err.Error()
		return sr
	}
	defer devnull.Close()
	out, err := outFile(st.Stdout)
	if err != nil {
		sr.Err = err.Error()
		return sr
	}
	defer out.Close()
	errf, err := outFile(st.Stderr)
	if err != nil {
		sr.Err = err.Error()
		return sr
	}
	defer errf.Close()

	t0 := time.Now()
	p, err := os.StartProcess(st.Argv[0], st.Argv, &os.ProcAttr{
		Dir:   st.Dir,
		Env:   st.Env,
		Files: []*os.File{devnull, out, errf},
	})
	if err != nil {
		sr.Err = err.Error()
		return sr
	}
	pid := p.Pid
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(timeout):
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}()
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &ws, 0, &ru)
		if err != syscall.EINTR {
			break
		}
	}
	sr.WallNs = int64(time.Since(t0))
	close(done)
	_ = p.Release()
	if err != nil {
		sr.Err = "wait4: " + err.Error()
		return sr
	}
	sr.UserNs = ru.Utime.Nano()
	sr.SysNs = ru.Stime.Nano()
	sr.MaxRSSKiB = ru.Maxrss
	switch {
	case ws.Exited():
		sr.Exit = ws.ExitStatus()
	case ws.Signaled():
		sr.Signal = ws.Signal().String()
	}
	return sr
}

func outFile(path string) (*os.File, error) {
	if path == "" {
		return os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	}
	return os.Create(path)
}

const maxCPUs = 1024

func setAffinity(cpus []int) error {
	var mask [maxCPUs / 64]uint64
	for _, c := range cpus {
		if c < 0 || c >= maxCPUs {
			return fmt.Errorf("cpu %d out of range", c)
		}
		mask[c/64] |= 1 << (c % 64)
	}
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0])))
	if e != 0 {
		return fmt.Errorf("sched_setaffinity %v: %v", cpus, e)
	}
	return nil
}

// AllowedCPUs lists the CPUs this process may run on (sched_getaffinity), nil when unknown.
func AllowedCPUs() []int {
	var mask [maxCPUs / 64]uint64
	n, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0])))
	if e != 0 {
		return nil
	}
	var out []int
	for c := 0; c < int(n)*8 && c < maxCPUs; c++ {
		if mask[c/64]&(1<<(c%64)) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// selfHWM is this process's peak RSS (VmHWM) in KiB, 0 when unknown.
func selfHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// Measure runs spec in a fresh helper process (the running executable, re-executed with
// HelperEnv=1) and returns what it measured.
func Measure(spec Spec) (Result, error) {
	self, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	in, err := json.Marshal(spec)
	if err != nil {
		return Result{}, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), HelperEnv+"=1")
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("measuring helper: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var res Result
	if err := json.NewDecoder(io.LimitReader(&stdout, 1<<20)).Decode(&res); err != nil {
		return Result{}, fmt.Errorf("measuring helper: bad answer: %v (%s)", err, strings.TrimSpace(stderr.String()))
	}
	return res, nil
}

package stagetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

// fakeTB records failures instead of failing the test that uses it.
type fakeTB struct {
	testing.TB
	errors []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
	panic("fatal")
}

type none struct{}

func stage(name string, run func(k *sdk.Kratix) error) sdk.Stage[none] {
	return sdk.Stage[none]{Name: name, Run: func(k *sdk.Kratix, _ *none) error { return run(k) }}
}

func TestChain(t *testing.T) {
	var ran []string
	write := func(name string) sdk.Stage[none] {
		return stage(name, func(k *sdk.Kratix) error {
			ran = append(ran, name)
			return k.Output.Write(name+".yaml", []byte("a: 1\n"))
		})
	}
	fail := stage("fail", func(k *sdk.Kratix) error {
		ran = append(ran, "fail")
		return sdk.Errorf(sdk.Location{File: "output/a.yaml"}, "no")
	})
	tests := []struct {
		reason string
		chain  Runner
		ran    []string
		code   int
		errors []string
		files  []string
	}{
		{"every stage runs in order on the same pod", Chain(write("a"), write("b")), []string{"a", "b"}, 0, nil, []string{"a.yaml", "b.yaml"}},
		{"the chain stops at the first failure, as Kratix's init containers do", Chain(write("a"), fail, write("c")), []string{"a", "fail"}, 1,
			[]string{"output/a.yaml: no"}, []string{"a.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			ran = nil
			res := Run(t, tc.chain, Fixture{Object: "kind: A\n"})
			if diff := cmp.Diff(tc.ran, ran); diff != "" {
				t.Errorf("ran -want +got:\n%s", diff)
			}
			if res.ExitCode != tc.code {
				t.Errorf("exit %d, want %d", res.ExitCode, tc.code)
			}
			if diff := cmp.Diff(tc.errors, res.Errors()); diff != "" {
				t.Errorf("errors -want +got:\n%s", diff)
			}
			var names []string
			for n := range res.Files("output") {
				names = append(names, n)
			}
			if diff := cmp.Diff(tc.files, names, cmpSort); diff != "" {
				t.Errorf("files -want +got:\n%s", diff)
			}
		})
	}
}

var cmpSort = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestIdempotent(t *testing.T) {
	counter := stage("counter", func(k *sdk.Kratix) error {
		b, _ := k.Output.Read("n.txt")
		return k.Output.Write("n.txt", append(b, 'x'))
	})
	steady := stage("steady", func(k *sdk.Kratix) error { return k.Output.Write("n.txt", []byte("x")) })
	flaky := 0
	exitFlip := stage("flip", func(k *sdk.Kratix) error {
		flaky++
		if flaky == 2 {
			return fmt.Errorf("second time")
		}
		return nil
	})
	tests := []struct {
		reason string
		r      Runner
		want   []string // prefixes of the recorded errors
	}{
		{"a stage that appends is caught", counter, []string{"the second run changed files (not idempotent):\n~ output/n.txt:"}},
		{"a stage that overwrites passes", steady, nil},
		{"a different exit code is caught", exitFlip, []string{"second run exited 1, first 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			f := &fakeTB{}
			Idempotent(f, tc.r, Fixture{})
			var got []string
			for i, e := range f.errors {
				if i < len(tc.want) && len(e) > len(tc.want[i]) {
					e = e[:len(tc.want[i])]
				}
				got = append(got, e)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestResultAccessors(t *testing.T) {
	st := stage("s", func(k *sdk.Kratix) error {
		if err := k.Status.SetMessage("ok"); err != nil {
			return err
		}
		if err := k.Control.Suspend("wait"); err != nil {
			return err
		}
		k.ReportWarningf(sdk.Location{File: "output/a.yaml", Line: 2}, "hm")
		if err := k.Output.Write("platform/a.yaml", []byte("a: 1\n")); err != nil {
			return err
		}
		return k.Selectors.Add(sdk.Selector{Directory: "platform", MatchLabels: map[string]string{"e": "p"}})
	})
	res := Run(t, st, Fixture{Object: "kind: A\n", Output: map[string]string{"old.yaml": "b: 2\n"}, Metadata: map[string]string{"scratch": "s"}})
	if diff := cmp.Diff(map[string]any{"message": "ok"}, res.Status()); diff != "" {
		t.Errorf("status: %s", diff)
	}
	if diff := cmp.Diff(map[string]any{"suspend": true, "message": "wait"}, res.Control()); diff != "" {
		t.Errorf("control: %s", diff)
	}
	if diff := cmp.Diff([]sdk.Selector{{Directory: "platform", MatchLabels: map[string]string{"e": "p"}}}, res.Selectors()); diff != "" {
		t.Errorf("selectors: %s", diff)
	}
	if diff := cmp.Diff([]string{"output/a.yaml:2: hm"}, res.Warnings()); diff != "" {
		t.Errorf("warnings: %s", diff)
	}
	if res.Output("old.yaml") != "b: 2\n" || !res.HasOutput("platform/a.yaml") || res.HasOutput("nope") {
		t.Errorf("output files: %v", res.Files("output"))
	}
	if res.Files("metadata")["scratch"] != "s" {
		t.Errorf("metadata: %v", res.Files("metadata"))
	}
	if n := len(res.LogLines()); n != 3 {
		t.Errorf("log lines: %q", res.LogLines())
	}
}

// TestGoldenUpdateSkips runs Golden with -update on a copy of a case: the expected files are
// written and the case is skipped, so CI can never pass by regenerating.
func TestGoldenUpdateSkips(t *testing.T) {
	dir := t.TempDir()
	c := filepath.Join(dir, "writes-a-file")
	must(t, os.MkdirAll(filepath.Join(c, "input"), 0o755))
	must(t, os.WriteFile(filepath.Join(c, "input", "object.yaml"), []byte("kind: A\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(c, "env"), []byte("# a comment\nKRATIX_WORKFLOW_TYPE=resource\nKRATIX_WORKFLOW_ACTION=configure\n"), 0o644))
	st := stage("s", func(k *sdk.Kratix) error { return k.Output.Write("a.yaml", []byte("a: 1\n")) })

	old := *update
	*update = true
	var skipped bool
	t.Run("update", func(t *testing.T) {
		t.Cleanup(func() { skipped = t.Skipped() })
		Golden(t, st, dir)
	})
	*update = old
	if !skipped {
		t.Errorf("Golden with -update did not skip")
	}
	got, err := os.ReadFile(filepath.Join(c, "expected", "output", "a.yaml"))
	if err != nil || string(got) != "a: 1\n" {
		t.Errorf("expected/output/a.yaml = %q, %v", got, err)
	}
	// Without -update the written goldens pass.
	Golden(t, st, dir)
}

func TestGoldenFailsWithNoCase(t *testing.T) {
	if dir := os.Getenv("STAGETEST_EMPTY_GOLDEN"); dir != "" {
		Golden(t, stage("s", func(*sdk.Kratix) error { return nil }), dir)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestGoldenFailsWithNoCase$")
	cmd.Env = append(os.Environ(), "STAGETEST_EMPTY_GOLDEN="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no golden cases in") {
		t.Errorf("Golden on an empty directory: err %v, output:\n%s", err, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

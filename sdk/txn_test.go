package sdk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// changer is a stage that changes one of everything: an output file created, one edited, one
// removed, status, selectors and (unless fail is the selector check, which Kratix skips in a
// suspended or retried workflow) workflow control, each change reported; fail decides how the
// run ends after that.
func changer(fail func(k *Kratix) error, control bool) Stage[testConfig] {
	return Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
		k.Infof(Location{}, "starting")
		for _, err := range []error{
			k.Output.Write("platform/new.yaml", []byte("kind: New\n")),
			k.Output.Write("edit.yaml", []byte("kind: Edited\n")),
			k.Output.Remove("gone.yaml"),
			k.Status.SetMessage("changed"),
			k.Selectors.Add(Selector{Directory: "platform", MatchLabels: map[string]string{"env": "platform"}}),
		} {
			if err != nil {
				return err
			}
		}
		if control {
			if err := k.Control.RetryAfter(5*60e9, "later"); err != nil {
				return err
			}
		}
		k.Changef(Location{File: "output/edit.yaml", Line: 1}, "edited")
		k.Change(Diagnostic{Severity: Warning, Location: Location{File: "output/gone.yaml"}, Message: "removed it"})
		k.ReportWarningf(Location{File: "output/edit.yaml"}, "a warning is logged at once")
		// Reads see the run's own writes.
		if got, err := k.Output.Read("edit.yaml"); err != nil || string(got) != "kind: Edited\n" {
			return fmt.Errorf("read back %q, %v", got, err)
		}
		if _, err := k.Output.Read("gone.yaml"); !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("a removed file still reads: %v", err)
		}
		return fail(k)
	}}
}

var changerPod = map[string]string{
	ObjectFile:           "kind: A\n",
	"output/edit.yaml":   "kind: Old\n",
	"output/gone.yaml":   "kind: Gone\n",
	"output/keep.yaml":   "kind: Keep\n",
	StatusFile:           "message: before\n",
	"metadata/scratch":   "earlier stage",
	"output/other/x.tf":  "x = 1\n",
	"metadata/other.txt": "y",
}

func runOn(t *testing.T, st Stage[testConfig], m *fsys.MemFS) (Result, []string) {
	t.Helper()
	var stderr bytes.Buffer
	res := st.Execute(Invocation{Env: MapEnv(configure), FS: m, Stderr: &stderr})
	return res, strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
}

func TestRunCommitsAndLogsChanges(t *testing.T) {
	m := pod(t, changerPod)
	res, lines := runOn(t, changer(func(*Kratix) error { return nil }, true), m)
	if res.ExitCode != ExitOK {
		t.Fatalf("exit %d:\n%s", res.ExitCode, strings.Join(lines, "\n"))
	}
	want := []string{
		"INFO s: starting",
		"WARN s: output/edit.yaml: a warning is logged at once",
		"INFO s: output/edit.yaml:1: edited",
		"WARN s: output/gone.yaml: removed it",
		"INFO s: done: 3 files written in output, 3 files in metadata; 2 warnings",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("changes are logged when committed, in order, before the summary: -want +got:\n%s", diff)
	}
	got := files(m)
	for name, want := range map[string]string{
		"output/platform/new.yaml": "kind: New\n",
		"output/edit.yaml":         "kind: Edited\n",
		StatusFile:                 "message: changed\n",
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	if _, ok := got["output/gone.yaml"]; ok {
		t.Errorf("output/gone.yaml was not removed")
	}
	for name := range got {
		if strings.Contains(name, fsys.StagingDir) {
			t.Errorf("left behind: %s", name)
		}
	}
}

// TestFailedRunChangesNothing: whatever makes a run fail — an error returned or reported, a
// panic, the end-of-run checks, a write the disk refuses at commit — output/ and metadata/ stay
// byte for byte as they were, nothing is left behind, and no change is logged.
func TestFailedRunChangesNothing(t *testing.T) {
	tests := []struct {
		reason string
		fail   func(k *Kratix) error
		fault  fsys.Fault
		want   string // in a line of the log
		noCtl  bool   // the stage writes no workflow control
	}{
		{"an error returned", func(*Kratix) error { return Errorf(Location{File: "output/edit.yaml"}, "no") }, fsys.Fault{},
			"ERROR s: output/edit.yaml: no", false},
		{"an error reported", func(k *Kratix) error { k.ReportErrorf(Location{File: "output/keep.yaml"}, "bad"); return nil }, fsys.Fault{},
			"ERROR s: output/keep.yaml: bad", false},
		{"a panic", func(*Kratix) error { panic("boom") }, fsys.Fault{},
			"ERROR s: internal error: boom (this is a bug in s; please report it with the input that caused it)", false},
		{"the end-of-run check of selector directories, which sees the staged output", func(k *Kratix) error {
			return k.Selectors.Add(Selector{Directory: "missing", MatchLabels: map[string]string{"a": "b"}})
		}, fsys.Fault{},
			"missing has no /kratix/output/missing: write files there or drop the selector", true},
		{"a rename refused at commit", func(*Kratix) error { return nil }, fsys.Fault{Op: fsys.OpRename, N: 2, Err: syscall.EIO},
			"ERROR s: metadata/destination-selectors.yaml: cannot commit the run's changes: rename: input/output error; nothing was changed", false},
		{"a full disk while staging", func(*Kratix) error { return nil }, fsys.Fault{Op: fsys.OpWrite, N: 7, Err: syscall.ENOSPC},
			"no space left on device", false},
		{"a full disk at commit", func(*Kratix) error { return nil }, fsys.Fault{Op: fsys.OpWrite, N: 11, Err: syscall.ENOSPC},
			"ERROR s: output/gone.yaml: cannot commit the run's changes: writing the transaction journal: open: no space left on device; nothing was changed", false},
		{"a link refused at commit", func(*Kratix) error { return nil }, fsys.Fault{Op: fsys.OpLink, N: 1, Err: syscall.EROFS},
			"ERROR s: metadata/status.yaml: cannot commit the run's changes: link: read-only file system; nothing was changed", false},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			m := pod(t, changerPod)
			before := files(m)
			m.Inject(tc.fault)
			res, lines := runOn(t, changer(tc.fail, !tc.noCtl), m)
			if res.ExitCode != ExitRuleBroken {
				t.Errorf("exit %d, want 1", res.ExitCode)
			}
			if diff := cmp.Diff(before, files(m)); diff != "" {
				t.Errorf("the tree changed: -before +after:\n%s", diff)
			}
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(strings.ReplaceAll(l, `"`, ""), tc.want) }) {
				t.Errorf("log lacks %q:\n%s", tc.want, strings.Join(lines, "\n"))
			}
			for _, l := range lines {
				if strings.Contains(l, "edited") || strings.Contains(l, "removed it") {
					t.Errorf("a change was logged although nothing was committed: %s", l)
				}
				if strings.Contains(l, fsys.StagingDir) {
					t.Errorf("a staging name was logged: %s", l)
				}
			}
			if last := lines[len(lines)-1]; !strings.Contains(last, "0 files written in output, 0 files in metadata") {
				t.Errorf("summary %q", last)
			}
		})
	}
}

// TestKilledRunIsUndoneBeforeAnythingIsRead: a journal and staging files left by a killed run
// are dealt with before the stage reads anything: it never sees them, and they are gone after.
func TestKilledRunIsUndoneBeforeAnythingIsRead(t *testing.T) {
	m := pod(t, map[string]string{
		ObjectFile:                   "kind: A\n",
		"output/a.yaml":              "kind: New\n", // the killed run had put its new version in place
		"output/.stagekit-txn/1.old": "kind: Old\n",
		"output/.stagekit-txn/journal": "stagekit-txn 1\n" +
			`put "output/a.yaml" "output/.stagekit-txn/1" "output/.stagekit-txn/1.old"` + "\nend\n",
	})
	var seen []string
	st := Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
		files, err := k.Output.Files()
		for _, f := range files {
			data, _ := k.Output.Read(f.Name)
			seen = append(seen, f.Name+": "+string(data))
		}
		return err
	}}
	res, lines := runOn(t, st, m)
	if res.ExitCode != ExitOK {
		t.Fatalf("exit %d:\n%s", res.ExitCode, strings.Join(lines, "\n"))
	}
	if diff := cmp.Diff([]string{"a.yaml: kind: Old\n"}, seen); diff != "" {
		t.Errorf("the stage saw: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{ObjectFile: "kind: A\n", "output/a.yaml": "kind: Old\n"}, files(m)); diff != "" {
		t.Errorf("after the run: -want +got:\n%s", diff)
	}
}

// A tool that uses New directly commits what it staged itself; until then the files are only in
// the Kratix's view.
func ExampleKratix_Commit() {
	fs := fsys.NewMem()
	k := New(context.Background(), fs, Env{}, nil)
	if err := k.Output.Write("app.yaml", []byte("kind: App\n")); err != nil {
		panic(err)
	}
	k.Changef(Location{File: "output/app.yaml"}, "wrote it")
	_, err := fs.ReadFile("output/app.yaml")
	fmt.Println("before Commit:", errors.Is(err, os.ErrNotExist))
	if err := k.Commit(); err != nil {
		panic(err)
	}
	data, _ := fs.ReadFile("output/app.yaml")
	fmt.Print("after Commit: ", string(data))
	// Output:
	// before Commit: true
	// after Commit: kind: App
}

// TestChangeDetailsAtDebug: ChangeDetailf lines are logged at DEBUG, in order with the other
// changes, when the run commits (and are in Result.Changes, as logged); never when it fails;
// never kept when DEBUG is off.
func TestChangeDetailsAtDebug(t *testing.T) {
	stage := func(fail bool) Stage[testConfig] {
		return Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
			if err := k.Output.Write("a.yaml", []byte("kind: New\n")); err != nil {
				return err
			}
			k.Changef(Location{File: "output/a.yaml"}, "label x overwritten on 2 objects")
			k.ChangeDetailf(Location{File: "output/a.yaml", Line: 1}, "label x overwritten")
			k.ChangeDetailf(Location{File: "output/a.yaml", Line: 5}, "label x overwritten")
			if fail {
				return errors.New("boom")
			}
			return nil
		}}
	}
	tests := []struct {
		reason  string
		level   string
		fail    bool
		changes int
		want    []string
	}{
		{"at debug, details follow the line they detail", "debug", false, 3, []string{
			"INFO s: output/a.yaml: label x overwritten on 2 objects",
			"DEBUG s: output/a.yaml:1: label x overwritten",
			"DEBUG s: output/a.yaml:5: label x overwritten",
			"INFO s: done: 1 file written in output, 0 files in metadata",
		}},
		{"at info, no detail", "info", false, 1, []string{
			"INFO s: output/a.yaml: label x overwritten on 2 objects",
			"INFO s: done: 1 file written in output, 0 files in metadata",
		}},
		{"a failed run logs no change, details included", "debug", true, 0, []string{
			"ERROR s: boom",
			"ERROR s: failed: 1 error; 0 files written in output, 0 files in metadata",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			m := pod(t, map[string]string{ObjectFile: "kind: A\n"})
			var stderr bytes.Buffer
			env := MapEnv(map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "LOG_LEVEL": tc.level})
			res := stage(tc.fail).Execute(Invocation{Env: env, FS: m, Stderr: &stderr})
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if diff := cmp.Diff(tc.want, lines); diff != "" {
				t.Errorf("log -want +got:\n%s", diff)
			}
			if len(res.Changes) != tc.changes {
				t.Errorf("Result.Changes = %v, want %d", res.Changes, tc.changes)
			}
		})
	}
}

package sdk

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type testConfig struct {
	MinReplicas int    `env:"MIN_REPLICAS" default:"2" help:"lowest replica count"`
	Target      string `env:"TARGET" default:"$(KRATIX_OBJECT_NAME)-x" help:"where to go"`
}

// runStage executes a stage in memory and returns its result and log lines.
func runStage(t *testing.T, st Stage[testConfig], env map[string]string, args ...string) (Result, []string, string) {
	t.Helper()
	var stderr, stdout bytes.Buffer
	res := st.Execute(Invocation{Args: args, Env: MapEnv(env), FS: pod(t, map[string]string{ObjectFile: "kind: A\n"}), Stderr: &stderr, Stdout: &stdout})
	lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
	return res, lines, stdout.String()
}

var configure = map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_OBJECT_NAME": "web"}

func withEnv(extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range configure {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestStageSettings(t *testing.T) {
	tests := []struct {
		reason string
		env    map[string]string
		args   []string
		want   testConfig
	}{
		{"defaults, with $(KRATIX_*) expanded", configure, nil, testConfig{2, "web-x"}},
		{"env", withEnv(map[string]string{"MIN_REPLICAS": "3", "TARGET": "t"}), nil, testConfig{3, "t"}},
		{"a flag wins over env", withEnv(map[string]string{"MIN_REPLICAS": "3"}), []string{"--min-replicas", "5"}, testConfig{5, "web-x"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			var got testConfig
			st := Stage[testConfig]{Name: "s", Run: func(_ *Kratix, c *testConfig) error { got = *c; return nil }}
			res, lines, _ := runStage(t, st, tc.env, tc.args...)
			if res.ExitCode != 0 {
				t.Fatalf("exit %d: %v", res.ExitCode, lines)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestStageExits(t *testing.T) {
	ok := func(*Kratix, *testConfig) error { return nil }
	tests := []struct {
		reason string
		stage  Stage[testConfig]
		env    map[string]string
		args   []string
		code   int
		log    []string // the log lines, exactly
		stdout string   // a substring of stdout
	}{
		{"--help lists the settings and their defaults, exit 0", Stage[testConfig]{Name: "s", Summary: "does s", Run: ok}, configure, []string{"--help"}, ExitOK,
			[]string{""}, "MIN_REPLICAS"},
		{"a bad setting exits 2", Stage[testConfig]{Name: "s", Run: ok}, withEnv(map[string]string{"MIN_REPLICAS": "many"}), nil, ExitMisconfigured,
			nil, ""},
		{"a bad KRATIX_DRY_RUN exits 2", Stage[testConfig]{Name: "s", Run: ok}, withEnv(map[string]string{"KRATIX_DRY_RUN": "maybe"}), nil, ExitMisconfigured,
			[]string{`ERROR s: KRATIX_DRY_RUN="maybe": want true or false`, "ERROR s: failed: misconfigured (exit 2); KRATIX_DRY_RUN is set by Kratix in the pipeline pod (docs/contract.md#environment): outside Kratix, set it in the environment (KRATIX_DRY_RUN=<value> s ...)"}, ""},
		{"a delete workflow is skipped with one line, exit 0", Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { panic("must not run") }},
			map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "delete"}, nil, ExitOK,
			[]string{"INFO s: skipped: acts on resource configure and promise configure workflows only, this is a resource delete workflow"}, ""},
		{"a stage acting on resource workflows skips a promise workflow with one line, exit 0", Stage[testConfig]{Name: "s", Acts: []Workflow{ResourceConfigure}, Run: func(*Kratix, *testConfig) error { panic("must not run") }},
			map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure"}, nil, ExitOK,
			[]string{"INFO s: skipped: acts on resource configure workflows only, this is a promise configure workflow"}, ""},
		{"a stage with no Run says so and exits 1, as for any other bug, without reading a file", Stage[testConfig]{Name: "s"}, configure, nil, ExitRuleBroken,
			[]string{"ERROR s: s has no Run function: its sdk.Stage is declared without Run (this is a bug in s)", "ERROR s: failed: 1 error; nothing read, nothing written"}, ""},
		{"a stage with no Run and no Name says so too", Stage[testConfig]{}, configure, nil, ExitRuleBroken,
			[]string{"ERROR the stage has no Run function: its sdk.Stage is declared without Run (this is a bug in the stage)", "ERROR failed: 1 error; nothing read, nothing written"}, ""},
		{"a stage with no Run still prints its --help", Stage[testConfig]{Name: "s", Summary: "does s"}, configure, []string{"--help"}, ExitOK,
			[]string{""}, "MIN_REPLICAS"},
		{"a stage acting on promise workflows runs in one", Stage[testConfig]{Name: "s", Acts: []Workflow{PromiseConfigure}, Run: ok},
			map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure"}, nil, ExitOK,
			[]string{"INFO s: done: 0 files written in output, 0 files in metadata"}, ""},
		{"outside Kratix a resource configure run is assumed, and said", Stage[testConfig]{Name: "s", Run: ok}, nil, nil, ExitOK,
			[]string{"INFO s: KRATIX_WORKFLOW_TYPE or KRATIX_WORKFLOW_ACTION is not set: assuming a resource configure run outside Kratix",
				"INFO s: done: 0 files written in output, 0 files in metadata"}, ""},
		{"a panic is recovered into an error, exit 1", Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { panic("boom") }}, configure, nil, ExitRuleBroken,
			[]string{"ERROR s: internal error: boom (this is a bug in s; please report it with the input that caused it)",
				"ERROR s: failed: 1 error; 0 files written in output, 0 files in metadata"}, ""},
		{"Misconfigured from Run exits 2; it names no setting --help lists, so no hint points there", Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { return Misconfigured("MODE %q is unknown", "x") }}, configure, nil, ExitMisconfigured,
			[]string{`ERROR s: MODE "x" is unknown`, "ERROR s: failed: misconfigured (exit 2)"}, ""},
		{"every reported problem is logged, then one summary line; the failed run wrote nothing", Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
			k.ReportWarningf(Location{File: "output/a.yaml", Line: 3}, "odd")
			k.ReportErrorf(Location{File: "output/a.yaml", Line: 7, Path: "spec.x"}, "bad")
			if err := k.Output.Write("a.yaml", []byte("x: 1\n")); err != nil {
				return err
			}
			k.Summarize("checked 1 file")
			return Errorf(Location{File: "output/b.yaml", Line: 1}, "worse")
		}}, configure, nil, ExitRuleBroken,
			[]string{"WARN s: output/a.yaml:3: odd", "ERROR s: output/a.yaml:7: spec.x: bad", "ERROR s: output/b.yaml:1: worse",
				"ERROR s: failed: 2 errors; checked 1 file; 0 files written in output, 0 files in metadata; 1 warning"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			res, lines, stdout := runStage(t, tc.stage, tc.env, tc.args...)
			if res.ExitCode != tc.code {
				t.Errorf("exit %d, want %d; log:\n%s", res.ExitCode, tc.code, strings.Join(lines, "\n"))
			}
			if tc.log != nil {
				if diff := cmp.Diff(tc.log, lines); diff != "" {
					t.Errorf("log -want +got:\n%s", diff)
				}
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tc.stdout)
			}
			if n := len(lines); tc.code == ExitMisconfigured && !strings.HasPrefix(lines[n-1], "ERROR s: failed: misconfigured") {
				t.Errorf("last line %q is not the summary", lines[n-1])
			}
		})
	}
}

// The last line of a misconfigured run points at --help only when a problem names a setting
// --help lists, and explains a KRATIX_* variable, which --help does not list.
func TestMisconfiguredHint(t *testing.T) {
	const help = "; run with --help to list the settings"
	const promise = "; KRATIX_PROMISE_NAME is set by Kratix in the pipeline pod (docs/contract.md#environment): outside Kratix, set it in the environment (KRATIX_PROMISE_NAME=<value> s ...)"
	misconfigured := func(format string, args ...any) Stage[testConfig] {
		return Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { return Misconfigured(format, args...) }}
	}
	ok := Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { return nil }}
	tests := []struct {
		reason string
		stage  Stage[testConfig]
		env    map[string]string
		args   []string
		want   string // the last line, after "ERROR s: failed: misconfigured (exit 2)"
	}{
		{"a KRATIX_* variable is not a setting: Kratix sets it", misconfigured("KRATIX_PROMISE_NAME is not set"), configure, nil, promise},
		{"a stage's own setting, by its variable", misconfigured("MIN_REPLICAS: %d is below 1", 0), configure, nil, help},
		{"a stage's own setting, by its flag", misconfigured("--target names nothing"), configure, nil, help},
		{"a common setting", misconfigured("LOG_FORMAT cannot be json here"), configure, nil, help},
		{"a setting and a KRATIX_* variable: both hints", misconfigured("TARGET needs KRATIX_PROMISE_NAME"), configure, nil, help + promise},
		{"two KRATIX_* variables, each named once", misconfigured("KRATIX_PROMISE_NAME and KRATIX_OBJECT_NAME are not set; KRATIX_PROMISE_NAME is needed"), configure, nil,
			"; KRATIX_PROMISE_NAME and KRATIX_OBJECT_NAME are set by Kratix in the pipeline pod (docs/contract.md#environment): outside Kratix, set them in the environment (KRATIX_PROMISE_NAME=<value> s ...)"},
		{"neither: no hint", misconfigured("the vault refused the token"), configure, nil, ""},
		{"a word that only contains a setting's name is not it", misconfigured("MIN_REPLICAS_MAX is odd"), configure, nil, ""},
		{"a bad setting from the settings parser", ok, withEnv(map[string]string{"MIN_REPLICAS": "many"}), nil, help},
		{"an unknown flag", ok, configure, []string{"--nope"}, help},
		{"a missing kratix directory names KRATIX_DIR, a setting", ok, configure, []string{"--kratix-dir", "/nonexistent/kratix"}, help},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			var stderr bytes.Buffer
			inv := Invocation{Args: tc.args, Env: MapEnv(tc.env), Stderr: &stderr}
			if !slices.Contains(tc.args, "--kratix-dir") {
				inv.FS = pod(t, map[string]string{ObjectFile: "kind: A\n"})
			}
			res := tc.stage.Execute(inv)
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if res.ExitCode != ExitMisconfigured {
				t.Fatalf("exit %d, want 2:\n%s", res.ExitCode, stderr.String())
			}
			if diff := cmp.Diff("ERROR s: failed: misconfigured (exit 2)"+tc.want, lines[len(lines)-1]); diff != "" {
				t.Errorf("last line -want +got:\n%s", diff)
			}
		})
	}
}

// An empty Acts acts in both configure workflows and in no delete workflow; docgen documents
// what Workflows returns.
func TestDefaultActs(t *testing.T) {
	for _, tc := range []struct {
		reason string
		w      Workflow
		acts   bool
	}{
		{"a stage added to a resource configure pipeline acts", ResourceConfigure, true},
		{"a post-processor added to a promise configure pipeline acts: it is not silently skipped", PromiseConfigure, true},
		{"a delete workflow's output is ignored by Kratix: a stage acts there only when it says so", ResourceDelete, false},
		{"nor in a promise delete workflow", PromiseDelete, false},
		{"nor in a workflow type Kratix extensions bring", Workflow{"healthcheck", "configure"}, false},
	} {
		ran := false
		st := Stage[testConfig]{Name: "s", Run: func(*Kratix, *testConfig) error { ran = true; return nil }}
		res, lines, _ := runStage(t, st, map[string]string{"KRATIX_WORKFLOW_TYPE": tc.w.Type, "KRATIX_WORKFLOW_ACTION": tc.w.Action})
		if ran != tc.acts || res.ExitCode != ExitOK {
			t.Errorf("%s: in a %s workflow ran=%v exit %d, want ran=%v exit 0:\n%s", tc.reason, tc.w, ran, res.ExitCode, tc.acts, strings.Join(lines, "\n"))
		}
	}
	if diff := cmp.Diff([]Workflow{ResourceConfigure, PromiseConfigure}, Stage[testConfig]{}.Workflows()); diff != "" {
		t.Errorf("Workflows of an empty Acts: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]Workflow{ResourceDelete}, Stage[testConfig]{Acts: []Workflow{ResourceDelete}}.Workflows()); diff != "" {
		t.Errorf("Workflows of a set Acts: -want +got:\n%s", diff)
	}
}

func TestStageHelpAndBadSettingText(t *testing.T) {
	st := Stage[testConfig]{Name: "s", Summary: "does s", Run: func(*Kratix, *testConfig) error { return nil }}
	_, _, stdout := runStage(t, st, nil, "--help")
	for _, want := range []string{"does s", "MIN_REPLICAS", "--min-replicas", "lowest replica count", "2", "TARGET"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help does not mention %q:\n%s", want, stdout)
		}
	}
	_, lines, _ := runStage(t, st, withEnv(map[string]string{"MIN_REPLICAS": "many"}))
	if !strings.Contains(strings.Join(lines, "\n"), "MIN_REPLICAS") || !strings.Contains(strings.Join(lines, "\n"), "many") {
		t.Errorf("the error does not name the setting and the value:\n%s", strings.Join(lines, "\n"))
	}
}

func TestStageJSONLogs(t *testing.T) {
	st := Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
		k.ReportWarningf(Location{File: "output/a.yaml", Line: 3, Path: "spec"}, "odd")
		return nil
	}}
	_, lines, _ := runStage(t, st, withEnv(map[string]string{"LOG_FORMAT": "json"}))
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", lines)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		got = append(got, m)
	}
	want := []map[string]any{
		{"level": "WARN", "msg": "odd", "stage": "s", "file": "output/a.yaml", "line": float64(3), "path": "spec"},
		{"level": "INFO", "msg": "done: 0 files written in output, 0 files in metadata; 1 warning", "stage": "s"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestStageOnDisk(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "input", "object.yaml"), []byte("apiVersion: v1\nkind: A\nmetadata:\n  name: web\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := Stage[testConfig]{Name: "s", Run: func(k *Kratix, _ *testConfig) error {
		o, err := k.Object()
		if err != nil {
			return err
		}
		if err := k.Output.Write("app/"+o.Name()+".yaml", []byte("a: 1\n")); err != nil {
			return err
		}
		return k.Status.SetMessage("ok")
	}}
	var logs bytes.Buffer
	res := st.Execute(Invocation{Args: []string{"--kratix-dir", dir}, Env: MapEnv(configure), Stderr: &logs})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d:\n%s", res.ExitCode, logs.String())
	}
	for name, want := range map[string]string{"output/app/web.yaml": "a: 1\n", "metadata/status.yaml": "message: ok\n"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
		fi, _ := os.Stat(filepath.Join(dir, name))
		if fi != nil && fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v", name, fi.Mode())
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "output", "app")); fi == nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("output/app: %v", fi)
	}
	res = st.Execute(Invocation{Args: []string{"--kratix-dir", filepath.Join(dir, "missing")}, Env: MapEnv(configure), Stderr: &logs})
	if res.ExitCode != ExitMisconfigured {
		t.Errorf("a missing kratix dir: exit %d, want 2", res.ExitCode)
	}
}

package sdk

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkedConfig checks itself: Check sees the parsed settings and the environment, and keeps
// what it derives for Run.
type checkedConfig struct {
	MinReplicas int    `env:"MIN_REPLICAS" default:"2" help:"lowest replica count"`
	Budget      int    `env:"BUDGET" flag:"max-bytes" default:"10" help:"bytes to spend"`
	Mode        string `env:"MODE" default:"fast" help:"how to go"`

	doubled int // derived by Check, for Run
}

func (c *checkedConfig) Check(env Env) error {
	var problems []error
	if c.MinReplicas < 1 {
		problems = append(problems, SettingErrorf("MIN_REPLICAS", "%d is below 1", c.MinReplicas))
	}
	if c.Budget < 0 {
		problems = append(problems, SettingErrorf("BUDGET", "%d is negative", c.Budget))
	}
	switch c.Mode {
	case "fast", "run-error":
	case "promise-only":
		if !env.IsPromise() {
			problems = append(problems, SettingErrorf("MODE", "promise-only needs a promise workflow, this is a %s workflow", env.Workflow()))
		}
	case "plain":
		return errors.New("MODE=plain: a plain error from Check is a setting's problem too")
	case "panic":
		panic("check exploded")
	default:
		problems = append(problems, SettingErrorf("MODE", "%q is not a mode", c.Mode))
	}
	c.doubled = 2 * c.MinReplicas
	return errors.Join(problems...)
}

func TestConfigCheck(t *testing.T) {
	var ran []int // what Run saw of the derived value, per run
	stage := Stage[checkedConfig]{Name: "s", Acts: []Workflow{ResourceConfigure}, Run: func(k *Kratix, c *checkedConfig) error {
		ran = append(ran, c.doubled)
		if c.Mode == "run-error" {
			return SettingErrorf("BUDGET", "%d is too small for this output", c.Budget)
		}
		return k.Output.Write("a.yaml", []byte("a: 1\n"))
	}}
	const last = "ERROR s: failed: misconfigured (exit 2); run with --help to list the settings"
	cases := []struct {
		reason string
		env    map[string]string
		args   []string
		code   int
		log    []string
		ran    []int
	}{
		{"settings that pass Check: Run sees what Check derived", configure, nil, ExitOK,
			[]string{"INFO s: done: 1 file written in output, 0 files in metadata"}, []int{4}},
		{"every problem is reported at once, each as ENV (--flag): message, the flag from the tags; Run is not called",
			withEnv(map[string]string{"MIN_REPLICAS": "0", "BUDGET": "-1", "MODE": "slow"}), nil, ExitMisconfigured,
			[]string{"ERROR s: MIN_REPLICAS (--min-replicas): 0 is below 1", "ERROR s: BUDGET (--max-bytes): -1 is negative",
				`ERROR s: MODE (--mode): "slow" is not a mode`, last}, nil},
		{"a flag's value is checked as an env var's is", configure, []string{"--min-replicas", "0"}, ExitMisconfigured,
			[]string{"ERROR s: MIN_REPLICAS (--min-replicas): 0 is below 1", last}, nil},
		{"Check sees the environment", withEnv(map[string]string{"MODE": "promise-only"}), nil, ExitMisconfigured,
			[]string{"ERROR s: MODE (--mode): promise-only needs a promise workflow, this is a resource configure workflow", last}, nil},
		{"Check runs before the workflow gate: a misconfigured stage fails in a workflow it skips, as a setting that does not parse does",
			map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure", "MIN_REPLICAS": "0"}, nil, ExitMisconfigured,
			[]string{"ERROR s: MIN_REPLICAS (--min-replicas): 0 is below 1", last}, nil},
		{"a plain error from Check exits 2 too, as it is written", withEnv(map[string]string{"MODE": "plain"}), nil, ExitMisconfigured,
			[]string{"ERROR s: MODE=plain: a plain error from Check is a setting's problem too", last}, nil},
		{"a panic in Check is a bug in the stage: exit 1, nothing read", withEnv(map[string]string{"MODE": "panic"}), nil, ExitRuleBroken,
			[]string{"ERROR s: internal error while checking the settings: check exploded (this is a bug in s; please report it with the settings that caused it)",
				"ERROR s: failed: 1 error; nothing read, nothing written"}, nil},
		{"a setting that does not parse is reported by the parser; Check does not run on half-parsed settings",
			withEnv(map[string]string{"MIN_REPLICAS": "x", "MODE": "slow"}), nil, ExitMisconfigured,
			[]string{`ERROR s: MIN_REPLICAS (--min-replicas): "x" is not an integer`, last}, nil},
		{"--help does not check", withEnv(map[string]string{"MIN_REPLICAS": "0"}), []string{"--help"}, ExitOK, []string{""}, nil},
		{"SettingErrorf returned by Run exits 2, worded the same way", withEnv(map[string]string{"MODE": "run-error"}), nil, ExitMisconfigured,
			[]string{"ERROR s: BUDGET (--max-bytes): 10 is too small for this output", last}, []int{4}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			ran = nil
			var stderr bytes.Buffer
			mem := pod(t, map[string]string{ObjectFile: "kind: A\n"})
			res := stage.Execute(Invocation{Args: tc.args, Env: MapEnv(tc.env), FS: mem, Stderr: &stderr})
			if res.ExitCode != tc.code {
				t.Errorf("exit %d, want %d; log:\n%s", res.ExitCode, tc.code, stderr.String())
			}
			if diff := cmp.Diff(tc.log, strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")); diff != "" {
				t.Errorf("log -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.ran, ran); diff != "" {
				t.Errorf("Run saw -want +got:\n%s", diff)
			}
			if tc.code != ExitOK {
				if _, written := mem.Files()["output/a.yaml"]; written {
					t.Errorf("a failed run wrote output/a.yaml")
				}
			}
		})
	}
}

func TestSettingErrorf(t *testing.T) {
	inner := errors.New("no such file")
	cases := []struct {
		reason string
		err    error
		text   string
		misc   bool
	}{
		{"worded ENV (--flag): message, the flag derived as the settings derive it", SettingErrorf("MIN_REPLICAS", "%d is below 1", 0),
			"MIN_REPLICAS (--min-replicas): 0 is below 1", true},
		{"a wrapped error stays reachable with errors.Is", SettingErrorf("MODULE_VARIABLES", "%q: %w", "vars.tf", inner),
			`MODULE_VARIABLES (--module-variables): "vars.tf": no such file`, true},
		{"joined with others it still makes the run misconfigured", errors.Join(errors.New("x"), SettingErrorf("A", "b")),
			"x\nA (--a): b", true},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.text {
			t.Errorf("%s: %q, want %q", tc.reason, got, tc.text)
		}
		if IsMisconfigured(tc.err) != tc.misc {
			t.Errorf("%s: IsMisconfigured = %v", tc.reason, !tc.misc)
		}
	}
	if !errors.Is(SettingErrorf("M", "%w", inner), inner) {
		t.Errorf("SettingErrorf(%%w) does not wrap its error")
	}
}

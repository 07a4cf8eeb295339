package stagetest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/sdk"
)

// modeStage is a stage whose MODE setting takes other values than another stage's MODE, as
// secret-forbidder's (fail, remove) and a namespacer's (default, require) do: one environment
// for both cannot configure them.
type modeConfig struct {
	Mode string `env:"MODE" enum:"fail,remove" default:"fail" help:"a"`
}

type scopeConfig struct {
	Mode      string `env:"MODE" enum:"default,require" default:"default" help:"b"`
	Namespace string `env:"NAMESPACE" default:"$(KRATIX_OBJECT_NAMESPACE)" help:"b"`
}

// seen records, per stage, the settings it ran with and the KRATIX_* variable it saw.
type seen map[string]string

func modeStage(got seen) sdk.Stage[modeConfig] {
	return sdk.Stage[modeConfig]{Name: "forbid", Run: func(k *sdk.Kratix, c *modeConfig) error {
		got["forbid"] = c.Mode + " " + k.Env.PromiseName
		return nil
	}}
}

func scopeStage(got seen) sdk.Stage[scopeConfig] {
	return sdk.Stage[scopeConfig]{Name: "scope", Run: func(k *sdk.Kratix, c *scopeConfig) error {
		got["scope"] = c.Mode + " " + c.Namespace + " " + k.Env.PromiseName
		return nil
	}}
}

func TestChainOfContainers(t *testing.T) {
	pod := map[string]string{"KRATIX_PROMISE_NAME": "app", "KRATIX_OBJECT_NAMESPACE": "team-a"}
	tests := []struct {
		reason string
		chain  func(seen) Runner
		env    map[string]string
		args   []string
		code   int
		want   seen
	}{
		{"each container gets its own MODE, and both the pod's KRATIX_* variables",
			func(got seen) Runner {
				return Chain(Container{Stage: modeStage(got), Env: map[string]string{"MODE": "remove"}},
					Container{Stage: scopeStage(got), Env: map[string]string{"MODE": "require"}})
			}, pod, nil, 0, seen{"forbid": "remove app", "scope": "require team-a app"}},
		{"a container's own env wins over the run's",
			func(got seen) Runner {
				return Chain(modeStage(got), Container{Stage: scopeStage(got), Env: map[string]string{"NAMESPACE": "shared"}})
			}, map[string]string{"KRATIX_PROMISE_NAME": "app", "NAMESPACE": "ignored"}, nil, 0, seen{"forbid": "fail app", "scope": "default shared app"}},
		{"a container's settings do not reach the next container",
			func(got seen) Runner {
				return Chain(Container{Stage: modeStage(got), Env: map[string]string{"MODE": "remove", "NAMESPACE": "mine"}}, scopeStage(got))
			}, pod, nil, 0, seen{"forbid": "remove app", "scope": "default team-a app"}},
		{"a container's args follow the run's, and a later flag wins",
			func(got seen) Runner {
				return Chain(Container{Stage: modeStage(got), Args: []string{"--mode", "remove"}},
					Container{Stage: scopeStage(got), Env: map[string]string{"MODE": "default"}, Args: []string{"--mode=require"}})
			}, pod, []string{"--log-level=warn"}, 0, seen{"forbid": "remove app", "scope": "require team-a app"}},
		{"one environment for both, as Chain gives without containers, cannot configure them: MODE=remove is not a namespacer mode",
			func(got seen) Runner { return Chain(modeStage(got), scopeStage(got)) },
			map[string]string{"KRATIX_PROMISE_NAME": "app", "MODE": "remove"}, nil, sdk.ExitMisconfigured, seen{"forbid": "remove app"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			got := seen{}
			res := Run(t, tc.chain(got), Fixture{Object: "kind: A\n", Env: tc.env, Args: tc.args})
			if res.ExitCode != tc.code {
				t.Errorf("exit %d, want %d:\n%s", res.ExitCode, tc.code, res.Logs)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("settings each stage ran with: -want +got:\n%s", diff)
			}
		})
	}
}

// A chain of containers is a Runner like any other: Idempotent runs it twice with the same
// per-container settings.
func TestIdempotentChainOfContainers(t *testing.T) {
	type nameConfig struct {
		File string `env:"FILE" required:"true" help:"the file to write"`
	}
	writer := sdk.Stage[nameConfig]{Name: "w", Run: func(k *sdk.Kratix, c *nameConfig) error {
		return k.Output.Write(c.File, []byte("a: 1\n"))
	}}
	res := Idempotent(t, Chain(
		Container{Stage: writer, Env: map[string]string{"FILE": "a.yaml"}},
		Container{Stage: writer, Env: map[string]string{"FILE": "b.yaml"}},
	), Fixture{Object: "kind: A\n"})
	if diff := cmp.Diff(map[string]string{"a.yaml": "a: 1\n", "b.yaml": "a: 1\n"}, res.Files("output")); diff != "" {
		t.Errorf("output -want +got:\n%s", diff)
	}
}

// Result.Status reads status.yaml as Kratix does (Kratix.Status.Read): what an earlier
// container wrote by hand reads as the status-writer will read it.
func TestResultStatusReadsAsKratix(t *testing.T) {
	nothing := stage("s", func(*sdk.Kratix) error { return nil })
	tests := []struct {
		reason string
		status string
		want   map[string]any
		fails  string // the start of the failure, when Kratix refuses the file
	}{
		{"YAML 1.1: an unquoted yes is a boolean", "ready: yes\nquoted: \"yes\"\n", map[string]any{"ready": true, "quoted": "yes"}, ""},
		{"numbers as the API server holds them", "replicas: 3\nratio: 0.5\nbig: 1e3\n", map[string]any{"replicas": int64(3), "ratio": 0.5, "big": int64(1000)}, ""},
		{"only the first document is the status", "message: first\n---\nmessage: second\n", map[string]any{"message": "first"}, ""},
		{"no file is an empty status", "", map[string]any{}, ""},
		{"a key Kratix owns fails the test, as the status-writer would fail the pipeline", "kratix: {}\n", nil, "metadata/status.yaml: "},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fx := Fixture{Object: "kind: A\n"}
			if tc.status != "" {
				fx.Metadata = map[string]string{"status.yaml": tc.status}
			}
			res := Run(t, nothing, fx)
			f := &fakeTB{}
			res.t = f
			var got map[string]any
			func() {
				defer func() { _ = recover() }() // fakeTB.Fatalf panics to stop, as t.Fatalf does
				got = res.Status()
			}()
			if tc.fails != "" {
				if len(f.errors) != 1 || !strings.HasPrefix(f.errors[0], tc.fails) {
					t.Errorf("%s: failures %q, want one starting %q", tc.reason, f.errors, tc.fails)
				}
				return
			}
			if len(f.errors) > 0 {
				t.Fatalf("%s: %q", tc.reason, f.errors)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

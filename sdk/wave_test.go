package sdk

import (
	"bytes"
	"strings"
	"testing"
)

// A stage outside the rollout wave does nothing; inside it, it runs as usual.
func TestRolloutWave(t *testing.T) {
	const object = `apiVersion: example.com/v1
kind: VM
metadata:
  name: vm-1
  namespace: default
  labels:
    env: staging
`
	// vm-1 in namespace default is in bucket 79 (see package rollout).
	for _, tc := range []struct {
		reason  string
		env     map[string]string
		args    []string
		object  string
		ran     bool
		exit    int
		logLine string
	}{
		{"no wave settings: every request", nil, nil, object, true, 0, ""},
		{"a matching selector", map[string]string{"ROLLOUT_SELECTOR": "env in (staging, dev)"}, nil, object, true, 0,
			"INFO s: in the rollout wave: ROLLOUT_SELECTOR env in (dev,staging)"},
		{"a selector that does not match", map[string]string{"ROLLOUT_SELECTOR": "env=prod"}, nil, object, false, 0,
			"INFO s: skipped: outside the rollout wave: the labels of default/vm-1 do not match ROLLOUT_SELECTOR env=prod"},
		{"inside the percent", map[string]string{"ROLLOUT_PERCENT": "80"}, nil, object, true, 0, "in the rollout wave: ROLLOUT_PERCENT=80"},
		{"outside the percent", map[string]string{"ROLLOUT_PERCENT": "10"}, nil, object, false, 0,
			"skipped: outside the rollout wave: default/vm-1 is in bucket 79, outside ROLLOUT_PERCENT=10 (buckets 0 to 9)"},
		{"a flag beats the env", map[string]string{"ROLLOUT_PERCENT": "80"}, []string{"--rollout-percent", "10"}, object, false, 0, "outside ROLLOUT_PERCENT=10"},
		{"0% is nobody, even with a matching selector", map[string]string{"ROLLOUT_SELECTOR": "env", "ROLLOUT_PERCENT": "0"}, nil, object, false, 0, "outside ROLLOUT_PERCENT=0"},
		{"a bad percent is a misconfiguration", map[string]string{"ROLLOUT_PERCENT": "120"}, nil, object, false, ExitMisconfigured,
			"ERROR s: ROLLOUT_PERCENT (--rollout-percent): must be between 0 and 100, got 120\nERROR s: failed: misconfigured (exit 2); run with --help to list the settings"},
		{"a bad percent and a bad selector are reported at once, with the stage's own problems",
			map[string]string{"ROLLOUT_PERCENT": "-1", "ROLLOUT_SELECTOR": "env in staging", "MIN_REPLICAS": "0"}, nil, object, false, ExitMisconfigured,
			"ERROR s: MIN_REPLICAS (--min-replicas): 0 is below 1\n" +
				"ERROR s: ROLLOUT_PERCENT (--rollout-percent): must be between 0 and 100, got -1\n" +
				`ERROR s: ROLLOUT_SELECTOR (--rollout-selector): label selector "env in staging": found "staging", expected '('` + "\n" +
				"ERROR s: failed: misconfigured (exit 2); run with --help to list the settings"},
		{"the wave settings are checked in a workflow the stage skips, as its own settings are",
			map[string]string{"ROLLOUT_PERCENT": "120", "KRATIX_WORKFLOW_TYPE": "promise"}, nil, object, false, ExitMisconfigured,
			"ROLLOUT_PERCENT (--rollout-percent): must be between 0 and 100, got 120"},
		{"a bad selector is a misconfiguration", map[string]string{"ROLLOUT_SELECTOR": "env in staging"}, nil, object, false, ExitMisconfigured,
			`ROLLOUT_SELECTOR (--rollout-selector): label selector "env in staging": found "staging", expected '('`},
		{"labels that are not a map of strings break a rule", map[string]string{"ROLLOUT_SELECTOR": "env"}, nil,
			strings.Replace(object, "    env: staging", "    - env", 1), false, ExitRuleBroken, "metadata.labels"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			ran := false
			st := Stage[checkedConfig]{Name: "s", Acts: []Workflow{ResourceConfigure}, Run: func(*Kratix, *checkedConfig) error { ran = true; return nil }}
			env := withEnv(tc.env)
			env["KRATIX_OBJECT_NAME"], env["KRATIX_OBJECT_NAMESPACE"] = "vm-1", "default"
			var logs bytes.Buffer
			res := st.Execute(Invocation{Args: tc.args, Env: MapEnv(env), FS: pod(t, map[string]string{ObjectFile: tc.object}), Stderr: &logs})
			if ran != tc.ran || res.ExitCode != tc.exit {
				t.Errorf("ran %v, exit %d; want ran %v, exit %d\n%s", ran, res.ExitCode, tc.ran, tc.exit, logs.String())
			}
			if !strings.Contains(logs.String(), tc.logLine) {
				t.Errorf("logs lack %q:\n%s", tc.logLine, logs.String())
			}
			if !tc.ran && tc.exit == 0 && strings.Count(logs.String(), "\n") != 1 {
				t.Errorf("a request outside the wave gets one log line, got:\n%s", logs.String())
			}
		})
	}
}

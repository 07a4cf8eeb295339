package sdk

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestControlWrite(t *testing.T) {
	tests := []struct {
		reason  string
		before  string
		write   func(c *Control) error
		want    string
		wantErr string
	}{
		{"suspend with a message", "", func(c *Control) error { return c.Suspend("waiting for approval") },
			"message: waiting for approval\nsuspend: true\n", ""},
		{"retry after a Go duration", "", func(c *Control) error { return c.RetryAfter(90*time.Second, "not ready") },
			"message: not ready\nretryAfter: \"1m30s\"\n", ""},
		{"a retry merges with what an earlier stage wrote", "suspend: true   # stage one\nmessage: a\n",
			func(c *Control) error { return c.RetryAfter(time.Hour, "b") },
			"suspend: true   # stage one\nmessage: b\nretryAfter: \"1h0m0s\"\n", ""},
		{"a negative delay is written as given: Kratix reads it and retries at once", "", func(c *Control) error { return c.RetryAfter(-time.Minute, "x") },
			"message: x\nretryAfter: \"-1m0s\"\n", ""},
		{"suspend: yes left by a shell stage is a YAML 1.1 boolean: kept, the message merged", "suspend: yes\n",
			func(c *Control) error { return c.Suspend("x") }, "suspend: yes\nmessage: x\n", ""},
		{"an invalid file left by an earlier stage is reported, not overwritten", "suspend: \"true\"\n",
			func(c *Control) error { return c.Suspend("x") }, "suspend: \"true\"\n",
			`metadata/workflow-control.yaml:1: suspend: want a boolean, got a string`},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fs := map[string]string{}
			if tc.before != "" {
				fs[ControlFile] = tc.before
			}
			mem := pod(t, fs)
			k := kratixOn(t, mem, nil)
			err := tc.write(k.Control)
			commit(t, k)
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, files(mem)[ControlFile]); diff != "" {
				t.Errorf("file -want +got:\n%s", diff)
			}
		})
	}
}

func TestControlRead(t *testing.T) {
	tests := []struct {
		reason  string
		file    string
		want    ControlState
		wantErr string
	}{
		{"empty", "", ControlState{}, ""},
		{"all fields", "suspend: true\nretryAfter: 5m\nmessage: why\n", ControlState{Suspend: true, Retry: true, RetryAfter: 5 * time.Minute, Message: "why"}, ""},
		{"yes and on are YAML 1.1 booleans", "suspend: on\n", ControlState{Suspend: true}, ""},
		{"retryAfter: 0s retries at once", "retryAfter: 0s\n", ControlState{Retry: true}, ""},
		{"a message may be any scalar", "message: 1\n", ControlState{Message: "1"}, ""},
		{"1 is not a boolean", "suspend: 1\n", ControlState{}, `metadata/workflow-control.yaml:1: suspend: want a boolean, got an integer`},
		{"a message that is a map is refused", "message: {a: b}\n", ControlState{}, `metadata/workflow-control.yaml:1: message: want a message (any scalar), got a map`},
		{"a quoted \"true\" is refused", "suspend: \"true\"\n", ControlState{}, `metadata/workflow-control.yaml:1: suspend: want a boolean, got a string`},
		{"days are not a Go duration", "retryAfter: 1d\n", ControlState{},
			`metadata/workflow-control.yaml:1: retryAfter: "1d" is not a Go duration (use units ns, us, ms, s, m, h, like 5m or 1h30m; days are not supported)`},
		{"a bare number has no unit", "retryAfter: \"5\"\n", ControlState{},
			`metadata/workflow-control.yaml:1: retryAfter: "5" is not a Go duration (use units ns, us, ms, s, m, h, like 5m or 1h30m; days are not supported)`},
		{"an unquoted bare number has no unit either", "retryAfter: 5\n", ControlState{},
			`metadata/workflow-control.yaml:1: retryAfter: "5" is not a Go duration (use units ns, us, ms, s, m, h, like 5m or 1h30m; days are not supported)`},
		{"a negative duration retries at once", "retryAfter: -1m\n", ControlState{Retry: true, RetryAfter: -time.Minute}, ""},
		{"a list", "- a\n", ControlState{}, "metadata/workflow-control.yaml:1: is a list; Kratix needs a map"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			k := kratixOn(t, pod(t, map[string]string{ControlFile: tc.file}), nil)
			got, err := k.Control.Read()
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestControlAttempts(t *testing.T) {
	tests := []struct {
		reason   string
		pipeline string
		object   string
		want     int
		wantErr  string
	}{
		{"the entry named KRATIX_PIPELINE_NAME", "instance-configure", requestYAML, 2, ""},
		{"another pipeline's attempts are not ours", "third", requestYAML, 0, ""},
		{"no status yet", "p", "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n", 0, ""},
		{"no pipeline name: cannot tell", "", requestYAML, 0, "KRATIX_PIPELINE_NAME is not set: cannot tell which pipeline's attempts to read"},
		{"attempts not an integer", "p", "kind: A\nstatus:\n  kratix:\n    workflows:\n      pipelines:\n        - name: p\n          attempts: many\n", 0,
			`input/object.yaml:7: status.kratix.workflows.pipelines[0].attempts: want an integer, got a string`},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			k := kratixOn(t, pod(t, map[string]string{ObjectFile: tc.object}), map[string]string{"KRATIX_PIPELINE_NAME": tc.pipeline})
			got, err := k.Control.Attempts()
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if got != tc.want {
				t.Errorf("Attempts = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	for _, s := range []string{"1d", "5", ""} {
		if _, err := ParseRetryAfter(s); err == nil {
			t.Errorf("ParseRetryAfter(%q): no error", s)
		}
	}
	for s, want := range map[string]time.Duration{"1h30m": 90 * time.Minute, "0s": 0, "-1m": -time.Minute} {
		if d, err := ParseRetryAfter(s); d != want || err != nil {
			t.Errorf("ParseRetryAfter(%s) = %v, %v", s, d, err)
		}
	}
}

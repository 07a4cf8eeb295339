package sdk

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusMerge(t *testing.T) {
	tests := []struct {
		reason   string
		before   string // metadata/status.yaml left by earlier stages ("" = no file)
		env      map[string]string
		merge    func(s *Status) error
		want     string
		wantErr  string
		warnings []string
	}{
		{
			reason: "no file: the status is created",
			merge:  func(s *Status) error { return s.SetMessage("ready") },
			want:   "message: ready\n",
		},
		{
			reason: "an earlier stage's keys, comments and order are kept; a key is replaced wholesale",
			before: "# from stage one\nendpoint: {host: a, port: 1}\nmessage: old\n",
			merge: func(s *Status) error {
				return s.Merge(map[string]any{"message": "new", "endpoint": map[string]any{"host": "b"}, "replicas": 3})
			},
			want: "# from stage one\nendpoint:\n  host: b\nmessage: new\nreplicas: 3\n",
		},
		{
			reason:   "a second document left by another tool is kept byte for byte, with a warning",
			before:   "message: one\n---\nleft: by another tool   # odd\n",
			merge:    func(s *Status) error { return s.Set("ready", true) },
			want:     "message: one\nready: true\n---\nleft: by another tool   # odd\n",
			warnings: []string{"metadata/status.yaml:3: has 2 documents; Kratix reads only the first, so the others are ignored (a stage appended to the file instead of merging)"},
		},
		{
			reason: "conditions merge by type: a known type is replaced in place, a new one appended, the transition time kept when the status did not change",
			before: "conditions:\n  - type: Ready\n    status: \"True\"\n    lastTransitionTime: \"2024-01-01T00:00:00Z\"\n  - type: Synced\n    status: \"False\"\n",
			merge: func(s *Status) error {
				if err := s.SetCondition(Condition{Type: "Ready", Status: "True", Reason: "Deployed"}); err != nil {
					return err
				}
				return s.SetCondition(Condition{Type: "Healthy", Status: "True"})
			},
			// A replaced condition is written whole, keys sorted.
			want: "conditions:\n  - lastTransitionTime: \"2024-01-01T00:00:00Z\"\n    reason: Deployed\n    status: \"True\"\n    type: Ready\n  - type: Synced\n    status: \"False\"\n  - status: \"True\"\n    type: Healthy\n",
		},
		{
			reason:  "the kratix key is refused: the status-writer would fail the pipeline",
			before:  "message: keep\n",
			merge:   func(s *Status) error { return s.Set("kratix", map[string]any{"x": 1}) },
			want:    "message: keep\n",
			wantErr: "metadata/status.yaml: kratix: the kratix key belongs to Kratix: the status-writer fails the pipeline if a stage sets it",
		},
		{
			reason: "wrongly typed known fields are all refused at once, and nothing is written",
			merge: func(s *Status) error {
				return s.Merge(map[string]any{"message": 3, "workflows": "2", "observedGeneration": 1.5, "conditions": map[string]any{"type": "Ready"}, "fine": 1})
			},
			wantErr: "metadata/status.yaml: conditions: must be a list of conditions, got a map\n" +
				"metadata/status.yaml: message: must be a string, got an integer\n" +
				"metadata/status.yaml: observedGeneration: must be an integer, got a float\n" +
				"metadata/status.yaml: workflows: must be an integer, got a string",
		},
		{
			reason: "a condition's fields must be strings and its type is required",
			merge: func(s *Status) error {
				return s.Merge(map[string]any{"conditions": []any{"Ready", map[string]any{"type": "Ready", "status": true}, map[string]any{"status": "True"}}})
			},
			wantErr: "metadata/status.yaml: conditions[0]: must be an object, got a string\n" +
				"metadata/status.yaml: conditions[1].status: must be a string, got a boolean (an unquoted True, yes or on is a YAML boolean: quote it, like \"True\")\n" +
				"metadata/status.yaml: conditions[2].type: is required: conditions are merged by type",
		},
		{
			reason:   "a promise workflow keeps only message: other keys are written with a warning",
			env:      map[string]string{"KRATIX_WORKFLOW_TYPE": "promise", "KRATIX_WORKFLOW_ACTION": "configure"},
			merge:    func(s *Status) error { return s.Merge(map[string]any{"message": "ok", "extra": 1}) },
			want:     "extra: 1\nmessage: ok\n",
			warnings: []string{"metadata/status.yaml: extra: Kratix keeps only status.message in promise workflows; extra will be dropped"},
		},
		{
			reason: "SetCondition on a status with no file creates the list",
			merge:  func(s *Status) error { return s.SetCondition(Condition{Type: "Ready", Status: "True"}) },
			want:   "conditions:\n- status: \"True\"\n  type: Ready\n",
		},
		{
			reason: "SetCondition on a status without conditions creates the list",
			before: "message: hi\n",
			merge:  func(s *Status) error { return s.SetCondition(Condition{Type: "Ready", Status: "True"}) },
			want:   "message: hi\nconditions:\n- status: \"True\"\n  type: Ready\n",
		},
		{
			reason: "a null document is an empty status",
			before: "null\n",
			merge:  func(s *Status) error { return s.SetMessage("ok") },
			want:   "message: ok\n",
		},
		{
			reason: "keys a shell stage wrote keep their bytes and the value Kratix read (yes and on are booleans)",
			before: "ready: yes   # shell\nmode: on\n",
			merge:  func(s *Status) error { return s.SetMessage("ok") },
			want:   "ready: yes   # shell\nmode: on\nmessage: ok\n",
		},
		{
			reason: "a duplicate key's last value is what Kratix read: it is kept, the document rewritten whole with a warning",
			before: "message: a\nmessage: b\n",
			merge:  func(s *Status) error { return s.Set("ready", true) },
			want:   "message: b\nready: true\n",
			warnings: []string{`metadata/status.yaml: rewrote the first document whole, losing its comments and layout (line 2: duplicate key "message" (first defined at line 1)); ` +
				"Kratix reads the values it read before, plus this change"},
		},
		{
			reason:  "a kratix key an earlier stage wrote, even null, is refused: the status-writer would fail",
			before:  "message: a\nkratix: null\n",
			merge:   func(s *Status) error { return s.SetMessage("b") },
			want:    "message: a\nkratix: null\n",
			wantErr: "metadata/status.yaml:2: kratix: the kratix key belongs to Kratix: the status-writer fails the pipeline if a stage sets it",
		},
		{
			reason:  "an earlier stage's unquoted status: True is a boolean the API server refuses",
			before:  "conditions:\n  - type: Ready\n    status: True\n",
			merge:   func(s *Status) error { return s.SetMessage("b") },
			want:    "conditions:\n  - type: Ready\n    status: True\n",
			wantErr: `metadata/status.yaml:3: conditions[0].status: must be a string, got a boolean (an unquoted True, yes or on is a YAML boolean: quote it, like "True")`,
		},
		{
			reason:  "an int64 Kratix rounds beyond int64 (it reads numbers as 64-bit floats) is refused",
			merge:   func(s *Status) error { return s.Set("observedGeneration", int64(math.MaxInt64)) },
			wantErr: "metadata/status.yaml: observedGeneration: must be an integer within int64 range as Kratix reads it (a 64-bit float), got 9223372036854776000",
		},
		{
			reason: "a lastTransitionTime that is not an RFC 3339 date-time is refused",
			merge: func(s *Status) error {
				return s.SetCondition(Condition{Type: "Ready", Status: "True", LastTransitionTime: "2024-01-01 10:00"})
			},
			wantErr: `metadata/status.yaml: conditions[0].lastTransitionTime: must be an RFC 3339 date-time like 2024-05-01T12:00:00Z, got "2024-01-01 10:00"`,
		},
		{
			reason:   "a condition without a type left by an earlier stage is accepted with a warning; a new one is appended",
			before:   "conditions:\n- status: \"True\"\n",
			merge:    func(s *Status) error { return s.SetCondition(Condition{Type: "Ready", Status: "True"}) },
			want:     "conditions:\n- status: \"True\"\n- status: \"True\"\n  type: Ready\n",
			warnings: []string{"metadata/status.yaml:2: conditions[0]: has no type: Kratix drops such a condition when the object already has conditions"},
		},
		{
			reason:  "a first document that is not a map is an error",
			before:  "- a\n",
			merge:   func(s *Status) error { return s.SetMessage("x") },
			want:    "- a\n",
			wantErr: "metadata/status.yaml:1: the first document is a list; Kratix needs a map (fix the stage that wrote it)",
		},
		{
			reason:  "a malformed file names file and line",
			before:  "message: [x\n",
			merge:   func(s *Status) error { return s.SetMessage("x") },
			want:    "message: [x\n",
			wantErr: "metadata/status.yaml:1: did not find expected ',' or ']'",
		},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fs := map[string]string{}
			if tc.before != "" {
				fs[StatusFile] = tc.before
			}
			mem := pod(t, fs)
			k := kratixOn(t, mem, tc.env)
			err := tc.merge(k.Status)
			commit(t, k)
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, files(mem)[StatusFile]); diff != "" {
				t.Errorf("status.yaml -want +got:\n%s", diff)
			}
			var warns []string
			for _, d := range k.Diagnostics() {
				warns = append(warns, d.String())
			}
			if diff := cmp.Diff(tc.warnings, warns); diff != "" {
				t.Errorf("warnings -want +got:\n%s", diff)
			}
			if err != nil {
				return
			}
			// The same merge again changes no byte.
			before := files(mem)[StatusFile]
			c := counting(mem)
			k2 := kratixOn(t, c, tc.env)
			if err := tc.merge(k2.Status); err != nil {
				t.Fatal(err)
			}
			commit(t, k2)
			if diff := cmp.Diff(before, files(mem)[StatusFile]); diff != "" {
				t.Errorf("second merge changed the file: -first +second:\n%s", diff)
			}
			if len(c.writes) != 0 {
				t.Errorf("second merge rewrote the file %v", c.writes)
			}
		})
	}
}

func TestStatusRead(t *testing.T) {
	tests := []struct {
		reason  string
		file    *string
		want    map[string]any
		wantErr string
	}{
		{"a missing file is an empty map", nil, map[string]any{}, ""},
		{"an empty file is an empty map", ptr(""), map[string]any{}, ""},
		{"only the first document is read", ptr("message: a\ncount: 3\n---\nmessage: b\n"), map[string]any{"message": "a", "count": int64(3)}, ""},
		{"keys and values are YAML 1.1: an unquoted n is false, yes is true", ptr("n: yes\n"), map[string]any{"false": true}, ""},
		{"a scalar is an error", ptr("hello\n"), nil, "metadata/status.yaml:1: the first document is a string; Kratix needs a map (fix the stage that wrote it)"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fs := map[string]string{}
			if tc.file != nil {
				fs[StatusFile] = *tc.file
			}
			k := kratixOn(t, pod(t, fs), nil)
			got, err := k.Status.Read()
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
	k := kratixOn(t, pod(t, map[string]string{StatusFile: "a: {b: 1}\n"}), nil)
	if v, err := k.Status.Get("a.b"); v != int64(1) || err != nil {
		t.Errorf("Get(a.b) = %v, %v", v, err)
	}
	if _, err := kratixOn(t, pod(t, nil), nil).Status.Get("a"); err == nil || !strings.HasPrefix(err.Error(), "metadata/status.yaml: a: not found") {
		t.Errorf("Get on a missing file: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

package sdk

// Kratix parity: for every rule docs/contract.md lists for the metadata files, the tables below
// say what Kratix does with a file (accepts it? reads what?) and check the SDK against it.
//
// The Kratix column is not taken on trust: kratixReadsSelectors, kratixReadsStatus and
// kratixReadsControl re-state, in test code, what Kratix's work-writer, status-writer and
// workflow-control reader do (each comment names the Kratix function it re-states), and the API
// server's check of the status is kube-openapi's own validator run with the status schema Kratix
// puts on every request CRD. Every row is checked three ways: the hand-written column against
// the re-statement, and the SDK against both.

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/stagekit/stagekit/sdk/fsys"
)

// A parity row: one metadata file as a stage finds it (written by an earlier stage, a shell
// script, anyone), what Kratix does with it, and what the SDK must do.
type parityRow struct {
	reason string
	src    *string // the file; nil: there is none
	// For destination selectors, the output/ tree when the work-writer runs: a name ending in
	// "/" is a directory, any other a file; links are symlinks (name -> target).
	output []string
	links  map[string]string
	// pipes are named pipes to make, by name in the kratix directory: the row's file, or a file
	// of the output.
	pipes []string

	kratix bool // Kratix accepts the file
	read   any  // what Kratix reads, when it accepts: []Selector, a status map, a ControlState
	// onPurpose, when set, is why stagekit refuses a file Kratix accepts; its error must say so.
	onPurpose string
	// where starts the SDK's error for a refused file: file, line and field.
	where string
}

func TestKratixParitySelectors(t *testing.T) {
	ab := map[string]string{"a": "b"}
	rows := []parityRow{
		// Accepted, and what is read.
		{reason: "a missing file means no selectors", kratix: true},
		{reason: "an empty file means no selectors", src: ptr(""), kratix: true},
		{reason: "a null document means no selectors", src: ptr("null\n"), kratix: true},
		{reason: "comments only mean no selectors", src: ptr("# nothing yet\n"), kratix: true},
		{reason: "an empty list means no selectors", src: ptr("[]\n"), kratix: true},
		{reason: "unknown keys of an entry are ignored", src: ptr("- matchLabels: {a: b}\n  weight: 4\n"), kratix: true,
			read: []Selector{{MatchLabels: ab}}},
		{reason: "label values that are numbers, booleans or null become strings, as YAML 1.1 reads them (yes and on are true)",
			src:    ptr("- matchLabels: {num: 3, float: 1.5, exp: 1e3, hex: 0x10, bool: true, yesv: yes, onv: on, nov: no, nil: null, big: 12345678901234567891}\n"),
			kratix: true,
			read: []Selector{{MatchLabels: map[string]string{"num": "3", "float": "1.5", "exp": "1000", "hex": "16", "bool": "true", "yesv": "true",
				"onv": "true", "nov": "false", "nil": "", "big": "12345678901234567891"}}}},
		{reason: "label keys are YAML 1.1 too: an unquoted y is true, n is false",
			src: ptr("- matchLabels: {y: a, n: b}\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"true": "a", "false": "b"}}}},
		{reason: "any label key: Kratix does not check label syntax",
			src: ptr("- matchLabels: {'not a label!': x}\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"not a label!": "x"}}}},
		{reason: "directory omitted, \"\" and \".\" are the default group (one of them at a time)",
			src: ptr("- directory: .\n  matchLabels: {a: b}\n"), kratix: true, read: []Selector{{MatchLabels: ab}}},
		{reason: "foo, foo/ and ./foo are foo", output: []string{"foo/", "bar/", "baz/"},
			src:    ptr("- directory: foo\n  matchLabels: {a: b}\n- directory: bar/\n  matchLabels: {a: b}\n- directory: ./baz\n  matchLabels: {a: b}\n"),
			kratix: true, read: []Selector{{Directory: "foo", MatchLabels: ab}, {Directory: "bar", MatchLabels: ab}, {Directory: "baz", MatchLabels: ab}}},
		{reason: "foo//, foo/. and x/../bar are cleaned like filepath.Clean to one segment", output: []string{"foo/", "baz/", "bar/"},
			src:    ptr("- directory: foo//\n  matchLabels: {a: b}\n- directory: baz/.\n  matchLabels: {a: b}\n- directory: x/../bar\n  matchLabels: {a: b}\n"),
			kratix: true, read: []Selector{{Directory: "foo", MatchLabels: ab}, {Directory: "baz", MatchLabels: ab}, {Directory: "bar", MatchLabels: ab}}},
		{reason: "foo/.. cleans to the default group", src: ptr("- directory: foo/..\n  matchLabels: {a: b}\n"), kratix: true,
			read: []Selector{{MatchLabels: ab}}},
		{reason: `a\b is one segment on Linux`, output: []string{`a\b/`}, src: ptr("- directory: a\\b\n  matchLabels: {a: b}\n"), kratix: true,
			read: []Selector{{Directory: `a\b`, MatchLabels: ab}}},
		{reason: "a directory written yes is the directory \"true\"", output: []string{"true/"},
			src: ptr("- directory: yes\n  matchLabels: {a: b}\n"), kratix: true, read: []Selector{{Directory: "true", MatchLabels: ab}}},
		{reason: "\"/\" names all of the output: Kratix accepts it (stagekit warns)",
			src: ptr("- directory: /\n  matchLabels: {a: b}\n"), kratix: true, read: []Selector{{Directory: "/", MatchLabels: ab}}},
		{reason: "an unparsable second document is never parsed",
			src: ptr("- matchLabels: {a: b}\n---\n: : [\n"), kratix: true, read: []Selector{{MatchLabels: ab}}},
		{reason: "a duplicate key's last value wins",
			src: ptr("- matchLabels: {a: b}\n  matchLabels: {c: d}\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"c": "d"}}}},
		{reason: "a duplicate label's last value wins",
			src: ptr("- matchLabels: {a: b, a: c}\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"a": "c"}}}},
		{reason: "<< merges labels",
			src: ptr("- matchLabels:\n    <<: {a: b}\n    c: d\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"a": "b", "c": "d"}}}},
		{reason: "anchors and aliases are resolved",
			src: ptr("- matchLabels: &l {a: b}\n- directory: x\n  matchLabels: *l\n"), output: []string{"x/"}, kratix: true,
			read: []Selector{{MatchLabels: ab}, {Directory: "x", MatchLabels: ab}}},
		{reason: "field names match case-insensitively (Kratix decodes into a Go struct)",
			src: ptr("- MatchLabels: {a: b}\n  matchlabels: {c: d}\n"), kratix: true, read: []Selector{{MatchLabels: map[string]string{"a": "b", "c": "d"}}}},
		{reason: "a symlink to a file inside output/ is shipped as that file",
			output: []string{"a.yaml"}, links: map[string]string{"sub/b.yaml": "../a.yaml"}, kratix: true},

		// Refused by Kratix.
		{reason: "a map instead of a list", src: ptr("matchLabels: {a: b}\n"),
			where: "metadata/destination-selectors.yaml:1: is a map"},
		{reason: "an entry that is a scalar", src: ptr("- a\n"),
			where: "metadata/destination-selectors.yaml:1: [0]: must be a map"},
		{reason: "an entry that is null has no matchLabels", src: ptr("- null\n"),
			where: "metadata/destination-selectors.yaml:1: [0]: has no matchLabels"},
		{reason: "matchLabels missing", src: ptr("- directory: foo\n"), output: []string{"foo/"},
			where: "metadata/destination-selectors.yaml:1: [0]: has no matchLabels"},
		{reason: "matchLabels null", src: ptr("- matchLabels: null\n"),
			where: "metadata/destination-selectors.yaml:1: [0]: has no matchLabels"},
		{reason: "matchLabels empty", src: ptr("- matchLabels: {}\n"),
			where: "metadata/destination-selectors.yaml:1: [0]: has no matchLabels"},
		{reason: "matchLabels a list", src: ptr("- matchLabels: [a]\n"),
			where: "metadata/destination-selectors.yaml:1: [0].matchLabels: must be a map of labels, got a list"},
		{reason: "matchLabels a string", src: ptr("- matchLabels: a=b\n"),
			where: "metadata/destination-selectors.yaml:1: [0].matchLabels: must be a map of labels, got a string"},
		{reason: "a label value that is a map", src: ptr("- matchLabels:\n    a: {b: c}\n"),
			where: "metadata/destination-selectors.yaml:2: [0].matchLabels.a: a label value must be a string"},
		{reason: "a label value that is a list", src: ptr("- matchLabels:\n    x: y\n    a: [b]\n"),
			where: "metadata/destination-selectors.yaml:3: [0].matchLabels.a: a label value must be a string"},
		{reason: "a directory that is a list", src: ptr("- directory: [a]\n  matchLabels: {a: b}\n"),
			where: "metadata/destination-selectors.yaml:1: [0].directory: must be a directory name, got a list"},
		{reason: "two entries naming the same directory after cleaning", src: ptr("- directory: foo\n  matchLabels: {a: b}\n- directory: ./foo/\n  matchLabels: {c: d}\n"),
			output: []string{"foo/"}, where: "metadata/destination-selectors.yaml:3: [1]: names directory \"foo\" again"},
		{reason: "two default groups, \"\" and \".\"", src: ptr("- directory: \"\"\n  matchLabels: {a: b}\n- directory: .\n  matchLabels: {c: d}\n"),
			where: "metadata/destination-selectors.yaml:3: [1]: names the default group"},
		{reason: "foo/bar is more than one segment", src: ptr("- directory: foo/bar\n  matchLabels: {a: b}\n"), output: []string{"foo/bar/"},
			where: "metadata/destination-selectors.yaml:1: [0].directory: \"foo/bar\" must be one top-level directory"},
		{reason: "/foo is absolute", src: ptr("- matchLabels: {a: b}\n  directory: /foo\n"),
			where: "metadata/destination-selectors.yaml:2: [0].directory: \"/foo\" must be one top-level directory"},
		{reason: "../foo is more than one segment", src: ptr("- directory: ../foo\n  matchLabels: {a: b}\n"),
			where: "metadata/destination-selectors.yaml:1: [0].directory: \"../foo\" must be one top-level directory"},
		{reason: "a named directory missing from the output when the work-writer runs", src: ptr("- matchLabels: {a: b}\n- directory: platform\n  matchLabels: {a: b}\n"),
			output: []string{"other/"}, where: "metadata/destination-selectors.yaml:2: [1].directory: \"platform\" has no /kratix/output/platform"},
		{reason: "a named directory that is a file", src: ptr("- directory: platform\n  matchLabels: {a: b}\n"),
			output: []string{"platform"}, where: "metadata/destination-selectors.yaml:1: [0].directory: \"platform\" has no /kratix/output/platform"},
		{reason: "a symlink to a directory anywhere in output/ fails the walk", output: []string{"real/a.yaml"},
			links: map[string]string{"deep/link": "../real"}, where: "output/deep/link: symlink to a directory"},
		{reason: "a dangling symlink fails the walk", links: map[string]string{"x.yaml": "nowhere.yaml"}, where: "output/x.yaml: dangling symlink"},
		{reason: "a named pipe anywhere in output/ hangs the walk, which reads every file", pipes: []string{"output/deep/pipe.yaml"},
			where: "output/deep/pipe.yaml: is a named pipe (FIFO), not a regular file"},
		{reason: "a symlink to a named pipe hangs the walk too", pipes: []string{"output/pipe"}, links: map[string]string{"link.yaml": "pipe"},
			where: "output/link.yaml: is a named pipe (FIFO), not a regular file"},
		{reason: "a selectors file that is a named pipe hangs the work-writer", pipes: []string{SelectorsFile},
			where: "metadata/destination-selectors.yaml: cannot read: is a named pipe (FIFO), not a regular file"},
		{reason: "a first document that does not parse", src: ptr("- matchLabels: {a: b\n"), where: "metadata/destination-selectors.yaml:1: did not find expected ',' or '}'"},

		// Accepted by Kratix, refused by stagekit on purpose.
		{reason: ".. ships files from outside /kratix/output", src: ptr("- directory: ..\n  matchLabels: {a: b}\n"), kratix: true,
			read: []Selector{{Directory: "..", MatchLabels: ab}}, onPurpose: "stagekit refuses it on purpose",
			where: "metadata/destination-selectors.yaml:1: [0].directory: \"..\" leaves /kratix/output"},
		{reason: "foo/../.. cleans to ..", src: ptr("- directory: foo/../..\n  matchLabels: {a: b}\n"), kratix: true,
			read: []Selector{{Directory: "..", MatchLabels: ab}}, onPurpose: "stagekit refuses it on purpose",
			where: "metadata/destination-selectors.yaml:1: [0].directory: \"foo/../..\" leaves /kratix/output"},
		{reason: "a symlink out of output/ ships a file from elsewhere", links: map[string]string{"obj.yaml": "../input/object.yaml"}, kratix: true,
			onPurpose: "stagekit refuses a link out of the output on purpose", where: "output/obj.yaml: symlink resolves to /kratix/input/object.yaml"},
	}
	for _, row := range rows {
		t.Run(row.reason, func(t *testing.T) {
			dir := kratixTree(t, SelectorsFile, row)
			kratixOK, kratixRead := kratixReadsSelectors(dir)
			checkKratixColumn(t, row, kratixOK, kratixRead)

			k := kratixOnDisk(t, dir, nil)
			sels, err := k.Selectors.Read()
			if err == nil {
				err = k.Selectors.CheckDirectories()
			}
			if !checkSDK(t, row, kratixRead, sels, err) || !row.kratix || row.onPurpose != "" {
				return
			}
			// Adding a selector keeps what Kratix read, and adds only the new entry.
			if err := os.MkdirAll(filepath.Join(dir, "output", "added"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := k.Selectors.Add(Selector{Directory: "added", MatchLabels: map[string]string{"by": "stage"}}); err != nil {
				t.Fatalf("Add: %v", err)
			}
			commit(t, k)
			ok, after := kratixReadsSelectors(dir)
			want := append(slices.Clone(kratixRead), Selector{Directory: "added", MatchLabels: map[string]string{"by": "stage"}})
			if diff := cmp.Diff(want, after); !ok || diff != "" {
				t.Errorf("after Add, Kratix accepts=%v and reads -want +got:\n%s", ok, diff)
			}
		})
	}
}

func TestKratixParityStatus(t *testing.T) {
	rows := []parityRow{
		// Accepted, and what is read (as the API server then holds it).
		{reason: "a missing file is {}", kratix: true, read: map[string]any{}},
		{reason: "an empty file is {}", src: ptr(""), kratix: true, read: map[string]any{}},
		{reason: "a null document is {}", src: ptr("null\n"), kratix: true, read: map[string]any{}},
		{reason: "comments only are {}", src: ptr("# nothing\n"), kratix: true, read: map[string]any{}},
		{reason: "a duplicate key's last value wins", src: ptr("message: a\nmessage: b\n"), kratix: true, read: map[string]any{"message": "b"}},
		{reason: "a second document of any content is never parsed", src: ptr("message: a\n---\n: : [\n"), kratix: true, read: map[string]any{"message": "a"}},
		{reason: "quoted scalars are strings", src: ptr("message: \"1\"\nother: 'yes'\n"), kratix: true, read: map[string]any{"message": "1", "other": "yes"}},
		{reason: "unknown keys keep any value, read as YAML 1.1 (yes is true)", src: ptr("ready: yes\nendpoint: {host: a, port: 80}\nlist: [1, 2.5]\n"), kratix: true,
			read: map[string]any{"ready": true, "endpoint": map[string]any{"host": "a", "port": int64(80)}, "list": []any{int64(1), 2.5}}},
		{reason: "<< merges, anchors resolve", src: ptr("base: &b {x: 1}\nmerged:\n  <<: *b\n  z: 2\n"), kratix: true,
			read: map[string]any{"base": map[string]any{"x": int64(1)}, "merged": map[string]any{"x": int64(1), "z": int64(2)}}},
		{reason: "keys are YAML 1.1 too: an unquoted y is true", src: ptr("y: 2\n"), kratix: true, read: map[string]any{"true": int64(2)}},
		{reason: "integers: 3, 3.0, 1e3, 0x10, -5 are integers", src: ptr("observedGeneration: 3\nworkflows: 3.0\nworkflowsSucceeded: 1e3\nworkflowsFailed: 0x10\nother: -5\n"),
			kratix: true, read: map[string]any{"observedGeneration": int64(3), "workflows": int64(3), "workflowsSucceeded": int64(1000), "workflowsFailed": int64(16), "other": int64(-5)}},
		{reason: "an integer beyond 2^53 is read as the float64 Kratix rounds it to", src: ptr("observedGeneration: 9007199254740993\n"), kratix: true,
			read: map[string]any{"observedGeneration": int64(9007199254740992)}},
		{reason: "conditions: an empty list", src: ptr("conditions: []\n"), kratix: true, read: map[string]any{"conditions": []any{}}},
		{reason: "conditions with every field a string and an RFC 3339 time, quoted or not",
			src:    ptr("conditions:\n- type: Ready\n  status: \"True\"\n  reason: Deployed\n  message: ok\n  lastTransitionTime: 2024-01-01T10:00:00Z\n"),
			kratix: true, read: map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Deployed", "message": "ok", "lastTransitionTime": "2024-01-01T10:00:00Z"}}}},
		{reason: "date-times with a fraction, an offset, lower case t and z",
			src:    ptr("conditions:\n- {type: A, lastTransitionTime: \"2024-01-01T10:00:00.5+02:00\"}\n- {type: B, lastTransitionTime: \"2024-01-01t10:00:00z\"}\n"),
			kratix: true, read: map[string]any{"conditions": []any{map[string]any{"type": "A", "lastTransitionTime": "2024-01-01T10:00:00.5+02:00"}, map[string]any{"type": "B", "lastTransitionTime": "2024-01-01t10:00:00z"}}}},
		{reason: "a condition without a type is accepted (stagekit warns: Kratix drops it when the object has conditions)",
			src: ptr("conditions:\n- status: \"True\"\n"), kratix: true, read: map[string]any{"conditions": []any{map[string]any{"status": "True"}}}},
		{reason: "a condition's unknown fields are accepted (the API server prunes them)",
			src: ptr("conditions:\n- type: A\n  extra: [1]\n"), kratix: true, read: map[string]any{"conditions": []any{map[string]any{"type": "A", "extra": []any{int64(1)}}}}},

		// Refused by the status-writer.
		{reason: "a first document that is a list", src: ptr("- a\n"), where: "metadata/status.yaml:1: the first document is a list"},
		{reason: "a first document that is a scalar", src: ptr("ready\n"), where: "metadata/status.yaml:1: the first document is a string"},
		{reason: "a kratix key", src: ptr("message: a\nkratix: {workflows: {}}\n"), where: "metadata/status.yaml:2: kratix: the kratix key belongs to Kratix"},
		{reason: "a kratix key, even null", src: ptr("kratix: null\n"), where: "metadata/status.yaml:1: kratix: the kratix key belongs to Kratix"},
		{reason: "a value JSON cannot hold (.inf)", src: ptr("ratio: .inf\n"), where: "metadata/status.yaml: Kratix cannot read it"},
		{reason: "a first document that does not parse", src: ptr("message: [a\n"), where: "metadata/status.yaml:1: did not find expected ',' or ']'"},
		{reason: "a status file that is a named pipe hangs the status-writer", pipes: []string{StatusFile},
			where: "metadata/status.yaml: cannot read: is a named pipe (FIFO), not a regular file"},

		// Refused by the API server (the request CRD's status schema).
		{reason: "message 1", src: ptr("message: 1\n"), where: "metadata/status.yaml:1: message: must be a string, got an integer"},
		{reason: "message yes (a boolean)", src: ptr("message: yes\n"), where: "metadata/status.yaml:1: message: must be a string, got a boolean"},
		{reason: "message on (a boolean)", src: ptr("x: 1\nmessage: on\n"), where: "metadata/status.yaml:2: message: must be a string, got a boolean"},
		{reason: "message null", src: ptr("message: null\n"), where: "metadata/status.yaml:1: message: must be a string, got null"},
		{reason: "message a map", src: ptr("message: {a: b}\n"), where: "metadata/status.yaml:1: message: must be a string, got a map"},
		{reason: "workflows 3.5", src: ptr("workflows: 3.5\n"), where: "metadata/status.yaml:1: workflows: must be an integer, got a float"},
		{reason: "observedGeneration '3' (a string)", src: ptr("observedGeneration: '3'\n"), where: "metadata/status.yaml:1: observedGeneration: must be an integer, got a string"},
		{reason: "workflowsSucceeded yes", src: ptr("workflowsSucceeded: yes\n"), where: "metadata/status.yaml:1: workflowsSucceeded: must be an integer, got a boolean"},
		{reason: "workflowsFailed null", src: ptr("workflowsFailed: null\n"), where: "metadata/status.yaml:1: workflowsFailed: must be an integer, got null"},
		{reason: "observedGeneration beyond int64", src: ptr("observedGeneration: 1e19\n"), where: "metadata/status.yaml:1: observedGeneration: must be an integer within int64 range"},
		{reason: "observedGeneration: the largest int64 rounds beyond int64 as Kratix reads it", src: ptr("observedGeneration: 9223372036854775807\n"),
			where: "metadata/status.yaml:1: observedGeneration: must be an integer within int64 range"},
		{reason: "conditions a map", src: ptr("conditions: {type: Ready}\n"), where: "metadata/status.yaml:1: conditions: must be a list of conditions, got a map"},
		{reason: "conditions null", src: ptr("conditions: null\n"), where: "metadata/status.yaml:1: conditions: must be a list of conditions, got null"},
		{reason: "a condition that is a string", src: ptr("conditions:\n- Ready\n"), where: "metadata/status.yaml:2: conditions[0]: must be an object, got a string"},
		{reason: "status: True unquoted is a boolean", src: ptr("conditions:\n- type: Ready\n  status: True\n"),
			where: "metadata/status.yaml:3: conditions[0].status: must be a string, got a boolean"},
		{reason: "type 1", src: ptr("conditions:\n- type: 1\n"), where: "metadata/status.yaml:2: conditions[0].type: must be a string, got an integer"},
		{reason: "reason yes", src: ptr("conditions:\n- type: A\n  reason: yes\n"), where: "metadata/status.yaml:3: conditions[0].reason: must be a string, got a boolean"},
		{reason: "a condition's message null", src: ptr("conditions:\n- type: A\n  message: null\n"), where: "metadata/status.yaml:3: conditions[0].message: must be a string, got null"},
		{reason: "lastTransitionTime a date only", src: ptr("conditions:\n- type: A\n  lastTransitionTime: 2024-01-01\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be an RFC 3339 date-time"},
		{reason: "lastTransitionTime with a space", src: ptr("conditions:\n- type: A\n  lastTransitionTime: 2024-01-01 10:00:00Z\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be an RFC 3339 date-time"},
		{reason: "lastTransitionTime without a zone", src: ptr("conditions:\n- type: A\n  lastTransitionTime: \"2024-01-01T10:00:00\"\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be an RFC 3339 date-time"},
		{reason: "lastTransitionTime at hour 24", src: ptr("conditions:\n- type: A\n  lastTransitionTime: \"2024-01-01T24:00:00Z\"\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be an RFC 3339 date-time"},
		{reason: "lastTransitionTime in month 13", src: ptr("conditions:\n- type: A\n  lastTransitionTime: \"2024-13-01T10:00:00Z\"\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be an RFC 3339 date-time"},
		{reason: "lastTransitionTime a number", src: ptr("conditions:\n- type: A\n  lastTransitionTime: 1714560000\n"),
			where: "metadata/status.yaml:3: conditions[0].lastTransitionTime: must be a string, got an integer"},
	}
	for _, row := range rows {
		t.Run(row.reason, func(t *testing.T) {
			dir := kratixTree(t, StatusFile, row)
			kratixOK, kratixRead := kratixReadsStatus(t, dir)
			checkKratixColumn(t, row, kratixOK, kratixRead)

			k := kratixOnDisk(t, dir, nil)
			st, err := k.Status.Read()
			if !checkSDK(t, row, kratixRead, st, err) {
				return
			}
			before, _ := readAsKratix(filepath.Join(dir, StatusFile))
			err = k.Status.Merge(map[string]any{"addedBy": "stage"})
			if err == nil {
				commit(t, k)
			}
			after, _ := readAsKratix(filepath.Join(dir, StatusFile))
			if !row.kratix {
				if err == nil || string(before) != string(after) {
					t.Errorf("Merge into a file Kratix refuses: err=%v, file changed=%v", err, string(before) != string(after))
				}
				return
			}
			if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			// Merging keeps what Kratix read, and adds only the new key.
			ok, got := kratixReadsStatus(t, dir)
			want := MergeStatus(row.read.(map[string]any), map[string]any{"addedBy": "stage"})
			if diff := cmp.Diff(want, got); !ok || diff != "" {
				t.Errorf("after Merge, Kratix accepts=%v and reads -want +got:\n%s", ok, diff)
			}
		})
	}
}

func TestKratixParityControl(t *testing.T) {
	rows := []parityRow{
		{reason: "a missing file: no suspend, no retry", kratix: true, read: ControlState{}},
		{reason: "an empty file", src: ptr(""), kratix: true, read: ControlState{}},
		{reason: "a null document", src: ptr("null\n"), kratix: true, read: ControlState{}},
		{reason: "suspend: true", src: ptr("suspend: true\nmessage: why\n"), kratix: true, read: ControlState{Suspend: true, Message: "why"}},
		{reason: "suspend: yes is a YAML 1.1 boolean", src: ptr("suspend: yes\n"), kratix: true, read: ControlState{Suspend: true}},
		{reason: "suspend: on is a YAML 1.1 boolean", src: ptr("suspend: on\n"), kratix: true, read: ControlState{Suspend: true}},
		{reason: "suspend: no is false", src: ptr("suspend: no\n"), kratix: true, read: ControlState{}},
		{reason: "suspend: null is false", src: ptr("suspend: null\n"), kratix: true, read: ControlState{}},
		{reason: "field names match case-insensitively", src: ptr("Suspend: yes\n"), kratix: true, read: ControlState{Suspend: true}},
		{reason: "retryAfter: a Go duration", src: ptr("retryAfter: 1h30m\n"), kratix: true, read: ControlState{Retry: true, RetryAfter: 90 * time.Minute}},
		{reason: "retryAfter: 0s retries at once", src: ptr("retryAfter: 0s\n"), kratix: true, read: ControlState{Retry: true}},
		{reason: "retryAfter: a negative duration retries at once", src: ptr("retryAfter: -1m\n"), kratix: true, read: ControlState{Retry: true, RetryAfter: -time.Minute}},
		{reason: "retryAfter: \"\" is no retry", src: ptr("retryAfter: \"\"\n"), kratix: true, read: ControlState{}},
		{reason: "a message that is a number", src: ptr("message: 1\n"), kratix: true, read: ControlState{Message: "1"}},
		{reason: "a message that is a YAML 1.1 boolean reads \"true\"", src: ptr("message: yes\n"), kratix: true, read: ControlState{Message: "true"}},
		{reason: "a null message is empty", src: ptr("message: null\n"), kratix: true, read: ControlState{}},
		{reason: "unknown keys are ignored", src: ptr("why: because\n"), kratix: true, read: ControlState{}},
		{reason: "an unparsable second document is never parsed", src: ptr("suspend: true\n---\n: : [\n"), kratix: true, read: ControlState{Suspend: true}},
		{reason: "a duplicate key's last value wins", src: ptr("suspend: true\nsuspend: false\n"), kratix: true, read: ControlState{}},

		{reason: "suspend: \"true\" quoted is a string", src: ptr("suspend: \"true\"\n"), where: "metadata/workflow-control.yaml:1: suspend: want a boolean, got a string"},
		{reason: "suspend: 1 is a number", src: ptr("suspend: 1\n"), where: "metadata/workflow-control.yaml:1: suspend: want a boolean, got an integer"},
		{reason: "suspend: a list", src: ptr("suspend: [true]\n"), where: "metadata/workflow-control.yaml:1: suspend: want a boolean, got a list"},
		{reason: "retryAfter: 1d has no day unit", src: ptr("retryAfter: 1d\n"), where: "metadata/workflow-control.yaml:1: retryAfter: \"1d\" is not a Go duration"},
		{reason: "retryAfter: 5 has no unit", src: ptr("retryAfter: 5\n"), where: "metadata/workflow-control.yaml:1: retryAfter: \"5\" is not a Go duration"},
		{reason: "retryAfter: 1.5 has no unit", src: ptr("x: 1\nretryAfter: 1.5\n"), where: "metadata/workflow-control.yaml:2: retryAfter: \"1.5\" is not a Go duration"},
		{reason: "retryAfter: a list", src: ptr("retryAfter: [5m]\n"), where: "metadata/workflow-control.yaml:1: retryAfter: want a Go duration like 5m, got a list"},
		{reason: "a message that is a map", src: ptr("message: {a: b}\n"), where: "metadata/workflow-control.yaml:1: message: want a message (any scalar), got a map"},
		{reason: "a list", src: ptr("- suspend: true\n"), where: "metadata/workflow-control.yaml:1: is a list; Kratix needs a map"},
		{reason: "a scalar", src: ptr("suspend\n"), where: "metadata/workflow-control.yaml:1: is a string; Kratix needs a map"},
		{reason: "a named pipe hangs the reader", pipes: []string{ControlFile},
			where: "metadata/workflow-control.yaml: cannot read: is a named pipe (FIFO), not a regular file"},
	}
	for _, row := range rows {
		t.Run(row.reason, func(t *testing.T) {
			dir := kratixTree(t, ControlFile, row)
			kratixOK, kratixRead := kratixReadsControl(dir)
			checkKratixColumn(t, row, kratixOK, kratixRead)

			k := kratixOnDisk(t, dir, nil)
			st, err := k.Control.Read()
			if !checkSDK(t, row, kratixRead, st, err) || !row.kratix {
				return
			}
			// A retry keeps what Kratix read for suspend.
			if err := k.Control.RetryAfter(time.Minute, "later"); err != nil {
				t.Fatalf("RetryAfter: %v", err)
			}
			commit(t, k)
			ok, got := kratixReadsControl(dir)
			want := ControlState{Suspend: row.read.(ControlState).Suspend, Retry: true, RetryAfter: time.Minute, Message: "later"}
			if diff := cmp.Diff(want, got); !ok || diff != "" {
				t.Errorf("after RetryAfter, Kratix accepts=%v and reads -want +got:\n%s", ok, diff)
			}
		})
	}
}

// Values a stage writes: where the SDK writes them, Kratix accepts the file and reads what was
// meant; where it refuses them, Kratix would refuse the file they make (or the SDK says why it
// refuses on purpose).
func TestKratixParityOfWhatAStageWrites(t *testing.T) {
	tests := []struct {
		reason    string
		file      string
		write     func(k *Kratix) error
		values    any // the file's content Kratix would get, for a refused write
		kratix    bool
		read      any
		onPurpose string
	}{
		{reason: "a message", file: StatusFile, write: func(k *Kratix) error { return k.Status.SetMessage("ready") },
			kratix: true, read: map[string]any{"message": "ready"}},
		{reason: "strings that YAML 1.1 would read as booleans or numbers stay strings", file: StatusFile,
			write: func(k *Kratix) error {
				return k.Status.Merge(map[string]any{"message": "yes", "a": "on", "b": "0x10", "c": "1e3", "d": "null"})
			},
			kratix: true, read: map[string]any{"message": "yes", "a": "on", "b": "0x10", "c": "1e3", "d": "null"}},
		{reason: "a condition on a fresh status", file: StatusFile,
			write: func(k *Kratix) error {
				return k.Status.SetCondition(Condition{Type: "Ready", Status: "True", LastTransitionTime: "2024-01-01T10:00:00Z"})
			},
			kratix: true, read: map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T10:00:00Z"}}}},
		{reason: "an integer up to 2^53 stays exact", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("observedGeneration", int64(1)<<53) },
			kratix: true, read: map[string]any{"observedGeneration": int64(1) << 53}},
		{reason: "3.0 is the integer 3", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("workflows", 3.0) },
			kratix: true, read: map[string]any{"workflows": int64(3)}},
		{reason: "a message that is not a string", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("message", 1) },
			values: map[string]any{"message": 1}},
		{reason: "the kratix key", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("kratix", nil) },
			values: map[string]any{"kratix": nil}},
		{reason: "the largest int64, which Kratix rounds beyond int64", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("workflows", int64(math.MaxInt64)) },
			values: map[string]any{"workflows": int64(math.MaxInt64)}},
		{reason: "workflows 3.5", file: StatusFile, write: func(k *Kratix) error { return k.Status.Set("workflows", 3.5) },
			values: map[string]any{"workflows": 3.5}},
		{reason: "a lastTransitionTime that is not RFC 3339", file: StatusFile,
			write: func(k *Kratix) error {
				return k.Status.SetCondition(Condition{Type: "A", Status: "True", LastTransitionTime: "yesterday"})
			},
			values: map[string]any{"conditions": []any{map[string]any{"type": "A", "status": "True", "lastTransitionTime": "yesterday"}}}},
		{reason: "selectors with label values YAML 1.1 would misread stay strings", file: SelectorsFile,
			write: func(k *Kratix) error {
				return k.Selectors.Add(Selector{MatchLabels: map[string]string{"a": "yes", "b": "on", "c": "1.0", "n": "null"}})
			},
			kratix: true, read: []Selector{{MatchLabels: map[string]string{"a": "yes", "b": "on", "c": "1.0", "n": "null"}}}},
		{reason: "a directory foo/../bar is written cleaned", file: SelectorsFile,
			write: func(k *Kratix) error {
				return k.Selectors.Add(Selector{Directory: "foo/../bar", MatchLabels: map[string]string{"a": "b"}})
			},
			kratix: true, read: []Selector{{Directory: "bar", MatchLabels: map[string]string{"a": "b"}}}},
		{reason: "a directory foo/bar", file: SelectorsFile,
			write: func(k *Kratix) error {
				return k.Selectors.Add(Selector{Directory: "foo/bar", MatchLabels: map[string]string{"a": "b"}})
			},
			values: []any{map[string]any{"directory": "foo/bar", "matchLabels": map[string]any{"a": "b"}}}},
		{reason: "a directory .. is refused on purpose", file: SelectorsFile,
			write: func(k *Kratix) error {
				return k.Selectors.Add(Selector{Directory: "..", MatchLabels: map[string]string{"a": "b"}})
			},
			values: []any{map[string]any{"directory": "..", "matchLabels": map[string]any{"a": "b"}}}, kratix: true, onPurpose: "stagekit refuses it on purpose"},
		{reason: "a selector without labels", file: SelectorsFile,
			write:  func(k *Kratix) error { return k.Selectors.Add(Selector{Directory: "bar"}) },
			values: []any{map[string]any{"directory": "bar", "matchLabels": map[string]any{}}}},
		{reason: "suspend", file: ControlFile, write: func(k *Kratix) error { return k.Control.Suspend("on hold") },
			kratix: true, read: ControlState{Suspend: true, Message: "on hold"}},
		{reason: "retry at once", file: ControlFile, write: func(k *Kratix) error { return k.Control.RetryAfter(0, "yes") },
			kratix: true, read: ControlState{Retry: true, Message: "yes"}},
		{reason: "retry after a negative delay", file: ControlFile, write: func(k *Kratix) error { return k.Control.RetryAfter(-time.Second, "") },
			kratix: true, read: ControlState{Retry: true, RetryAfter: -time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			dir := kratixTree(t, tc.file, parityRow{output: []string{"bar/"}})
			k := kratixOnDisk(t, dir, nil)
			err := tc.write(k)
			if err == nil {
				commit(t, k)
				if !tc.kratix || tc.onPurpose != "" {
					t.Fatalf("the SDK wrote what Kratix refuses (or stagekit refuses on purpose)")
				}
				ok, got := kratixReads(t, tc.file, dir)
				if diff := cmp.Diff(tc.read, got); !ok || diff != "" {
					t.Errorf("Kratix accepts=%v the written file and reads -want +got:\n%s", ok, diff)
				}
				return
			}
			if tc.onPurpose != "" && !strings.Contains(err.Error(), tc.onPurpose) {
				t.Errorf("refused without saying it is on purpose (%q): %v", tc.onPurpose, err)
			}
			if _, statErr := os.Stat(filepath.Join(dir, tc.file)); !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("a refused write left %s behind", tc.file)
			}
			// The file these values make, as any YAML writer would write it.
			data, merr := sigsyaml.Marshal(tc.values)
			if merr != nil {
				t.Fatal(merr)
			}
			if err := os.WriteFile(filepath.Join(dir, tc.file), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if ok, _ := kratixReads(t, tc.file, dir); ok != tc.kratix {
				t.Errorf("Kratix accepts=%v the file %q, the table says %v (the SDK refused: %v)", ok, data, tc.kratix, err)
			}
		})
	}
}

// checkKratixColumn checks the table's Kratix column against the re-statement of Kratix.
func checkKratixColumn(t *testing.T, row parityRow, ok bool, read any) {
	t.Helper()
	if ok != row.kratix {
		t.Fatalf("the table says Kratix accepts=%v, the re-statement of Kratix says %v", row.kratix, ok)
	}
	if ok && row.read != nil {
		if diff := cmp.Diff(row.read, read); diff != "" {
			t.Fatalf("the table's value read differs from the re-statement of Kratix's -table +kratix:\n%s", diff)
		}
	}
}

// checkSDK checks the SDK's reading against Kratix's; it reports whether the SDK behaved as
// the row says, so that later checks can build on it.
func checkSDK[T any](t *testing.T, row parityRow, kratixRead, got T, err error) bool {
	t.Helper()
	accepts := row.kratix && row.onPurpose == ""
	switch {
	case accepts && err != nil:
		t.Errorf("Kratix accepts the file, the SDK refuses it: %v", err)
		return false
	case !accepts && err == nil:
		t.Errorf("Kratix refuses the file (or stagekit must, on purpose), the SDK accepts it and reads %v", got)
		return false
	case !accepts:
		if !strings.HasPrefix(err.Error(), row.where) {
			t.Errorf("the error must start with %q (file, line, field), got %q", row.where, err)
		}
		if row.onPurpose != "" && !strings.Contains(err.Error(), row.onPurpose) {
			t.Errorf("the error must say the refusal is on purpose (%q), got %q", row.onPurpose, err)
		}
		return true
	}
	if diff := cmp.Diff(kratixRead, got); diff != "" {
		t.Errorf("the SDK reads differently from Kratix -kratix +sdk:\n%s", diff)
		return false
	}
	return true
}

// kratixTree lays a kratix directory on disk (the re-statements read it with package os, as
// Kratix does): the row's file, its output tree and links.
func kratixTree(t *testing.T, file string, row parityRow) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"input", "output", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ObjectFile), []byte("kind: A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if row.src != nil {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(*row.src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range row.output {
		p := filepath.Join(dir, "output", filepath.FromSlash(o))
		if strings.HasSuffix(o, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("a: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range row.pipes {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range row.links {
		p := filepath.Join(dir, "output", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func kratixOnDisk(t *testing.T, dir string, env map[string]string) *Kratix {
	t.Helper()
	disk, err := fsys.Disk(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	return kratixOn(t, disk, env)
}

func kratixReads(t *testing.T, file, dir string) (bool, any) {
	switch file {
	case StatusFile:
		return kratixReadsStatus(t, dir)
	case SelectorsFile:
		return kratixReadsSelectors(dir)
	}
	return kratixReadsControl(dir)
}

// kratixReadsSelectors re-states the work-writer, WorkCreator.Execute with
// ParseDestinationSelectors and getWorkloadsFromDir (work-creator/lib/work_creator.go): read
// destination-selectors.yaml (a missing file means none) with sigs.k8s.io/yaml into a list of
// {directory string, matchLabels map of strings}; clean every directory with filepath.Clean;
// fail when an entry has no labels, when two entries have the same directory, or when a
// directory is not its own base name. Then list each named directory (not ".") and the whole
// output, skipping the named directories at its top: recurse into what the directory listing
// says is a directory, open and read everything else. It returns the selectors read, with the
// default group's directory as "" (the SDK's spelling of ".").
func kratixReadsSelectors(dir string) (bool, []Selector) {
	data, err := readAsKratix(filepath.Join(dir, SelectorsFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	ok, sels := parseSelectorsAsKratix(data)
	if !ok {
		return false, nil
	}
	var named []string
	for _, s := range sels {
		if s.Directory != "" {
			named = append(named, s.Directory)
		}
	}
	output := filepath.Join(dir, "output")
	for _, d := range named {
		if workWriterWalk(filepath.Join(output, d), nil) != nil {
			return false, nil
		}
	}
	if workWriterWalk(output, named) != nil {
		return false, nil
	}
	return true, sels
}

// parseSelectorsAsKratix is the ParseDestinationSelectors part of kratixReadsSelectors.
func parseSelectorsAsKratix(data []byte) (bool, []Selector) {
	type workflowDestinationSelectors struct {
		Directory   string            `json:"directory,omitempty"`
		MatchLabels map[string]string `json:"matchLabels"`
	}
	var sels []workflowDestinationSelectors
	if sigsyaml.Unmarshal(data, &sels) != nil {
		return false, nil
	}
	for i := range sels {
		sels[i].Directory = filepath.Clean(sels[i].Directory)
	}
	var seen []string
	var out []Selector
	for _, s := range sels {
		if len(s.MatchLabels) == 0 || slices.Contains(seen, s.Directory) || filepath.Base(s.Directory) != s.Directory {
			return false, nil
		}
		seen = append(seen, s.Directory)
		d := s.Directory
		if d == "." {
			d = ""
		}
		out = append(out, Selector{Directory: d, MatchLabels: s.MatchLabels})
	}
	return true, out
}

func workWriterWalk(dir string, skip []string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if slices.Contains(skip, e.Name()) {
				continue
			}
			if err := workWriterWalk(p, nil); err != nil {
				return err
			}
			continue
		}
		if _, err := readAsKratix(p); err != nil {
			return err
		}
	}
	return nil
}

// errWaitsForever stands for a read of a named pipe, which Kratix's containers make with
// os.ReadFile or os.Open: it waits for a writer, which never comes in the pod, so the container
// hangs until the Job's deadline and the pipeline fails. A re-statement cannot wait forever.
var errWaitsForever = errors.New("waits forever for a writer")

// readAsKratix is os.ReadFile as Kratix's containers call it (following symlinks), except that
// a named pipe is errWaitsForever instead of a hang.
func readAsKratix(name string) ([]byte, error) {
	if fi, err := os.Stat(name); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		return nil, errWaitsForever
	}
	return os.ReadFile(name)
}

// kratixReadsControl re-states ReadWorkflowControlFile (work-creator/lib/workflow_control.go)
// and the status-writer's RetryDuration: read workflow-control.yaml (a missing file means
// nothing) with sigs.k8s.io/yaml into {suspend bool, message string, retryAfter string}; a
// non-empty retryAfter must parse with time.ParseDuration.
func kratixReadsControl(dir string) (bool, ControlState) {
	data, err := readAsKratix(filepath.Join(dir, ControlFile))
	if errors.Is(err, os.ErrNotExist) {
		return true, ControlState{}
	}
	if err != nil {
		return false, ControlState{}
	}
	return controlAsKratix(data)
}

func controlAsKratix(data []byte) (bool, ControlState) {
	var c struct {
		Suspend    bool   `json:"suspend"`
		Message    string `json:"message"`
		RetryAfter string `json:"retryAfter"`
	}
	if sigsyaml.Unmarshal(data, &c) != nil {
		return false, ControlState{}
	}
	st := ControlState{Suspend: c.Suspend, Retry: c.RetryAfter != "", Message: c.Message}
	if st.Retry {
		var err error
		if st.RetryAfter, err = time.ParseDuration(c.RetryAfter); err != nil {
			return false, ControlState{}
		}
	}
	return true, st
}

// kratixReadsStatus re-states the status-writer, updateStatus with readStatusFile
// (work-creator/cmd/update_status.go), for a pipeline that is not the last one and an object
// whose status has no conditions yet: read status.yaml (a missing file is {}) with
// sigs.k8s.io/yaml into a map; fail on a kratix key; merge it into the object's status and send
// it as JSON (encoding/json, as client-go does). The API server decodes that JSON (a number is
// an int64 when it is an integer that fits, else a float64) and validates the status against
// the schema setStatusFieldsOnCRD (internal/controller/promise_controller.go) puts on every
// request CRD, with kube-openapi's validator and format registry. It returns the status as the
// API server holds it.
func kratixReadsStatus(t *testing.T, dir string) (bool, map[string]any) {
	t.Helper()
	data, err := readAsKratix(filepath.Join(dir, StatusFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return statusAsKratix(data, statusValidator())
}

func statusAsKratix(data []byte, validator *validate.SchemaValidator) (bool, map[string]any) {
	incoming := map[string]any{}
	if sigsyaml.Unmarshal(data, &incoming) != nil {
		return false, nil
	}
	if _, ok := incoming["kratix"]; ok {
		return false, nil
	}
	sent, err := json.Marshal(incoming)
	if err != nil {
		return false, nil
	}
	held := asAPIServerDecodes(sent)
	if !validator.Validate(held).IsValid() {
		return false, nil
	}
	return true, held.(map[string]any)
}

// asAPIServerDecodes decodes JSON as apimachinery's unstructured decoding does: numbers that are
// integers fitting an int64 become int64, the others float64.
func asAPIServerDecodes(data []byte) any {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	var conv func(any) any
	conv = func(v any) any {
		switch x := v.(type) {
		case json.Number:
			if i, err := x.Int64(); err == nil {
				return i
			}
			f, _ := x.Float64()
			return f
		case map[string]any:
			for k, e := range x {
				x[k] = conv(e)
			}
		case []any:
			for i, e := range x {
				x[i] = conv(e)
			}
		}
		return v
	}
	return conv(v)
}

// statusSchema is the status schema Kratix's setStatusFieldsOnCRD puts on every request CRD
// (its kratix subtree left out: a kratix key never reaches the API server from status.yaml).
const statusSchema = `{
  "type": "object",
  "x-kubernetes-preserve-unknown-fields": true,
  "properties": {
    "message": {"type": "string"},
    "observedGeneration": {"type": "integer", "format": "int64"},
    "workflows": {"type": "integer", "format": "int64"},
    "workflowsSucceeded": {"type": "integer", "format": "int64"},
    "workflowsFailed": {"type": "integer", "format": "int64"},
    "conditions": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "lastTransitionTime": {"type": "string", "format": "datetime"},
          "message": {"type": "string"},
          "reason": {"type": "string"},
          "status": {"type": "string"},
          "type": {"type": "string"}
        }
      }
    }
  }
}`

func statusValidator() *validate.SchemaValidator {
	var s spec.Schema
	if err := json.Unmarshal([]byte(statusSchema), &s); err != nil {
		panic(err)
	}
	return validate.NewSchemaValidator(&s, nil, "", strfmt.Default)
}

// FuzzAPIDateTime checks the SDK's re-statement of the API server's datetime format against
// kube-openapi's own.
func FuzzAPIDateTime(f *testing.F) {
	for _, s := range []string{"2024-01-01T10:00:00Z", "2024-01-01t10:00:00z", "2024-01-01T10:00:00.5+02:00", "2024-01-01T10:00:00x5Z",
		"2024-01-01T24:00:00Z", "2024-02-30T10:00:00Z", "2024-01-01 10:00:00Z", "2024-01-01T10:00:00", "2024-01-01T10:00:00Zt", "2024-01-01T10:00:00é5Z", "20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := apiDateTime(s), strfmt.IsDateTime(s); got != want {
			t.Errorf("apiDateTime(%q) = %v, the API server's check says %v", s, got, want)
		}
	})
}

// FuzzKratixParity feeds the same metadata file to the SDK and to the re-statements of Kratix:
// they must agree on whether Kratix accepts it and on what it reads (stagekit may refuse a
// selector directory "..", on purpose); where both accept, a merge by the SDK must keep what
// Kratix read and add what was merged.
func FuzzKratixParity(f *testing.F) {
	for _, s := range []string{
		"- matchLabels: {a: yes, b: on}\n- directory: db\n  matchLabels:\n    <<: {tier: db}\n",
		"- matchLabels: &l {a: b}\n- directory: x/\n  matchLabels: *l\n---\n: : [\n",
		"- MatchLabels: {a: b}\n  matchlabels: {c: d}\n  matchLabels: {e: 1.0}\n",
		"message: hi\nconditions:\n- {type: Ready, status: \"True\", lastTransitionTime: 2024-01-01T10:00:00Z}\n",
		"base: &b {x: 1}\nm:\n  <<: *b\nobservedGeneration: 3.0\nmessage: a\nmessage: b\n",
		"suspend: yes\nretryAfter: 0s\nmessage: 1\n",
		"# c\n---\nsuspend: on\n...\n",
		"[]\n", "null\n", "", "- directory: ..\n  matchLabels: {a: b}\n", "conditions:\n- status: True\n",
	} {
		for file := range 3 {
			f.Add(uint8(file), s)
		}
	}
	validator := statusValidator()
	f.Fuzz(func(t *testing.T, which uint8, src string) {
		file := []string{SelectorsFile, StatusFile, ControlFile}[which%3]
		mem := pod(t, map[string]string{file: src})
		k := kratixOn(t, mem, nil)
		data := []byte(src)
		switch file {
		case SelectorsFile:
			ok, want := parseSelectorsAsKratix(data)
			got, err := k.Selectors.Read()
			if err != nil && ok && strings.Contains(err.Error(), "on purpose") {
				return
			}
			if randomReading(err) {
				return
			}
			agree(t, src, ok, want, got, err)
			if ok && err == nil {
				if err := k.Selectors.Add(Selector{Directory: "added", MatchLabels: map[string]string{"by": "yes"}}); err != nil {
					t.Fatalf("Add to %q: %v", src, err)
				}
				commit(t, k)
				after, _ := mem.ReadFile(file)
				ok2, got2 := parseSelectorsAsKratix(after)
				want = append(want, Selector{Directory: "added", MatchLabels: map[string]string{"by": "yes"}})
				if diff := cmp.Diff(want, got2); !ok2 || diff != "" {
					t.Fatalf("Add to %q wrote %q: Kratix accepts=%v, reads -want +got:\n%s", src, after, ok2, diff)
				}
			}
		case StatusFile:
			ok, want := statusAsKratix(data, validator)
			got, err := k.Status.Read()
			if randomReading(err) {
				return
			}
			agree(t, src, ok, want, got, err)
			if ok && err == nil {
				if err := k.Status.Merge(map[string]any{"added": "yes"}); err != nil {
					t.Fatalf("Merge into %q: %v", src, err)
				}
				commit(t, k)
				after, _ := mem.ReadFile(file)
				ok2, got2 := statusAsKratix(after, validator)
				want = MergeStatus(want, map[string]any{"added": "yes"})
				if diff := cmp.Diff(want, got2); !ok2 || diff != "" {
					t.Fatalf("Merge into %q wrote %q: Kratix accepts=%v, reads -want +got:\n%s", src, after, ok2, diff)
				}
			}
		default:
			ok, want := controlAsKratix(data)
			got, err := k.Control.Read()
			if randomReading(err) {
				return
			}
			agree(t, src, ok, want, got, err)
			if ok && err == nil {
				if err := k.Control.RetryAfter(time.Minute, "no"); err != nil {
					t.Fatalf("RetryAfter into %q: %v", src, err)
				}
				commit(t, k)
				after, _ := mem.ReadFile(file)
				ok2, got2 := controlAsKratix(after)
				want = ControlState{Suspend: want.Suspend, Retry: true, RetryAfter: time.Minute, Message: "no"}
				if diff := cmp.Diff(want, got2); !ok2 || diff != "" {
					t.Fatalf("RetryAfter into %q wrote %q: Kratix accepts=%v, reads -want +got:\n%s", src, after, ok2, diff)
				}
			}
		}
	})
}

// randomReading reports whether the SDK refused a file Kratix reads at random (two keys that
// turn into the same JSON key): the re-statement reads it at random too, so nothing is compared.
func randomReading(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Kratix keeps one of them at random")
}

func agree[T any](t *testing.T, src string, ok bool, want, got T, err error) {
	t.Helper()
	if ok != (err == nil) {
		t.Fatalf("%q: Kratix accepts=%v, the SDK says %v", src, ok, err)
	}
	if diff := cmp.Diff(want, got); ok && diff != "" {
		t.Fatalf("%q: the SDK reads differently from Kratix -kratix +sdk:\n%s", src, diff)
	}
}

package sdk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSelectorsRead(t *testing.T) {
	tests := []struct {
		reason  string
		file    *string
		want    []Selector
		wantErr string
	}{
		{"a missing file means no selectors", nil, nil, ""},
		{"an empty file means no selectors", ptr(""), nil, ""},
		{"a null document means no selectors", ptr("# none\n"), nil, ""},
		{"directory forms \"\", \".\" and omitted are the default group; foo, foo/ and ./foo are foo",
			ptr("- matchLabels: {a: b}\n- directory: foo/\n  matchLabels: {a: b}\n- directory: ./bar\n  matchLabels: {a: b}\n- directory: baz\n  matchLabels: {a: b}\n"),
			[]Selector{{MatchLabels: map[string]string{"a": "b"}}, {Directory: "foo", MatchLabels: map[string]string{"a": "b"}},
				{Directory: "bar", MatchLabels: map[string]string{"a": "b"}}, {Directory: "baz", MatchLabels: map[string]string{"a": "b"}}}, ""},
		{"\".\" is the default group", ptr("- directory: .\n  matchLabels: {a: b}\n"), []Selector{{MatchLabels: map[string]string{"a": "b"}}}, ""},
		{"scalar label values become strings, unknown keys are ignored",
			ptr("- matchLabels: {num: 3, b: true, f: 1.5, yes: on, nil: null}\n  weight: 4\n"),
			[]Selector{{MatchLabels: map[string]string{"num": "3", "b": "true", "f": "1.5", "true": "true", "nil": ""}}}, ""},
		{"foo//, foo/. and foo/../bar are cleaned to one segment; a\\b is one segment on Linux",
			ptr("- directory: foo//\n  matchLabels: {a: b}\n- directory: bar/.\n  matchLabels: {a: b}\n- directory: x/../baz\n  matchLabels: {a: b}\n- directory: a\\b\n  matchLabels: {a: b}\n"),
			[]Selector{{Directory: "foo", MatchLabels: map[string]string{"a": "b"}}, {Directory: "bar", MatchLabels: map[string]string{"a": "b"}},
				{Directory: "baz", MatchLabels: map[string]string{"a": "b"}}, {Directory: `a\b`, MatchLabels: map[string]string{"a": "b"}}}, ""},
		{"a duplicate key's last value counts; a second document is never parsed",
			ptr("- matchLabels: {a: b}\n  matchLabels: {c: d}\n---\n: : [\n"), []Selector{{MatchLabels: map[string]string{"c": "d"}}}, ""},
		{"merge keys are merged", ptr("- matchLabels:\n    <<: {a: b}\n    c: d\n"), []Selector{{MatchLabels: map[string]string{"a": "b", "c": "d"}}}, ""},
		{"a label value that is a map is refused", ptr("- matchLabels:\n    a: {b: c}\n"), nil,
			"metadata/destination-selectors.yaml:2: [0].matchLabels.a: a label value must be a string (a number, boolean or null becomes one), got a map"},
		{"a label value that is a list is refused", ptr("- matchLabels: {a: [b]}\n"), nil,
			"metadata/destination-selectors.yaml:1: [0].matchLabels.a: a label value must be a string (a number, boolean or null becomes one), got a list"},
		{".. passes the work-writer but leaves /kratix/output: refused on purpose", ptr("- directory: foo/../..\n  matchLabels: {a: b}\n"), nil,
			`metadata/destination-selectors.yaml:1: [0].directory: "foo/../.." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`},
		{"a map instead of a list", ptr("matchLabels: {a: b}\n"), nil,
			"metadata/destination-selectors.yaml:1: is a map; the work-writer needs a list of selectors (- matchLabels: {...})"},
		{"no matchLabels", ptr("- directory: foo\n"), nil,
			"metadata/destination-selectors.yaml:1: [0]: has no matchLabels: every selector needs at least one label"},
		{"empty matchLabels", ptr("- matchLabels: {}\n"), nil,
			"metadata/destination-selectors.yaml:1: [0]: has no matchLabels: every selector needs at least one label"},
		{"foo/bar is more than one segment", ptr("- directory: foo/bar\n  matchLabels: {a: b}\n"), nil,
			`metadata/destination-selectors.yaml:1: [0].directory: "foo/bar" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"/foo is absolute", ptr("- directory: /foo\n  matchLabels: {a: b}\n"), nil,
			`metadata/destination-selectors.yaml:1: [0].directory: "/foo" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"the same directory twice, in two spellings", ptr("- directory: foo\n  matchLabels: {a: b}\n- directory: ./foo/\n  matchLabels: {c: d}\n"), nil,
			`metadata/destination-selectors.yaml:3: [1]: names directory "foo" again (already in entry [0]): the work-writer allows one entry per directory`},
		{"two default entries", ptr("- matchLabels: {a: b}\n- directory: \"\"\n  matchLabels: {c: d}\n"), nil,
			`metadata/destination-selectors.yaml:2: [1]: names the default group (no directory) again (already in entry [0]): the work-writer allows one entry per directory`},
		{"an entry that is not a map", ptr("- a\n"), nil,
			"metadata/destination-selectors.yaml:1: [0]: must be a map with matchLabels, got a string"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fs := map[string]string{}
			if tc.file != nil {
				fs[SelectorsFile] = *tc.file
			}
			k := kratixOn(t, pod(t, fs), nil)
			got, err := k.Selectors.Read()
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestSelectorsAdd(t *testing.T) {
	dev := map[string]string{"environment": "dev"}
	tests := []struct {
		reason  string
		before  string
		add     []Selector
		want    string
		wantErr string
	}{
		{"a new file", "", []Selector{{MatchLabels: dev}, {Directory: "./platform/", MatchLabels: map[string]string{"environment": "platform"}}},
			"- matchLabels:\n    environment: dev\n- directory: platform\n  matchLabels:\n    environment: platform\n", ""},
		{"labels merge into an earlier stage's entry for the same directory",
			"- matchLabels:\n    environment: dev\n", []Selector{{Directory: ".", MatchLabels: map[string]string{"region": "eu"}}},
			"- matchLabels:\n    environment: dev\n    region: eu\n", ""},
		{"a new directory is appended after an earlier stage's entries",
			"- matchLabels:\n    environment: dev\n", []Selector{{Directory: "db", MatchLabels: map[string]string{"tier": "db"}}},
			"- matchLabels:\n    environment: dev\n- directory: db\n  matchLabels:\n    tier: db\n", ""},
		{"a shell stage's yes and on keep their bytes and the value Kratix read, \"true\"",
			"- matchLabels: {a: yes, b: on}\n", []Selector{{MatchLabels: map[string]string{"a": "true", "c": "d"}}},
			"- matchLabels: {a: yes, b: on, c: d}\n", ""},
		{"changing a label Kratix read as \"true\" is a conflict",
			"- matchLabels: {a: yes}\n", []Selector{{MatchLabels: map[string]string{"a": "yes"}}},
			"- matchLabels: {a: yes}\n", `metadata/destination-selectors.yaml:1: [0].matchLabels.a: is "true" (written by an earlier stage); refusing to change it to "yes"`},
		{"a merge key stays a merge key, not a label \"<<\"",
			"- matchLabels:\n    <<: {a: b}\n", []Selector{{MatchLabels: map[string]string{"c": "d"}}},
			"- matchLabels:\n    <<: {a: b}\n    c: d\n", ""},
		{"entries the merge does not change keep their bytes, comments included",
			"- matchLabels: {env: dev}   # one\n- directory: ./db/\n  matchLabels: {tier: db}   # two\n", []Selector{{Directory: "db", MatchLabels: map[string]string{"zone": "a"}}, {Directory: "x", MatchLabels: map[string]string{"e": "f"}}},
			"- matchLabels: {env: dev}   # one\n- directory: ./db/\n  matchLabels: {tier: db, zone: a}   # two\n- directory: x\n  matchLabels:\n    e: f\n", ""},
		{"a second document that does not parse is kept and never read",
			"- matchLabels: {a: b}\n---\n: : [\n", []Selector{{MatchLabels: map[string]string{"c": "d"}}},
			"- matchLabels: {a: b, c: d}\n---\n: : [\n", ""},
		{"an entry whose labels are an alias gets its own copy, in the anchored value's style; the anchored entry keeps its labels",
			"- matchLabels: &l {a: b}\n- directory: x\n  matchLabels: *l\n", []Selector{{Directory: "x", MatchLabels: map[string]string{"c": "d"}}},
			"- matchLabels: &l {a: b}\n- directory: x\n  matchLabels: {a: b, c: d}\n", ""},
		{".. is refused on purpose", "", []Selector{{Directory: "..", MatchLabels: dev}}, "",
			`metadata/destination-selectors.yaml: directory: ".." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`},
		{"a conflicting label is refused, the file untouched",
			"- matchLabels:\n    environment: dev\n", []Selector{{MatchLabels: map[string]string{"environment": "prod"}}},
			"- matchLabels:\n    environment: dev\n",
			`metadata/destination-selectors.yaml:2: [0].matchLabels.environment: is "dev" (written by an earlier stage); refusing to change it to "prod"`},
		{"an invalid selector is refused", "", []Selector{{Directory: "a/b", MatchLabels: dev}}, "",
			`metadata/destination-selectors.yaml: directory: "a/b" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"an empty matchLabels is refused", "", []Selector{{Directory: "a"}}, "",
			"metadata/destination-selectors.yaml: matchLabels: is empty: every selector needs at least one label"},
		{"an invalid file left by an earlier stage is reported, not overwritten", "environment: dev\n", []Selector{{MatchLabels: dev}}, "environment: dev\n",
			"metadata/destination-selectors.yaml:1: is a map; the work-writer needs a list of selectors (- matchLabels: {...})"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			fs := map[string]string{}
			if tc.before != "" {
				fs[SelectorsFile] = tc.before
			}
			mem := pod(t, fs)
			k := kratixOn(t, mem, nil)
			err := k.Selectors.Add(tc.add...)
			commit(t, k)
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, files(mem)[SelectorsFile]); diff != "" {
				t.Errorf("file -want +got:\n%s", diff)
			}
			if err != nil {
				return
			}
			// Adding the same again changes nothing.
			if err := k.Selectors.Add(tc.add...); err != nil {
				t.Fatal(err)
			}
			commit(t, k)
			if diff := cmp.Diff(tc.want, files(mem)[SelectorsFile]); diff != "" {
				t.Errorf("second Add changed the file: -want +got:\n%s", diff)
			}
		})
	}
	// The caller's map is not modified.
	labels := map[string]string{"a": "b"}
	k := kratixOn(t, pod(t, map[string]string{SelectorsFile: "- matchLabels: {c: d}\n"}), nil)
	if err := k.Selectors.Add(Selector{MatchLabels: labels}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"a": "b"}, labels); diff != "" {
		t.Errorf("caller's labels changed: %s", diff)
	}
}

func TestSelectorDirectoriesMustExistAtTheEnd(t *testing.T) {
	tests := []struct {
		reason string
		write  string // output file the stage writes, "" for none
		want   []string
		code   int
	}{
		{"the directory holds a file: fine", "platform/x.yaml", nil, ExitOK},
		{"the directory is missing: the run fails naming it", "other.yaml",
			[]string{`metadata/destination-selectors.yaml:1: [0].directory: "platform" has no /kratix/output/platform: write files there or drop the selector (the work-writer fails on a missing directory)`}, ExitRuleBroken},
		{"a file named like the directory is not a directory", "platform",
			[]string{`metadata/destination-selectors.yaml:1: [0].directory: "platform" has no /kratix/output/platform: write files there or drop the selector (the work-writer fails on a missing directory)`}, ExitRuleBroken},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			st := Stage[struct{}]{Name: "s", Run: func(k *Kratix, _ *struct{}) error {
				if err := k.Output.Write(tc.write, []byte("a: 1\n")); err != nil {
					return err
				}
				return k.Selectors.Add(Selector{Directory: "platform", MatchLabels: map[string]string{"e": "p"}})
			}}
			res := st.Execute(Invocation{FS: pod(t, nil)})
			var got []string
			for _, d := range res.Diagnostics {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			if res.ExitCode != tc.code {
				t.Errorf("exit %d, want %d", res.ExitCode, tc.code)
			}
		})
	}
}

func TestTheRunEndsWithTheWorkWritersChecks(t *testing.T) {
	const platform = "- matchLabels: {a: b}\n- directory: platform\n  matchLabels: {e: p}\n"
	tests := []struct {
		reason string
		files  map[string]string // the kratix directory before a run that changes nothing
		links  map[string]string // symlink name -> target
		env    map[string]string
		want   []string
	}{
		{reason: "a directory an earlier stage named fails the run when it is missing, although this stage never touched the selectors",
			files: map[string]string{SelectorsFile: platform, "output/a.yaml": "a: 1\n"},
			want:  []string{`metadata/destination-selectors.yaml:2: [1].directory: "platform" has no /kratix/output/platform: write files there or drop the selector (the work-writer fails on a missing directory)`}},
		{reason: "the directory exists: fine",
			files: map[string]string{SelectorsFile: platform, "output/platform/a.yaml": "a: 1\n"}},
		{reason: "a symlink to a directory anywhere in output/ fails Kratix's walk",
			files: map[string]string{"output/real/a.yaml": "a: 1\n"},
			links: map[string]string{"output/deep/er/link": "../../real"},
			want:  []string{"output/deep/er/link: symlink to a directory: the work-writer reads every symlink as a file and fails on this one (is a directory); put the files in output/ instead of linking their directory"}},
		{reason: "a selector's directory that is a symlink to a directory fails the walk too",
			files: map[string]string{SelectorsFile: platform, "output/real/a.yaml": "a: 1\n"},
			links: map[string]string{"output/platform": "real"},
			want:  []string{"output/platform: symlink to a directory: the work-writer reads every symlink as a file and fails on this one (is a directory); put the files in output/ instead of linking their directory"}},
		{reason: "a dangling symlink fails the walk",
			links: map[string]string{"output/x.yaml": "missing.yaml"},
			want:  []string{"output/x.yaml: dangling symlink: the work-writer fails when it reads it; remove it or point it at a file"}},
		{reason: "a symlink out of output/ is refused on purpose",
			files: map[string]string{ObjectFile: "kind: A\n"},
			links: map[string]string{"output/obj.yaml": "../input/object.yaml"},
			want:  []string{"output/obj.yaml: symlink resolves to /kratix/input/object.yaml, outside /kratix/output: Kratix would ship that file, so stagekit refuses a link out of the output on purpose"}},
		{reason: "a symlink to a file inside output/ is shipped as that file: fine",
			files: map[string]string{"output/a.yaml": "a: 1\n"},
			links: map[string]string{"output/sub/b.yaml": "../a.yaml"}},
		{reason: "suspended: the work-writer stops before it walks output/, and so does the check",
			files: map[string]string{SelectorsFile: platform, ControlFile: "suspend: yes\n"},
			links: map[string]string{"output/x.yaml": "missing.yaml"}},
		{reason: "retrying, even after 0s: the same",
			files: map[string]string{SelectorsFile: platform, ControlFile: "retryAfter: 0s\n"}},
		{reason: "a delete workflow has no work-writer",
			files: map[string]string{SelectorsFile: platform},
			env:   map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "delete"}},
		{reason: "a workflow-control.yaml Kratix cannot read fails the run",
			files: map[string]string{ControlFile: "suspend: \"true\"\n"},
			want:  []string{"metadata/workflow-control.yaml:1: suspend: want a boolean, got a string"}},
		{reason: "selectors Kratix refuses fail the run even when suspended (the work-writer reads them first)",
			files: map[string]string{SelectorsFile: "- directory: a/b\n  matchLabels: {a: b}\n", ControlFile: "suspend: true\n"},
			want:  []string{`metadata/destination-selectors.yaml:1: [0].directory: "a/b" must be one top-level directory of /kratix/output (like platform), not a path`}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			mem := pod(t, tc.files)
			for name, target := range tc.links {
				if err := mem.Symlink(target, name); err != nil {
					t.Fatal(err)
				}
			}
			env := tc.env
			if env == nil {
				env = map[string]string{"KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_WORKFLOW_ACTION": "configure"}
			}
			st := Stage[struct{}]{Name: "s", Acts: []Workflow{ResourceConfigure, ResourceDelete}, Run: func(*Kratix, *struct{}) error { return nil }}
			res := st.Execute(Invocation{FS: mem, Env: MapEnv(env)})
			var got []string
			for _, d := range res.Diagnostics {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
			if wantCode := map[bool]int{true: ExitOK, false: ExitRuleBroken}[tc.want == nil]; res.ExitCode != wantCode {
				t.Errorf("exit %d, want %d", res.ExitCode, wantCode)
			}
		})
	}
}

func TestSelectorDirectory(t *testing.T) {
	cases := []struct {
		reason    string
		dir       string
		selector  string // SelectorDirectory's result, or its error
		component string // ComponentDirectory's result, or its error
	}{
		{"a plain name is itself", "platform", "platform", "platform"},
		{"a trailing slash is cleaned away", "foo/", "foo", "foo"},
		{"a leading ./ is cleaned away", "./foo", "foo", "foo"},
		{"a doubled slash is cleaned away (label-injector used to refuse it)", "foo//", "foo", "foo"},
		{"a trailing /. is cleaned away (label-injector used to refuse it)", "foo/.", "foo", "foo"},
		{"foo/../bar cleans to bar", "foo/../bar", "bar", "bar"},
		{"a backslash is a character of one segment on Linux, so the work-writer takes it; the SDK's file system does not",
			`a\b`, `a\b`, `error: "a\\b" holds a backslash: stagekit reads and writes no file there (give a plain directory name, like platform)`},
		{"the empty directory is the default group", "", "", `error: "" names no directory (it is the default group): give one top-level directory of /kratix/output, like platform`},
		{". is the default group", ".", "", `error: "." names no directory (it is the default group): give one top-level directory of /kratix/output, like platform`},
		{"what cleans to . is the default group", "foo/..", "", `error: "foo/.." names no directory (it is the default group): give one top-level directory of /kratix/output, like platform`},
		{"/ is all of the output: the work-writer takes it", "/", "/", `error: "/" names all of /kratix/output: give one top-level directory of it, like platform`},
		{"a path of two segments is refused",
			"foo/bar", `error: "foo/bar" must be one top-level directory of /kratix/output (like platform), not a path`, `error: "foo/bar" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"an absolute path is refused",
			"/foo", `error: "/foo" must be one top-level directory of /kratix/output (like platform), not a path`, `error: "/foo" must be one top-level directory of /kratix/output (like platform), not a path`},
		{".. passes the work-writer but leaves the output: refused on purpose",
			"..", `error: ".." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`, `error: ".." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`},
		{"what cleans to .. is refused the same way",
			"foo/../..", `error: "foo/../.." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`, `error: "foo/../.." leaves /kratix/output: Kratix would ship files from outside it, so stagekit refuses it on purpose`},
	}
	result := func(dir string, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		return dir
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.selector, result(SelectorDirectory(tc.dir))); diff != "" {
			t.Errorf("%s: SelectorDirectory(%q) -want +got:\n%s", tc.reason, tc.dir, diff)
		}
		if diff := cmp.Diff(tc.component, result(ComponentDirectory(tc.dir))); diff != "" {
			t.Errorf("%s: ComponentDirectory(%q) -want +got:\n%s", tc.reason, tc.dir, diff)
		}
		// Selectors.Read reads a directory written in the file by the same rule.
		k := kratixOn(t, pod(t, map[string]string{SelectorsFile: fmt.Sprintf("- directory: %q\n  matchLabels: {a: b}\n", tc.dir)}), nil)
		sels, err := k.Selectors.Read()
		read := "error: " + strings.TrimPrefix(errText(err), "metadata/destination-selectors.yaml:1: [0].directory: ")
		if err == nil {
			read = sels[0].Directory
		}
		if diff := cmp.Diff(tc.selector, read); diff != "" {
			t.Errorf("%s: Selectors.Read of %q -SelectorDirectory +Read:\n%s", tc.reason, tc.dir, diff)
		}
	}
}

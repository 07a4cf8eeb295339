package sdk

import (
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
			ptr("- matchLabels: {n: 3, b: true, f: 1.5}\n  weight: 4\n"),
			[]Selector{{MatchLabels: map[string]string{"n": "3", "b": "true", "f": "1.5"}}}, ""},
		{"a map instead of a list", ptr("matchLabels: {a: b}\n"), nil,
			"metadata/destination-selectors.yaml:1: is a map; the work-writer needs a list of selectors (- matchLabels: {...})"},
		{"no matchLabels", ptr("- directory: foo\n"), []Selector{{Directory: "foo"}},
			"metadata/destination-selectors.yaml: [0]: has no matchLabels: every selector needs at least one label"},
		{"empty matchLabels", ptr("- matchLabels: {}\n"), []Selector{{MatchLabels: map[string]string{}}},
			"metadata/destination-selectors.yaml: [0]: has no matchLabels: every selector needs at least one label"},
		{"foo/bar is more than one segment", ptr("- directory: foo/bar\n  matchLabels: {a: b}\n"), []Selector{{Directory: "foo/bar", MatchLabels: map[string]string{"a": "b"}}},
			`metadata/destination-selectors.yaml: [0]: directory "foo/bar" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"/foo is absolute", ptr("- directory: /foo\n  matchLabels: {a: b}\n"), []Selector{{Directory: "/foo", MatchLabels: map[string]string{"a": "b"}}},
			`metadata/destination-selectors.yaml: [0]: directory "/foo" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"the same directory twice, in two spellings", ptr("- directory: foo\n  matchLabels: {a: b}\n- directory: ./foo/\n  matchLabels: {c: d}\n"),
			[]Selector{{Directory: "foo", MatchLabels: map[string]string{"a": "b"}}, {Directory: "foo", MatchLabels: map[string]string{"c": "d"}}},
			`metadata/destination-selectors.yaml: [1]: names directory "foo" again (already in entry [0]): the work-writer allows one entry per directory`},
		{"two default entries", ptr("- matchLabels: {a: b}\n- directory: \"\"\n  matchLabels: {c: d}\n"),
			[]Selector{{MatchLabels: map[string]string{"a": "b"}}, {MatchLabels: map[string]string{"c": "d"}}},
			`metadata/destination-selectors.yaml: [1]: names the default group (no directory) again (already in entry [0]): the work-writer allows one entry per directory`},
		{"an entry that is not a map", ptr("- a\n"), nil,
			"metadata/destination-selectors.yaml:1: [0]: must be a map with matchLabels, got a scalar"},
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
		{"a conflicting label is refused, the file untouched",
			"- matchLabels:\n    environment: dev\n", []Selector{{MatchLabels: map[string]string{"environment": "prod"}}},
			"- matchLabels:\n    environment: dev\n",
			`metadata/destination-selectors.yaml: [0].matchLabels.environment: is "dev" (written by an earlier stage); refusing to change it to "prod"`},
		{"an invalid selector is refused", "", []Selector{{Directory: "a/b", MatchLabels: dev}}, "",
			`metadata/destination-selectors.yaml: [0]: directory "a/b" must be one top-level directory of /kratix/output (like platform), not a path`},
		{"an empty matchLabels is refused", "", []Selector{{Directory: "a"}}, "",
			"metadata/destination-selectors.yaml: [0]: has no matchLabels: every selector needs at least one label"},
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
			[]string{`metadata/destination-selectors.yaml: directory "platform" has no /kratix/output/platform: write files there or drop the selector (the work-writer fails on a missing directory)`}, ExitRuleBroken},
		{"a file named like the directory is not a directory", "platform",
			[]string{`metadata/destination-selectors.yaml: directory "platform" has no /kratix/output/platform: write files there or drop the selector (the work-writer fails on a missing directory)`}, ExitRuleBroken},
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

package fleet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sample() Report {
	rep := Report{SchemaVersion: SchemaVersion, Promise: "vm", Workflow: "resource.configure",
		From: Side{File: "v1.yaml", Digest: "sha256:a", Pipelines: []string{"p: a"}},
		To:   Side{File: "v2.yaml", Digest: "sha256:b", Pipelines: []string{"p: a, b"}, Skipped: []string{"p/apply (--skip apply)"}}}
	for _, r := range []RequestReport{
		{Namespace: "a", Name: "x", Source: "r.yaml:1", Result: Changed, Files: []FileDiff{{Path: "p/output/x.tf", Change: "modified", Diff: "--- a/p/output/x.tf\n+++ b/p/output/x.tf\n@@ -1 +1 @@\n-a & <b>\n+c\n"}}},
		{Namespace: "a", Name: "y", Source: "r.yaml:5", Result: Unchanged},
		{Namespace: "b", Name: "z", Source: "r.yaml:9", Result: Failed, Failures: []FailureReport{{Side: "to", Pipeline: "p", Container: "b", ExitCode: 1, Message: "exited 1", Log: []string{"ERROR b: ```boom```"}}}},
	} {
		rep.Requests = append(rep.Requests, r)
		rep.Summary.add(r)
	}
	return rep
}

// The JSON writer streams; what it writes must be the document encoding the whole report
// gives, so a reader needs no streaming parser and merge can print it again byte for byte.
func TestJSONStreamsTheWholeDocument(t *testing.T) {
	for _, rep := range []Report{sample(), {SchemaVersion: SchemaVersion, Shard: &Shard{Index: 1, Count: 3}}} {
		var buf bytes.Buffer
		w, _ := NewWriter("json", &buf)
		if err := Write(w, rep); err != nil {
			t.Fatal(err)
		}
		whole, err := Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(whole)+"\n", buf.String()); diff != "" {
			t.Errorf("streamed JSON (-whole +streamed):\n%s", diff)
		}
		back, err := Parse("report.json", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests == nil {
			back.Requests = nil
		}
		if diff := cmp.Diff(rep, back); diff != "" {
			t.Errorf("the JSON does not read back (-written +read):\n%s", diff)
		}
	}
}

func TestText(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter("text", &buf)
	if err := Write(w, sample()); err != nil {
		t.Fatal(err)
	}
	want := `Promise vm: v1.yaml -> v2.yaml, resource.configure, 3 requests
  from: p: a
  to:   p: a, b
  skipped (to): p/apply (--skip apply)

~ a/x: changed (1 file)
--- a/p/output/x.tf
+++ b/p/output/x.tf
@@ -1 +1 @@
-a & <b>
+c

= a/y: unchanged

! b/z: failed
  with v2.yaml: pipeline p, container b: exited 1
    | ERROR b: ` + "```boom```" + `

3 requests: 1 changed, 1 unchanged, 1 failed; 1 file differs
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

func TestMarkdown(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter("markdown", &buf)
	if err := Write(w, sample()); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"| requests | changed | unchanged | failed | files differ |\n|---:|---:|---:|---:|---:|\n| 3 | 1 | 1 | 1 | 1 |\n",
		"| `a/x` | changed | 1 |\n| `b/z` | failed | — |\n",
		"<details><summary><code>a/x</code>: changed (1 file)</summary>\n\n```diff\n--- a/p/output/x.tf",
		"````\nERROR b: ```boom```\n````", // a fence longer than the log's backticks
		"<details><summary>1 request unchanged</summary>\n\n- `a/y`\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q:\n%s", want, got)
		}
	}
}

func TestMarkdownStaysInsideAComment(t *testing.T) {
	rep := Report{SchemaVersion: SchemaVersion, Promise: "vm"}
	big := strings.Repeat("+line\n", 2000)
	for i := range 100 {
		r := RequestReport{Namespace: "ns", Name: strings.Repeat("x", i+1), Result: Changed, Files: []FileDiff{{Path: "f", Change: "modified", Diff: big}}}
		rep.Requests = append(rep.Requests, r)
		rep.Summary.add(r)
	}
	var buf bytes.Buffer
	w, _ := NewWriter("markdown", &buf)
	if err := Write(w, rep); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 65536 {
		t.Errorf("%d characters: more than a GitHub comment holds", buf.Len())
	}
	if !strings.Contains(buf.String(), "more requests not shown here") {
		t.Errorf("the report does not say diffs were left out")
	}
}

func TestMerge(t *testing.T) {
	full := sample()
	var shards []Report
	for i := range 2 {
		s := full
		s.Shard = &Shard{Index: i, Count: 2}
		s.Requests, s.Summary = nil, Summary{}
		for _, r := range full.Requests {
			if (r.Name == "y") == (i == 1) {
				s.Requests = append(s.Requests, r)
				s.Summary.add(r)
			}
		}
		shards = append(shards, s)
	}
	merged, err := Merge([]string{"1.json", "0.json"}, []Report{shards[1], shards[0]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(full, merged); diff != "" {
		t.Errorf("merged (-unsharded +merged):\n%s", diff)
	}
	for _, tc := range []struct {
		reason string
		reps   []Report
		want   string
	}{
		{"a missing shard", shards[:1], "shards 1 of 2 are missing"},
		{"a shard twice", []Report{shards[0], shards[0], shards[1]}, "are both shard 0"},
		{"another Promise", []Report{shards[0], func() Report { r := shards[1]; r.To.Digest = "sha256:c"; return r }()}, "compares other Promises"},
		{"an unsharded report", []Report{full, shards[0]}, "is an unsharded report"},
	} {
		names := make([]string, len(tc.reps))
		for i := range names {
			names[i] = "r.json"
		}
		if _, err := Merge(names, tc.reps); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Merge = %v, want an error containing %q", tc.reason, err, tc.want)
		}
	}
}

// With Stat, each file that differs is one line: how it changed and the lines it adds and
// removes, Secret keys still listed (never values), a withheld file still saying why.
func TestStat(t *testing.T) {
	rep := sample()
	rep.Requests[0].Files = append(rep.Requests[0].Files,
		FileDiff{Path: "p/output/operator.yaml", Change: "removed",
			Diff: "--- a/p/output/operator.yaml\n+++ /dev/null\n@@ -1,3 +0,0 @@\n----\n--- a\n-kind: Namespace\n"},
		FileDiff{Path: "p/output/policy.yaml", Change: "added", Diff: "--- /dev/null\n+++ b/p/output/policy.yaml\n@@ -0,0 +1,2 @@\n++++\n+kind: NetworkPolicy\n"},
		FileDiff{Path: "p/output/db.yaml", Change: "modified", Diff: "--- a/p/output/db.yaml (Secret values withheld)\n+++ b/p/output/db.yaml (Secret values withheld)\n@@ -1 +1 @@\n-x\n+y\n",
			Secrets: []SecretDiff{{Object: "Secret a/db (document 1)", Keys: []KeyChange{{"data.password", "changed"}}}}},
		FileDiff{Path: "p/output/broken.yaml", Change: "modified", Withheld: "b/p/output/broken.yaml:3: mapping values are not allowed here: not shown, it may hold a Secret"})
	var text bytes.Buffer
	w, err := NewWriter("text", &text, Stat())
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(w, rep); err != nil {
		t.Fatal(err)
	}
	want := `~ a/x: changed (5 files)
  ~ p/output/x.tf: modified (+1 -1)
  - p/output/operator.yaml: removed (-3)
  + p/output/policy.yaml: added (+2)
  ~ p/output/db.yaml: modified (+1 -1)
    Secret a/db (document 1): data.password changed
  ~ p/output/broken.yaml: modified (b/p/output/broken.yaml:3: mapping values are not allowed here: not shown, it may hold a Secret)

= a/y: unchanged
`
	if !strings.Contains(text.String(), want) {
		t.Errorf("text with Stat lacks:\n%s\ngot:\n%s", want, text.String())
	}
	var md bytes.Buffer
	if w, err = NewWriter("markdown", &md, Stat()); err != nil {
		t.Fatal(err)
	}
	if err := Write(w, rep); err != nil {
		t.Fatal(err)
	}
	if want := "```text\n  ~ p/output/x.tf: modified (+1 -1)\n  - p/output/operator.yaml: removed (-3)\n"; !strings.Contains(md.String(), want) {
		t.Errorf("markdown with Stat lacks %q:\n%s", want, md.String())
	}
	if _, err := NewWriter("json", &md, Stat()); err == nil || !strings.Contains(err.Error(), "-o json always carries every diff") {
		t.Errorf("JSON with Stat: %v, want an error", err)
	}
}

package fleet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagekit/stagekit/internal/pod"
	"github.com/stagekit/stagekit/internal/requests"
)

var req = requests.Request{Namespace: "default", Name: "db", Source: "requests.yaml:1"}

func run(files map[string]string, status map[string]any) pod.Result {
	pr := pod.PipelineResult{Name: "configure", Output: map[string][]byte{}}
	for n, d := range files {
		pr.Output[n] = []byte(d)
	}
	return pod.Result{Pipelines: []pod.PipelineResult{pr}, Status: status}
}

const secretV1 = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {mode: fast}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: default
stringData:
  password: hunter2-old
  user: admin-name
`

const secretV2 = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {mode: safe}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: default
  labels: {tier: db}
stringData:
  password: hunter2-new
  user: admin-name
  token: tok-3141592
`

// The values of the fixtures' Secrets: none may ever be printed.
var secretValues = []string{"hunter2", "admin-name", "tok-3141592", "S3cr3t", "PASSWORD=", "Zm9v"}

func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, v := range secretValues {
		if strings.Contains(text, v) {
			t.Errorf("%s prints the secret value %q:\n%s", what, v, text)
		}
	}
}

func TestCompareWithholdsSecretValues(t *testing.T) {
	rep := Compare(req, run(map[string]string{"db.yaml": secretV1}, nil), run(map[string]string{"db.yaml": secretV2}, nil))
	if rep.Result != Changed || len(rep.Files) != 1 {
		t.Fatalf("want one changed file, got %+v", rep)
	}
	f := rep.Files[0]
	want := []SecretDiff{{Object: "Secret default/db (document 2)", Keys: []KeyChange{
		{"stringData.password", "changed"}, {"stringData.token", "added"}, {"stringData.user", "unchanged"}}}}
	if diff := cmp.Diff(want, f.Secrets); diff != "" {
		t.Errorf("Secret keys (-want +got):\n%s", diff)
	}
	for _, line := range []string{
		"-  mode: fast", "+  mode: safe", // the ConfigMap's data is shown
		"+    tier: db",                                                       // the Secret's metadata is shown
		"-  password: (secret value)", "+  password: (secret value, changed)", // a changed value is a changed line
		"+  token: (secret value)", "   user: (secret value)",
	} {
		if !strings.Contains(f.Diff, line+"\n") {
			t.Errorf("the diff lacks %q:\n%s", line, f.Diff)
		}
	}
	for _, format := range Formats {
		var buf bytes.Buffer
		w, _ := NewWriter(format, &buf)
		if err := Write(w, Report{Requests: []RequestReport{rep}}); err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, format, buf.String())
		if !strings.Contains(buf.String(), "stringData.password") {
			t.Errorf("%s does not name the changed key:\n%s", format, buf.String())
		}
	}
}

func TestCompareWithholdsWhatMayBeASecret(t *testing.T) {
	for _, tc := range []struct {
		reason       string
		from, to     map[string]string
		wantWithheld string
		wantKeys     []KeyChange
	}{
		{"a manifest that does not parse is named by file and line, never shown",
			map[string]string{"s.yaml": "kind: Secret\nstringData:\n  password: hunter2\n"},
			map[string]string{"s.yaml": "kind: Secret\nstringData:\n  password: *S3cr3t\n"},
			"b/configure/output/s.yaml:", nil},
		{"a removed Secret's keys are listed as removed",
			map[string]string{"s.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {key: Zm9v}\n"},
			map[string]string{},
			"", []KeyChange{{"data.key", "removed"}}},
		{"a SecretList's items carry no kind and are Secrets",
			map[string]string{"l.json": `{"apiVersion":"v1","kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{"k":"Zm9v"}}]}`},
			map[string]string{"l.json": `{"apiVersion":"v1","kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{"k":"YmFy"}}]}`},
			"", []KeyChange{{"data.k", "changed"}}},
		{"a kustomization's secretGenerator literals are Secret values",
			map[string]string{"kustomization.yaml": "secretGenerator:\n- name: db\n  literals: [password=hunter2-old]\n"},
			map[string]string{"kustomization.yaml": "secretGenerator:\n- name: db\n  literals: [password=hunter2-new]\n"},
			"", []KeyChange{{"literals.password", "changed"}}},
		{"a file a secretGenerator reads is a Secret's content",
			map[string]string{"kustomization.yaml": "secretGenerator:\n- name: db\n  envs: [db.env]\n", "db.env": "PASSWORD=hunter2-old\n"},
			map[string]string{"kustomization.yaml": "secretGenerator:\n- name: db\n  envs: [db.env]\n", "db.env": "PASSWORD=hunter2-new\n"},
			"read by the secretGenerator of configure/output/kustomization.yaml: a Secret's content, not shown", nil},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			rep := Compare(req, run(tc.from, nil), run(tc.to, nil))
			if len(rep.Files) != 1 {
				t.Fatalf("want one file that differs, got %+v", rep.Files)
			}
			f := rep.Files[0]
			if !strings.HasPrefix(f.Withheld, tc.wantWithheld) || (tc.wantWithheld == "") != (f.Withheld == "") {
				t.Errorf("withheld %q, want it to start with %q", f.Withheld, tc.wantWithheld)
			}
			if tc.wantWithheld != "" && f.Diff != "" {
				t.Errorf("a withheld file has a diff:\n%s", f.Diff)
			}
			var keys []KeyChange
			for _, s := range f.Secrets {
				keys = append(keys, s.Keys...)
			}
			if diff := cmp.Diff(tc.wantKeys, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			for _, format := range Formats {
				var buf bytes.Buffer
				w, _ := NewWriter(format, &buf)
				_ = Write(w, Report{Requests: []RequestReport{rep}})
				assertNoSecret(t, format, buf.String())
			}
		})
	}
}

func TestCompare(t *testing.T) {
	same := run(map[string]string{"a.yaml": "kind: A\n", "main.tf": "x\n"}, map[string]any{"message": "ok"})
	if rep := Compare(req, same, same); rep.Result != Unchanged || len(rep.Files) != 0 {
		t.Errorf("the same run twice: %+v", rep)
	}
	changed := Compare(req, same, run(map[string]string{"a.yaml": "kind: A\n", "b.yaml": "kind: B\n"}, map[string]any{"message": "ok", "replicas": 2}))
	var got []string
	for _, f := range changed.Files {
		got = append(got, f.Change+" "+f.Path)
	}
	want := []string{"added configure/output/b.yaml", "removed configure/output/main.tf", "modified status"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got), sorted with the status last:\n%s", diff)
	}
	if !strings.HasPrefix(changed.Files[0].Diff, "--- /dev/null\n+++ b/configure/output/b.yaml\n") {
		t.Errorf("an added file diffs from /dev/null:\n%s", changed.Files[0].Diff)
	}
	failed := Compare(req, same, pod.Result{Failure: &pod.Failure{Pipeline: "configure", Container: "tags", Exit: 1, Message: "exited 1", Log: []string{"ERROR tags: boom"}}})
	if failed.Result != Failed || len(failed.Failures) != 1 || failed.Failures[0].Side != "to" {
		t.Errorf("a failing new Promise: %+v", failed)
	}
}

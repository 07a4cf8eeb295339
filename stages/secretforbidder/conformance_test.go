package secretforbidder

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/stagekit/stagekit/internal/fixtures"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stagekit/stagekit/sdk/stagetest"
	yaml2 "sigs.k8s.io/yaml/goyaml.v2"
)

// fixturesDir is the repository's testdata/; a test fails when it is missing.
func fixturesDir(t testing.TB) string { return fixtures.Require(t) }

func readFixture(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// renders are the Helm and kustomize renders of the marketplace, by file name.
func renders(t testing.TB) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixturesDir(t), "kratix-marketplace", "rendered", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no renders: %v", err)
	}
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

// expectedSecrets counts the core v1 Secrets of a YAML stream independently of the stage: with
// the YAML decoder kubectl's sigs.k8s.io/yaml uses, not yamldoc. Each is "output/<file>: Secret
// ns/name (document N)"; the stage's line number is left out, the rest must match exactly.
func expectedSecrets(t testing.TB, file, src string, allowEmpty bool) []string {
	t.Helper()
	var out []string
	dec := yaml2.NewDecoder(bytes.NewReader([]byte(src)))
	for i := 0; ; i++ {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", file, i+1, err)
		}
		if doc["apiVersion"] != "v1" || doc["kind"] != "Secret" {
			continue
		}
		if allowEmpty && len(asMap(doc["data"])) == 0 && len(asMap(doc["stringData"])) == 0 {
			continue
		}
		meta := asMap(doc["metadata"])
		out = append(out, fmt.Sprintf("output/%s: Secret %v/%v (document %d)", file, meta["namespace"], meta["name"], i+1))
	}
	return out
}

func asMap(v any) map[any]any {
	m, _ := v.(map[any]any)
	return m
}

var lineRe = regexp.MustCompile(`^(output/[^:]+):\d+: `)

// withoutLines drops the line numbers of the stage's error lines, checking each has one.
func withoutLines(t testing.TB, errs []string) []string {
	t.Helper()
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		if !lineRe.MatchString(e) {
			t.Errorf("error without file:line: %q", e)
		}
		out = append(out, lineRe.ReplaceAllString(e, "$1: "))
	}
	sort.Strings(out)
	return out
}

// TestConformanceRenders: every render alone, then all of them together, with and without
// ALLOW_EMPTY; the stage must report exactly the Secrets an independent count finds.
func TestConformanceRenders(t *testing.T) {
	all := renders(t)
	for _, allowEmpty := range []bool{false, true} {
		env := map[string]string{"ALLOW_EMPTY": fmt.Sprint(allowEmpty)}
		var wantAll []string
		for name, src := range all {
			want := expectedSecrets(t, name, src, allowEmpty)
			wantAll = append(wantAll, want...)
			t.Run(fmt.Sprintf("%s/allow-empty=%v", name, allowEmpty), func(t *testing.T) {
				res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: env, Output: map[string]string{name: src}})
				checkReport(t, res, want)
			})
		}
		t.Run(fmt.Sprintf("all/allow-empty=%v", allowEmpty), func(t *testing.T) {
			res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: env, Output: all})
			checkReport(t, res, wantAll)
		})
	}
}

func checkReport(t *testing.T, res *stagetest.Result, want []string) {
	t.Helper()
	sort.Strings(want)
	wantCode := 0
	if len(want) > 0 {
		wantCode = 1
	}
	if res.ExitCode != wantCode {
		t.Errorf("exit %d, want %d\n%s", res.ExitCode, wantCode, res.Logs)
	}
	if diff := cmp.Diff(want, withoutLines(t, res.Errors()), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("violations -want +got:\n%s", diff)
	}
}

// TestConformanceSecretRenders pins the counts MANIFEST.md gives, so the independent count
// cannot silently agree with the stage on nothing.
func TestConformanceSecretRenders(t *testing.T) {
	all := renders(t)
	cases := []struct {
		file       string
		want       int
		allowEmpty int // Secrets left with ALLOW_EMPTY=true
		reason     string
	}{
		{"crossplane-helm.yaml", 3, 0, "three empty Secrets the init container fills"},
		{"dapr.yaml", 1, 0, "the empty trust bundle Secret"},
		{"tekton-v0.68.1.yaml", 1, 0, "webhook-certs, populated at install time, after a licence comment header"},
		{"argocd-cluster-install.yaml", 2, 0, "argocd-secret and argocd-notifications-secret placeholders"},
		{"kubeflow-pipelines-manifest.yaml", 2, 2, "credentials in stringData (minio123)"},
		{"nginx-ingress-helm-template.yaml", 0, 0, "negative control"},
		{"kiali-helm.yaml", 0, 0, "negative control"},
		{"mongodb-operator-helm.yaml", 0, 0, "negative control: RBAC rules mention secrets, odd kind: spacing"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			src, ok := all[c.file]
			if !ok {
				t.Fatalf("%s missing from the fixtures", c.file)
			}
			for allowEmpty, want := range map[bool]int{false: c.want, true: c.allowEmpty} {
				res := stagetest.Run(t, Stage, stagetest.Fixture{Env: map[string]string{"ALLOW_EMPTY": fmt.Sprint(allowEmpty)}, Output: map[string]string{c.file: src}})
				if got := len(res.Errors()); got != want {
					t.Errorf("%s (ALLOW_EMPTY=%v): %d violations, want %d\n%s", c.reason, allowEmpty, got, want, res.Logs)
				}
			}
		})
	}
}

// TestConformanceRemoveLeavesNoSecret: MODE=remove over every render leaves output the
// independent count finds no Secret in, and changes nothing else (files without a Secret keep
// their bytes).
func TestConformanceRemoveLeavesNoSecret(t *testing.T) {
	all := renders(t)
	res := stagetest.Idempotent(t, Stage, stagetest.Fixture{Env: map[string]string{"MODE": "remove"}, Output: all})
	if res.ExitCode != 0 {
		t.Fatalf("exit %d\n%s", res.ExitCode, res.Logs)
	}
	for name, src := range all {
		got := res.Files("output")[name]
		if left := expectedSecrets(t, name, got, false); len(left) > 0 {
			t.Errorf("%s still holds %v", name, left)
		}
		if len(expectedSecrets(t, name, src, false)) == 0 && got != src {
			t.Errorf("%s had no Secret but changed", name)
		}
	}
}
